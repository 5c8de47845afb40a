"""numpy baseline for `npm run bench`: times the SA velocity of eq. (2.3) with Q = K = V = I.

Spawned once by bench/run.ts; it times its own loop (process start excluded) and prints one JSON
object on stdout. Same math as attnflow: stable softmax (row shift by the row maximum), weights
times values, tangent projection P^perp_{x_i}.

With a size [n, d, 1] (general Q, K, V), Q, K and V are d x d Gaussian matrices scaled by
1 / sqrt(d) (scores of order 1): Q x_i, K x_j and V x_j are computed in each evaluation, as attnflow does.

Usage: python3 bench/numpy_velocity.py '{"sizes": [[16, 3], [16, 3, 1], ...], "beta": 1, "reps": 5, "minTime": 0.05}'
"""
import json
import sys
import time

import numpy as np


def velocity_identity(X, beta):
    G = X @ X.T
    W = np.exp(beta * (G - G.max(axis=1, keepdims=True)))
    W /= W.sum(axis=1, keepdims=True)
    U = W @ X
    U -= np.einsum("ij,ij->i", U, X)[:, None] * X
    return U


def velocity_general(X, beta, Q, K, V):
    QX = X @ Q.T
    KX = X @ K.T
    VX = X @ V.T
    G = QX @ KX.T
    W = np.exp(beta * (G - G.max(axis=1, keepdims=True)))
    W /= W.sum(axis=1, keepdims=True)
    U = W @ VX
    U -= np.einsum("ij,ij->i", U, X)[:, None] * X
    return U


def time_one(n, d, beta, reps, min_time, general=False):
    rng = np.random.default_rng(12345 + 7919 * n + d)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    if general:
        Q, K, V = (rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(3))
        velocity = lambda X, beta: velocity_general(X, beta, Q, K, V)  # noqa: E731
    else:
        velocity = velocity_identity
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
    for size in sizes:
        n, d = size[0], size[1]
        general = len(size) > 2 and bool(size[2])
        median, best = time_one(n, d, beta, reps, min_time, general)
        out.append({"n": n, "d": d, "general": general, "seconds": median, "min": best})
    print(json.dumps({"numpy": np.__version__, "results": out}))


if __name__ == "__main__":
    main()
