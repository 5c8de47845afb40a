#!/bin/sh
# Deliberately broken implementation: the numpy example with --bug softmax-axis.
# attnflow check --impl "sh examples/broken/softmax-axis.sh" fails; see README.md for the theorem it violates.
exec python3 "$(dirname "$0")/../python/attnflow_impl.py" --bug softmax-axis "$@"
