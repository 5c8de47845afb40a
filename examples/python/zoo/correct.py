"""Correct variants: implementations that differ from the base (base.py) by a legitimate choice.
A check that fails any of them is a false alarm; `npm run zoo` counts those over many seeds."""
import math

import numpy as np

from base import Base, dopri5, field_scale, fixed_step, get, rk4_step


class Rk4SmallStep(Base):
    """Fixed-step classical RK4 with the step taken from the field's size: h = 0.05 / L, L the
    envelope's bound on the field's Lipschitz constant (base.field_scale), renormalised after every step."""

    def flow(self, req):
        X, Q, K, V = (get(req, k) for k in "XQKV")
        beta, model = float(get(req, "beta")), get(req, "model")
        h = 0.05 / max(field_scale(X, Q, K, V, beta, model), 1e-300)
        times = [float(t) for t in get(req, "times")]
        if times and times[-1] / h > 2e5:
            raise RuntimeError(f"RK4 would need {times[-1] / h:.3g} steps (h = {h:.3g}); refusing rather than hanging")
        return fixed_step(rk4_step, self.flow_field(Q, K, V, beta, model), X, times, h, retract=self.normalize)


class DopriNoRenorm(Base):
    """Adaptive Dormand-Prince 5(4) at rtol 1e-12 with no renormalisation between steps: an accurate
    integrator of the projected field stays on the sphere to its own accuracy without help."""

    def integrate(self, f, X, times):
        return dopri5(f, X, times, rtol=1e-12, atol=1e-14, retract=None)


class DopriRtol1e10(Base):
    """Adaptive Dormand-Prince 5(4) at rtol 1e-10 (the envelope's textbook setting), renormalised."""

    def integrate(self, f, X, times):
        return dopri5(f, X, times, rtol=1e-10, atol=1e-12, retract=self.normalize)


class PerParticleLoops(Base):
    """The field token by token: scores, softmax, drift and projection of one row at a time."""

    def field(self, X, Q, K, V, beta, model):
        n = X.shape[0]
        keys = X @ K.T
        vals = X @ V.T
        out = np.empty_like(X)
        for i in range(n):
            q = Q @ X[i]
            s = keys @ q
            m = s.max()
            e = np.exp(beta * (s - m))
            a = (e @ vals) / (e.sum() if model == "sa" else n)
            a = a - (a @ X[i]) * X[i]
            out[i] = a * math.exp(beta * m) if model == "usa" else a
        return out


class LogSumExp(Base):
    """Weights as exp(log w_ij - max_j log w_ij) from log-weights: log-sum-exp normalised for sa, and
    log w_ij = beta S_ij - log n for usa with the row maximum split off as the scale."""

    def weights(self, S, beta, model):
        n = S.shape[0]
        L = beta * S
        m = L.max(axis=1, keepdims=True)
        if model == "sa":
            lse = m + np.log(np.exp(L - m).sum(axis=1, keepdims=True))
            return np.exp(L - lse), np.zeros(n)
        L = L - math.log(n)
        m = L.max(axis=1, keepdims=True)
        return np.exp(L - m), m[:, 0]


class ScipySolveIvp(Base):
    """scipy.integrate.solve_ivp, the textbook call most numpy users write: an adaptive Runge-Kutta pair
    at rtol 1e-10, atol 1e-12 on the flattened state, no renormalisation at all (the issue-11 envelope's
    'adaptive RK45/DOP853 at rtol 1e-10')."""

    method = "RK45"

    def integrate(self, f, X, times):
        from scipy.integrate import solve_ivp  # scipy ships with the python3 on PATH; only these members need it

        if not times:
            return []
        shape = X.shape
        out = [X.copy() for t in times if t == 0]
        later = [t for t in times if t > 0]
        if later:
            sol = solve_ivp(lambda t, y: f(y.reshape(shape)).ravel(), (0.0, later[-1]), X.ravel(),
                            method=self.method, t_eval=later, rtol=1e-10, atol=1e-12)
            if sol.status != 0:
                raise RuntimeError(f"solve_ivp ({self.method}) failed: {sol.message}")
            out += [sol.y[:, k].reshape(shape).copy() for k in range(len(later))]
        return out


class ScipyDop853(ScipySolveIvp):
    """solve_ivp with the eighth-order Dormand-Prince pair, rtol 1e-10, no renormalisation."""

    method = "DOP853"


