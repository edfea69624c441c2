"""Activation functions next to their derivatives, as computed by the engine.

For each activation f the curve f'(x) is *not* a hand formula: at every sample
x a fresh ``Value(x)`` goes through the activation and ``backward()`` fills
``x.grad`` - the same code path a network uses.  Regions where the derivative
is tiny (|f'(x)| < threshold) are shaded: a gradient passing through a neuron
that sits there is multiplied by almost nothing (梯度消失, vanishing gradient).

Hand checks of what the picture shows:

* sigmoid: f'(x) = σ(x)(1 − σ(x)) <= 1/4, largest at x = 0; |f'| < 0.05 once
  σ(x) < (1 − √0.8)/2, i.e. |x| > 2.887;
* tanh: f'(x) = 1 − tanh²x <= 1, and 1 − tanh²x < 0.05 for |x| > atanh(√0.95) = 2.178;
* relu: f'(x) = 1 for x > 0 and 0 for x <= 0 - the whole left half is flat
  (死亡ReLU, dead ReLU, when a neuron's input stays there).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.figure import Figure

from tinygrad_edu.engine.value import Value
from tinygrad_edu.ops.registry import REGISTRY
from tinygrad_edu.plots.figure import DERIVATIVE_COLOR, FUNCTION_COLOR, VANISHING_COLOR, linspace, new_figure

#: Activation name -> (how to apply it to a Value, registry op that declares it).
ACTIVATIONS: dict[str, tuple[Callable[[Value], Value], str]] = {
    "sigmoid": (lambda v: v.sigmoid(), "sigmoid"),
    "tanh": (lambda v: v.tanh(), "tanh"),
    "relu": (lambda v: v.relu(), "relu"),
    "leaky_relu": (lambda v: v.leaky_relu(), "leaky_relu"),
    "silu": (lambda v: v.silu(), "silu"),
    "gelu": (lambda v: v.gelu(), "gelu"),
    "gelu_tanh": (lambda v: v.gelu(approximate="tanh"), "gelu_tanh"),
    "erf": (lambda v: v.erf(), "erf"),
}

#: Shown by default: the activations the learners' notes compare.
DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "silu", "gelu")


@dataclass(frozen=True)
class ActivationCurve:
    """Samples of one activation: ``ys[i] = f(xs[i])``, ``dys[i] = f'(xs[i])`` from backward.

    ``spans`` are the intervals (within the sampled range) where |f'| < ``threshold``.
    """

    name: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    dys: tuple[float, ...]
    threshold: float
    spans: tuple[tuple[float, float], ...]


def _activation(name: str) -> Callable[[Value], Value]:
    try:
        return ACTIVATIONS[name][0]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}"
        ) from None


def value_and_derivative(name: str, x: float) -> tuple[float, float]:
    """f(x) and f'(x) for the activation ``name``, f' from the engine's ``backward()``.

    >>> value_and_derivative("sigmoid", 0.0)      # σ(0) = 1/2, σ'(0) = 1/4
    (0.5, 0.25)
    >>> value_and_derivative("relu", -2.0)        # the flat half of relu
    (0.0, 0.0)
    """
    f = _activation(name)
    v = Value(float(x))
    y = f(v)
    y.backward()
    return y.data, v.grad


def _boundary(deriv: Callable[[float], float], lo: float, hi: float, threshold: float) -> float:
    """Bisect [lo, hi] for where |f'| crosses ``threshold`` (one end below, the other not)."""
    lo_below = abs(deriv(lo)) < threshold
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if (abs(deriv(mid)) < threshold) == lo_below:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def vanishing_spans(name: str, xs: Sequence[float], dys: Sequence[float],
                    threshold: float) -> tuple[tuple[float, float], ...]:
    """Intervals of the sampled range where |f'(x)| < ``threshold``.

    Runs of samples below the threshold are found first; each end inside the
    range is then refined by bisection on the engine's derivative, so the span
    ends sit on the crossing, not on the nearest sample.
    """
    def deriv(x: float) -> float:
        return value_and_derivative(name, x)[1]

    spans: list[tuple[float, float]] = []
    start: float | None = None
    for i, (x, d) in enumerate(zip(xs, dys)):
        below = abs(d) < threshold
        if below and start is None:
            start = xs[0] if i == 0 else _boundary(deriv, xs[i - 1], x, threshold)
        elif not below and start is not None:
            spans.append((start, _boundary(deriv, xs[i - 1], x, threshold)))
            start = None
    if start is not None:
        spans.append((start, xs[-1]))
    return tuple(spans)


