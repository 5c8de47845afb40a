"""Single-bug mutants of the zoo's base (base.py): each overrides one step the way people get it wrong.

Every entry of MUTANTS names the class of mistake, says in one line what is wrong, and lists the
theorems EXPECTED to kill it: the theorems about that mistake (a wrong normaliser by the field's
identity, a low-order integrator by an accuracy theorem), not whatever happens to notice first.
`npm run zoo` measures which theorems actually do (the kill matrix in README "The mutant zoo").
"""
import numpy as np

from base import Base, get, dopri5, euler_step, fixed_step, midpoint_step, rk4_step


# ---------------------------------------------------------------------- normalisation

class SoftmaxAxis(Base):
    def weights(self, S, beta, model):
        m = S.max(axis=0, keepdims=True)
        E = np.exp(beta * (S - m))
        if model == "sa":
            return E / E.sum(axis=0, keepdims=True), np.zeros(S.shape[0])
        return E / S.shape[0], beta * m[0, :]  # the column shift, kept "per row": the usa scale is wrong too


class GlobalNormaliser(Base):
    def weights(self, S, beta, model):
        if model == "usa":
            return super().weights(S, beta, model)
        E = np.exp(beta * (S - S.max()))
        return E / E.sum(), np.zeros(S.shape[0])  # one normaliser for the whole matrix


class UsaOverNSquared(Base):
    def weights(self, S, beta, model):
        W, ls = super().weights(S, beta, model)
        return (W / S.shape[0], ls) if model == "usa" else (W, ls)


class UsaMissingOverN(Base):
    def weights(self, S, beta, model):
        W, ls = super().weights(S, beta, model)
        return (W * S.shape[0], ls) if model == "usa" else (W, ls)


class UsaShiftLost(Base):
    def weights(self, S, beta, model):
        W, ls = super().weights(S, beta, model)
        return W, np.zeros_like(ls)  # shifted for stability, the shift never restored


def masked_weights(S, beta, model, keep):
    """The base's weights with the entries where `keep` is False left out of the sum (0 weight);
    a row with nothing kept gives 0/0 = NaN, as such code does."""
    n = S.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(keep, S, -np.inf).max(axis=1, keepdims=True)
        E = np.where(keep, np.exp(beta * (S - np.where(np.isfinite(m), m, 0))), 0.0)
        if model == "sa":
            return E / E.sum(axis=1, keepdims=True), np.zeros(n)
        return E / n, beta * np.where(np.isfinite(m), m, 0)[:, 0]


class SelfTermDropped(Base):
    def weights(self, S, beta, model):
        return masked_weights(S, beta, model, ~np.eye(S.shape[0], dtype=bool))  # "a token does not attend to itself"


class CausalMask(Base):
    def weights(self, S, beta, model):
        n = S.shape[0]
        return masked_weights(S, beta, model, np.tril(np.ones((n, n), dtype=bool)))  # decoder habit: j <= i only


# ---------------------------------------------------------------------- temperature

class BetaInverted(Base):
    def temperature(self, beta, d):
        return 1.0 / beta if beta != 0 else 0.0


class BetaOverSqrtD(Base):
    def temperature(self, beta, d):
        return beta / np.sqrt(d)  # the transformer's 1/sqrt(d_k) imported into the paper's model


class BetaTwice(Base):
    def temperature(self, beta, d):
        return beta * beta  # scores pre-scaled by beta, then softmax(beta * scores)


# ---------------------------------------------------------------------- geometry

class NoProjection(Base):
    def project(self, X, A):
        return A


class ProjectionSign(Base):
    def project(self, X, A):
        return A + np.sum(A * X, axis=1, keepdims=True) * X


class ProjectionAxis(Base):
    def project(self, X, A):
        return A - np.sum(A * X, axis=0, keepdims=True) * X  # <x, a> summed over tokens, not coordinates


class RenormAxis(Base):
    def normalize(self, X):
        return X / np.linalg.norm(X, axis=0, keepdims=True)  # columns normalised, not tokens


class Rk4NoRenormCoarse(Base):
    def integrate(self, f, X, times):
        return fixed_step(rk4_step, f, X, times, h=0.05)  # no retraction: drifts off the sphere


