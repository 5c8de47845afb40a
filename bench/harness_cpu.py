"""CPU seconds an implementation process spends on batches of velocity requests: the harness-based
numpy example against a baseline command (the hand-written template it replaced), without attnflow
or a terminal in the loop. CPU time (user + system of the child), minimum over repetitions, minus the
cost of a bare start/stop, is much less sensitive to a loaded machine than wall-clock rates.

    git show 1731858:examples/python/attnflow_impl.py > /tmp/old_template.py
    python3 bench/harness_cpu.py --baseline "python3 /tmp/old_template.py" [--reps 7]
"""
import argparse
import json
import os
import resource
import shlex
import subprocess
import tempfile

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--impl", default="python3 examples/python/attnflow_impl.py")
p.add_argument("--baseline", required=True)
p.add_argument("--reps", type=int, default=7)
a = p.parse_args()


def batches(n, d, lines, rng):
    out = [json.dumps({"cmd": "start", "protocol": 1})]
    seq = 0
    for _ in range(lines):
        runs = []
        for k in range(64):
            X = rng.standard_normal((n, d))
            X /= np.linalg.norm(X, axis=1, keepdims=True)
            seq += 1
            runs.append({"cmd": "run", "seq": seq, "op": "velocity", "model": "sa", "beta": 1 + k % 5,
                         "Q": None, "K": None, "V": None, "X": X.tolist()})
        out.append(json.dumps({"cmd": "batch", "runs": runs}))
    out.append(json.dumps({"cmd": "stop"}))
    return "\n".join(out) + "\n", seq


def cpu(cmd, path):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(path) as f:
        subprocess.run(shlex.split(cmd), stdin=f, stdout=subprocess.DEVNULL, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime


rng = np.random.default_rng(7)
cases = [("start/stop", 1, 1, 0), ("4 x 3", 4, 3, 60), ("16 x 8", 16, 8, 30), ("64 x 16", 64, 16, 8)]
with tempfile.TemporaryDirectory() as tmp:
    files = []
    for label, n, d, lines in cases:
        text, count = batches(n, d, lines, rng) if lines else (
            json.dumps({"cmd": "start", "protocol": 1}) + "\n" + json.dumps({"cmd": "stop"}) + "\n", 0)
        path = os.path.join(tmp, f"{n}x{d}.jsonl")
        with open(path, "w") as f:
            f.write(text)
        files.append((label, path, count))
    best = {}
    for _ in range(a.reps):  # alternate the two commands so that a change of load hits both
        for label, path, _count in files:
            for who, cmd in (("impl", a.impl), ("baseline", a.baseline)):
                t = cpu(cmd, path)
                best[(label, who)] = min(best.get((label, who), t), t)
print(f"CPU seconds (min of {a.reps}), batches of 64 velocity requests; impl: {a.impl}; baseline: {a.baseline}")
print(f"{'n x d':>10}  {'requests':>8}  {'impl s':>7}  {'baseline s':>10}  {'impl/baseline':>13}  {'impl us/req':>11}")
for label, _path, count in files:
    i, b = best[(label, "impl")], best[(label, "baseline")]
    if count:
        i, b = i - best[("start/stop", "impl")], b - best[("start/stop", "baseline")]
    per = f"{1e6 * i / count:.0f}" if count else "-"
    print(f"{label:>10}  {count:>8}  {i:7.3f}  {b:10.3f}  {i / b:13.2f}  {per:>11}")
