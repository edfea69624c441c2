"""Training curves and decision boundaries.

:func:`plot_training` draws the history that ``tinygrad_edu.training.fit``
returns (``{"loss": [...], "accuracy": [...]}``, one entry per epoch).
:func:`plot_decision_boundary` evaluates a trained 2-D classifier on a grid
(under ``no_grad``: no graph is recorded) and colours each point of the plane
by the class the model predicts there, with the data on top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value
from tinygrad_edu.plots.figure import SERIES_COLORS, linspace, new_figure

_CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def plot_training(history: Mapping[str, Sequence[float]], *, title: str = "Training") -> Figure:
    """Loss per epoch (left) and, when present, accuracy per epoch (right).

    Every key whose name contains ``"acc"`` goes to the accuracy panel, every
    other key to the loss panel (so ``"val_loss"`` joins ``"loss"``).  Each
    line is labelled with its key.
    """
    if not isinstance(history, Mapping) or not history:
        raise ValueError("plot_training needs a history mapping such as {'loss': [...], 'accuracy': [...]} "
                         "(what training.fit returns)")
    for key, values in history.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"history[{key!r}] must be a non-empty list of numbers, one per epoch")
    acc_keys = [k for k in history if "acc" in k.lower()]
    loss_keys = [k for k in history if k not in acc_keys]
    panels = [(keys, label) for keys, label in ((loss_keys, "loss"), (acc_keys, "accuracy")) if keys]
    fig = new_figure(5.5 * len(panels) + 0.5, 4.2)
    fig.suptitle(title)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (keys, label) in zip(axes, panels):
        for j, key in enumerate(keys):
            values = [float(v) for v in history[key]]
            ax.plot(range(1, len(values) + 1), values, lw=2, color=SERIES_COLORS[j % len(SERIES_COLORS)],
                    label=f"{key} (last {values[-1]:.4g})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        if label == "loss" and all(float(v) > 0.0 for k in keys for v in history[k]):
            ax.set_yscale("log")
        if label == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=9)
    return fig


def _score(out: Any) -> float | list[float]:
    if isinstance(out, Value):
        return out.data
    if isinstance(out, (int, float)):
        return float(out)
    return [o.data if isinstance(o, Value) else float(o) for o in out]


def predict_class(out: float | list[float], threshold: float) -> int:
    """Class of one model output: argmax for a vector, ``score > threshold`` (1 or 0) for a scalar."""
    if isinstance(out, list):
        return max(range(len(out)), key=out.__getitem__)
    return int(out > threshold)


def decision_grid(model: Callable[[Any], Any], X: Sequence[Sequence[float]], *,  # noqa: N803 - as sklearn
                  resolution: int = 60, margin: float = 0.5
                  ) -> tuple[list[float], list[float], list[list[float | list[float]]]]:
    """The model's raw outputs on a ``resolution`` x ``resolution`` grid around the data.

    Returns ``(xs, ys, outputs)`` with ``outputs[i][j] = model([xs[j], ys[i]])``
    as floats (a list of floats for a vector output), computed under ``no_grad``.
    """
    if not X or any(len(p) != 2 for p in X):
        raise ValueError("decision_grid needs 2-D points: X must be a non-empty list of [x1, x2] pairs")
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2, got {resolution!r}")
    x_lo, x_hi = min(p[0] for p in X) - margin, max(p[0] for p in X) + margin
    y_lo, y_hi = min(p[1] for p in X) - margin, max(p[1] for p in X) + margin
    xs, ys = linspace(x_lo, x_hi, resolution), linspace(y_lo, y_hi, resolution)
    with no_grad():
        outputs = [[_score(model([a, b])) for a in xs] for b in ys]
    return xs, ys, outputs


def plot_decision_boundary(model: Callable[[Any], Any], X: Sequence[Sequence[float]],  # noqa: N803
                           y: Sequence[int | float], *, threshold: float = 0.0, resolution: int = 60,
                           margin: float = 0.5, title: str = "Decision boundary") -> Figure:
    """Regions of the plane by predicted class, the data points on top, misclassified ones circled.

    A model with one output predicts class 1 where ``output > threshold``
    (0 for raw scores, 0.5 for probabilities) and class 0 elsewhere; for a
    scalar model the curve ``output = threshold`` is drawn too.  A model with a
    vector output predicts the argmax.  Labels ``y`` are class indices; for a
    scalar model any label > 0 counts as class 1 (so ±1 labels work).
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels; they must match")
    xs, ys, outputs = decision_grid(model, X, resolution=resolution, margin=margin)
    vector = isinstance(outputs[0][0], list)
    classes = [[predict_class(o, threshold) for o in row] for row in outputs]
    labels = [int(t) if vector else int(float(t) > 0) for t in y]
    n_classes = max(max(max(r) for r in classes), max(labels)) + 1
    colors = [_CLASS_COLORS[k % len(_CLASS_COLORS)] for k in range(n_classes)]
    fig = new_figure(6.5, 5.5)
    ax = fig.add_subplot()
    ax.contourf(xs, ys, classes, levels=[k - 0.5 for k in range(n_classes + 1)],
                cmap=ListedColormap(colors), alpha=0.25)
    if not vector:
        scores = [[float(o) for o in row] for row in outputs]  # type: ignore[arg-type]
        lo = min(min(r) for r in scores)
        hi = max(max(r) for r in scores)
        if lo < threshold < hi:
            ax.contour(xs, ys, scores, levels=[threshold], colors="black", linewidths=1.5)
    preds = []
    with no_grad():
        for p in X:
            preds.append(predict_class(_score(model(list(p))), threshold))
    for k in range(n_classes):
        pts = [p for p, t in zip(X, labels) if t == k]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=22, color=colors[k], edgecolors="white",
                       linewidths=0.5, label=f"class {k}", zorder=3)
    wrong = [p for p, t, q in zip(X, labels, preds) if t != q]
    if wrong:
        ax.scatter([p[0] for p in wrong], [p[1] for p in wrong], s=90, facecolors="none",
                   edgecolors="black", linewidths=1.2, label=f"misclassified ({len(wrong)})", zorder=4)
    acc = sum(t == q for t, q in zip(labels, preds)) / len(labels)
    ax.set_title(f"{title}  (accuracy {acc:.1%})")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.legend(fontsize=8, loc="upper right")
    return fig