class FlowUnprojectedRenorm(Base):
    """Integrates the raw drift and renormalises after each step, instead of the projected field:
    right to first order only (the projection is what the normalisation does for an infinitesimal step)."""

    def flow_field(self, Q, K, V, beta, model):
        def f(Y):
            A, ls = self.drift(Y, Q, K, V, beta, model)
            return self.rescale(A, ls)
        return f


# ---------------------------------------------------------------------- algebra

class VTransposed(Base):
    def values(self, X, V):
        return X @ V


class QKSwapped(Base):
    def scores(self, X, Q, K):
        return (X @ K.T) @ (X @ Q.T).T  # <K x_i, Q x_j>: S transposed, wrong only when Q^T K is not symmetric


class QKTransposed(Base):
    def scores(self, X, Q, K):
        return (X @ Q) @ (X @ K).T  # <Q^T x_i, K^T x_j>: x_i^T Q K^T x_j instead of x_i^T Q^T K x_j


class VAfterProjection(Base):
    def field(self, X, Q, K, V, beta, model):
        b = self.temperature(beta, X.shape[1])
        W, ls = self.weights(self.scores(X, Q, K), b, model)
        return self.rescale(self.project(X, W @ X) @ V.T, ls)


class ValueOfQuery(Base):
    def combine(self, W, Vx):
        return W.sum(axis=1, keepdims=True) * Vx  # sum_j w_ij V x_i: the query's value, not the key's


# ---------------------------------------------------------------------- dynamics

class TokenDropped(Base):
    def field(self, X, Q, K, V, beta, model):
        v = super().field(X, Q, K, V, beta, model)
        v[-1] = 0.0  # for i in range(n - 1)
        return v


class LastKeyDropped(Base):
    def weights(self, S, beta, model):
        n = S.shape[0]
        keep = np.ones((n, n), dtype=bool)
        if n > 1:
            keep[:, -1] = False  # keys 0..n-2: the last token is never attended to
        return masked_weights(S, beta, model, keep)


class TimeReversed(Base):
    def flow_field(self, Q, K, V, beta, model):
        f = super().flow_field(Q, K, V, beta, model)
        return lambda Y: -f(Y)


class EulerNoRenorm(Base):
    def integrate(self, f, X, times):
        return fixed_step(euler_step, f, X, times, h=1e-2)


class EulerRenorm(Base):
    def integrate(self, f, X, times):
        return fixed_step(euler_step, f, X, times, h=1e-3, retract=self.normalize)


class MidpointRenorm(Base):
    def integrate(self, f, X, times):
        return fixed_step(midpoint_step, f, X, times, h=2e-3, retract=self.normalize)


class Rk4CoarseRenorm(Base):
    def integrate(self, f, X, times):
        return fixed_step(rk4_step, f, X, times, h=0.05, retract=self.normalize)


class FlowGaussSeidel(Base):
    def integrate(self, f, X, times):
        out, t, h = [], 0.0, 1e-2
        for T in times:
            while t < T - 1e-15:
                dt = min(h, T - t)
                X = X.copy()
                for i in range(X.shape[0]):  # token i already sees the updated tokens 0..i-1
                    X[i] = X[i] + dt * f(X)[i]
                    X[i] /= np.linalg.norm(X[i])
                t += dt
            out.append(X.copy())
        return out


class LayerGaussSeidel(Base):
    def layer_step(self, X, Q, K, V, beta, model, h):
        X = X.copy()
        for i in range(X.shape[0]):  # in place, one token after the other
            a = self.layer_drift(X, Q, K, V, beta, model)[i]
            y = X[i] + h * a
            X[i] = y / np.linalg.norm(y)
        return X


class LayerNoNormalisation(Base):
    def layer_step(self, X, Q, K, V, beta, model, h):
        return X + h * self.layer_drift(X, Q, K, V, beta, model)


class LayerProjected(Base):
    def layer_step(self, X, Q, K, V, beta, model, h):
        return self.normalize(X + h * self.field(X, Q, K, V, beta, model))  # P_x a, which the layer does not have


