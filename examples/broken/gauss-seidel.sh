#!/bin/sh
# Deliberately broken implementation: the numpy example with --bug gauss-seidel.
# attnflow check --impl "sh examples/broken/gauss-seidel.sh" fails; see README.md for the theorem it violates.
exec python3 "$(dirname "$0")/../python/attnflow_impl.py" --bug gauss-seidel "$@"
