"""A small, correct, numerically careful implementation of self-attention dynamics: the zoo's base.

Every zoo member (zoo.py) is this class with one method overridden: a mutant changes exactly one
thing the way people get it wrong, a correct variant makes a different legitimate choice. Keeping
each step its own method is what lets a mutant be a three-line subclass.

    dx_i/dt = P_{x_i}( sum_j w_ij V x_j ),   P_x(y) = y - <x, y> x,
    w_ij = softmax_j(beta <Q x_i, K x_j>)   (sa)      or   e^{beta <Q x_i, K x_j>} / n   (usa).

Numerical care (what the mutants in the "regime" class get wrong):
  * the softmax is shifted by each row's maximum, so beta = 1e6 does not overflow;
  * for usa the factor e^{beta max_j S_ij} is applied after the projection, so the projection
    never subtracts two overflowed numbers;
  * the flow is an adaptive Dormand-Prince 5(4) that steps exactly onto every requested time and
    renormalises the tokens after every accepted step (the exact flow stays on the sphere);
  * the energy sums exponentials shifted by their maximum.
"""
import numpy as np


def get(req, name, default=None):
    """A field of a harness request (attribute or mapping)."""
    if isinstance(req, dict):
        return req.get(name, default)
    return getattr(req, name, default)


class Base:
    """The correct implementation. Methods are the steps of the mathematics, one each."""

    # ------------------------------------------------------------------ the field

    def scores(self, X, Q, K):
        """S_ij = <Q x_i, K x_j> (rows of X are tokens; matrices act on column vectors)."""
        return (X @ Q.T) @ (X @ K.T).T

    def temperature(self, beta, d):
        """The inverse temperature multiplying the scores."""
        return beta

    def weights(self, S, beta, model):
        """(W, log_scale) with w_ij = W_ij e^{log_scale_i}: the row-max shifted softmax (sa), or the
        shifted exponentials over n with the shift kept aside (usa)."""
        n = S.shape[0]
        m = S.max(axis=1, keepdims=True)
        E = np.exp(beta * (S - m))
        if model == "sa":
            return E / E.sum(axis=1, keepdims=True), np.zeros(n)
        return E / n, beta * m[:, 0]

    def values(self, X, V):
        """Row j is V x_j."""
        return X @ V.T

    def combine(self, W, Vx):
        """a_i = sum_j W_ij V x_j."""
        return W @ Vx

    def project(self, X, A):
        """P_{x_i}(a_i) = a_i - <x_i, a_i> x_i."""
        return A - np.sum(A * X, axis=1, keepdims=True) * X

    def rescale(self, A, log_scale):
        """Applies e^{log_scale_i} to row i (after the projection, for usa at large beta)."""
        if np.any(log_scale != 0):
            A = A * np.exp(log_scale)[:, None]
        return A

    def drift(self, X, Q, K, V, beta, model):
        """(shifted drift, log scale): the attention average before the projection."""
        b = self.temperature(beta, X.shape[1])
        W, log_scale = self.weights(self.scores(X, Q, K), b, model)
        return self.combine(W, self.values(X, V)), log_scale

    def field(self, X, Q, K, V, beta, model):
        """The velocity of every token at configuration X."""
        A, log_scale = self.drift(X, Q, K, V, beta, model)
        return self.rescale(self.project(X, A), log_scale)

    # ------------------------------------------------------------------ flow

    def normalize(self, X):
        """Each token back onto the unit sphere."""
        return X / np.linalg.norm(X, axis=1, keepdims=True)

    def flow_field(self, Q, K, V, beta, model):
        """The right-hand side the flow integrates."""
        return lambda Y: self.field(Y, Q, K, V, beta, model)

    def integrate(self, f, X, times):
        return dopri5(f, X, times, retract=self.normalize)

    # ------------------------------------------------------------------ layer

    def layer_drift(self, X, Q, K, V, beta, model):
        """a_i = sum_j w_ij V x_j with the usa scale applied (the layer has no projection)."""
        A, log_scale = self.drift(X, Q, K, V, beta, model)
        return self.rescale(A, log_scale)

    def layer_step(self, X, Q, K, V, beta, model, h):
        """Post-LN: x_i <- (x_i + h a_i) / |x_i + h a_i|, all tokens at once."""
        return self.normalize(X + h * self.layer_drift(X, Q, K, V, beta, model))

    # ------------------------------------------------------------------ energy

    def energy_value(self, X, Q, K, beta):
        """E = (1/(2 beta n^2)) sum_ij exp(beta <Q x_i, K x_j>), the exponent shifted by its max."""
        S = self.scores(X, Q, K)
        n = X.shape[0]
        m = S.max()
        return float(np.exp(beta * m) * np.exp(beta * (S - m)).sum() / (2 * beta * n * n))

    # ------------------------------------------------------------------ the four ops

    def velocity(self, req):
        X, Q, K, V = (get(req, k) for k in "XQKV")
        return self.field(X, Q, K, V, float(get(req, "beta")), get(req, "model"))

    def flow(self, req):
        X, Q, K, V = (get(req, k) for k in "XQKV")
        f = self.flow_field(Q, K, V, float(get(req, "beta")), get(req, "model"))
        return self.integrate(f, X, [float(t) for t in get(req, "times")])

    def layer(self, req):
        X, Q, K, V = (get(req, k) for k in "XQKV")
        beta, model, h, steps = float(get(req, "beta")), get(req, "model"), float(get(req, "h")), int(get(req, "steps"))
        out = []
        for _ in range(steps):
            X = self.layer_step(X, Q, K, V, beta, model, h)
            out.append(X)
        return out

    def energy(self, req):
        beta = float(get(req, "beta"))
        if beta <= 0:
            raise ValueError("energy needs beta > 0")
        return self.energy_value(get(req, "X"), get(req, "Q"), get(req, "K"), beta)


