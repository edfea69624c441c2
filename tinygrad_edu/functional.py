"""Composite functions built from Values: activations, the softmax family and losses.

Import it the way PyTorch users do::

    import tinygrad_edu.functional as F

Everything here is made of the engine's ops, so every result is a Value whose
gradient is exact (no formula is re-stated here: the derivatives come from the
ops registry).  Inputs may be Values or plain numbers, vectors any sequence of
them; numbers are treated as constants.

**Stability.**  ``softmax``, ``log_softmax`` and ``logsumexp`` subtract the
largest input ``m`` first, using ``logsumexp(x) = m + log Σ e^(xᵢ − m)``: every
exponent is then ``<= 0``, so nothing overflows and the largest term is exactly
``1``.  ``m`` is one ``max_shift`` node of the graph whose derivative is 0: the
identity holds for every ``m``, so the shift cancels exactly and the gradient
is that of the plain formula.  Being a node (not a number frozen when the graph
was recorded), it is computed again at run time by a compiled program
(:func:`tinygrad_edu.compile`), which therefore stays stable for any logits.

**Losses** follow PyTorch's definitions: an element-wise loss ``ℓᵢ``, then
``reduction="mean"`` (``(1/N) Σ ℓᵢ``, the default), ``"sum"`` (``Σ ℓᵢ``) or
``"none"`` (the list of ``ℓᵢ``).  A single scalar prediction gives a single
Value whatever the reduction (its mean and sum are itself).
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Union, overload

from tinygrad_edu.engine.value import Value, _short_int, const, nary, to_float, unary
from tinygrad_edu.engine.value import sum as _vsum
from tinygrad_edu.errors import DomainError
from tinygrad_edu.ops.definitions import MAX_SHIFT
from tinygrad_edu.ops.losses import BCE_WITH_LOGITS, bce_with_logits_forward

Scalar = Union[Value, int, float]
LossResult = Union[Value, list[Value]]
MeanOrSum = Literal["mean", "sum"]  # reductions that give one Value (typed so: loss.backward() type-checks)

REDUCTIONS = ("mean", "sum", "none")
BCE_EPS = 1e-8  # default eps of binary_cross_entropy, see its docstring

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "silu", "gelu",
    "softmax", "log_softmax", "logsumexp", "max_shift",
    "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
    "REDUCTIONS", "BCE_EPS",
]


# ---------------------------------------------------------------- input handling
def _alias(who: str, ours: Any, ours_name: str, theirs: Any, theirs_name: str) -> Any:
    """One argument given under our name or PyTorch's keyword (``input``, ``target``), not both."""
    if ours is not None and theirs is not None:
        raise TypeError(f"{who}() got both {ours_name} and {theirs_name}; they are one argument, give one")
    if ours is None and theirs is None:
        raise TypeError(f"{who}() missing its argument {ours_name} (PyTorch's name: {theirs_name})")
    return ours if ours is not None else theirs


def _check_dim(dim: Any, who: str) -> None:
    """The softmax family works on one vector: dim may be None, 0 or -1 (the only axis)."""
    if dim is not None and (isinstance(dim, bool) or dim not in (0, -1)):
        raise ValueError(
            f"{who}: dim={dim!r} is not an axis of a list of numbers; a list has one axis, "
            "dim=0 (or -1, or None); for a batch, apply it to each row: [F.softmax(row) for row in batch]"
        )


def _is_scalar(x: Any) -> bool:
    return isinstance(x, (Value, numbers.Number)) or getattr(x, "shape", None) == ()


def _value(x: Any, where: str) -> Value:
    """``x`` itself if it is a Value, else a constant Value (TypeError naming ``where``)."""
    if type(x) is Value or isinstance(x, Value):
        return x
    return const(to_float(x, where))


def _number_or_value(x: Any, where: str) -> Value | float:
    """Targets: a Value stays a Value (its gradient may be wanted), a number becomes a float."""
    return x if isinstance(x, Value) else to_float(x, where)


def _items(xs: Any, where: str) -> list[Any]:
    if _is_scalar(xs) or isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(f"{where} takes a sequence of Values or numbers, got {type(xs).__name__}: {xs!r:.60}")
    items = list(xs)
    if not items:
        raise ValueError(f"{where} is empty; it needs at least one element")
    return items


