"""Back-propagation versus gradient descent: one step, as numbers.

They are two different things that always come together:

* back-propagation (误差反向传播) *computes* the gradient: the chain rule,
  applied from the loss back to every weight, node by node;
* gradient descent (梯度下降) *uses* it: every weight moves a little against
  its gradient, w ← w − lr·dL/dw.

The model has two weights so its loss can be drawn as a map:
z1 = w1·x, h = tanh(z1), z2 = w2·h, ŷ = σ(z2), L = BCE(ŷ, y).
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.backprop_vs_gd.title")
X, Y, LR = 1.5, 1.0, 1.0
W1, W2 = 0.5, -1.0


def forward(w1: tg.Value, w2: tg.Value) -> dict[str, tg.Value]:
    """Every node of the model, by name."""
    z1 = w1 * X
    h = z1.tanh()
    z2 = w2 * h
    y_hat = z2.sigmoid()
    loss = F.binary_cross_entropy(y_hat, Y)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "L": loss}


def loss_value(w1: float, w2: float) -> float:
    with tg.no_grad():
        return forward(tg.Value(w1), tg.Value(w2))["L"].data


def run(out: Path, lang: str = "en") -> list[Picture]:
    w1, w2 = tg.Value(W1, label="w1"), tg.Value(W2, label="w2")
    nodes = forward(w1, w2)
    print(f"forward:  x = {X}, y = {Y}, w1 = {W1}, w2 = {W2}")
    for name, node in nodes.items():
        print(f"  {name:<5} = {node.data: .6f}")
    nodes["L"].backward()
    h, y_hat = nodes["h"].data, nodes["y_hat"].data
    by_hand = {  # the chain rule written out, one factor per node
        "z2": y_hat - Y,
        "h": (y_hat - Y) * W2,
        "z1": (y_hat - Y) * W2 * (1 - h * h),
    }
    print("back-propagation: dL/d(node), from the loss back (engine .grad | chain rule by hand):")
    for name in ("z2", "h", "z1"):
        print(f"  dL/d{name:<3} = {nodes[name].grad: .6f} | {by_hand[name]: .6f}")
    print(f"  dL/dw2  = {w2.grad: .6f} | {(y_hat - Y) * h: .6f}   (dL/dz2 * h)")
    print(f"  dL/dw1  = {w1.grad: .6f} | {by_hand['z1'] * X: .6f}   (dL/dz1 * x)")
    g1, g2 = w1.grad, w2.grad
    new1, new2 = W1 - LR * g1, W2 - LR * g2
    before, after = nodes["L"].data, loss_value(new1, new2)
    print(f"gradient descent (lr = {LR}): w1 {W1} -> {new1:.6f}, w2 {W2} -> {new2:.6f}")
    print(f"  loss {before:.6f} -> {after:.6f}")
    path = [(W1, W2)]
    a, b = tg.Value(W1), tg.Value(W2)
    for _ in range(25):
        ga, gb = tg.grad(forward(a, b)["L"], [a, b])
        a, b = tg.Value(a.data - LR * ga.data), tg.Value(b.data - LR * gb.data)
        path.append((a.data, b.data))
    print(f"after 25 steps: w1 = {path[-1][0]:.4f}, w2 = {path[-1][1]:.4f}, "
          f"loss = {loss_value(*path[-1]):.6f}")

    grid1 = [-2.5 + 4.0 * i / 60 for i in range(61)]
    grid2 = [-4.5 + 6.5 * j / 60 for j in range(61)]
    surface = [[loss_value(u, v) for u in grid1] for v in grid2]
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(7.5, 7.0)
        ax = fig.add_subplot()
        levels = [0.05 * 1.35**k for k in range(16)]
        contour = ax.contour(grid1, grid2, surface, levels=levels, cmap="viridis", linewidths=0.9, alpha=0.8)
        ax.clabel(contour, fmt="%.2f", fontsize=7)
        ax.plot([p[0] for p in path], [p[1] for p in path], "o-", color="#ff7f0e", lw=2.2, ms=4.5,
                mec="black", mew=0.5, zorder=4, label=t("gd.path", steps=len(path) - 1))
        ax.annotate("", xy=(new1, new2), xytext=(W1, W2), zorder=5,
                    arrowprops={"arrowstyle": "-|>", "color": "#d62728", "lw": 2.4})
        ax.plot([W1], [W2], "o", color="#d62728", ms=9, zorder=6,
                label=t("gd.start", L=f"{before:.3f}", g1=f"{g1:.3f}", g2=f"{g2:.3f}"))
        ax.plot([new1], [new2], "s", color="#d62728", ms=8, zorder=6,
                label=t("gd.step", lr=f"{LR:g}", L=f"{after:.3f}"))
        ax.plot(*path[-1], "*", color="black", ms=12, zorder=6,
                label=t("gd.end", steps=len(path) - 1, L=f"{loss_value(*path[-1]):.3f}"))
        ax.set_xlabel(t("gd.xlabel"))
        ax.set_ylabel(t("gd.ylabel"))
        ax.set_title(t("gd.title", x=f"{X:g}", y=f"{Y:g}"), fontsize=10)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8)
    facts = {"lr": number(LR), "before": number(before, ".3f"), "after": number(after, ".3f"),
             "steps": len(path) - 1, "end": number(loss_value(*path[-1]), ".3f")}
    return [save_picture(fig, out, "backprop_vs_gd", *t.picture("backprop_vs_gd", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
