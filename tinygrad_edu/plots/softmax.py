"""The Jacobian of softmax, as a heatmap with its numbers.

For s = softmax(a), s_i = e^(a_i) / Σ_k e^(a_k) (the notes call the input a),
the partial derivatives are

    ∂s_i/∂a_j = s_i·(δ_ij − s_j)

so the diagonal is s_i(1 − s_i) > 0, every off-diagonal entry −s_i·s_j < 0,
and every row sums to 0 (the outputs always sum to 1, so moving all inputs
together changes nothing).  The picture computes the matrix with the engine
(:func:`tinygrad_edu.jacobian`: one backward pass per output), not with the formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure

import tinygrad_edu.functional as F
from tinygrad_edu.checking.numeric import jacobian
from tinygrad_edu.plots.figure import new_figure, number
from tinygrad_edu.plots.fonts import plot_texts


def softmax_jacobian(xs: Sequence[float]) -> list[list[float]]:
    """J[i][j] = ∂softmax(a)_i / ∂a_j at a = ``xs``, computed by the engine.

    >>> J = softmax_jacobian([0.0, 0.0])        # s = (1/2, 1/2): s_i(δ_ij − s_j)
    >>> [[round(v, 6) for v in row] for row in J]
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    values = [number(x) for x in xs]
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"softmax_jacobian needs at least 2 finite numbers, got {list(xs)!r}")
    return jacobian(lambda v: list(F.softmax(v)), values)


def plot_softmax_jacobian(xs: Sequence[float] = (0.7066, 0.4845, 0.3603), *,
                          lang: str | None = None) -> Figure:
    """Heatmap of the softmax Jacobian ∂sᵢ/∂aⱼ at a = ``xs``, each cell printed with its value.

    Columns are the inputs aⱼ (with their values), rows the outputs sᵢ (with
    theirs); the colour bar is labelled.  The default input is the learners'
    notes' example (softmax ≈ 0.399, 0.319, 0.282).
    """
    jac = softmax_jacobian(xs)
    a = [number(x) for x in xs]
    s = [v.data for v in F.softmax(a)]
    n = len(jac)
    limit = max(abs(v) for row in jac for v in row) or 1.0
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(2.6 + 1.2 * n, 1.9 + 1.0 * n)
        ax = fig.add_subplot()
        image = ax.imshow(jac, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f"{jac[i][j]:.4f}", ha="center", va="center", fontsize=9,
                        color="white" if abs(jac[i][j]) > 0.6 * limit else "black")
        ax.set_xticks(range(n), [f"a{_sub(j)} = {a[j]:.4g}" for j in range(n)])
        ax.set_yticks(range(n), [f"s{_sub(i)} = {s[i]:.3f}" for i in range(n)])
        ax.set_xlabel(t("smx.xlabel"))
        ax.set_ylabel(t("smx.ylabel"))
        ax.set_title(t("smx.title"), fontsize=10)
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label("∂sᵢ/∂aⱼ")
    return fig


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(k: int) -> str:
    """``k`` in subscript digits: 12 -> '₁₂'."""
    return str(k).translate(_SUBSCRIPTS)
