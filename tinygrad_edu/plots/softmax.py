"""The Jacobian of softmax, as a heatmap with its numbers.

For s = softmax(x), s_i = e^(x_i) / Σ_k e^(x_k), the partial derivatives are

    ∂s_i/∂x_j = s_i·(δ_ij − s_j)

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
from tinygrad_edu.plots.figure import new_figure


def softmax_jacobian(xs: Sequence[float]) -> list[list[float]]:
    """J[i][j] = ∂softmax(x)_i / ∂x_j, computed by the engine.

    >>> J = softmax_jacobian([0.0, 0.0])        # s = (1/2, 1/2): s_i(δ_ij − s_j)
    >>> [[round(v, 6) for v in row] for row in J]
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    values = [float(x) for x in xs]
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"softmax_jacobian needs at least 2 finite numbers, got {list(xs)!r}")
    return jacobian(lambda v: list(F.softmax(v)), values)


def plot_softmax_jacobian(xs: Sequence[float] = (0.7066, 0.4845, 0.3603)) -> Figure:
    """Heatmap of the softmax Jacobian at ``xs``, each cell printed with its value.

    The default input is the learners' notes' example (softmax ≈ 0.399, 0.319, 0.282).
    """
    jac = softmax_jacobian(xs)
    s = [v.data for v in F.softmax([float(x) for x in xs])]
    n = len(jac)
    limit = max(abs(v) for row in jac for v in row) or 1.0
    fig = new_figure(2.0 + 1.1 * n, 1.6 + 1.0 * n)
    ax = fig.add_subplot()
    image = ax.imshow(jac, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{jac[i][j]:.4f}", ha="center", va="center", fontsize=9,
                    color="white" if abs(jac[i][j]) > 0.6 * limit else "black")
    ax.set_xticks(range(n), [f"x{j}" for j in range(n)])
    ax.set_yticks(range(n), [f"s{i} = {s[i]:.3f}" for i in range(n)])
    ax.set_xlabel("input x_j")
    ax.set_ylabel("output s_i = softmax(x)_i")
    ax.set_title("Softmax Jacobian ∂s_i/∂x_j = s_i(δ_ij − s_j)\nfrom backward(); every row sums to 0",
                 fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig
