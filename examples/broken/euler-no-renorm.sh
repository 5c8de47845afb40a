#!/bin/sh
# Deliberately broken implementation: the numpy example with --bug euler-no-renorm.
# attnflow check --impl "sh examples/broken/euler-no-renorm.sh" fails; see README.md for the theorem it violates.
exec python3 "$(dirname "$0")/../python/attnflow_impl.py" --bug euler-no-renorm "$@"
