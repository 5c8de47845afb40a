#!/bin/sh
# Deliberately broken implementation: the numpy example with --bug overflow.
# attnflow check --impl "sh examples/broken/overflow.sh" fails; see README.md for the theorem it violates.
exec python3 "$(dirname "$0")/../python/attnflow_impl.py" --bug overflow "$@"
