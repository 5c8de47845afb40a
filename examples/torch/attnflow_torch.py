#!/usr/bin/env python3
"""The self-attention dynamics written the way a PyTorch user writes attention, checked by attnflow.

    attnflow check --impl "/usr/bin/python3 examples/torch/attnflow_torch.py"
    attnflow check --impl "/usr/bin/python3 examples/torch/attnflow_torch.py --dtype float32" --profile float32

- layer: one Post-LN residual block around torch.nn.MultiheadAttention (one head, no biases, the
  in-projection set from Q, K, V and the out-projection the identity): x <- normalize(x + h attn(x)).
  MultiheadAttention divides the scores by sqrt(d); the query weights carry beta sqrt(d) to undo it,
  so the weights are exactly softmax_j(beta <Q x_i, K x_j>).
- velocity: the same attention written out in tensor algebra, then the tangent projection P_x.
- flow: its own adaptive Dormand-Prince 5(4) in torch, renormalising after each step.

All on the CPU in float64 (or float32 with --dtype float32). PyTorch from Debian:
apt-get install -y python3-torch, for /usr/bin/python3.

Deliberately broken twins, for attnflow's own tests (--bug NAME): see BUGS.
"""
import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from attnflow_harness import serve  # noqa: E402  (the harness lives in examples/python)

BUGS = {
    "sqrt-d": "the usual 1/sqrt(d) of scaled dot-product attention left in (beta/sqrt(d) instead of beta)",
    "causal": "a causal mask: token i attends only to tokens j <= i",
    "residual": "the layer's residual forgets the step: x <- normalize(x + attn(x)) instead of x + h attn(x)",
    "transposed": "the in-projection set from Q^T, K^T, V^T (nn.Linear computes W x, so W must be Q, not Q^T)",
}

args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument("--dtype", choices=["float64", "float32"], default="float64")
args.add_argument("--bug", choices=sorted(BUGS))
args.add_argument("--threads", type=int, default=1, help="torch intra-op threads (small systems: 1 is fastest)")
opts = args.parse_args()
DTYPE = getattr(torch, opts.dtype)
BUG = opts.bug
torch.set_num_threads(opts.threads)
torch.set_grad_enabled(False)


def scores(X, Q, K, beta):
    """beta <Q x_i, K x_j> for all i, j (with the twin's mistakes)."""
    S = beta * (X @ Q.T) @ (X @ K.T).T
    if BUG == "sqrt-d":
        S = S / math.sqrt(X.shape[1])
    if BUG == "causal":
        S = S.masked_fill(torch.ones_like(S, dtype=torch.bool).triu(1), -math.inf)
    return S


def attention(X, Q, K, V, beta, model):
    """a_i = sum_j w_ij V x_j, written out: softmax for sa; for usa e^{S_ij}/n = softmax * Z_i/n."""
    S = scores(X, Q, K, beta)
    A = torch.softmax(S, dim=1) @ (X @ V.T)
    if model == "usa":
        A = A * torch.exp(torch.logsumexp(S, dim=1, keepdim=True) - math.log(X.shape[0]))
    return A


def velocity(X, Q, K, V, beta, model):
    """dx_i/dt = P_{x_i}(a_i), P_x(y) = y - <x, y> x (eq. 2.3)."""
    A = attention(X, Q, K, V, beta, model)
    return A - (A * X).sum(dim=1, keepdim=True) * X


