#!/bin/sh
# Deliberately broken implementation: the numpy example with --bug no-projection.
# attnflow check --impl "sh examples/broken/no-projection.sh" fails; see README.md for the theorem it violates.
exec python3 "$(dirname "$0")/../python/attnflow_impl.py" --bug no-projection "$@"
