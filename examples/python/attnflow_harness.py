"""attnflow_harness: serve your own attention code over the attnflow protocol v1, in one call.

    # my_impl.py
    import sys; sys.path.insert(0, "path/to/attnflow/examples/python")   # or copy this file next to yours
    from attnflow_harness import serve

    def velocity(req):               # req.X, req.Q, req.K, req.V (float64 arrays; identity for null), req.beta, req.model
        return my_velocity(req.X, req.Q, req.K, req.V, req.beta, req.model)   # numpy array, torch tensor or lists

    serve(velocity=velocity, name="my-impl", version="0.3")   # also flow=, layer=, energy=

    $ attnflow check --impl "python3 my_impl.py"

Each function receives one request object with the attributes

    X, Q, K, V   the configuration (n x d) and the d x d matrices, identity filled in for null
    beta, model  a float and "sa" / "usa" (model is None for energy)
    times        flow only: the increasing output times
    h, steps     layer only: the step size and the number of steps
    op, seq, n, d, raw   the op name, the request's seq, the sizes and the request as decoded JSON

as numpy float64 arrays when numpy is importable (nested lists of floats otherwise; torch float64
tensors with arrays="torch"). `velocity` returns the n x d field, `flow` the list of states at `times`,
`layer` the list of states after each step, `energy` a number. Results may be numpy arrays, torch
tensors (any dtype, device or grad state), nested lists, or lists of those.

Ops that are not given are not announced, so attnflow skips the theorems that need them. Exceptions
become protocol errors and the loop goes on: NotImplementedError -> "not-supported" (the theorem is
skipped), ValueError -> "invalid-request", anything else -> "internal" with the traceback on stderr;
raise Refused(kind, message) to choose the kind yourself. Standard output carries protocol lines
only: from the moment serve() is called, print() in your code (and anything else written to file
descriptor 1) goes to stderr, which attnflow shows when a check fails. (Before serve() is called,
stdout is still stdout: print set-up messages to sys.stderr, or attnflow reads them as a broken
handshake.) Non-finite numbers travel as "NaN" / "Infinity" / "-Infinity" in
both directions. The optional batch extension is served unless batch=False. The harness never reads
sys.argv, so your script may parse its own flags.

With ATTNFLOW_HARNESS_STATS=FILE in the environment, each process appends one JSON line to FILE
when it stops: lines and runs answered, seconds in your functions (user_s), in the harness (decoding,
encoding, JSON: harness_s) and in all (wall_s, which includes waiting for attnflow).

Standard library only at its core; numpy is used when present, torch only when you pass torch tensors
or ask for them. See PROTOCOL.md for the wire format.
"""
import json
import math
import os
import sys
import time
import traceback

try:
    import numpy as _np
except ImportError:  # the harness works without numpy: requests then arrive as nested lists
    _np = None

__all__ = ["serve", "Refused", "Request", "OPS", "PROTOCOL"]

PROTOCOL = 1
OPS = ("velocity", "flow", "layer", "energy")
KINDS = ("not-supported", "invalid-request", "internal")
_NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class Refused(Exception):
    """Raise Refused("invalid-request" | "not-supported" | "internal", message) to answer with that error kind."""

    def __init__(self, kind, message):
        if kind not in KINDS:
            raise ValueError(f"Refused kind must be one of {', '.join(KINDS)}, not {kind!r}")
        super().__init__(message)
        self.kind = kind


class Request:
    """One run request, decoded: see the module docstring for the attributes."""

    __slots__ = ("op", "seq", "X", "Q", "K", "V", "beta", "model", "times", "h", "steps", "n", "d", "raw")

    def __repr__(self):
        extra = {"flow": f", times={self.times}", "layer": f", h={self.h}, steps={self.steps}"}.get(self.op, "")
        return f"Request(op={self.op!r}, seq={self.seq}, model={self.model!r}, beta={self.beta}, n={self.n}, d={self.d}{extra})"


# ---------------------------------------------------------------- wire -> Python

def _number(v, field):
    """A wire number: a JSON number or one of the non-finite strings."""
    if isinstance(v, bool) or v is None:
        raise Refused("invalid-request", f"{field} must be a number, got {json.dumps(v)}")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v in _NONFINITE:
        return _NONFINITE[v]
    raise Refused("invalid-request", f"{field} must be a number (non-finite as \"NaN\", \"Infinity\", \"-Infinity\"), got {json.dumps(v)[:80]}")


