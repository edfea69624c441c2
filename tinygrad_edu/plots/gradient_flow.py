"""Gradient flow: how large the gradient still is in each layer of a deep net.

Back-propagation multiplies, layer by layer from the output back to the input,
by the weights and by the activation's derivative f'(z).  With sigmoid,
f'(z) <= 1/4, so after k layers the gradient has picked up a factor of at
most (1/4)^k times the weights: with weights of order one it shrinks by
orders of magnitude within about 5 layers (梯度消失, vanishing gradient).
tanh (f' <= 1) and relu (f' = 1 where active) keep it larger; how the weights
are initialised (uniform(−1, 1), Xavier, He) decides the rest.

The picture shows, for each layer l (1 = next to the input), the mean of
|∂L/∂p| over that layer's parameters p, on a log scale.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any, Union

from matplotlib.figure import Figure

import tinygrad_edu.functional as F
from tinygrad_edu.nn import MLP
from tinygrad_edu.plots.figure import SERIES_COLORS, new_figure, number, tidy_log_axis
from tinygrad_edu.plots.fonts import plot_texts

#: What :func:`plot_gradient_flow` accepts per series: a model whose layers hold
#: gradients (after ``backward()``), or the per-layer numbers themselves.
ModelOrGrads = Union[Any, Sequence[float]]


def layer_grad_means(model: Any) -> list[float]:
    """Mean |grad| of each layer's parameters, first layer first.

    ``model`` is anything with ``.layers`` whose items have ``.parameters()``
    (such as ``tinygrad_edu.nn.MLP``), after a ``backward()`` pass.
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(
            f"layer_grad_means needs a model with .layers (such as nn.MLP), got {type(model).__name__}; "
            "or pass the per-layer mean |grad| values as a list of floats"
        )
    means = []
    for i, layer in enumerate(layers):
        params = list(layer.parameters())
        if not params:
            raise ValueError(f"layer {i} of the model has no parameters")
        means.append(math.fsum(abs(p.grad) for p in params) / len(params))
    return means


def gradient_flow(activation: str = "sigmoid", init: str = "xavier", *, depth: int = 10, width: int = 16,
                  n_samples: int = 8, seed: int = 0) -> list[float]:
    """Mean |grad| per layer of a fresh deep MLP after one backward pass of an MSE loss.

    The net is ``nn.MLP(width, [width] * depth + [1], activation, init=init, seed=seed)``
    (``depth`` hidden layers, then a linear output layer), fed ``n_samples``
    standard-normal inputs with standard-normal targets, all drawn from ``seed``.
    Returns one number per layer, input side first (``depth + 1`` numbers).
    """
    for name, v in (("depth", depth), ("width", width), ("n_samples", n_samples)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"gradient_flow: {name} must be a positive int, got {v!r}")
    rng = random.Random(seed)
    xs = [[rng.gauss(0.0, 1.0) for _ in range(width)] for _ in range(n_samples)]
    ys = [rng.gauss(0.0, 1.0) for _ in range(n_samples)]
    model = MLP(width, [width] * depth + [1], activation=activation, init=init, seed=seed)
    loss = F.mse_loss([model(x) for x in xs], ys)  # mean reduction: one Value
    loss.backward()
    return layer_grad_means(model)


def _as_means(name: str, item: ModelOrGrads) -> list[float]:
    if hasattr(item, "layers"):
        return layer_grad_means(item)
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence):
        raise TypeError(
            f"series {name!r}: expected a model with .layers or a list of per-layer mean |grad| floats, "
            f"got {type(item).__name__}"
        )
    means = [number(v) for v in item]
    if not means:
        raise ValueError(f"series {name!r} has no layers")
    if any(not (math.isfinite(v) and v >= 0.0) for v in means):
        raise ValueError(f"series {name!r}: mean |grad| values must be finite and >= 0, got {means}")
    return means


def plot_gradient_flow(models_or_grads: Mapping[str, ModelOrGrads] | Sequence[Mapping[str, ModelOrGrads]],
                       titles: Sequence[str] | None = None, *, lang: str | None = None) -> Figure:
    """Mean |grad| per layer, log scale, one line per named series.

    ``models_or_grads`` maps a series name (``"sigmoid"``, ``"He init"``) to a
    model after ``backward()`` or to a list of per-layer values.  A sequence of
    such mappings draws one panel each, side by side (``titles`` names them).
    Each line carries its series name as label; zeros (a layer with no
    gradient at all) are drawn on the bottom edge as open markers.
    """
    panels = [models_or_grads] if isinstance(models_or_grads, Mapping) else list(models_or_grads)
    if not panels or any(not isinstance(p, Mapping) or not p for p in panels):
        raise ValueError("plot_gradient_flow needs a non-empty mapping {name: model or per-layer grads} "
                         "(or a list of such mappings, one per panel)")
    if titles is not None and len(titles) != len(panels):
        raise ValueError(f"got {len(titles)} titles for {len(panels)} panels")
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(max(7.0, 5.5 * len(panels) + 0.5), 4.8)
        fig.suptitle(t("flow.title"))
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for k, (ax, panel) in enumerate(zip(axes, panels)):
            series = {name: _as_means(name, item) for name, item in panel.items()}
            positive = [v for means in series.values() for v in means if v > 0.0]
            floor = min(positive) / 10.0 if positive else 1e-12
            for j, (name, means) in enumerate(series.items()):
                color = SERIES_COLORS[j % len(SERIES_COLORS)]
                layers = list(range(1, len(means) + 1))
                shown = [v if v > 0.0 else math.nan for v in means]
                ax.plot(layers, shown, color=color, lw=2, marker="o", label=name)
                zeros = [lay for lay, v in zip(layers, means) if v == 0.0]
                if zeros:
                    ax.plot(zeros, [floor] * len(zeros), ls="none", marker="o", mfc="none", color=color)
            ax.set_yscale("log")
            if positive:
                tidy_log_axis(ax)
            ax.set_xlabel(t("flow.xlabel"))
            ax.set_ylabel(t("flow.ylabel"))
            ax.set_title(titles[k] if titles is not None else t("flow.panel"))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=9)
    return fig
