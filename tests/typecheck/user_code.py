"""A learner's script, type-checked by CI with ``mypy --strict --warn-unused-ignores``.

It checks that the public API is typed the way users call it; pytest also
imports it (``--doctest-modules``), which runs it.  Each ``# type: ignore[...]``
line is a *negative* check: the call must be a type error, and if the
annotation ever stops making it one, the ignore becomes unused and mypy fails.
"""

import math

import tinygrad_edu as tg
from tinygrad_edu import Value, data, nn, optim, training
from tinygrad_edu import functional as F

w = Value(2.0, label="w").requires_grad_()
b = Value(0.0, requires_grad=False).requires_grad_(True)

# losses with reduction="mean" | "sum" are Values, so .backward() type-checks
loss = F.mse_loss(w * 1.0, 1.0)
loss.backward(retain_graph=True)
F.mse_loss(input=[w], target=[1.0], reduction="sum").backward()
F.binary_cross_entropy([w.sigmoid()], [1.0]).backward()
F.binary_cross_entropy_with_logits([w], [0.0], reduction="mean").backward()
F.cross_entropy([w, b, w * b], 2).backward(gradient=1.0)
F.nll_loss(F.log_softmax([w, b], dim=0), 1).backward()
per_sample = F.mse_loss([w, b], [1.0, 0.0], reduction="none")
tg.sum(per_sample if isinstance(per_sample, list) else [per_sample]).backward()

# one pass from several outputs; grad with PyTorch's keywords
outs: list[Value] = nn.Linear(2, 3, seed=0)([w, b])
tg.backward(outs, [1.0, 0.5, 0.25])
one: Value = tg.grad(loss, w, retain_graph=True)
several: tuple[Value, ...] = tg.grad(outs, [w, b], grad_outputs=[1.0, 1.0, 1.0], create_graph=True)
second = tg.grad(tg.grad(w.sin(), w, create_graph=True), w)

# everyday Python on a Value
x: float = loss.item()
flag: bool = w > 0 and w <= b + 5
biggest: Value = max(w, b)
ordered: list[Value] = sorted([w, b])
text: str = f"{w:.2f}"
whole: int = round(w)
rounded: float = round(w, 2)
n: int = int(w) + math.floor(w) + math.ceil(w) + math.trunc(w)
y: Value = tg.maximum(w, 0.5).clamp(min=0.0, max=1.0) + tg.minimum(w, b)
z: Value = w.cos() + w.softplus(beta=2.0) + w.elu(alpha=1.0) + w.log1p() + w.expm1()
with tg.set_grad_enabled(False):
    frozen = w * 2
tg.set_grad_enabled(True)

# modules, a saved model, training
model = nn.Sequential(nn.Linear(2, 8, seed=1), nn.ReLU(), nn.Linear(8, 1, seed=2), nn.Sigmoid())
for act in (nn.Tanh(), nn.LeakyReLU(0.1), nn.SiLU(), nn.GELU()):
    act(w)
X, labels = data.make_moons(20, noise=0.1, seed=0)
mlp = nn.MLP(2, [4, 1], seed=0)
opt = optim.Adam(mlp.parameters(), lr=0.01)
predicted: list[int] = training.predict(mlp, X)
raw = training.scores(mlp, X)
acc: float = training.accuracy(predicted, labels)

def reload(path: str) -> nn.Module:
    mlp.save(path)
    return nn.load_model(path)


def type_errors() -> None:
    """Never called: each line must stay a type error (see the module docstring)."""
    F.mse_loss([w, b], [1.0, 0.0], reduction="none").backward()  # type: ignore[union-attr]
    tg.backward(1.0)  # type: ignore[arg-type]  # outputs are Values
    w.clamp(min="0")  # type: ignore[arg-type]