def _matrix_lists(v, field, rows=None, cols=None):
    """A wire matrix as a list of lists of floats (the path without numpy), shape-checked."""
    if not isinstance(v, list) or not v or not all(isinstance(r, list) for r in v):
        raise Refused("invalid-request", f"{field} must be a non-empty array of rows")
    m = [[_number(x, field) for x in r] for r in v]
    c = len(m[0])
    if c == 0 or any(len(r) != c for r in m):
        raise Refused("invalid-request", f"{field} must have rows of one common, non-zero length")
    if (rows is not None and len(m) != rows) or (cols is not None and c != cols):
        raise Refused("invalid-request", f"{field} must be {rows} x {cols} (d = {cols}), got {len(m)} x {c}")
    return m


def _matrix_numpy(v, field, rows=None, cols=None):
    """A wire matrix as a float64 array; numpy's float conversion also reads the non-finite strings."""
    try:
        a = _np.asarray(v, dtype=_np.float64)
    except (ValueError, TypeError) as e:
        raise Refused("invalid-request", f"{field} must be an array of rows of numbers ({e})") from None
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise Refused("invalid-request", f"{field} must be a non-empty n x d array, got shape {a.shape}")
    if (rows is not None and a.shape[0] != rows) or (cols is not None and a.shape[1] != cols):
        raise Refused("invalid-request", f"{field} must be {rows} x {cols} (d = {cols}), got {a.shape[0]} x {a.shape[1]}")
    return a


_EYES = {}


def _identity(d, arrays):
    """A fresh d x d identity (callers may modify it in place); numpy copies a cached one, which is
    several times faster than np.eye for the small d of most requests."""
    if arrays == "lists":
        return [[1.0 if i == j else 0.0 for j in range(d)] for i in range(d)]
    eye = _EYES.get(d)
    if eye is None:
        eye = _EYES[d] = _np.eye(d)
    return eye.copy()


def _decode(raw, arrays):
    """A run request's JSON object -> Request, or Refused("invalid-request") naming the bad field."""
    req = Request()
    req.raw, req.seq, req.op = raw, raw.get("seq"), raw.get("op")
    lists = arrays == "lists"
    matrix = _matrix_lists if lists else _matrix_numpy
    if "X" not in raw:
        raise Refused("invalid-request", "X is missing (the n x d configuration)")
    X = matrix(raw["X"], "X")
    n, d = (len(X), len(X[0])) if lists else X.shape
    req.X, req.n, req.d = X, n, d
    Q, K, V = raw.get("Q"), raw.get("K"), raw.get("V")
    req.Q = _identity(d, arrays) if Q is None else matrix(Q, "Q", d, d)
    req.K = _identity(d, arrays) if K is None else matrix(K, "K", d, d)
    req.V = _identity(d, arrays) if V is None else matrix(V, "V", d, d)
    beta = raw.get("beta")
    req.beta = float(beta) if type(beta) in (float, int) else _number(beta, "beta")
    req.model = raw.get("model")
    req.times = req.h = req.steps = None
    if req.op == "flow":
        t = raw.get("times")
        if not isinstance(t, list):
            raise Refused("invalid-request", "times must be an array of increasing numbers >= 0")
        req.times = [_number(x, "times") for x in t]
    elif req.op == "layer":
        req.h = _number(raw.get("h"), "h")
        s = raw.get("steps")
        if isinstance(s, bool) or not isinstance(s, (int, float)) or s != int(s) or s < 0:
            raise Refused("invalid-request", f"steps must be an integer >= 0, got {json.dumps(s)}")
        req.steps = int(s)
    if arrays == "torch":
        import torch  # only when asked for: importing torch takes a second
        req.X, req.Q, req.K, req.V = (torch.from_numpy(m) for m in (req.X, req.Q, req.K, req.V))
    return req


# ---------------------------------------------------------------- Python -> wire

def _is_torch(x):
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _float(x):
    """One float for the wire: non-finite values as the protocol's strings."""
    x = float(x)
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _encode_numpy(a):
    """A float array as nested lists; non-finite entries become strings without a per-element loop."""
    a = _np.asarray(a, dtype=_np.float64)
    fin = _np.isfinite(a)
    if fin.all():
        return a.tolist()
    o = a.astype(object)
    o[_np.isnan(a)] = "NaN"
    o[a == _np.inf] = "Infinity"
    o[a == -_np.inf] = "-Infinity"
    return o.tolist()