def _vector(xs: Any, where: str) -> list[Value]:
    """A non-empty sequence of Values or numbers, as Values."""
    return [_value(x, f"{where}[{i}]") for i, x in enumerate(_items(xs, where))]


def _flatten(x: Any, where: str, convert: Callable[[Any, str], Any]) -> tuple[list[Any], tuple[int, ...]]:
    """Leaves of a scalar, a sequence or a nested sequence, converted, with the shape."""
    if _is_scalar(x):
        return [convert(x, where)], ()
    items = _items(x, where)
    parts = [_flatten(item, f"{where}[{i}]", convert) for i, item in enumerate(items)]
    shape0 = parts[0][1]
    for i, (_, shape) in enumerate(parts):
        if shape != shape0:
            raise ValueError(
                f"{where} is ragged: {where}[0] has shape {shape0} but {where}[{i}] has shape {shape}"
            )
    return [leaf for leaves, _ in parts for leaf in leaves], (len(items), *shape0)


def _check_reduction(reduction: str, who: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(terms: list[Value], reduction: str, single: bool) -> LossResult:
    """Mean, sum or the list itself; a single term is returned as it is."""
    if single:
        return terms[0]
    if reduction == "none":
        return terms
    total = _vsum(terms)
    return total if reduction == "sum" else total / len(terms)


def _paired(preds: Any, targets: Any, who: str, pname: str, tname: str,
            convert_target: Callable[[Any, str], Any]) -> tuple[list[Value], list[Any], bool]:
    """Flatten predictions and targets of the same shape into two lists."""
    ps, pshape = _flatten(preds, f"{who}({pname})", _value)
    ts, tshape = _flatten(targets, f"{who}({tname})", convert_target)
    if pshape != tshape:
        raise ValueError(
            f"{who}: {pname} and {tname} must have the same shape, got {pshape or 'a scalar'} "
            f"and {tshape or 'a scalar'}"
        )
    return ps, ts, pshape == ()


def _check_unit_interval(xs: Sequence[Any], who: str, name: str, hint: str) -> None:
    for i, x in enumerate(xs):
        v = x.data if isinstance(x, Value) else x
        if not 0.0 <= v <= 1.0:  # also False for NaN
            raise ValueError(f"{who}: {name}[{i}] = {v!r} is outside [0, 1]; {hint}")


# ---------------------------------------------------------------- scalar activations
def sigmoid(x: Scalar) -> Value:
    """σ(x) = 1 / (1 + e⁻ˣ);  σ'(x) = σ(x)(1 − σ(x)).

    >>> sigmoid(0.0)
    Value(data=0.5, requires_grad=False)
    """
    return _value(x, "sigmoid(x)").sigmoid()


def tanh(x: Scalar) -> Value:
    """tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ);  tanh'(x) = 1 − tanh² x."""
    return _value(x, "tanh(x)").tanh()


def relu(x: Scalar) -> Value:
    """relu(x) = max(0, x);  relu'(x) = 1 for x > 0, else 0 (0 at the kink, as in PyTorch)."""
    return _value(x, "relu(x)").relu()


def leaky_relu(x: Scalar, negative_slope: float = 0.01) -> Value:
    """f(x) = x for x > 0, else a·x;  f'(x) = 1 for x > 0, else a (``a = negative_slope``)."""
    return _value(x, "leaky_relu(x)").leaky_relu(negative_slope)


def silu(x: Scalar) -> Value:
    """silu(x) = x·σ(x);  silu'(x) = σ(x)(1 + x(1 − σ(x)))."""
    return _value(x, "silu(x)").silu()


def gelu(x: Scalar, approximate: str = "none") -> Value:
    """gelu(x) = x·Φ(x) (Φ the standard normal CDF);  gelu'(x) = Φ(x) + x·φ(x).

    ``approximate="tanh"`` uses ½x(1 + tanh(√(2/π)(x + 0.044715x³))) instead.
    """
    return _value(x, "gelu(x)").gelu(approximate)


# ---------------------------------------------------------------- softmax family
def max_shift(xs: Sequence[Scalar]) -> Value:
    """m = max xᵢ as one ``max_shift`` node whose derivative is 0: the shift of the softmax family.

    softmax, log_softmax, logsumexp and cross_entropy subtract it from their
    inputs; their results do not depend on it, so no gradient flows through it.

    >>> m = max_shift([Value(1.0), Value(3.0), Value(2.0)])
    >>> m.data, m.op
    (3.0, 'max_shift')
    """
    vs = _vector(xs, "max_shift(xs)")
    if not vs:
        raise ValueError("max_shift(xs): xs is empty; it needs at least one number")
    ins = tuple(vs)
    return nary(MAX_SHIFT, MAX_SHIFT.forward(*[v.data for v in ins]), ins)


def _shifted(xs: Any, who: str, name: str = "xs") -> tuple[list[Value], Value]:
    """xᵢ − m with m = max xᵢ (a ``max_shift`` node), after checking the inputs are finite."""
    vs = _vector(xs, f"{who}({name})")
    for i, v in enumerate(vs):
        if not math.isfinite(v.data):
            raise DomainError(f"{who}: {name}[{i}] = {v.data!r} is not finite; {who} needs finite inputs")
    m = max_shift(vs)
    return [v - m for v in vs], m


def logsumexp(xs: Sequence[Scalar], dim: int | None = None) -> Value:
    """LSE(x) = log Σ eˣⁱ = m + log Σ e^(xᵢ − m) with m = max xᵢ;  ∂LSE/∂xᵢ = softmax(x)ᵢ.

    >>> logsumexp([1e4, 1e4]).data == 1e4 + math.log(2.0)
    True
    """
    _check_dim(dim, "logsumexp")
    shifted, m = _shifted(xs, "logsumexp")
    return _vsum([d.exp() for d in shifted]).log() + m


def softmax(xs: Sequence[Scalar], dim: int | None = None) -> list[Value]:
    """sᵢ = e^(xᵢ) / Σⱼ e^(xⱼ), computed as e^(xᵢ − m) / Σⱼ e^(xⱼ − m);  ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ).

    >>> [p.data for p in softmax([1000.0, 0.0])]
    [1.0, 0.0]
    """
    _check_dim(dim, "softmax")
    es = [d.exp() for d in _shifted(xs, "softmax")[0]]
    total = _vsum(es)
    return [e / total for e in es]


def log_softmax(xs: Sequence[Scalar], dim: int | None = None) -> list[Value]:
    """log sᵢ = xᵢ − LSE(x) = (xᵢ − m) − log Σⱼ e^(xⱼ − m);  ∂/∂xⱼ = δᵢⱼ − sⱼ.

    >>> [round(v.data, 4) for v in log_softmax([0.0, 0.0])]
    [-0.6931, -0.6931]
    """
    _check_dim(dim, "log_softmax")
    shifted, _ = _shifted(xs, "log_softmax")
    log_total = _vsum([d.exp() for d in shifted]).log()
    return [d - log_total for d in shifted]


# ---------------------------------------------------------------- regression loss
@overload
def mse_loss(preds: Any = ..., targets: Any = ..., reduction: MeanOrSum = ..., *, input: Any = ...,
             target: Any = ...) -> Value: ...
@overload
def mse_loss(preds: Any = ..., targets: Any = ..., reduction: str = ..., *, input: Any = ...,
             target: Any = ...) -> LossResult: ...
def mse_loss(preds: Any = None, targets: Any = None, reduction: str = "mean", *,
             input: Any = None, target: Any = None) -> LossResult:  # noqa: A002 - PyTorch's keyword
    """Mean squared error: ℓᵢ = (pᵢ − tᵢ)²;  ∂ℓᵢ/∂pᵢ = 2(pᵢ − tᵢ).

    ``preds`` and ``targets`` are scalars, sequences, or equal-shaped nested
    sequences (a batch of output vectors); the mean runs over every element,
    as in PyTorch.  The learners' example, pred = w·x with x = 1, w = 2,
    target 1: L = (2 − 1)² = 1 and dL/dw = 2(wx − t)·x = 2.

    >>> from tinygrad_edu import Value
    >>> w = Value(2.0)
    >>> loss = mse_loss(w * 1.0, 1.0); loss.backward()
    >>> loss.data, w.grad
    (1.0, 2.0)
    """
    preds = _alias("mse_loss", preds, "preds", input, "input")
    targets = _alias("mse_loss", targets, "targets", target, "target")
    _check_reduction(reduction, "mse_loss")
    ps, ts, single = _paired(preds, targets, "mse_loss", "preds", "targets", _number_or_value)
    return _reduce([(p - t) ** 2 for p, t in zip(ps, ts)], reduction, single)


# ---------------------------------------------------------------- binary classification
@overload
def binary_cross_entropy(probs: Any = ..., targets: Any = ..., eps: float = ...,
                         reduction: MeanOrSum = ..., *, input: Any = ..., target: Any = ...) -> Value: ...
@overload
def binary_cross_entropy(probs: Any = ..., targets: Any = ..., eps: float = ...,
                         reduction: str = ..., *, input: Any = ..., target: Any = ...) -> LossResult: ...
def binary_cross_entropy(probs: Any = None, targets: Any = None, eps: float = BCE_EPS,
                         reduction: str = "mean", *, input: Any = None,  # noqa: A002
                         target: Any = None) -> LossResult:
    """Binary cross-entropy on probabilities, with ``eps`` inside the logs.

    ℓᵢ = −[tᵢ·log(pᵢ + ε) + (1 − tᵢ)·log(1 − pᵢ + ε)],
    ∂ℓᵢ/∂pᵢ = −tᵢ/(pᵢ + ε) + (1 − tᵢ)/(1 − pᵢ + ε).

    Why this form: ``log 0`` is −∞, so a confident wrong prediction (p = 0 for
    t = 1) would give an infinite loss and gradient.  Adding ε keeps both
    finite everywhere on [0, 1]: the loss is at most −log ε (18.4 for the
    default 1e-8) and |∂ℓ/∂p| at most 1/ε.  Unlike clamping p (PyTorch clamps
    the log at −100), the gradient never becomes 0, so a saturated wrong
    prediction still learns.  The price is a bias of about ε/p in log(p + ε)
    (under 1e-4 for p above 1e-4 with ε = 1e-8), and the loss at a perfect
    prediction is −log(1 + ε) ≈ −1e-8 instead of 0.  A larger ε = 1e-4 caps the
    loss at 9.2 and changes it visibly below p ≈ 0.01 (by 1 % at p = 0.01).  A
    smaller ε = 1e-16 lets |∂ℓ/∂p| reach 1e16, so one gradient step at a
    saturated wrong prediction throws the weights far away; and it is below half
    the spacing of doubles at 1 (1.1e-16), so 1 + ε rounds to 1 and ε only
    matters where p or 1 − p is tiny - in effect it guards p at 0 and 1 only.  ``eps=0`` gives the exact
    formula (a DomainError from ``log`` at p = 0 or 1).

    A target of exactly 0 or 1 skips the term it multiplies by 0.  Probabilities
    and targets must lie in [0, 1]: pass raw scores to
    :func:`binary_cross_entropy_with_logits` instead (stabler, and exact).

    >>> from tinygrad_edu import Value
    >>> p = Value(0.0)
    >>> loss = binary_cross_entropy(p, 1.0); loss.backward()   # finite at p = 0
    >>> round(loss.data, 4), p.grad
    (18.4207, -100000000.0)
    """
    who = "binary_cross_entropy"
    probs = _alias(who, probs, "probs", input, "input")
    targets = _alias(who, targets, "targets", target, "target")
    _check_reduction(reduction, who)
    eps_f = to_float(eps, f"{who}(eps)")
    if not (math.isfinite(eps_f) and 0.0 <= eps_f < 1.0):
        raise ValueError(f"{who}: eps must be a small number in [0, 1) such as 1e-8, got {eps!r}")
    ps, ts, single = _paired(probs, targets, who, "probs", "targets", _number_or_value)
    _check_unit_interval(ps, who, "probs", "pass probabilities (apply sigmoid first) or use "
                         "binary_cross_entropy_with_logits on the raw scores")
    _check_unit_interval(ts, who, "targets", "targets are labels 0/1 or probabilities")
    def log_eps(q: Any) -> Value:  # log(q + ε); with eps=0 no "+ 0" node in the graph
        return (q + eps_f if eps_f else _value(q, who)).log()

    terms = []
    for p, t in zip(ps, ts):
        if not isinstance(t, Value) and t == 1.0:
            terms.append(-log_eps(p))
        elif not isinstance(t, Value) and t == 0.0:
            terms.append(-log_eps(1.0 - p))
        else:
            terms.append(-(t * log_eps(p) + (1.0 - t) * log_eps(1.0 - p)))
    return _reduce(terms, reduction, single)


@overload
def binary_cross_entropy_with_logits(logits: Any = ..., targets: Any = ..., reduction: MeanOrSum = ..., *,
                                     input: Any = ..., target: Any = ...) -> Value: ...
@overload
def binary_cross_entropy_with_logits(logits: Any = ..., targets: Any = ..., reduction: str = ..., *,
                                     input: Any = ..., target: Any = ...) -> LossResult: ...
def binary_cross_entropy_with_logits(logits: Any = None, targets: Any = None, reduction: str = "mean", *,
                                     input: Any = None, target: Any = None) -> LossResult:  # noqa: A002
    """Binary cross-entropy on raw scores (logits) z, in the stable log-sum-exp form.

    ℓᵢ = −[tᵢ·log σ(zᵢ) + (1 − tᵢ)·log(1 − σ(zᵢ))] = max(zᵢ, 0) − zᵢtᵢ + log(1 + e^(−|zᵢ|)),
    ∂ℓᵢ/∂zᵢ = σ(zᵢ) − tᵢ  (so the mean's gradient is (σ(zᵢ) − tᵢ)/N).

    Each ℓᵢ is one node of the fused registry op ``bce_with_logits``
    (:mod:`tinygrad_edu.ops.losses`): finite loss and gradient for |z| up to
    1e300.  A target that is a Value requiring grad also gets its gradient,
    ∂ℓ/∂t = −z.

    >>> from tinygrad_edu import Value
    >>> z = Value(0.0)
    >>> loss = binary_cross_entropy_with_logits(z, 1.0); loss.backward()
    >>> round(loss.data, 4), z.grad          # log 2, σ(0) − 1
    (0.6931, -0.5)
    """
    who = "binary_cross_entropy_with_logits"
    logits = _alias(who, logits, "logits", input, "input")
    targets = _alias(who, targets, "targets", target, "target")
    _check_reduction(reduction, who)
    zs, ts, single = _paired(logits, targets, who, "logits", "targets", _number_or_value)
    _check_unit_interval(ts, who, "targets", "targets are labels 0/1 or probabilities")
    for i, z in enumerate(zs):
        if not math.isfinite(z.data):
            raise DomainError(f"{who}: logits[{i}] = {z.data!r} is not finite; logits must be finite numbers")
    terms = []
    for z, t in zip(zs, ts):
        y = t.data if isinstance(t, Value) else t
        term = unary(BCE_WITH_LOGITS, bce_with_logits_forward(z.data, y), z, y)
        if isinstance(t, Value) and t.requires_grad:
            # ℓ(z, t) = ℓ(z; y) − z·(t − y) for the constant y = t.data: same value, and ∂ℓ/∂t = −z
            term = term - z * (t - y)
        terms.append(term)
    return _reduce(terms, reduction, single)


# ---------------------------------------------------------------- multi-class classification
def _class_index(t: Any, n: int, where: str) -> int:
    if isinstance(t, bool):
        raise TypeError(f"{where} must be a class index (an int), got a bool")
    try:
        k = operator.index(t)
    except TypeError:
        raise TypeError(
            f"{where} must be a class index (an int in [0, {n})), got {type(t).__name__}: {t!r:.40}"
        ) from None
    if not 0 <= k < n:
        shown = str(k) if k.bit_length() <= 64 else f"{'a negative' if k < 0 else 'an'} int {_short_int(k)}"
        raise ValueError(
            f"{where} = {shown} is out of range: there are {n} classes, so it must be in [0, {n})"
        )
    return k


def _rows(inputs: Any, target: Any, who: str, what: str) -> tuple[list[tuple[list[Value], int]], bool]:
    """([(row, class index), ...], single): one sample (a vector and an int) or a batch.

    Every row is checked to be a vector and every target a class index in range,
    each error naming the row (``logits[2]``) or target (``target[2]``) at fault.
    """
    items = _items(inputs, f"{who}({what})")
    single = all(_is_scalar(x) for x in items)
    if single:
        rows, targets = [items], [target]
    elif isinstance(target, (str, bytes)) or not isinstance(target, Iterable):
        raise TypeError(
            f"{who}: a batch of {what} (a list of rows) needs a sequence of class indices as target, "
            f"got {type(target).__name__}"
        )
    else:
        rows, targets = items, list(target)
        if len(targets) != len(rows):
            raise ValueError(
                f"{who}: {len(rows)} rows of {what} but {len(targets)} targets; give one per row"
            )
    checked = []
    for i, (row, t) in enumerate(zip(rows, targets)):
        vs = _vector(row, f"{who}({what})" if single else f"{who}({what}[{i}])")
        checked.append((vs, _class_index(t, len(vs), "target" if single else f"target[{i}]")))
    return checked, single


@overload
def cross_entropy(logits: Any = ..., target: Any = ..., reduction: MeanOrSum = ..., *,
                  input: Any = ...) -> Value: ...
@overload
def cross_entropy(logits: Any = ..., target: Any = ..., reduction: str = ..., *,
                  input: Any = ...) -> LossResult: ...
def cross_entropy(logits: Any = None, target: Any = None, reduction: str = "mean", *,
                  input: Any = None) -> LossResult:  # noqa: A002 - PyTorch's keyword
    """Cross-entropy of class scores (logits) with a class index, as ``torch.nn.functional.cross_entropy``.

    ℓ = −log softmax(z)ₜ = LSE(z) − zₜ;  ∂ℓ/∂zⱼ = softmax(z)ⱼ − [j = t].

    One sample: ``cross_entropy([z0, z1, z2], t)`` gives one Value.  A batch:
    ``cross_entropy([[...], [...]], [t0, t1])`` gives the mean over the rows
    (or the sum, or the list, by ``reduction``).

    >>> round(cross_entropy([0.0, 0.0, 0.0, 0.0], 2).data, 4)   # log 4
    1.3863
    """
    who = "cross_entropy"
    logits = _alias(who, logits, "logits", input, "input")
    if target is None:
        raise TypeError("cross_entropy() missing its argument target (the class index)")
    _check_reduction(reduction, who)
    checked, single = _rows(logits, target, who, "logits")
    terms = []
    for i, (vs, k) in enumerate(checked):
        shifted, _ = _shifted(vs, who, "logits" if single else f"logits[{i}]")
        terms.append(_vsum([d.exp() for d in shifted]).log() - shifted[k])
    return _reduce(terms, reduction, single)


@overload
def nll_loss(log_probs: Any = ..., target: Any = ..., reduction: MeanOrSum = ..., *,
             input: Any = ...) -> Value: ...
@overload
def nll_loss(log_probs: Any = ..., target: Any = ..., reduction: str = ..., *,
             input: Any = ...) -> LossResult: ...
def nll_loss(log_probs: Any = None, target: Any = None, reduction: str = "mean", *,
             input: Any = None) -> LossResult:  # noqa: A002 - PyTorch's keyword
    """Negative log-likelihood of log-probabilities: ℓ = −log_probsₜ;  ∂ℓ/∂log_probsₜ = −1.

    ``nll_loss(log_softmax(z), t)`` equals ``cross_entropy(z, t)``.  Takes one
    row and an index, or a batch of rows and indices (mean over the batch).

    >>> round(nll_loss(log_softmax([0.0, 0.0]), 1).data, 4)
    0.6931
    """
    who = "nll_loss"
    log_probs = _alias(who, log_probs, "log_probs", input, "input")
    if target is None:
        raise TypeError("nll_loss() missing its argument target (the class index)")
    _check_reduction(reduction, who)
    checked, single = _rows(log_probs, target, who, "log_probs")
    return _reduce([-vs[k] for vs, k in checked], reduction, single)
