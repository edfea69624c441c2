"""``tg.grad`` and ``backward()``: the learners' notes' example, and what each one touches.

x = 1, target y = 1, weight w = 2: the prediction is x·w = 2 and the mean
squared error L = (x·w − y)² = 1, so dL/dw = 2(x·w − y)·x = 2.

* ``tg.grad(L, w)`` returns 2 and leaves ``w.grad`` alone (like
  ``torch.autograd.grad``);
* ``L.backward()`` adds 2 to ``w.grad``, and a second call adds 2 more;
* ``create_graph=True`` makes the gradient differentiable: d²L/dw² = 2x² = 2;
* asking for the gradient with respect to a constant is an error that says
  what to do, not a silent 0.
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.autograd_grad.title")
X, Y = 1.0, 1.0  # the notes' example


def loss_at(w: tg.Value, x: float = X, y: float = Y) -> tg.Value:
    """L(w) = mse(x·w, y) = (x·w − y)²."""
    return F.mse_loss(x * w, y)


def run(out: Path, lang: str = "en") -> list[Picture]:
    w = tg.Value(2.0, label="w")
    loss = loss_at(w)
    (dw,) = tg.grad(loss, [w])
    print(f"L = mse(x*w, y) with x = 1, w = 2, y = 1:  L = {loss.data}")
    print(f"tg.grad(L, [w])  -> dL/dw = {dw.data}   (w.grad is still {w.grad})")
    loss.backward()
    print(f"L.backward()     -> w.grad = {w.grad}")
    loss.backward()
    print(f"L.backward() again -> w.grad = {w.grad}   (gradients add up: zero them between steps)")
    w.grad = 0.0
    first = tg.grad(loss_at(w), w, create_graph=True)
    second = tg.grad(first, w)
    print(f"create_graph=True: dL/dw = {first.data}, d2L/dw2 = {second.data}  (2x^2 = 2)")

    x_const = tg.Value(1.0, label="x", requires_grad=False)
    try:
        tg.grad(F.mse_loss(x_const * w, 1.0), [x_const])
    except ValueError as exc:
        print(f"grad w.r.t. a constant: ValueError: {exc}")
    try:
        tg.grad(tg.Value(3.0, requires_grad=False) * 2.0, [w])
    except ValueError as exc:
        print(f"grad of a constant output: ValueError: {exc}")

    ws = [i / 20.0 for i in range(-10, 71)]
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(7.5, 4.8)
        ax = fig.add_subplot()
        ax.plot(ws, [loss_at(tg.Value(v)).data for v in ws], lw=2, label=t("ag.curve"))
        ax.plot([1.0, 3.0], [loss.data + dw.data * (v - 2.0) for v in (1.0, 3.0)], color="#d62728", lw=2,
                label=t("ag.tangent", w=f"{w.data:g}", slope=f"{dw.data:g}"))
        ax.plot([2.0], [loss.data], "o", color="#d62728")
        point = t("ag.point", w=f"{w.data:g}", L=f"{loss.data:g}", g=f"{dw.data:g}", h=f"{second.data:g}")
        ax.annotate(point, (2.0, loss.data), xytext=(2.05, -0.6), arrowprops={"arrowstyle": "->"})
        ax.set_xlabel(t("ag.xlabel", x=f"{X:g}", y=f"{Y:g}"))
        ax.set_ylabel(t("ag.ylabel"))
        ax.set_title(t("ag.title", w=f"{w.data:g}"))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left")
    facts = {"x": number(X), "y": number(Y), "w": number(w.data), "g": number(dw.data),
             "h": number(second.data)}
    return [save_picture(fig, out, "autograd_grad", *t.picture("autograd_grad", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
