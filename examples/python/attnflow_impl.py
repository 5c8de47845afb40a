#!/usr/bin/env python3
"""A complete implementation of the attnflow protocol v1 in numpy: the template to copy.

    attnflow check --impl "python3 examples/python/attnflow_impl.py"

It answers the four ops of PROTOCOL.md (velocity, flow, layer, energy) for the models sa and usa,
plus attnflow's optional `batch` command (many runs in one line). Replace the four functions in the
"Mathematics" section by calls into your own code; keep the protocol loop as it is.

Flags (for attnflow's own tests; a copy for your code does not need them):
  --integrator dopri5|rk4   flow integrator (default dopri5: adaptive, rtol 1e-12; rk4: fixed step --h)
  --h STEP                  RK4 step (default 1e-3)
  --no-batch                do not announce the batch extension
  --bug NAME                answer with a deliberate mistake (see BUGS below)
  --fault KIND              misbehave on the protocol (see FAULTS below)
  --fault-op OP             ... only on requests for this op (default: every op)
  --fault-after N           ... only from the N-th run request of this process on (default 1)
"""
import json
import sys

import numpy as np

BUGS = {
    "no-projection": "velocity forgets the tangent projection P_x (eq. 2.3)",
    "softmax-axis": "softmax normalised over the wrong axis (columns instead of rows)",
    "overflow": "exp(beta <Qx_i, Kx_j>) without the max shift: overflows at large beta",
    "euler-no-renorm": "flow by explicit Euler, h = 1e-2, without renormalising the tokens",
    "gauss-seidel": "flow updates the tokens one after the other (in place), not all at once",
}
FAULTS = ["crash", "hang", "garbage", "wrong-seq", "wrong-shape", "nan", "error", "stderr-noise"]


# ---------------------------------------------------------------- Mathematics

def matrix(m, d):
    """A wire matrix (null = identity) as a d x d array (numpy reads "NaN"/"Infinity" strings too)."""
    return np.eye(d) if m is None else np.asarray(m, dtype=float)


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
                raise Refused("internal", f"dopri5 took more than {max_steps} steps before t = {T}")
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
                raise Refused("internal", f"the state became non-finite at t = {t}")
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


# ---------------------------------------------------------------- Protocol

class Refused(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def decode(v):
    """Wire numbers: JSON numbers, or "NaN" / "Infinity" / "-Infinity" (float() reads all three)."""
    if isinstance(v, str):
        return float(v)
    return v


def array(v):
    """A wire matrix as a float array; numpy's float conversion also reads the non-finite strings."""
    return np.asarray(v, dtype=float)


def wire(x):
    """One float for the wire: non-finite values as the protocol's strings."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def encode(a):
    """A 2-D array for the wire: nested lists, non-finite values as strings."""
    a = np.asarray(a, dtype=float)
    if np.all(np.isfinite(a)):
        return a.tolist()
    return [[wire(x) for x in row] for row in a.tolist()]


class Implementation:
    def __init__(self, opts):
        self.opts = opts
        self.count = 0

    def run(self, req):
        op = req.get("op")
        if op not in ("velocity", "flow", "layer", "energy"):
            raise Refused("not-supported", f"op {op!r} is not supported")
        X = array(req["X"])
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise Refused("invalid-request", "X must be a non-empty n x d array")
        d = X.shape[1]
        beta = float(decode(req["beta"]))
        Q, K = matrix(req.get("Q"), d), matrix(req.get("K"), d)
        bug = self.opts["bug"]
        if op == "energy":
            if beta <= 0:
                raise Refused("invalid-request", "energy needs beta > 0")
            return {"energy": wire(energy(X, Q, K, beta))}
        V, model = matrix(req.get("V"), d), req["model"]
        if model not in ("sa", "usa"):
            raise Refused("not-supported", f"model {model!r} is not supported")
        if op == "velocity":
            return {"velocity": encode(velocity(X, Q, K, V, beta, model, bug))}
        if op == "layer":
            return {"states": [encode(s) for s in layer(X, Q, K, V, beta, model, float(req["h"]), int(req["steps"]), bug)]}
        times = [float(decode(t)) for t in req["times"]]
        f = lambda Y: velocity(Y, Q, K, V, beta, model, bug)
        if bug in ("euler-no-renorm", "gauss-seidel"):
            states = flow_buggy(f, X, times, bug)
        elif self.opts["integrator"] == "rk4" or bug == "no-projection":
            states = flow_rk4(f, X, times, self.opts["h"])
        else:
            states = flow_dopri5(f, X, times)
        return {"states": [encode(s) for s in states]}

    def answer(self, req):
        """One run request -> one answer object (never raises)."""
        seq = req.get("seq")
        self.count += 1
        fault = self.opts["fault"]
        if fault and self.count >= self.opts["fault_after"] and self.opts["fault_op"] in (None, req.get("op")):
            if fault == "crash":
                sys.stderr.write("attnflow_impl: simulated crash\n")
                sys.stderr.flush()
                sys.exit(3)
            if fault == "hang":
                sys.stderr.write("attnflow_impl: simulated hang\n")
                sys.stderr.flush()
                import time
                time.sleep(3600)
            if fault == "error":
                return {"seq": seq, "error": {"kind": "internal", "message": "simulated internal error"}}
            if fault == "wrong-seq":
                seq = (seq or 0) + 1000
            if fault == "stderr-noise":
                sys.stderr.write("attnflow_impl: some log line\n")
        try:
            ans = {"seq": seq, **self.run(req)}
        except Refused as e:
            return {"seq": seq, "error": {"kind": e.kind, "message": str(e)}}
        except Exception as e:  # a failure of this implementation, reported as such
            return {"seq": seq, "error": {"kind": "internal", "message": f"{type(e).__name__}: {e}"}}
        if fault and self.count >= self.opts["fault_after"] and self.opts["fault_op"] in (None, req.get("op")):
            if fault == "wrong-shape":
                for key in ("velocity", "states"):
                    if key in ans and len(ans[key]) > 0:
                        ans[key] = ans[key][:-1] if key == "states" else ans[key][:-1] + [ans[key][-1] + [0.0]]
            if fault == "nan" and "velocity" in ans:
                ans["velocity"][0][0] = "NaN"
        return ans


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
    impl = Implementation(opts)
    out = sys.stdout
    name = "numpy-example" + (f"+{opts['bug']}" if opts["bug"] else "")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            out.write(json.dumps({"seq": None, "error": {"kind": "invalid-request", "message": f"line is not JSON: {e}"}}) + "\n")
            out.flush()
            continue
        if opts["fault"] == "garbage" and req.get("cmd") == "run" and impl.count + 1 >= opts["fault_after"] \
                and opts["fault_op"] in (None, req.get("op")):
            impl.count += 1
            out.write("this is not JSON\n")
            out.flush()
            continue
        cmd = req.get("cmd")
        if cmd == "stop":
            return 0
        if cmd == "start":
            supports = {"ops": ["velocity", "flow", "layer", "energy"], "models": ["sa", "usa"]}
            if opts["batch"]:
                supports["batch"] = True
            ans = {"ready": True, "protocol": 1,
                   "implementation": {"name": name, "version": "1.0.0", "language": "python"},
                   "supports": supports}
        elif cmd == "run":
            ans = impl.answer(req)
        elif cmd == "batch" and opts["batch"]:
            ans = {"answers": [impl.answer(r) for r in req.get("runs", [])]}
        else:
            ans = {"seq": req.get("seq"), "error": {"kind": "not-supported", "message": f"unknown cmd {cmd!r}"}}
        out.write(json.dumps(ans, allow_nan=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
