"""One neuron, three activation + loss pairs: which one learns, which one is stuck.

The experiment of the learners' notes: a single weight w, input x = 1, target
y = 1, start at w = −2, plain gradient descent w ← w − lr·dL/dw with lr = 0.1
for 30 steps.  The neuron computes z = w·x (net input, 净活性值) and a = f(z)
(activation, 活性值).

* sigmoid + BCE: L = −[y ln a + (1 − y) ln(1 − a)], and dL/dz = a − y, so at
  w = −2 the gradient is σ(−2) − 1 = −0.881: it learns right away;
* tanh + MSE: L = (a − y)², dL/dz = 2(a − y)(1 − a²); tanh is nearly flat at
  z = −2 (1 − tanh²(−2) = 0.071), so it starts slowly;
* relu + MSE: relu(−2) = 0 and relu'(−2) = 0, so dL/dw = 0 and w never moves:
  the loss stays at (0 − 1)² = 1 for ever - a dead neuron (死亡ReLU).

Every gradient here is the engine's: each step builds the graph from plain
Values and calls ``backward()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

import tinygrad_edu.functional as F
from tinygrad_edu.engine.value import Value
from tinygrad_edu.plots.figure import SERIES_COLORS, new_figure
from tinygrad_edu.plots.fonts import plot_texts

#: The three set-ups of the notes: (activation, loss).
SETUPS: tuple[tuple[str, str], ...] = (("sigmoid", "bce"), ("tanh", "mse"), ("relu", "mse"))

_ACT = {"sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu,
        "leaky_relu": Value.leaky_relu, "silu": Value.silu, "gelu": Value.gelu}
_LOSS_NAMES = {"bce": "BCE", "mse": "MSE"}


@dataclass(frozen=True)
class NeuronRun:
    """One run: ``ws[k]``, ``losses[k]`` before step k (the last entry is after the
    final step, so both have steps + 1 entries); ``grads[k]`` = dL/dw used in step k."""

    activation: str
    loss: str
    ws: tuple[float, ...]
    losses: tuple[float, ...]
    grads: tuple[float, ...]

    @property
    def title(self) -> str:
        """Such as ``"sigmoid + BCE"``."""
        return f"{self.activation} + {_LOSS_NAMES[self.loss]}"


def neuron_loss(w: Value, x: float, y: float, activation: str, loss: str) -> Value:
    """L(w) for one neuron: a = f(w·x), then BCE or squared error against y.

    BCE: L = −[y ln a + (1 − y) ln(1 − a)] (``F.binary_cross_entropy`` with eps = 0,
    the exact form; a term whose weight is 0 is left out, so y = 1 needs only a > 0).
    MSE of one sample: L = (a − y)² (``F.mse_loss``).

    >>> neuron_loss(Value(-2.0), 1.0, 1.0, "relu", "mse").data     # (relu(−2) − 1)² = 1
    1.0
    """
    if activation not in _ACT:
        raise ValueError(f"unknown activation {activation!r}; choose from {', '.join(_ACT)}")
    a = _ACT[activation](w * x)
    if loss == "mse":
        return F.mse_loss(a, y)
    if loss == "bce":
        return F.binary_cross_entropy(a, y, eps=0.0)
    raise ValueError(f"unknown loss {loss!r}; choose 'bce' or 'mse'")


def run_neuron(activation: str, loss: str, *, x: float = 1.0, y: float = 1.0, w0: float = -2.0,
               lr: float = 0.1, steps: int = 30) -> NeuronRun:
    """Gradient descent on the single weight; returns the whole trajectory.

    >>> r = run_neuron("relu", "mse")
    >>> r.ws[-1], r.losses[-1], max(abs(g) for g in r.grads)   # stuck: a dead neuron
    (-2.0, 1.0, 0.0)
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    w = Value(float(w0), label="w")
    ws, losses, grads = [], [], []
    for _ in range(steps):
        value = neuron_loss(w, x, y, activation, loss)
        w.grad = 0.0
        value.backward()
        ws.append(w.data)
        losses.append(value.data)
        grads.append(w.grad)
        w.data -= lr * w.grad
    ws.append(w.data)
    losses.append(neuron_loss(w, x, y, activation, loss).data)
    return NeuronRun(activation, loss, tuple(ws), tuple(losses), tuple(grads))