class LayerHalfStep(Base):
    def layer_step(self, X, Q, K, V, beta, model, h):
        return super().layer_step(X, Q, K, V, beta, model, h / 2)


class LayerOffByOne(Base):
    def layer(self, req):
        states = super().layer(req)
        return [get(req, "X")] + states[:-1]  # the input reported as the first layer's output


class LayerUsaUnscaled(Base):
    def layer_drift(self, X, Q, K, V, beta, model):
        A, _ = self.drift(X, Q, K, V, beta, model)
        return A  # the usa shift e^{beta max S} is never put back


class Float32(Base):
    def field(self, X, Q, K, V, beta, model):
        f32 = np.float32
        v = super().field(X.astype(f32), Q.astype(f32), K.astype(f32), V.astype(f32), f32(beta), model)
        return v.astype(np.float64)


class Float32Scores(Base):
    def scores(self, X, Q, K):
        X32 = X.astype(np.float32)
        return ((X32 @ Q.T.astype(np.float32)) @ (X32 @ K.T.astype(np.float32)).T).astype(np.float64)


class UsaAsSaInFlow(Base):
    def flow_field(self, Q, K, V, beta, model):
        return super().flow_field(Q, K, V, beta, "sa")


class UsaAsSaInVelocity(Base):
    def velocity(self, req):
        return self.field(get(req, "X"), get(req, "Q"), get(req, "K"), get(req, "V"), float(get(req, "beta")), "sa")


# ---------------------------------------------------------------------- regimes

class Overflow(Base):
    def weights(self, S, beta, model):
        E = np.exp(beta * S)  # no max shift: inf / inf at large beta
        if model == "sa":
            return E / E.sum(axis=1, keepdims=True), np.zeros(S.shape[0])
        return E / S.shape[0], np.zeros(S.shape[0])


class GlobalShift(Base):
    def weights(self, S, beta, model):
        m = S.max()  # one shift for the whole matrix: a row far below it underflows to 0 / 0
        E = np.exp(beta * (S - m))
        if model == "sa":
            return E / E.sum(axis=1, keepdims=True), np.zeros(S.shape[0])
        return E / S.shape[0], np.full(S.shape[0], beta * m)


class HardmaxAtLargeBeta(Base):
    def weights(self, S, beta, model):
        if beta <= 30 or model != "sa":
            return super().weights(S, beta, model)
        W = (S == S.max(axis=1, keepdims=True)).astype(float)  # "beta > 30 is hardmax anyway"
        return W / W.sum(axis=1, keepdims=True), np.zeros(S.shape[0])


class D1Shortcut(Base):
    def project(self, X, A):
        if X.shape[1] == 1:
            return A  # "nothing to project in one dimension"
        return super().project(X, A)


class N1Static(Base):
    def field(self, X, Q, K, V, beta, model):
        if X.shape[0] == 1:
            return np.zeros_like(X)  # "a lone token has nothing to attend to": true only for V = I
        return super().field(X, Q, K, V, beta, model)


class StepCap(Base):
    def integrate(self, f, X, times):
        # a step budget that silently stops the clock and repeats the last state: only long horizons notice
        return dopri5(f, X, times, retract=self.normalize, max_steps=300, on_cap="stop")


class HorizonClipped(Base):
    def integrate(self, f, X, times):
        return super().integrate(f, X, [min(t, 5.0) for t in times])  # "t > 5 is converged anyway"


class TimesFinalOnly(Base):
    def integrate(self, f, X, times):
        final = super().integrate(f, X, [times[-1]])[0] if times else X
        return [final.copy() for _ in times]


class FirstStateInitial(Base):
    def integrate(self, f, X, times):
        return [X.copy()] + super().integrate(f, X, times)[:-1]


# ---------------------------------------------------------------------- energy

class EnergyMissingHalf(Base):
    def energy_value(self, X, Q, K, beta):
        return 2 * super().energy_value(X, Q, K, beta)


class EnergyMissingInvBeta(Base):
    def energy_value(self, X, Q, K, beta):
        return beta * super().energy_value(X, Q, K, beta)


class EnergyOverN(Base):
    def energy_value(self, X, Q, K, beta):
        return X.shape[0] * super().energy_value(X, Q, K, beta)  # 1/n instead of 1/n^2


