#!/usr/bin/env python3
"""The mutant zoo: single-bug implementations and correct variants, served over the attnflow protocol.

    python3 examples/python/zoo/zoo.py --mutant softmax-axis      # one member, speaking the protocol
    python3 examples/python/zoo/zoo.py --list                     # the registry as JSON lines
    attnflow check --impl "python3 examples/python/zoo/zoo.py --mutant beta-twice"
    npm run zoo                                                   # every member: the kill matrix

Each member is base.Base (a correct numpy implementation) with one method overridden: mutants.py
holds the mistakes, correct.py the legitimate alternatives. Served by examples/python/attnflow_harness.py.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from correct import CORRECT, PurePython  # noqa: E402
from mutants import MUTANTS  # noqa: E402


def registry():
    """Every member: name, kind (mutant | correct), class of mistake, description, expected killers."""
    rows = [{"name": n, "kind": "mutant", "class": c, "description": d, "expected": e} for n, c, _, d, e in MUTANTS]
    rows += [{"name": n, "kind": "correct", "class": "correct", "description": d, "expected": []} for n, _, d in CORRECT]
    return rows


def member(name):
    for n, _, cls, _, _ in MUTANTS:
        if n == name:
            return cls
    for n, cls, _ in CORRECT:
        if n == name:
            return cls
    return None


def main(argv):
    if argv[:1] == ["--list"]:
        for row in registry():
            print(json.dumps(row))
        return 0
    if len(argv) != 2 or argv[0] != "--mutant":
        sys.stderr.write("usage: zoo.py --mutant NAME | --list\n")
        return 2
    cls = member(argv[1])
    if cls is None:
        names = ", ".join(r["name"] for r in registry())
        sys.stderr.write(f"zoo.py: unknown member {argv[1]!r}; one of {names}\n")
        return 2
    from attnflow_harness import serve

    impl = cls()
    return serve(velocity=impl.velocity, flow=impl.flow, layer=impl.layer, energy=impl.energy,
                 name=f"zoo:{argv[1]}", version="1.0.0", language="python", models=("sa", "usa"), batch=True,
                 arrays="lists" if cls is PurePython else "numpy")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
