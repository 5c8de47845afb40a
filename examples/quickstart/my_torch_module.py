import sys; sys.path.insert(0, "examples/python")   # the folder that holds attnflow_harness.py
import torch
from attnflow_harness import serve

class SelfAttention(torch.nn.Module):               # your module: one head, softmax(beta <Qx, Kx>) Vx
    def __init__(self, Q, K, V, beta, model="sa"):
        super().__init__()
        self.q, self.k, self.v = (torch.nn.Linear(*W.shape, bias=False, dtype=W.dtype) for W in (Q, K, V))
        for lin, W in ((self.q, Q), (self.k, K), (self.v, V)):
            lin.weight.data.copy_(W)                # nn.Linear computes W x: the weight is Q itself
        self.beta, self.model = beta, model

    def forward(self, X):
        S = self.beta * self.q(X) @ self.k(X).T
        W = torch.softmax(S, dim=-1) if self.model == "sa" else torch.exp(S) / len(X)   # usa: e^S / n
        return W @ self.v(X)

@torch.no_grad()
def velocity(r):                                    # the flow's field: attention, projected on the sphere
    A = SelfAttention(r.Q, r.K, r.V, r.beta, r.model)(r.X)
    return A - (A * r.X).sum(-1, keepdim=True) * r.X

@torch.no_grad()
def layer(r):                                       # Post-LN residual block, applied r.steps times
    block, X, states = SelfAttention(r.Q, r.K, r.V, r.beta, r.model), r.X, []
    for _ in range(r.steps):
        X = torch.nn.functional.normalize(X + r.h * block(X), dim=-1)
        states.append(X)
    return states

serve(velocity=velocity, layer=layer, arrays="torch", name="my-torch-module", version="0.1")
