#!/usr/bin/env python3
"""A complete implementation of the attnflow dynamics in numpy, served by attnflow_harness.

    attnflow check --impl "python3 examples/python/attnflow_impl.py"

The four functions of PROTOCOL.md (velocity, flow, layer, energy) for the models sa and usa; the
harness (attnflow_harness.py, next to this file) speaks the protocol, batch extension included.
To check your own code, see README.md "Check your own code in 5 minutes": a file with your
functions and one serve(...) call is all it takes.

Flags (for attnflow's own tests; your code does not need them):
  --integrator dopri5|rk4   flow integrator (default dopri5: adaptive, rtol 1e-12; rk4: fixed step --h)
  --h STEP                  RK4 step (default 1e-3)
  --no-batch                do not announce the batch extension
  --bug NAME                answer with a deliberate mistake (see BUGS below)
  --fault KIND              misbehave on the protocol (see FAULTS below)
  --fault-op OP             ... only on requests for this op (default: every op)
  --fault-after N           ... only from the N-th run request of this process on (default 1)
"""
import sys

import numpy as np

from attnflow_harness import serve

BUGS = {
    "no-projection": "velocity forgets the tangent projection P_x (eq. 2.3)",
    "softmax-axis": "softmax normalised over the wrong axis (columns instead of rows)",
    "overflow": "exp(beta <Qx_i, Kx_j>) without the max shift: overflows at large beta",
    "euler-no-renorm": "flow by explicit Euler, h = 1e-2, without renormalising the tokens",
    "gauss-seidel": "flow updates the tokens one after the other (in place), not all at once",
}
FAULTS = ["crash", "hang", "garbage", "wrong-seq", "wrong-shape", "nan", "error", "stderr-noise"]


# ---------------------------------------------------------------- Mathematics

def weights(X, Q, K, beta, model, bug=None):
    """Attention weights w_ij (eq. 2.4): softmax over j of beta <Q x_i, K x_j>, or e^{...}/n (usa).

    For usa the weights are returned as (W_shifted, log_scale) with w_ij = W_shifted_ij * e^{log_scale_i},
    so large beta does not overflow before the tangent projection.
    """
    S = (X @ Q.T) @ (X @ K.T).T
    n = X.shape[0]
    if bug == "overflow":
        E = np.exp(beta * S)
        if model == "sa":
            return E / E.sum(axis=1, keepdims=True), np.zeros(n)
        return E / n, np.zeros(n)
    if bug == "softmax-axis":
        m = S.max(axis=0, keepdims=True)
        E = np.exp(beta * (S - m))
        return E / E.sum(axis=0, keepdims=True), np.zeros(n)
    m = S.max(axis=1, keepdims=True)
    E = np.exp(beta * (S - m))
    if model == "sa":
        return E / E.sum(axis=1, keepdims=True), np.zeros(n)
    return E / n, beta * m[:, 0]


def drift(X, Q, K, V, beta, model, bug=None):
    """a_i = sum_j w_ij V x_j, as (shifted drift, log scale per row)."""
    W, log_scale = weights(X, Q, K, beta, model, bug)
    return W @ (X @ V.T), log_scale


def velocity(X, Q, K, V, beta, model, bug=None):
    """dx_i/dt = P_{x_i}(sum_j w_ij V x_j), P_x(y) = y - <x, y> x (eq. 2.3)."""
    A, log_scale = drift(X, Q, K, V, beta, model, bug)
    if bug != "no-projection":
        A = A - np.sum(A * X, axis=1, keepdims=True) * X
    if np.any(log_scale != 0):
        A = A * np.exp(log_scale)[:, None]
    return A


def normalize(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


# Dormand-Prince 5(4) tableau.
_C = np.array([0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1])
_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_B5 = np.array([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0])
_B4 = np.array([5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])


def flow_dopri5(f, X, times, rtol=1e-12, atol=1e-14, max_steps=200000):
    """Adaptive Dormand-Prince RK5(4), stepping exactly onto each output time, tokens renormalised
    after every accepted step (a retraction onto the sphere, which the exact flow preserves: S1)."""
    out, t, h, steps = [], 0.0, 1e-3, 0
    k1 = f(X)
    for T in times:
        while t < T:
            steps += 1
            if steps > max_steps:
                raise RuntimeError(f"dopri5 took more than {max_steps} steps before t = {T}")
            h = min(h, T - t)
            ks = [k1]
            for s in range(1, 7):
                Y = X + h * sum(a * k for a, k in zip(_A[s], ks))
                ks.append(f(Y))
            X5 = X + h * sum(b * k for b, k in zip(_B5, ks))
            X4 = X + h * sum(b * k for b, k in zip(_B4, ks))
            scale = atol + rtol * np.maximum(np.abs(X), np.abs(X5))
            err = np.sqrt(np.mean(((X5 - X4) / scale) ** 2))
            if not np.isfinite(err):
                raise RuntimeError(f"the state became non-finite at t = {t}")
            if err <= 1.0:
                t = T if T - t <= h else t + h
                X = normalize(X5)
                k1 = f(X)
            h = h * min(5.0, max(0.2, 0.9 * (1.0 / max(err, 1e-16)) ** 0.2))
        out.append(X.copy())
    return out


def flow_rk4(f, X, times, h=1e-3):
    """Classical RK4 with fixed step h (the last step before each output time shortened), renormalised."""
    out, t = [], 0.0
    for T in times:
        while t < T - 1e-15:
            dt = min(h, T - t)
            k1 = f(X)
            k2 = f(X + dt / 2 * k1)
            k3 = f(X + dt / 2 * k2)
            k4 = f(X + dt * k3)
            X = normalize(X + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4))
            t += dt
        out.append(X.copy())
    return out


def flow_buggy(f, X, times, bug):
    out, t, h = [], 0.0, 1e-2
    for T in times:
        while t < T - 1e-15:
            dt = min(h, T - t)
            if bug == "euler-no-renorm":
                X = X + dt * f(X)
            else:  # gauss-seidel: token i sees the already-updated tokens 0..i-1
                X = X.copy()
                for i in range(X.shape[0]):
                    X[i] = X[i] + dt * f(X)[i]
                    X[i] /= np.linalg.norm(X[i])
            t += dt
        out.append(X.copy())
    return out


def layer(X, Q, K, V, beta, model, h, steps, bug=None):
    """Post-LN layer: x_i <- (x_i + h a_i) / |x_i + h a_i|, no projection, all tokens at once."""
    out = []
    for _ in range(steps):
        A, log_scale = drift(X, Q, K, V, beta, model, bug)
        A = A * np.exp(log_scale)[:, None]
        X = normalize(X + h * A)
        out.append(X)
    return out


def energy(X, Q, K, beta):
    """E = (1/(2 beta n^2)) sum_ij exp(beta <Q x_i, K x_j>) (Remark 3.8), exponent shifted by its max."""
    S = (X @ Q.T) @ (X @ K.T).T
    n = X.shape[0]
    m = S.max()
    return float(np.exp(beta * m) * np.exp(beta * (S - m)).sum() / (2 * beta * n * n))


# ---------------------------------------------------------------- Serving

def serve_numpy(opts):
    """The four ops as functions of one request, handed to the harness."""
    bug = opts["bug"]

    def flow(r):
        f = lambda Y: velocity(Y, r.Q, r.K, r.V, r.beta, r.model, bug)
        if bug in ("euler-no-renorm", "gauss-seidel"):
            return flow_buggy(f, r.X, r.times, bug)
        if opts["integrator"] == "rk4" or bug == "no-projection":
            return flow_rk4(f, r.X, r.times, opts["h"])
        return flow_dopri5(f, r.X, r.times)

    return serve(
        velocity=lambda r: velocity(r.X, r.Q, r.K, r.V, r.beta, r.model, bug),
        flow=flow,
        layer=lambda r: layer(r.X, r.Q, r.K, r.V, r.beta, r.model, r.h, r.steps, bug),
        energy=lambda r: energy(r.X, r.Q, r.K, r.beta),
        name="numpy-example" + (f"+{bug}" if bug else ""), version="1.0.0", language="python",
        batch=opts["batch"], wire_hook=fault_hook(opts) if opts["fault"] else None)


def fault_hook(opts):
    """Protocol misbehaviour for attnflow's own tests: rewrites the answers from the chosen request on."""
    fault, count = opts["fault"], [0]

    def hook(req, ans):
        count[0] += 1
        if count[0] < opts["fault_after"] or opts["fault_op"] not in (None, req.get("op")):
            return ans
        if fault in ("crash", "hang"):
            sys.stderr.write(f"attnflow_impl: simulated {fault}\n")
            sys.stderr.flush()
            if fault == "crash":
                sys.exit(3)
            import time
            time.sleep(3600)
        if fault == "garbage":
            return "this is not JSON"
        if fault == "error":
            return {"seq": ans["seq"], "error": {"kind": "internal", "message": "simulated internal error"}}
        if fault == "wrong-seq":
            return {**ans, "seq": (ans["seq"] or 0) + 1000}
        if fault == "stderr-noise":
            sys.stderr.write("attnflow_impl: some log line\n")
        if fault == "wrong-shape":
            if "states" in ans and ans["states"]:
                ans["states"] = ans["states"][:-1]
            if "velocity" in ans and ans["velocity"]:
                ans["velocity"] = ans["velocity"][:-1] + [ans["velocity"][-1] + [0.0]]
        if fault == "nan" and "velocity" in ans:
            ans["velocity"][0][0] = "NaN"
        return ans

    return hook


def main(argv):
    opts = {"integrator": "dopri5", "h": 1e-3, "batch": True, "bug": None, "fault": None, "fault_op": None, "fault_after": 1}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--no-batch":
            opts["batch"] = False
        elif a in ("--integrator", "--h", "--bug", "--fault", "--fault-op", "--fault-after") and i + 1 < len(argv):
            key = a[2:].replace("-", "_")
            opts[key] = float(argv[i + 1]) if key == "h" else int(argv[i + 1]) if key == "fault_after" else argv[i + 1]
            i += 1
        else:
            sys.stderr.write(f"attnflow_impl: unknown argument {a!r}\n")
            return 2
        i += 1
    if opts["bug"] not in (None, *BUGS):
        sys.stderr.write(f"attnflow_impl: unknown --bug {opts['bug']!r}; one of {', '.join(BUGS)}\n")
        return 2
    if opts["fault"] not in (None, *FAULTS):
        sys.stderr.write(f"attnflow_impl: unknown --fault {opts['fault']!r}; one of {', '.join(FAULTS)}\n")
        return 2
    if opts["integrator"] not in ("dopri5", "rk4"):
        sys.stderr.write(f"attnflow_impl: unknown --integrator {opts['integrator']!r}; one of dopri5, rk4\n")
        return 2
    return serve_numpy(opts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
