"""Optimizers: turn the gradients left by ``backward()`` into parameter updates.

Back-propagation computes dL/dw; *gradient descent* is the separate step that
uses it, ``w ← w − lr·dL/dw``.  The optimizers here follow the update rules
documented for ``torch.optim.SGD`` and ``torch.optim.Adam`` (L2 weight decay is
added to the gradient, as there).  An update changes ``p.data`` in place and
records no graph.

A training step reads::

    opt.zero_grad()      # gradients add up across passes: clear them first
    loss.backward()      # fill p.grad = dL/dp
    opt.step()           # move every p against its gradient

Parameters that do not require grad are left alone, like PyTorch's parameters
without a gradient.

An optimizer pickles and ``copy.deepcopy``-s with its state (momentum
buffers, Adam's averages, the step count).  Copy it *together with* its model
- ``pickle.dumps((model, opt))``, ``copy.deepcopy((model, opt))`` - and the
copy updates the copied model's parameters; copied alone, it gets parameters
of its own that no model holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from tinygrad_edu.engine.value import Value
from tinygrad_edu.errors import TinygradEduError

__all__ = ["Optimizer", "SGD", "Adam", "NonFiniteGradientError"]


class NonFiniteGradientError(TinygradEduError, FloatingPointError):
    """A gradient is inf or NaN, so ``step()`` refused to update (no parameter was changed)."""


def _hyper(x: Any, who: str, low: float = 0.0, high: float = math.inf, high_open: bool = False) -> float:
    """A finite float hyper-parameter in [low, high] (or [low, high) with ``high_open``)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{who} must be a finite number, got {x!r:.40}")
    ok = low <= x < high if high_open else low <= x <= high
    if not ok:
        bracket = ")" if high_open else "]"
        raise ValueError(f"{who} must be in [{low}, {high}{bracket}, got {x!r}")
    return float(x)


class Optimizer:
    """Base class: holds the parameters, clears their gradients, and checks them before a step."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{name}(params) takes an iterable of Values (model.parameters()), got one Value")
        plist = list(params)
        if not plist:
            raise ValueError(f"{name}(params) is empty: pass model.parameters() (a model with parameters)")
        seen: set[int] = set()
        for i, p in enumerate(plist):
            if not isinstance(p, Value):
                raise TypeError(f"{name}(params)[{i}] must be a Value, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"{name}(params)[{i}] ({p.label or 'unlabelled'}) was computed by an op ({p.op}); "
                    "only leaf Values (weights) can be optimized"
                )
            if id(p) in seen:
                who = p.label or "unlabelled"
                raise ValueError(f"{name}(params)[{i}] ({who}) is listed twice; pass each parameter once")
            seen.add(id(p))
        self.params: list[Value] = plist
        self.lr = _hyper(lr, f"{name}(lr)")
        self.steps = 0

    def zero_grad(self) -> None:
        """Set ``.grad`` of every parameter to 0."""
        for p in self.params:
            p.grad = 0.0

    def _gradients(self) -> list[float | None]:
        """Each parameter's gradient (None for one that does not require grad), all checked finite."""
        grads: list[float | None] = [p.grad if p.requires_grad else None for p in self.params]
        for i, g in enumerate(grads):
            if g is not None and not math.isfinite(g):
                p = self.params[i]
                raise NonFiniteGradientError(
                    f"{type(self).__name__}.step(): the gradient of parameter {i} "
                    f"({p.label or 'unlabelled'}) is {g!r}; no parameter was updated. Look for an overflow "
                    "in the forward pass (exp of a large number, log of 0) or lower the learning rate"
                )
        return grads

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError(f"{type(self).__name__} must define step()")


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay.

    For each parameter p with gradient g, at step t (``torch.optim.SGD``'s rule):

        g ← g + λ·p                            (weight_decay λ)
        b ← g at t = 1, else μ·b + (1 − τ)·g   (momentum μ, dampening τ)
        g ← g + μ·b if nesterov else b         (only when μ ≠ 0)
        p ← p − lr·g

    >>> w = Value(1.0); w.grad = 0.5
    >>> opt = SGD([w], lr=0.1); opt.step()
    >>> w.data
    0.95
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False, dampening: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _hyper(momentum, "SGD(momentum)")
        self.weight_decay = _hyper(weight_decay, "SGD(weight_decay)")
        self.dampening = _hyper(dampening, "SGD(dampening)", 0.0, 1.0)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError("SGD(nesterov=True) needs momentum > 0 and dampening = 0")
        self.momentum_buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """One update of every parameter (see the class docstring)."""
        grads = self._gradients()
        lr, mu, wd, damp = self.lr, self.momentum, self.weight_decay, self.dampening
        bufs = self.momentum_buffers
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g is None:
                continue
            if wd != 0.0:
                g = g + wd * p.data
            if mu != 0.0:
                b = bufs[i]
                b = g if b is None else mu * b + (1.0 - damp) * g
                bufs[i] = b
                g = g + mu * b if self.nesterov else b
            p.data -= lr * g
        self.steps += 1


class Adam(Optimizer):
    """Adam: per-parameter steps scaled by running averages of the gradient and its square.

    For each parameter p with gradient g, at step t = 1, 2, ... (``torch.optim.Adam``'s rule):

        g ← g + λ·p                       (weight_decay λ: L2 added to the gradient)
        m ← β₁·m + (1 − β₁)·g             (m, v start at 0)
        v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
        p ← p − lr·m̂ / (√v̂ + ε)

    The bias corrections make the first step ``lr·g/(|g| + ε)``: about lr in
    the direction of −g, whatever the size of g.

    >>> w = Value(1.0); w.grad = 123.0
    >>> opt = Adam([w], lr=0.1); opt.step()
    >>> round(w.data, 6)
    0.9
    """

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: Sequence[float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if isinstance(betas, (str, bytes)) or not isinstance(betas, Sequence) or len(betas) != 2:
            raise ValueError(f"Adam(betas) must be a pair (beta1, beta2) like (0.9, 0.999): {betas!r:.40}")
        self.betas = (_hyper(betas[0], "Adam(betas[0])", 0.0, 1.0, high_open=True),
                      _hyper(betas[1], "Adam(betas[1])", 0.0, 1.0, high_open=True))
        self.eps = _hyper(eps, "Adam(eps)")
        if self.eps == 0.0:
            raise ValueError("Adam(eps) must be > 0 (it keeps m̂/(√v̂ + ε) finite when a gradient is 0), got 0")
        self.weight_decay = _hyper(weight_decay, "Adam(weight_decay)")
        self.exp_avg = [0.0] * len(self.params)
        self.exp_avg_sq = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter (see the class docstring)."""
        grads = self._gradients()
        t = self.steps + 1
        b1, b2 = self.betas
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        bc1 = 1.0 - b1**t
        bc2 = 1.0 - b2**t
        m, v = self.exp_avg, self.exp_avg_sq
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g is None:
                continue
            if wd != 0.0:
                g = g + wd * p.data
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= lr * (m[i] / bc1) / (math.sqrt(v[i] / bc2) + eps)
        self.steps = t