def _encode(x):
    """A result (numpy array, torch tensor, number, nested lists of those) as JSON-ready nested lists."""
    if _is_torch(x):
        x = x.detach().cpu()
        if _np is not None:
            return _encode_numpy(x.double().numpy())
        return _encode(x.tolist())
    if _np is not None and isinstance(x, (_np.ndarray, _np.generic)):
        if x.dtype == object:
            return _encode(x.tolist())
        return _encode_numpy(x)
    if isinstance(x, (list, tuple)):
        return [_encode(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, (str, dict)):
        raise TypeError(f"expected numbers, got {type(x).__name__} {x!r:.60}")
    return _float(x)


def _result(op, value):
    """The answer fields for a user function's return value."""
    if value is None:
        raise TypeError(f"{op} returned None; return " + {
            "velocity": "the n x d velocity", "flow": "the list of states at req.times",
            "layer": "the list of states after each step", "energy": "a number"}[op])
    if op == "energy":
        if _is_torch(value) or (_np is not None and isinstance(value, (_np.ndarray, _np.generic))):
            value = value.item() if hasattr(value, "item") else value
        return {"energy": _float(value)}
    return {("velocity" if op == "velocity" else "states"): _encode(value)}


# ---------------------------------------------------------------- the loop

class _Server:
    def __init__(self, fns, models, arrays, wire_hook):
        self.fns, self.models, self.arrays, self.wire_hook = fns, models, arrays, wire_hook
        self.runs, self.user_s = 0, 0.0

    def answer(self, raw):
        """One run request (decoded JSON) -> one answer object; never raises except SystemExit."""
        seq = raw.get("seq") if isinstance(raw, dict) else None
        op = raw.get("op") if isinstance(raw, dict) else None
        stage = "request"
        self.runs += 1
        try:
            if not isinstance(raw, dict):
                raise Refused("invalid-request", "a run must be a JSON object")
            if op not in self.fns:
                announced = ", ".join(self.fns) or "none"
                raise Refused("not-supported", f"op {op!r} is not supported by this implementation (it serves: {announced})")
            if op != "energy" and raw.get("model") not in self.models:
                raise Refused("not-supported", f"model {raw.get('model')!r} is not supported (it serves: {', '.join(self.models)})")
            req = _decode(raw, self.arrays)
            if op == "energy" and not req.beta > 0:
                raise Refused("invalid-request", f"energy needs beta > 0 (E has a factor 1/(2 beta n^2)), got {req.beta}")
            stage = "user"
            t0 = time.perf_counter()
            try:
                value = self.fns[op](req)
            finally:
                self.user_s += time.perf_counter() - t0
            stage = "result"
            ans = {"seq": seq, **_result(op, value)}
        except Refused as e:
            ans = {"seq": seq, "error": {"kind": e.kind, "message": str(e)}}
        except NotImplementedError as e:
            ans = {"seq": seq, "error": {"kind": "not-supported", "message": str(e) or f"{op} is not implemented"}}
        except Exception as e:
            # ValueError raised by the user's code refuses the input; anything else, or any failure to
            # convert what the code returned, is a failure of the implementation. Both keep serving.
            kind = "invalid-request" if stage == "user" and isinstance(e, ValueError) else "internal"
            tb = traceback.extract_tb(e.__traceback__)
            where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno} in {tb[-1].name})" if tb else ""
            what = f"converting what {op} returned" if stage == "result" else f"in {op}"
            sys.stderr.write(f"attnflow_harness: {kind} error {what} (seq {seq}):\n")
            traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
            sys.stderr.flush()
            if stage == "result":
                message = f"what {op} returned cannot be sent ({type(e).__name__}: {e})"
            else:
                message = f"{type(e).__name__}: {e}{where}"
            ans = {"seq": seq, "error": {"kind": kind, "message": message}}
        if self.wire_hook is not None:
            ans = self.wire_hook(raw, ans)
        return ans