# ---------------------------------------------------------------------- integrators

# Dormand-Prince 5(4) tableau.
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


def dopri5(f, X, times, rtol=1e-12, atol=1e-14, retract=None, max_steps=200000, on_cap="raise"):
    """Adaptive Dormand-Prince 5(4) stepping exactly onto each output time; `retract` (if given) is
    applied after every accepted step. A rejected or non-finite trial step shrinks h. Past max_steps it
    raises (on_cap="raise"), or (on_cap="stop", for a mutant) reports the current state from then on."""
    out, t, h, steps = [], 0.0, 1e-3, 0
    k1 = f(X)
    for T in times:
        while t < T:
            steps += 1
            if steps > max_steps:
                if on_cap == "stop":
                    out.extend(X.copy() for _ in range(len(times) - len(out)))
                    return out
                raise RuntimeError(f"dopri5 took more than {max_steps} steps before t = {T}")
            h = min(h, T - t)
            ks = [k1]
            with np.errstate(over="ignore", invalid="ignore"):
                for s in range(1, 7):
                    Y = X + h * sum(a * k for a, k in zip(_A[s], ks) if a != 0)
                    ks.append(f(Y))
                X5 = X + h * sum(b * k for b, k in zip(_B5, ks) if b != 0)
                X4 = X + h * sum(b * k for b, k in zip(_B4, ks) if b != 0)
                scale = atol + rtol * np.maximum(np.abs(X), np.abs(X5))
                err = float(np.sqrt(np.mean(((X5 - X4) / scale) ** 2)))
            if not np.isfinite(err):
                h *= 0.25  # a trial stage overflowed: retry smaller, but not forever
                if h < 1e-14 * max(1.0, T):
                    raise FloatingPointError(f"the field is not finite near t = {t} (step shrank below {h:.1e})")
                continue
            if err <= 1.0:
                t = T if T - t <= h else t + h
                X = retract(X5) if retract else X5
                k1 = f(X)
            h = h * min(5.0, max(0.2, 0.9 * (1.0 / max(err, 1e-16)) ** 0.2))
        out.append(X.copy())
    return out


def fixed_step(step, f, X, times, h, retract=None):
    """A fixed-step one-step method (the last step before each output time shortened)."""
    out, t = [], 0.0
    for T in times:
        while t < T - 1e-15:
            dt = min(h, T - t)
            X = step(f, X, dt)
            if retract:
                X = retract(X)
            t += dt
        out.append(X.copy())
    return out


def rk4_step(f, X, h):
    k1 = f(X)
    k2 = f(X + h / 2 * k1)
    k3 = f(X + h / 2 * k2)
    k4 = f(X + h * k3)
    return X + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def euler_step(f, X, h):
    return X + h * f(X)


def midpoint_step(f, X, h):
    return X + h * f(X + h / 2 * f(X))


def field_scale(X, Q, K, V, beta, model):
    """A bound L on the field's Lipschitz constant on the sphere (README "What attnflow will ask your
    implementation"): s = |Q^T K|_2, SA |V| (3 + 4 beta s), USA |V| e^{beta s} (3 + 2 beta s).
    A fixed-step RK4 at h = 0.05 / L is what the envelope promises to be enough."""
    s = float(np.linalg.norm(Q.T @ K, 2))
    nu = float(np.linalg.norm(V, 2))
    bs = beta * s
    if model == "sa":
        return nu * (3 + 4 * bs)
    return nu * float(np.exp(min(bs, 700))) * (3 + 2 * bs)
