"""Training curves and decision boundaries.

:func:`plot_training` draws the history that ``tinygrad_edu.training.fit``
returns (``{"loss": [...], "accuracy": [...]}``, one entry per epoch).
:func:`plot_decision_boundary` evaluates a trained 2-D classifier on a grid
(under ``no_grad``: no graph is recorded) and colours each point of the plane
by the class the model predicts there, with the data on top.  Each class
fills its own region (the contour of "predicted class == k"), so a border
between two classes is never drawn as a thin band of a third one - which is
what contouring the class numbers 0, 1, 2 directly would do between 0 and 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value
from tinygrad_edu.plots.figure import SERIES_COLORS, linspace, new_figure, number, tidy_log_axis
from tinygrad_edu.plots.fonts import plot_texts

_CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def plot_training(history: Mapping[str, Sequence[float]], *, title: str | None = None,
                  lang: str | None = None) -> Figure:
    """Loss per epoch (left) and, when present, accuracy per epoch (right).

    Every key whose name contains ``"acc"`` goes to the accuracy panel, every
    other key to the loss panel (so ``"val_loss"`` joins ``"loss"``).  Each
    line has its key as gid and a legend entry with its final value.
    """
    if not isinstance(history, Mapping) or not history:
        raise ValueError("plot_training needs a history mapping such as {'loss': [...], 'accuracy': [...]} "
                         "(what training.fit returns)")
    for key, values in history.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"history[{key!r}] must be a non-empty list of numbers, one per epoch")
    t = plot_texts(lang)
    acc_keys = [k for k in history if "acc" in k.lower()]
    loss_keys = [k for k in history if k not in acc_keys]
    panels = [(keys, kind) for keys, kind in ((loss_keys, "loss"), (acc_keys, "accuracy")) if keys]
    with t.fonts():
        fig = new_figure(5.5 * len(panels) + 0.5, 4.2)
        fig.suptitle(t("train.title") if title is None else title)
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, (keys, kind) in zip(axes, panels):
            for j, key in enumerate(keys):
                values = [number(v) for v in history[key]]
                name = t(f"train.{key}") if key in ("loss", "accuracy") else key
                last = f"{values[-1]:.1%}" if kind == "accuracy" else f"{values[-1]:.3g}"
                ax.plot(range(1, len(values) + 1), values, lw=2, color=SERIES_COLORS[j % len(SERIES_COLORS)],
                        label=t("train.final", name=name, value=last), gid=key)
            ax.set_xlabel(t("train.epoch"))
            ax.set_ylabel(t(f"train.{kind}_axis"))
            ax.set_title(t(f"train.{kind}_title"))
            if kind == "loss" and all(number(v) > 0.0 for k in keys for v in history[k]):
                ax.set_yscale("log")
                tidy_log_axis(ax)
            if kind == "accuracy":
                ax.set_ylim(-0.02, 1.02)
            ax.grid(alpha=0.3)
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


def _class_margins(outputs: list[list[Any]], classes: list[list[int]], n_classes: int,
                   threshold: float) -> list[list[list[float]]]:
    """For each class k, a grid > 0 exactly where k is predicted: its score minus the best other score.

    Contouring these continuous margins at 0 puts each border where the scores
    cross, between grid points (contouring the 0/1 "is class k" grid gives a
    staircase along the grid instead).  A one-output model's margins are
    ``±(output − threshold)``.
    """
    margins = []
    for k in range(n_classes):
        grid = []
        for row, row_classes in zip(outputs, classes):
            cells = []
            for o, c in zip(row, row_classes):
                if isinstance(o, list):
                    others = [s for j, s in enumerate(o) if j != k]
                    m = (o[k] if k < len(o) else -math.inf) - (max(others) if others else -math.inf)
                else:
                    m = (o - threshold) if k == 1 else (threshold - o)
                if not math.isfinite(m):  # a tie with an infinite score: the predicted class decides
                    m = 1.0 if c == k else -1.0
                cells.append(m)
            grid.append(cells)
        margins.append(grid)
    return margins


def _draw_regions(ax: Any, xs: list[float], ys: list[float], margins: list[list[list[float]]],
                  colors: list[str]) -> None:
    for k, grid in enumerate(margins):
        top = max(max(row) for row in grid)
        if top > 0.0:
            region = ax.contourf(xs, ys, grid, levels=[0.0, top + 1.0], colors=[colors[k]], alpha=0.25)
            region.set_gid(f"region:{k}")


def _label_stacked(ax: Any, xs: list[float], ys: list[float], wrong: list[Sequence[float]],
                   note: Any, points: Sequence[Sequence[float]] = ()) -> None:
    """Misclassified points that sit on top of each other: one circle, so say how many it stands for.

    (The spiral's three arms all start at (0, 0): one point of each class at the
    same place, and whichever class is predicted there the others are wrong.)
    The note goes where its box covers the fewest of ``points`` (the data), with an
    arrow when it had to move away from the spot; call this once the axes' limits are set.
    """
    span = max(xs[-1] - xs[0], ys[-1] - ys[0])
    seen: list[Sequence[float]] = []
    for p in wrong:
        if any(math.dist(p, q) < 0.02 * span for q in seen):
            continue
        group = [q for q in wrong if math.dist(p, q) < 0.02 * span]
        seen.append(p)
        if len(group) > 1:
            text = note(len(group))
            dx, dy = _free_offset(ax, p, text, points)
            arrow = {"arrowstyle": "-", "color": "0.4", "lw": 0.8} if math.hypot(dx, dy) > 20 else None
            ax.annotate(text, (p[0], p[1]), xytext=(dx, dy), textcoords="offset points",
                        ha="left" if dx >= 0 else "right", va="center", fontsize=8, zorder=5, gid="stacked",
                        arrowprops=arrow,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.6", "alpha": 0.9})


def _free_offset(ax: Any, at: Sequence[float], text: str, points: Sequence[Sequence[float]],
                 fontsize: float = 8.0) -> tuple[float, float]:
    """An offset in points from ``at`` for a note of ``text`` whose box covers the fewest ``points``
    (and stays inside the axes); the nearest such place wins."""
    scale = ax.figure.dpi / 72  # display pixels per point
    ax0, ay0, ax1, ay1 = ax.bbox.extents
    width = (0.6 * fontsize * len(text) + 6) * scale  # an estimate of the box, a little generous
    height = (fontsize + 6) * scale
    x0, y0 = ax.transData.transform((at[0], at[1]))
    shown = [ax.transData.transform((q[0], q[1])) for q in points]
    best: tuple[int, float, float, float] | None = None
    for r in (14.0, 30.0, 50.0, 75.0):
        for ux, uy in ((1, -1), (1, 1), (-1, -1), (-1, 1), (1, 0), (-1, 0), (0, -1.5), (0, 1.5)):
            dx, dy = r * ux, r * uy
            cx, cy = x0 + dx * scale, y0 + dy * scale
            left = cx if dx >= 0 else cx - width
            if dx == 0:
                left = cx - width / 2
            box = (left - 4 * scale, cy - height / 2 - 4 * scale, left + width + 4 * scale,
                   cy + height / 2 + 4 * scale)
            if box[0] < ax0 or box[2] > ax1 or box[1] < ay0 or box[3] > ay1:
                continue
            covered = sum(box[0] <= u <= box[2] and box[1] <= v <= box[3] for u, v in shown)
            if best is None or covered < best[0]:
                best = (covered, r, dx, dy)
        if best is not None and best[0] == 0:
            break
    return (12.0, -14.0) if best is None else (best[2], best[3])


def plot_decision_boundary(model: Callable[[Any], Any], X: Sequence[Sequence[float]],  # noqa: N803
                           y: Sequence[int | float], *, threshold: float = 0.0, resolution: int = 60,
                           margin: float = 0.5, title: str | None = None, split: str | None = None,
                           lang: str | None = None) -> Figure:
    """Regions of the plane by predicted class, the data points on top, misclassified ones circled.

    A model with one output predicts class 1 where ``output > threshold``
    (0 for raw scores, 0.5 for probabilities) and class 0 elsewhere; for a
    scalar model the curve ``output = threshold`` is drawn too.  A model with a
    vector output predicts the argmax.  Labels ``y`` are class indices; for a
    scalar model any label > 0 counts as class 1 (so ±1 labels work).
    ``split`` says which data ``X`` is - ``"train"`` or ``"test"`` - so the
    title says "training accuracy" or "test accuracy" (None: "accuracy on
    these points").  Each class region has the gid ``"region:<k>"``.
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels; they must match")
    if split not in (None, "train", "test"):
        raise ValueError(f'split must be "train", "test" or None, got {split!r}')
    t = plot_texts(lang)
    xs, ys, outputs = decision_grid(model, X, resolution=resolution, margin=margin)
    vector = isinstance(outputs[0][0], list)
    classes = [[predict_class(o, threshold) for o in row] for row in outputs]
    labels = [int(lab) if vector else int(number(lab) > 0) for lab in y]
    n_classes = max(max(max(r) for r in classes), max(labels)) + 1
    colors = [_CLASS_COLORS[k % len(_CLASS_COLORS)] for k in range(n_classes)]
    preds = []
    with no_grad():
        for p in X:
            preds.append(predict_class(_score(model(list(p))), threshold))
    with t.fonts():
        fig = new_figure(6.5, 5.5)
        ax = fig.add_subplot()
        margins = _class_margins(outputs, classes, n_classes, threshold)
        _draw_regions(ax, xs, ys, margins, colors)
        if not vector:
            scores = [[float(o) for o in row] for row in outputs]  # type: ignore[arg-type]
            lo = min(min(r) for r in scores)
            hi = max(max(r) for r in scores)
            if lo < threshold < hi:
                ax.contour(xs, ys, scores, levels=[threshold], colors="black", linewidths=1.5)
        for k in range(n_classes):
            pts = [p for p, c in zip(X, labels) if c == k]
            if pts:
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=22, color=colors[k],
                           edgecolors="white", linewidths=0.5, label=t("boundary.class", k=k), zorder=3,
                           gid=f"class:{k}")
        wrong = [p for p, c, q in zip(X, labels, preds) if c != q]
        if wrong:
            ax.scatter([p[0] for p in wrong], [p[1] for p in wrong], s=90, facecolors="none",
                       edgecolors="black", linewidths=1.2, label=t("boundary.wrong", n=len(wrong)), zorder=4,
                       gid="misclassified")
        acc = sum(c == q for c, q in zip(labels, preds)) / len(labels)
        which = {None: "boundary.acc_points", "train": "boundary.acc_train",
                 "test": "boundary.acc_test"}[split]
        heading = t("boundary.title") if title is None else title
        score = t(which, acc=f"{acc:.1%}")
        ax.set_title(f"{heading}  ({score})" if len(heading) + len(score) < 50 else f"{heading}\n({score})")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.legend(fontsize=8, loc="upper right")
        if wrong:
            _label_stacked(ax, xs, ys, wrong, lambda n: t("boundary.stacked", n=n), X)
    return fig