def _dump(obj):
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def serve(velocity=None, flow=None, layer=None, energy=None, *, name="python-impl", version="0.0.0",
          language="python", models=("sa", "usa"), batch=True, arrays=None, wire_hook=None,
          stdin=None, stdout=None):
    """Answer attnflow's requests with the given functions until {"cmd":"stop"} or the end of input.

    velocity, flow, layer, energy: functions of one Request (see the module docstring); only the
    ops given are announced. name, version, language: the handshake's "implementation". models: the
    models announced ("sa", "usa"). batch: serve the batch extension. arrays: "numpy" (the default
    when numpy is importable), "lists", or "torch" (float64 CPU tensors). wire_hook(raw, answer):
    for testing attnflow itself; gets each run's request and answer object and returns the answer to
    send, or a str to write as the raw line. stdin, stdout: binary streams (default: the process's).
    Returns 0 (the exit status); raises SystemExit only if a function does.
    """
    fns = {op: f for op, f in zip(OPS, (velocity, flow, layer, energy)) if f is not None}
    for op, f in fns.items():
        if not callable(f):
            raise TypeError(f"serve({op}=...) must be a function of one request, got {type(f).__name__}")
    models = tuple(models)
    if not models or any(m not in ("sa", "usa") for m in models):
        raise ValueError(f"serve(models=...) must list \"sa\" and/or \"usa\", got {models!r}")
    if arrays is None:
        arrays = "numpy" if _np is not None else "lists"
    if arrays not in ("numpy", "lists", "torch"):
        raise ValueError(f"serve(arrays=...) must be \"numpy\", \"lists\" or \"torch\", got {arrays!r}")
    if arrays != "lists" and _np is None:
        raise ValueError(f"serve(arrays={arrays!r}) needs numpy, which is not importable here; use arrays=\"lists\"")

    if stdout is None:
        # Protocol lines go to a private copy of fd 1; fd 1 itself and sys.stdout now point at stderr,
        # so a print() or a C library writing to stdout cannot corrupt the stream.
        sys.stdout.flush()
        out = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    else:
        out = stdout
    inp = stdin if stdin is not None else sys.stdin.buffer

    server = _Server(fns, models, arrays, wire_hook)
    supports = {"ops": list(fns), "models": list(models)}
    if batch:
        supports["batch"] = True
    hello = {"ready": True, "protocol": PROTOCOL,
             "implementation": {"name": name, "version": version, "language": language}, "supports": supports}

    def send(ans):
        out.write((ans if isinstance(ans, str) else _dump(ans)).encode("utf-8") + b"\n")
        out.flush()

    stats_path = os.environ.get("ATTNFLOW_HARNESS_STATS")
    started, busy, lines = time.perf_counter(), 0.0, 0
    try:
        while True:
            line = inp.readline()
            if not line:
                return 0
            t0 = time.perf_counter()
            if _serve_line(line, send, server, hello, batch) == "stop":
                return 0
            busy += time.perf_counter() - t0
            lines += 1
    finally:
        if stats_path:
            # Where the time went, for measuring the protocol's overhead (README "Speed"): appended
            # as one JSON line per process, so restarts and parallel checks accumulate.
            wall = time.perf_counter() - started
            with open(stats_path, "a") as f:
                f.write(json.dumps({"name": name, "lines": lines, "runs": server.runs, "wall_s": wall, "busy_s": busy,
                                    "user_s": server.user_s, "harness_s": busy - server.user_s}) + "\n")


def _serve_line(line, send, server, hello, batch):
    """Answers one input line; returns "stop" on the stop command."""
    if not line.strip():
        return None
    try:
        msg = json.loads(line)
    except ValueError as e:
        send({"seq": None, "error": {"kind": "invalid-request", "message": f"the line is not JSON: {e}"}})
        return None
    cmd = msg.get("cmd") if isinstance(msg, dict) else None
    if cmd == "stop":
        return "stop"
    if cmd == "start":
        send(hello)
    elif cmd == "run":
        send(server.answer(msg))
    elif cmd == "batch" and batch:
        runs = msg.get("runs")
        if not isinstance(runs, list):
            send({"seq": None, "error": {"kind": "invalid-request", "message": "batch needs \"runs\": an array of run requests"}})
            return None
        answers = [server.answer(r) for r in runs]
        raw = next((a for a in answers if isinstance(a, str)), None)
        send(raw if raw is not None else {"answers": answers})
    else:
        seq = msg.get("seq") if isinstance(msg, dict) else None
        send({"seq": seq, "error": {"kind": "not-supported", "message": f"unknown cmd {cmd!r}"}})
    return None
