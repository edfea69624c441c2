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
from collections.abc import Sequence

from matplotlib.figure import Figure

import tinygrad_edu.functional as F
from tinygrad_edu.engine.value import Value
from tinygrad_edu.plots.figure import SERIES_COLORS, linspace, logspace, new_figure
from tinygrad_edu.plots.fonts import PlotTexts, plot_texts


def bce_eps_loss(p: Value | float, y: float, eps: float) -> Value:
    """L = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)]: ``F.binary_cross_entropy`` of one prediction.

    >>> round(bce_eps_loss(0.0, 1.0, 1e-8).data, 4)     # −ln(1e-8)
    18.4207
    """
    return F.binary_cross_entropy(p, y, eps=eps)


def bce_eps_point(p: float, y: float, eps: float) -> tuple[float, float]:
    """(L, dL/dp) at one p, the derivative from ``backward()``.

    >>> bce_eps_point(0.0, 1.0, 1e-4)[1]               # −1/ε
    -10000.0
    """
    pv = Value(float(p))
    loss = bce_eps_loss(pv, y, eps)
    loss.backward()
    return loss.data, pv.grad


def eps_name(eps: float) -> str:
    """ε as the gallery writes it: ``1e-8`` for a power of ten, else ``%g``.

    >>> eps_name(1e-4), eps_name(1e-12), eps_name(0.003)
    ('1e-4', '1e-12', '0.003')
    """
    exponent = round(math.log10(eps))
    if math.isclose(eps, 10.0**exponent, rel_tol=1e-12):
        return f"1e{exponent}" if abs(exponent) > 2 else f"{10.0**exponent:g}"
    return f"{eps:g}"


def plot_bce_eps(eps: Sequence[float] = (1e-4, 1e-8, 1e-12), *, n: int = 121,
                 lang: str | None = None) -> Figure:
    """Loss (left) and |dL/dp| (right) for target y = 1 as p goes to 0, one line per ε; log axes.

    The prediction is confidently wrong at p = 0; target y = 0 near p = 1 is
    the same picture with p replaced by 1 − p, so it is not drawn twice.  The
    dashed black line is the loss without ε, which goes to infinity.  Each
    line's label is ``"ε = <eps_name>"`` (``"no ε"`` for the reference) in
    both panels, and one legend serves both.
    """
    epss = [float(e) for e in eps]
    if not epss or any(not (e > 0.0 and math.isfinite(e)) for e in epss):
        raise ValueError(f"eps must be a non-empty sequence of positive numbers, got {eps!r}")
    t = plot_texts(lang)
    dist = logspace(-16.0, -0.5, n)
    with t.fonts():
        fig = new_figure(11.0, 5.0)
        fig.suptitle(t("bce.title") + "\n" + t("bce.mirror"))
        loss_ax, grad_ax = fig.subplots(1, 2)
        loss_ax.plot(dist, [-math.log(d) for d in dist], color="black", ls="--", lw=1, label=t("bce.no_eps"))
        grad_ax.plot(dist, [1.0 / d for d in dist], color="black", ls="--", lw=1, label=t("bce.no_eps"))
        notes = []
        for k, e in enumerate(epss):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            label = f"ε = {eps_name(e)}"
            points = [bce_eps_point(d, 1.0, e) for d in dist]
            loss_ax.plot(dist, [lo for lo, _ in points], color=color, lw=2, label=label)
            grad_ax.plot(dist, [abs(g) for _, g in points], color=color, lw=2, label=label)
            at_end, g_end = bce_eps_point(0.0, 1.0, e)
            notes.append(f"{label}:  L = {at_end:.3g},  dL/dp = {g_end:.3g}")
        loss_ax.set_title(t("bce.loss_title"))
        grad_ax.set_title(t("bce.grad_title"))
        loss_ax.set_ylabel(t("bce.loss_ylabel"))
        grad_ax.set_ylabel(t("bce.grad_ylabel"))
        grad_ax.set_yscale("log")
        loss_ax.text(0.97, 0.95, t("bce.at_zero") + "\n" + "\n".join(notes), transform=loss_ax.transAxes,
                     ha="right", va="top", fontsize=8, bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        for ax in (loss_ax, grad_ax):
            ax.set_xscale("log")
            ax.set_xlabel(t("bce.xlabel"))
            ax.grid(alpha=0.3, which="major")
        handles, labels = loss_ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return fig


def plot_bce_logit_gradient(z_range: tuple[float, float] = (-6.0, 6.0), *, n: int = 49,
                            lang: str | None = None) -> Figure:
    """dL/dz of BCE(σ(z), y) from ``backward()`` (dots) against ŷ − y = σ(z) − y (lines), y = 0 and 1.

    Dots carry the gids ``"engine:<y>"`` and lines ``"formula:<y>"``.
    """
    lo, hi = z_range
    if not lo < hi:
        raise ValueError(f"z_range must be (low, high) with low < high, got {z_range!r}")
    zs = linspace(float(lo), float(hi), n)
    t = plot_texts(lang)
    with t.fonts():
        return _draw_bce_logit_gradient(zs, float(lo), float(hi), t)


def _draw_bce_logit_gradient(zs: list[float], lo: float, hi: float, t: PlotTexts) -> Figure:
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
        dense = linspace(lo, hi, 241)
        ax.plot(dense, [1.0 / (1.0 + math.exp(-z)) - y for z in dense], color=color, lw=2,
                label=t("bcez.formula", y=f"{y:g}"), gid=f"formula:{y:g}")
        ax.plot(zs, grads, ls="none", marker="o", ms=5, mfc="none", color=color,
                label=t("bcez.engine", y=f"{y:g}"), gid=f"engine:{y:g}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_title(t("bcez.title"))
    ax.set_xlabel(t("bcez.xlabel"))
    ax.set_ylabel("dL/dz")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return fig
