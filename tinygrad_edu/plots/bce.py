"""Binary cross-entropy (二分类交叉熵): the eps inside the log, and why dL/dz = ŷ − y.

With a predicted probability p and a target y in {0, 1}:

    L(p) = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)]
    dL/dp = −y/(p + ε) + (1 − y)/(1 − p + ε)

Without ε, a confidently wrong prediction (p = 0 for y = 1) gives ln 0 = −∞.
With ε the loss there is −ln ε (9.21 for ε = 1e-4, 18.4 for 1e-8, 27.6 for
1e-12) and the gradient −1/ε: finite, but the smaller ε, the larger the kick.
A larger ε caps the loss early and also shifts the loss of a perfect
prediction to −ln(1 + ε) < 0.

When p = σ(z) comes from a sigmoid, the chain rule collapses (ε = 0):
dL/dz = dL/dp · σ'(z) = [−y/p + (1 − y)/(1 − p)] · p(1 − p) = p − y = ŷ − y.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import cast

from matplotlib.figure import Figure

import tinygrad_edu.functional as F
from tinygrad_edu.engine.value import Value
from tinygrad_edu.plots.figure import SERIES_COLORS, linspace, logspace, new_figure


def bce_eps_loss(p: Value | float, y: float, eps: float) -> Value:
    """L = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)]: ``F.binary_cross_entropy`` of one prediction.

    >>> round(bce_eps_loss(0.0, 1.0, 1e-8).data, 4)     # −ln(1e-8)
    18.4207
    """
    return cast(Value, F.binary_cross_entropy(p, y, eps=eps))


def bce_eps_point(p: float, y: float, eps: float) -> tuple[float, float]:
    """(L, dL/dp) at one p, the derivative from ``backward()``.

    >>> bce_eps_point(0.0, 1.0, 1e-4)[1]               # −1/ε
    -10000.0
    """
    pv = Value(float(p))
    loss = bce_eps_loss(pv, y, eps)
    loss.backward()
    return loss.data, pv.grad


def plot_bce_eps(eps: Sequence[float] = (1e-4, 1e-8, 1e-12), *, n: int = 121) -> Figure:
    """Loss and |dL/dp| near p = 0 (target y = 1) and near p = 1 (target y = 0), one line per ε.

    Both columns show a confidently wrong prediction; the horizontal axis is
    the distance to the wrong end (p, or 1 − p) on a log scale.  The dashed
    black line is the loss without ε, which goes to infinity.  Each line's
    label is ``"eps=<value>"`` (``"no eps"`` for the reference).
    """
    epss = [float(e) for e in eps]
    if not epss or any(not (e > 0.0 and math.isfinite(e)) for e in epss):
        raise ValueError(f"eps must be a non-empty sequence of positive numbers, got {eps!r}")
    dist = logspace(-16.0, -0.5, n)
    fig = new_figure(11.0, 7.5)
    fig.suptitle("Binary cross-entropy with ε inside the log:  L = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)]")
    axes = fig.subplots(2, 2, sharex=True)
    columns: tuple[tuple[float, str, str, Callable[[float], float]], ...] = (
        (1.0, "near p = 0, target y = 1", "p", lambda d: d),
        (0.0, "near p = 1, target y = 0", "1 − p", lambda d: 1.0 - d),
    )
    for col, (y, title, xlabel, to_p) in enumerate(columns):
        top, bottom = axes[0][col], axes[1][col]
        exact_loss = [-math.log(d) for d in dist]
        top.plot(dist, exact_loss, color="black", ls="--", lw=1, label="no eps")
        bottom.plot(dist, [1.0 / d for d in dist], color="black", ls="--", lw=1, label="no eps")
        notes = []
        for k, e in enumerate(epss):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            points = [bce_eps_point(to_p(d), y, e) for d in dist]
            top.plot(dist, [lo for lo, _ in points], color=color, lw=2, label=f"eps={e:g}")
            bottom.plot(dist, [abs(g) for _, g in points], color=color, lw=2, label=f"eps={e:g}")
            at_end, g_end = bce_eps_point(to_p(0.0), y, e)
            notes.append(f"ε = {e:g}:  L = {at_end:.3g},  dL/dp = {g_end:.3g}")
        top.set_title(title)
        top.set_ylabel("loss L")
        bottom.set_ylabel("|dL/dp|  (from backward)")
        bottom.set_yscale("log")
        bottom.set_xlabel(f"{xlabel}  (log scale; 0 is the confidently wrong end)")
        end = "p = 0" if y == 1.0 else "p = 1"
        top.text(0.97, 0.95, f"exactly at {end}:\n" + "\n".join(notes), transform=top.transAxes,
                 ha="right", va="top", fontsize=8, bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        for ax in (top, bottom):
            ax.set_xscale("log")
            ax.grid(alpha=0.3, which="both")
        bottom.legend(fontsize=8, loc="lower left")
    return fig


def plot_bce_logit_gradient(z_range: tuple[float, float] = (-6.0, 6.0), *, n: int = 49) -> Figure:
    """dL/dz of BCE(σ(z), y) from ``backward()`` (dots) against ŷ − y = σ(z) − y (lines), y = 0 and 1.

    Dots carry the labels ``"engine dL/dz, y=<y>"`` and lines ``"ŷ − y, y=<y>"``.
    """
    lo, hi = z_range
    if not lo < hi:
        raise ValueError(f"z_range must be (low, high) with low < high, got {z_range!r}")
    zs = linspace(float(lo), float(hi), n)
    fig = new_figure(8.0, 5.0)
    ax = fig.add_subplot()
    for k, y in enumerate((1.0, 0.0)):
        color = SERIES_COLORS[k]
        grads = []
        for z in zs:
            zv = Value(z)
            loss = bce_eps_loss(zv.sigmoid(), y, 0.0)
            loss.backward()
            grads.append(zv.grad)
        dense = linspace(float(lo), float(hi), 241)
        ax.plot(dense, [1.0 / (1.0 + math.exp(-z)) - y for z in dense], color=color, lw=2,
                label=f"ŷ − y, y={y:g}")
        ax.plot(zs, grads, ls="none", marker="o", ms=5, mfc="none", color=color,
                label=f"engine dL/dz, y={y:g}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_title("Sigmoid output + BCE: the gradient w.r.t. the net input z is ŷ − y\n"
                 "(dots: backward() through log and sigmoid; lines: the formula)")
    ax.set_xlabel("net input z  (ŷ = σ(z))")
    ax.set_ylabel("dL/dz")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return fig