class AttentionBlock(torch.nn.Module):
    """One Post-LN residual block: x <- normalize(x + h MultiheadAttention(x))."""

    def __init__(self, Q, K, V, beta, model, h):
        super().__init__()
        d = Q.shape[0]
        self.attn = torch.nn.MultiheadAttention(d, num_heads=1, bias=False, batch_first=True, dtype=Q.dtype)
        Wq, Wk, Wv = (Q.T, K.T, V.T) if BUG == "transposed" else (Q, K, V)
        # MultiheadAttention scales the scores by 1/sqrt(d): the query weights carry beta sqrt(d) instead.
        q_scale = beta if BUG == "sqrt-d" else beta * math.sqrt(d)
        self.attn.in_proj_weight.copy_(torch.cat([q_scale * Wq, Wk, Wv]))
        self.attn.out_proj.weight.copy_(torch.eye(d, dtype=Q.dtype))
        self.Q, self.K, self.beta, self.model, self.h = Q, K, beta, model, h

    def forward(self, X):
        n = X.shape[0]
        mask = torch.ones(n, n, dtype=torch.bool).triu(1) if BUG == "causal" else None
        A = self.attn(X[None], X[None], X[None], attn_mask=mask, need_weights=False)[0][0]
        if self.model == "usa":
            # USA replaces the softmax normaliser Z_i by n: rescale each row by Z_i / n.
            S = scores(X, self.Q, self.K, self.beta)
            A = A * torch.exp(torch.logsumexp(S, dim=1, keepdim=True) - math.log(n))
        step = 1.0 if BUG == "residual" else self.h
        return F.normalize(X + step * A, dim=1)


# Dormand-Prince 5(4): nodes' coefficients and the two weight rows.
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
_E = [b5 - b4 for b5, b4 in zip(_B5, [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])]


def dopri5(f, X, times, rtol, atol, max_steps=200000):
    """Adaptive RK5(4) stepping exactly onto each output time; tokens renormalised after every accepted
    step (a retraction onto the sphere, which the exact flow preserves)."""
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
                ks.append(f(X + h * sum(a * k for a, k in zip(_A[s], ks) if a != 0)))
            X5 = X + h * sum(b * k for b, k in zip(_B5, ks) if b != 0)
            scale = atol + rtol * torch.maximum(X.abs(), X5.abs())
            err = float(((h * sum(e * k for e, k in zip(_E, ks) if e != 0)) / scale).pow(2).mean().sqrt())
            if not math.isfinite(err):
                raise RuntimeError(f"the state became non-finite at t = {t}")
            if err <= 1.0:
                t = T if T - t <= h else t + h
                X = F.normalize(X5, dim=1)
                k1 = f(X)
            h = h * min(5.0, max(0.2, 0.9 * max(err, 1e-16) ** -0.2))
        out.append(X.clone())
    return out


# Local error per step: float64 1e-10 relative (the float64 profile holds flows to 1e-8; 1e-12 costs
# 2.5x the velocity evaluations for nothing the checks can see); float32 1e-6 (profile 1e-4).
RTOL, ATOL = (1e-10, 1e-12) if DTYPE == torch.float64 else (1e-6, 1e-7)


def system(r):
    """The request's tensors in the working dtype (the harness hands in float64 CPU tensors)."""
    return [m.to(DTYPE) for m in (r.X, r.Q, r.K, r.V)]


def op_velocity(r):
    X, Q, K, V = system(r)
    return velocity(X, Q, K, V, r.beta, r.model)


def op_flow(r):
    X, Q, K, V = system(r)
    return dopri5(lambda Y: velocity(Y, Q, K, V, r.beta, r.model), X, r.times, RTOL, ATOL)


def op_layer(r):
    X, Q, K, V = system(r)
    block = AttentionBlock(Q, K, V, r.beta, r.model, r.h).eval()
    states = []
    for _ in range(r.steps):
        X = block(X)
        states.append(X)
    return states


def op_energy(r):
    """E = (1/(2 beta n^2)) sum_ij exp(beta <Q x_i, K x_j>) (Remark 3.8), as exp(logsumexp) for range."""
    X, Q, K, _ = system(r)
    S = r.beta * (X @ Q.T) @ (X @ K.T).T
    return torch.exp(torch.logsumexp(S.flatten(), dim=0) - math.log(2 * r.beta * X.shape[0] ** 2))


sys.exit(serve(velocity=op_velocity, flow=op_flow, layer=op_layer, energy=op_energy, arrays="torch",
               name="torch-example" + (f"+{BUG}" if BUG else ""), version=torch.__version__,
               language=f"python (torch {opts.dtype})"))
