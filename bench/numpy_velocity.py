"""numpy baseline for `npm run bench`: times the SA velocity of eq. (2.3) with Q = K = V = I.

Spawned once by bench/run.ts; it times its own loop (process start excluded) and prints one JSON
object on stdout. Same math as attnflow: stable softmax (row shift by the row maximum), weights
times values, tangent projection P^perp_{x_i}.

Usage: python3 bench/numpy_velocity.py '{"sizes": [[16, 3], ...], "beta": 1, "reps": 5, "minTime": 0.05}'
"""
import json
import sys
import time

import numpy as np


def velocity(X, beta):
    G = X @ X.T
    W = np.exp(beta * (G - G.max(axis=1, keepdims=True)))
    W /= W.sum(axis=1, keepdims=True)
    U = W @ X
    U -= np.einsum("ij,ij->i", U, X)[:, None] * X
    return U


def time_one(n, d, beta, reps, min_time):
    rng = np.random.default_rng(12345 + 7919 * n + d)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    velocity(X, beta)
    # Calibrate the inner loop so that one repetition lasts about min_time seconds.
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            velocity(X, beta)
        dt = time.perf_counter() - t0
        if dt >= min_time or inner >= 1 << 20:
            break
        inner *= 2
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            velocity(X, beta)
        samples.append((time.perf_counter() - t0) / inner)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


def main():
    cfg = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    sizes = cfg.get("sizes", [[16, 3], [64, 64], [1024, 512]])
    beta = float(cfg.get("beta", 1.0))
    reps = int(cfg.get("reps", 5))
    min_time = float(cfg.get("minTime", 0.05))
    out = []
    for n, d in sizes:
        median, best = time_one(n, d, beta, reps, min_time)
        out.append({"n": n, "d": d, "seconds": median, "min": best})
    print(json.dumps({"numpy": np.__version__, "results": out}))


if __name__ == "__main__":
    main()