def activation_curve(name: str, x_range: tuple[float, float] = (-6.0, 6.0), n: int = 241,
                     threshold: float = 0.05) -> ActivationCurve:
    """Sample ``name`` and its engine derivative at ``n`` points of ``x_range``.

    >>> c = activation_curve("tanh", n=5)        # x = -6, -3, 0, 3, 6
    >>> c.dys[2]                                  # tanh'(0) = 1
    1.0
    >>> [round(a, 3) for span in c.spans for a in span]   # |x| > atanh(√0.95)
    [-6.0, -2.178, 2.178, 6.0]
    """
    lo, hi = (float(x_range[0]), float(x_range[1]))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"x_range must be two finite numbers (low, high) with low < high, got {x_range!r}")
    if n < 2:
        raise ValueError(f"need at least 2 sample points, got n={n}")
    if not threshold >= 0.0:
        raise ValueError(f"shade_vanishing must be >= 0 (or None to turn shading off), got {threshold}")
    xs = linspace(lo, hi, n)
    pairs = [value_and_derivative(name, x) for x in xs]
    ys = tuple(p[0] for p in pairs)
    dys = tuple(p[1] for p in pairs)
    spans = vanishing_spans(name, xs, dys, threshold) if threshold > 0.0 else ()
    return ActivationCurve(name, tuple(xs), ys, dys, threshold, spans)


def plot_activations(names: Sequence[str] | None = None, x_range: tuple[float, float] = (-6.0, 6.0),
                     derivatives: bool = True, shade_vanishing: float | None = 0.05,
                     n: int = 241) -> Figure:
    """One panel per activation: f(x) and - if ``derivatives`` - f'(x) from ``backward()``.

    ``shade_vanishing``: shade where |f'(x)| < this value (None or 0: no shading).
    Each derivative line has the label ``"f'(x) engine"`` and each shaded span the
    gid ``"vanishing:<name>"``, so a test can read the figure's data back.
    """
    chosen = list(DEFAULT_ACTIVATIONS if names is None else names)
    if isinstance(names, str):
        raise TypeError(f"names must be a sequence of activation names, e.g. [{names!r}], not a str")
    if not chosen:
        raise ValueError("names is empty: give at least one activation name")
    for name in chosen:
        _activation(name)
    thr = float(shade_vanishing) if shade_vanishing else 0.0
    cols = min(3, len(chosen))
    rows = math.ceil(len(chosen) / cols)
    fig = new_figure(4.2 * cols, 3.3 * rows + 0.6)
    title = "Activation functions f(x) and their derivatives f'(x), computed by backward()"
    if thr > 0:
        title += f"\nshaded: |f'(x)| < {thr:g}, where the gradient vanishes"
    fig.suptitle(title)
    for k, name in enumerate(chosen):
        curve = activation_curve(name, x_range, n, thr)
        ax = fig.add_subplot(rows, cols, k + 1)
        op = REGISTRY[ACTIVATIONS[name][1]]
        for j, (a, b) in enumerate(curve.spans):
            ax.axvspan(a, b, color=VANISHING_COLOR, alpha=0.25, lw=0, gid=f"vanishing:{name}",
                       label=f"|f'| < {thr:g}" if j == 0 else None)
        ax.plot(curve.xs, curve.ys, color=FUNCTION_COLOR, lw=2, label="f(x)")
        if derivatives:
            ax.plot(curve.xs, curve.dys, color=DERIVATIVE_COLOR, lw=1.8, ls="--", label="f'(x) engine")
            m = max(range(len(curve.dys)), key=lambda i: abs(curve.dys[i]))
            ax.annotate(f"max |f'| = {abs(curve.dys[m]):.3g}", xy=(curve.xs[m], curve.dys[m]),
                        xytext=(0.03, 0.95), textcoords="axes fraction", va="top", fontsize=8,
                        color=DERIVATIVE_COLOR)
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.axvline(0.0, color="0.6", lw=0.6)
        ax.set_title(f"{name}:  {op.formula}", fontsize=9)
        ax.set_xlabel("x  (net input z)")
        ax.set_ylabel("value")
        ax.set_xlim(curve.xs[0], curve.xs[-1])
        ax.grid(alpha=0.3)
    _shared_legend(fig)
    return fig


def _shared_legend(fig: Figure) -> None:
    """One legend for all panels, below them (each label once)."""
    seen: dict[str, Artist] = {}
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    if seen:
        fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=len(seen))