class PurePython:
    """No numpy: lists and math, the field token by token, Dormand-Prince 5(4) with renormalisation.
    Served with arrays="lists" (the harness then hands over nested lists)."""

    @staticmethod
    def _mv(M, x):
        return [sum(a * b for a, b in zip(row, x)) for row in M]

    def field(self, X, Q, K, V, beta, model):
        n = len(X)
        qs = [self._mv(Q, x) for x in X]
        ks = [self._mv(K, x) for x in X]
        vs = [self._mv(V, x) for x in X]
        out = []
        for i in range(n):
            s = [sum(a * b for a, b in zip(qs[i], kj)) for kj in ks]
            m = max(s)
            e = [math.exp(beta * (sj - m)) for sj in s]
            z = sum(e) if model == "sa" else n
            a = [sum(e[j] * vs[j][k] for j in range(n)) / z for k in range(len(X[i]))]
            dot = sum(ak * xk for ak, xk in zip(a, X[i]))
            scale = math.exp(beta * m) if model == "usa" else 1.0
            out.append([(ak - dot * xk) * scale for ak, xk in zip(a, X[i])])
        return out

    @staticmethod
    def _normalize(X):
        out = []
        for x in X:
            r = math.sqrt(sum(v * v for v in x))
            out.append([v / r for v in x])
        return out

    def velocity(self, req):
        return self.field(req.X, req.Q, req.K, req.V, float(req.beta), req.model)

    def flow(self, req):
        f = lambda Y: self.field(Y, req.Q, req.K, req.V, float(req.beta), req.model)
        return _dopri5_lists(f, req.X, [float(t) for t in req.times], self._normalize)

    def layer(self, req):
        X, h = req.X, float(req.h)
        out = []
        for _ in range(int(req.steps)):
            A = self._drift(X, req.Q, req.K, req.V, float(req.beta), req.model)
            X = self._normalize([[x + h * a for x, a in zip(xi, ai)] for xi, ai in zip(X, A)])
            out.append(X)
        return out

    def _drift(self, X, Q, K, V, beta, model):
        n = len(X)
        qs = [self._mv(Q, x) for x in X]
        ks = [self._mv(K, x) for x in X]
        vs = [self._mv(V, x) for x in X]
        out = []
        for i in range(n):
            s = [sum(a * b for a, b in zip(qs[i], kj)) for kj in ks]
            m = max(s)
            e = [math.exp(beta * (sj - m)) for sj in s]
            z = sum(e) if model == "sa" else n * math.exp(-beta * m)
            out.append([sum(e[j] * vs[j][k] for j in range(n)) / z for k in range(len(X[i]))])
        return out

    def energy(self, req):
        beta = float(req.beta)
        if beta <= 0:
            raise ValueError("energy needs beta > 0")
        X, n = req.X, len(req.X)
        qs = [self._mv(req.Q, x) for x in X]
        ks = [self._mv(req.K, x) for x in X]
        S = [sum(a * b for a, b in zip(qi, kj)) for qi in qs for kj in ks]
        m = max(S)
        return math.exp(beta * m) * math.fsum(math.exp(beta * (s - m)) for s in S) / (2 * beta * n * n)


_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0]
_B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]


def _dopri5_lists(f, X, times, retract, rtol=1e-12, atol=1e-14, max_steps=200000):
    """base.dopri5 on nested lists."""
    def comb(X, h, coeffs, ks):
        return [[x + h * sum(c * k[i][j] for c, k in zip(coeffs, ks) if c != 0) for j, x in enumerate(row)]
                for i, row in enumerate(X)]

    out, t, h, steps = [], 0.0, 1e-3, 0
    k1 = f(X)
    for T in times:
        while t < T:
            steps += 1
            if steps > max_steps:
                raise RuntimeError(f"dopri5 took more than {max_steps} steps before t = {T}")
            h = min(h, T - t)
            ks = [k1]
            try:
                for s in range(1, 7):
                    ks.append(f(comb(X, h, _A[s], ks)))
                X5 = comb(X, h, _B5, ks)
                X4 = comb(X, h, _B4, ks)
                acc, cnt = 0.0, 0
                for r0, r5, r4 in zip(X, X5, X4):
                    for a, b, c in zip(r0, r5, r4):
                        acc += ((b - c) / (atol + rtol * max(abs(a), abs(b)))) ** 2
                        cnt += 1
                err = math.sqrt(acc / cnt)
            except OverflowError:
                err = math.inf
            if not math.isfinite(err):
                h *= 0.25
                continue
            if err <= 1.0:
                t = T if T - t <= h else t + h
                X = retract(X5)
                k1 = f(X)
            h = h * min(5.0, max(0.2, 0.9 * (1.0 / max(err, 1e-16)) ** 0.2))
        out.append([row[:] for row in X])
    return out


# name, class (always "correct"), class, one-line description
CORRECT = [
    ("ok-base", Base, "the zoo's base: row-max softmax, usa scaled after the projection, dopri5 rtol 1e-12 renormalised"),
    ("ok-rk4-small-step", Rk4SmallStep, "fixed-step RK4 with h = 0.05 / L (L the envelope's Lipschitz bound), renormalised"),
    ("ok-dopri-no-renorm", DopriNoRenorm, "adaptive dopri5 at rtol 1e-12 without renormalisation between steps"),
    ("ok-dopri-rtol-1e-10", DopriRtol1e10, "adaptive dopri5 at rtol 1e-10, renormalised"),
    ("ok-loops", PerParticleLoops, "the field computed token by token in a Python loop"),
    ("ok-logsumexp", LogSumExp, "weights from log-sum-exp normalised log-weights"),
    ("ok-pure-python", PurePython, "no numpy at all: lists and math, dopri5 on lists"),
    ("ok-scipy-rk45", ScipySolveIvp, "scipy solve_ivp RK45 at rtol 1e-10, atol 1e-12, never renormalised"),
    ("ok-scipy-dop853", ScipyDop853, "scipy solve_ivp DOP853 at rtol 1e-10, atol 1e-12, never renormalised"),
]