def activation_loss_experiment(setups: Sequence[tuple[str, str]] = SETUPS, *, x: float = 1.0,
                               y: float = 1.0, w0: float = -2.0, lr: float = 0.1,
                               steps: int = 30) -> list[NeuronRun]:
    """:func:`run_neuron` for each (activation, loss) pair."""
    return [run_neuron(a, lo, x=x, y=y, w0=w0, lr=lr, steps=steps) for a, lo in setups]


def _free_corner(xs: Sequence[float], ys: Sequence[float], y_top: float) -> tuple[float, float, str, str]:
    """Where a panel's summary box covers no part of the curve: lower left, else upper right.

    The box takes about the left (or right) 60 % of the width and the bottom (or
    top) 40 % of the height; a corner is free when the curve stays out of it.
    """
    span = (xs[-1] - xs[0]) or 1.0
    frac = [((x - xs[0]) / span, y / y_top if y_top else 0.0) for x, y in zip(xs, ys)]
    if all(fy > 0.42 for fx, fy in frac if fx < 0.62):
        return 0.03, 0.05, "left", "bottom"
    if all(fy < 0.58 for fx, fy in frac if fx > 0.38):
        return 0.97, 0.95, "right", "top"
    return 0.03, 0.05, "left", "bottom"


def plot_activation_loss_experiment(runs: Sequence[NeuronRun] | None = None, *,
                                    setups: Sequence[tuple[str, str]] = SETUPS, x: float = 1.0,
                                    y: float = 1.0, w0: float = -2.0, lr: float = 0.1,
                                    steps: int = 30, lang: str | None = None) -> Figure:
    """Loss curves side by side (top) and the gradient dL/dw at each step (bottom).

    Pass ``runs`` from :func:`activation_loss_experiment`, or the experiment's
    settings.  Each loss line is labelled with the run's title (``"relu + MSE"``)
    and has the gid ``"loss:<title>"``.
    """
    if runs is None:
        runs = activation_loss_experiment(setups, x=x, y=y, w0=w0, lr=lr, steps=steps)
    if not runs:
        raise ValueError("no runs to plot")
    t = plot_texts(lang)
    n = len(runs)
    with t.fonts():
        fig = new_figure(4.3 * n, 6.2)
        fig.suptitle(t("neuron.title", x=f"{x:g}", y=f"{y:g}", w0=f"{runs[0].ws[0]:g}", lr=f"{lr:g}"))
        axes = fig.subplots(2, n, sharex=True, squeeze=False)
        for k, run in enumerate(runs):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            steps_axis = list(range(len(run.losses)))
            top, bottom = axes[0][k], axes[1][k]
            top.plot(steps_axis, run.losses, color=color, lw=2, marker="o", ms=3, label=run.title,
                     gid=f"loss:{run.title}")
            top.set_title(run.title)
            top.set_ylabel(t("neuron.loss"))
            top.set_ylim(bottom=0.0)
            top.grid(alpha=0.3)
            stuck = all(g == 0.0 for g in run.grads)
            verdict = t("neuron.stuck") if stuck else t("neuron.learning")
            x0, y0, ha, va = _free_corner(steps_axis, run.losses, max(run.losses) * 1.05)
            top.text(x0, y0,
                     t("neuron.span", last=len(run.losses) - 1)
                     + f"\nw: {run.ws[0]:.4g} → {run.ws[-1]:.4g}"
                     f"\nL: {run.losses[0]:.4g} → {run.losses[-1]:.4g}\n{verdict}",
                     transform=top.transAxes, ha=ha, va=va, fontsize=9,
                     bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
            bottom.plot(range(len(run.grads)), run.grads, color=color, lw=1.5, marker=".", label="dL/dw",
                        gid=f"grad:{run.title}")
            bottom.axhline(0.0, color="0.5", lw=0.8)
            bottom.set_ylabel(t("neuron.grad"))
            bottom.set_xlabel(t("neuron.step"))
            bottom.grid(alpha=0.3)
    return fig
