"""Activation functions next to their derivatives, as computed by the engine.

For each activation f the curve f'(x) is *not* a hand formula: at every sample
x a fresh ``Value(x)`` goes through the activation and ``backward()`` fills
``x.grad`` - the same code path a network uses.  Regions where the derivative
is tiny (|f'(x)| < threshold) all the way out to ±∞ are shaded: that is
saturation, where a gradient passing through the neuron is multiplied by almost
nothing however far the input goes (梯度消失, vanishing gradient).  A dip of
|f'| around a stationary point (the minima of silu at x ≈ −1.28 and of gelu at
x ≈ −0.75, where f' crosses 0) is not shaded: one step away the gradient is back.

Hand checks of what the picture shows:

* sigmoid: f'(x) = σ(x)(1 − σ(x)) <= 1/4, largest at x = 0; |f'| < 0.05 once
  σ(x) < (1 − √0.8)/2, i.e. |x| > 2.887;
* tanh: f'(x) = 1 − tanh²x <= 1, and 1 − tanh²x < 0.05 for |x| > atanh(√0.95) = 2.178;
* relu: f'(x) = 1 for x > 0 and 0 for x <= 0 - the whole left half is flat
  (死亡ReLU, dead ReLU, when a neuron's input stays there);
* leaky relu is drawn with the notes' slope a = 0.1 (f' = 0.1 on the left: no
  saturation at a 0.05 threshold); with PyTorch's default 0.01 it would look
  just like relu.
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
from tinygrad_edu.plots.fonts import plot_texts

#: The negative slope of the leaky relu drawn here: the learners' notes' 0.1.
LEAKY_SLOPE = 0.1

#: Activation name -> (how to apply it to a Value, registry op that declares it).
ACTIVATIONS: dict[str, tuple[Callable[[Value], Value], str]] = {
    "sigmoid": (lambda v: v.sigmoid(), "sigmoid"),
    "tanh": (lambda v: v.tanh(), "tanh"),
    "relu": (lambda v: v.relu(), "relu"),
    "leaky_relu": (lambda v: v.leaky_relu(LEAKY_SLOPE), "leaky_relu"),
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

    ``spans`` are the intervals (within the sampled range) where f saturates:
    |f'| < ``threshold`` from there out to the end (see :func:`vanishing_spans`).
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


#: How far past the sampled range :func:`vanishing_spans` looks to tell saturation from a dip.
_TAIL_STEPS = (1.0, 3.0, 10.0, 30.0, 100.0)


def vanishing_spans(name: str, xs: Sequence[float], dys: Sequence[float],
                    threshold: float) -> tuple[tuple[float, float], ...]:
    """Intervals of the sampled range where f saturates: |f'(x)| < ``threshold`` out to the end.

    Runs of samples below the threshold are found first; each end inside the
    range is then refined by bisection on the engine's derivative, so the span
    ends sit on the crossing, not on the nearest sample.  Only a run that
    reaches an end of the range *and* stays below the threshold past it (at
    1, 3, 10, 30 and 100 beyond the end) is kept: that is saturation.  A run
    inside the range (a stationary point, where f' crosses 0) is left out.

    >>> xs = [-6.0 + k * 0.1 for k in range(121)]
    >>> spans = vanishing_spans("silu", xs, [value_and_derivative("silu", x)[1] for x in xs], 0.05)
    >>> [round(a, 2) for span in spans for a in span]   # the left tail only, not the dip at -1.28
    [-6.0, -4.08]
    """
    spans = _small_derivative_runs(name, xs, dys, threshold)
    lo, hi = xs[0], xs[-1]

    def tail_is_flat(end: float, direction: float) -> bool:
        return all(abs(value_and_derivative(name, end + direction * step)[1]) < threshold
                   for step in _TAIL_STEPS)

    return tuple((a, b) for a, b in spans
                 if (a == lo and tail_is_flat(lo, -1.0)) or (b == hi and tail_is_flat(hi, 1.0)))


def _small_derivative_runs(name: str, xs: Sequence[float], dys: Sequence[float],
                           threshold: float) -> list[tuple[float, float]]:
    """Every interval of the sampled range where |f'(x)| < ``threshold``, ends bisected."""
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
    return spans


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
                     n: int = 241, *, lang: str | None = None) -> Figure:
    """One panel per activation: f(x) and - if ``derivatives`` - f'(x) from ``backward()``.

    ``shade_vanishing``: shade where f saturates, |f'(x)| < this value from
    there outward (None or 0: no shading).  ``lang``: "en" or "zh" labels (None:
    the language set by ``tinygrad_edu.set_language``).
    Each line has the gid ``"function:<name>"`` or ``"derivative:<name>"`` and
    each shaded span the gid ``"vanishing:<name>"``, so a test can read the
    figure's data back.  Leaky relu is drawn with slope :data:`LEAKY_SLOPE`.
    """
    t = plot_texts(lang)
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
    with t.fonts():
        fig = new_figure(4.2 * cols, 3.3 * rows + 0.8)
        title = t("act.title")
        if thr > 0:
            title += "\n" + t("act.title_shaded", thr=f"{thr:g}")
        fig.suptitle(title)
        for k, name in enumerate(chosen):
            curve = activation_curve(name, x_range, n, thr)
            ax = fig.add_subplot(rows, cols, k + 1)
            op = REGISTRY[ACTIVATIONS[name][1]]
            for j, (a, b) in enumerate(curve.spans):
                ax.axvspan(a, b, color=VANISHING_COLOR, alpha=0.25, lw=0, gid=f"vanishing:{name}",
                           label=t("act.band", thr=f"{thr:g}") if j == 0 else None)
            ax.plot(curve.xs, curve.ys, color=FUNCTION_COLOR, lw=2, label=t("act.f"), gid=f"function:{name}")
            if derivatives:
                ax.plot(curve.xs, curve.dys, color=DERIVATIVE_COLOR, lw=1.8, ls="--", label=t("act.df"),
                        gid=f"derivative:{name}")
                m = max(range(len(curve.dys)), key=lambda i: abs(curve.dys[i]))
                ax.annotate(t("act.max", value=f"{abs(curve.dys[m]):.3g}"), xy=(curve.xs[m], curve.dys[m]),
                            xytext=(0.03, 0.95), textcoords="axes fraction", va="top", fontsize=8,
                            color=DERIVATIVE_COLOR)
            ax.axhline(0.0, color="0.6", lw=0.6)
            ax.axvline(0.0, color="0.6", lw=0.6)
            panel = f"{name}:  {op.formula}"
            if name == "leaky_relu":
                panel += t("act.leaky_slope", slope=f"{LEAKY_SLOPE:g}")
            ax.set_title(panel, fontsize=9)
            ax.set_xlabel(t("act.xlabel"))
            ax.set_ylabel(t("act.ylabel"))
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