class EnergyIgnoresQK(Base):
    def energy_value(self, X, Q, K, beta):
        I = np.eye(X.shape[1])
        return super().energy_value(X, I, I, beta)


# Theorems about each kind of mistake: a wrong field is the business of the field identities (M-SA,
# M-USA, M-ANG at d = 2, E1's log-gradient form, HP-velocity), a wrong integrator of the flow accuracy
# theorems, a wrong layer of the layer theorems, a wrong energy of the energy identities.
FIELD = ["M-SA", "M-USA", "M-ANG", "E1", "HP-velocity"]
USA_FIELD = ["M-USA", "M-SA", "M-ANG", "HP-velocity", "S6"]
FLOW = ["M-FLOW", "HP-flow", "S1", "T6.8"]  # T6.8: the flow against the closed form gamma_beta(t), an accuracy check too
LAYER = ["HP-layer", "M-DISC", "HP-order"]
ENERGY = ["HP-energy", "S4a", "P3.4", "S7", "HessT", "LA.2"]

# name, class of mistake, class, one-line description, theorems expected to kill it
MUTANTS = [
    ("softmax-axis", "normalisation", SoftmaxAxis, "softmax normalised over the wrong axis (columns)", FIELD),
    ("global-normaliser", "normalisation", GlobalNormaliser, "sa: one normaliser for the whole score matrix instead of one per row", FIELD),
    ("usa-n-squared", "normalisation", UsaOverNSquared, "usa weights e^{beta S}/n^2 instead of /n", USA_FIELD),
    ("usa-no-n", "normalisation", UsaMissingOverN, "usa weights e^{beta S} without the 1/n", USA_FIELD),
    ("usa-shift-lost", "normalisation", UsaShiftLost, "usa: the row-max shift e^{beta max S} is never restored", USA_FIELD),
    ("self-term-dropped", "normalisation", SelfTermDropped, "the sum over j leaves out j = i", FIELD),
    ("causal-mask", "normalisation", CausalMask, "a causal mask: token i attends to j <= i only", FIELD + ["S2"]),
    ("beta-inverted", "temperature", BetaInverted, "1/beta where beta belongs", FIELD),
    ("beta-sqrt-d", "temperature", BetaOverSqrtD, "beta/sqrt(d) (the transformer's 1/sqrt(d_k))", FIELD),
    ("beta-twice", "temperature", BetaTwice, "beta applied twice (beta^2)", FIELD),
    ("no-projection", "geometry", NoProjection, "velocity without the tangent projection P_x", FIELD + ["S1"]),
    ("projection-sign", "geometry", ProjectionSign, "P_x(y) = y + <x,y> x (sign flipped)", FIELD + ["S1"]),
    ("projection-axis", "geometry", ProjectionAxis, "projection's inner products summed over tokens (axis 0)", FIELD),
    ("renorm-axis", "geometry", RenormAxis, "renormalisation over columns instead of tokens (flow and layer)", FLOW + LAYER),
    ("rk4-no-renorm-coarse", "geometry", Rk4NoRenormCoarse, "fixed RK4, h = 0.05, never renormalised", FLOW),
    ("flow-unprojected-renorm", "geometry", FlowUnprojectedRenorm, "flow integrates the raw drift and renormalises (first order only)", FLOW),
    ("v-transposed", "algebra", VTransposed, "V^T x_j instead of V x_j", FIELD),
    ("qk-swapped", "algebra", QKSwapped, "Q and K swapped: <K x_i, Q x_j>", FIELD),
    ("qk-transposed", "algebra", QKTransposed, "x_i^T Q K^T x_j instead of x_i^T Q^T K x_j", FIELD),
    ("v-after-projection", "algebra", VAfterProjection, "V applied after the projection: V P_x(sum w x)", FIELD),
    ("value-of-query", "algebra", ValueOfQuery, "sum_j w_ij V x_i: the query's value instead of the key's", FIELD),
    ("token-dropped", "dynamics", TokenDropped, "the last token's velocity is never computed (left 0)", FIELD + ["S2"]),
    ("last-key-dropped", "dynamics", LastKeyDropped, "the last token is never attended to (keys 0..n-2)", FIELD + ["S2"]),
    ("time-reversed", "dynamics", TimeReversed, "flow integrates -v", FLOW + ["S5", "S5r", "S6", "S10"]),
    ("euler-no-renorm", "dynamics", EulerNoRenorm, "explicit Euler, h = 1e-2, no renormalisation", FLOW),
    ("euler-renorm", "dynamics", EulerRenorm, "explicit Euler with renormalisation, h = 1e-3 (first order)", FLOW),
    ("midpoint-renorm", "dynamics", MidpointRenorm, "explicit midpoint (RK2), h = 2e-3, renormalised", FLOW),
    ("rk4-coarse-renorm", "dynamics", Rk4CoarseRenorm, "RK4 at a fixed h = 0.05, renormalised", FLOW),
    ("flow-gauss-seidel", "dynamics", FlowGaussSeidel, "flow updates tokens one after another, in place", FLOW + ["S2"]),
    ("layer-gauss-seidel", "dynamics", LayerGaussSeidel, "layer updates tokens one after another, in place", LAYER),
    ("layer-no-normalisation", "dynamics", LayerNoNormalisation, "layer without the normalisation x + h a", LAYER),
    ("layer-projected", "dynamics", LayerProjected, "layer with the tangent projection (x + h P_x a)", LAYER),
    ("layer-half-step", "dynamics", LayerHalfStep, "layer uses h/2", LAYER),
    ("layer-off-by-one", "dynamics", LayerOffByOne, "layer reports [X_0 .. X_{steps-1}]", LAYER),
    ("layer-usa-unscaled", "dynamics", LayerUsaUnscaled, "usa layer without the e^{beta max S} scale", LAYER),
    ("float32", "dynamics", Float32, "the field computed in float32 under the float64 profile", FIELD),
    ("float32-scores", "dynamics", Float32Scores, "only the scores accumulated in float32", FIELD),
    ("usa-as-sa-in-flow", "dynamics", UsaAsSaInFlow, "flow integrates the sa field when asked for usa", FLOW + ["S6", "T6.8r"]),
    ("usa-as-sa-in-velocity", "dynamics", UsaAsSaInVelocity, "velocity answers sa when asked for usa", USA_FIELD),
    ("overflow", "regime", Overflow, "exp(beta S) without the max shift (large beta only)", FIELD),
    ("global-shift", "regime", GlobalShift, "softmax shifted by the global max: rows underflow to 0/0 (large beta only)", FIELD),
    ("hardmax-large-beta", "regime", HardmaxAtLargeBeta, "beta > 30 answered by hardmax (large beta only)", FIELD),
    ("d1-shortcut", "regime", D1Shortcut, "no projection when d = 1 (d = 1 only)", FIELD),
    ("n1-static", "regime", N1Static, "a single token gets velocity 0 (n = 1 and V != I only)", FIELD),
    ("step-cap", "regime", StepCap, "flow stops integrating after a step budget and repeats the last state (long horizons only)", ["M-FLOW", "T6.8", "T6.8r", "L6.4", "S15", "T4.1", "FU-circle"]),
    ("horizon-clipped", "regime", HorizonClipped, "flow times clipped at t = 5 (long horizons only)", ["M-FLOW", "T6.8", "T6.8r", "L6.4", "S15", "T4.1", "FU-circle"]),
    ("times-final-only", "output", TimesFinalOnly, "flow returns the final state for every requested time", FLOW + ["T6.8r"]),
    ("first-state-initial", "output", FirstStateInitial, "flow reports [X(0), X(t1), ...]: shifted by one", FLOW + ["T6.8r"]),
    ("energy-no-half", "energy", EnergyMissingHalf, "energy without the 1/2", ENERGY),
    ("energy-no-inv-beta", "energy", EnergyMissingInvBeta, "energy without the 1/beta", ENERGY),
    ("energy-over-n", "energy", EnergyOverN, "energy with 1/n instead of 1/n^2", ENERGY),
    ("energy-ignores-qk", "energy", EnergyIgnoresQK, "energy with <x_i, x_j> instead of <Q x_i, K x_j>", ENERGY),
]
