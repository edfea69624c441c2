"""The chain rule of a sigmoid neuron, as a graph and as text.

y = σ(w·x + b) with x = 1, w = 2, b = 0.  After ``y.backward()`` every box of
the graph shows its value and its gradient, and every edge the local
derivative ∂out/∂in from the registry, so the chain rule can be checked by
eye: grad(input) = grad(output) × edge label.  ``viz.explain`` writes the
same products out: dy/dw = dy/dz · dz/dw = 0.105 × 1 = 0.105.

Needs Graphviz's ``dot`` program (Debian: ``apt-get install graphviz``).
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.tour import Picture, demo_main

TITLE = "The chain rule of a sigmoid neuron, drawn"


def run(out: Path) -> list[Picture]:
    x = tg.Value(1.0, label="x")
    w = tg.Value(2.0, label="w")
    b = tg.Value(0.0, label="b")
    z = w * x + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "y"
    y.backward()
    print(f"y = sigmoid(w*x + b) = {y.data:.4f}")
    print(f"dy/dz = y(1 - y) = {z.grad:.4f};  dy/dw = dy/dz * x = {w.grad:.4f};  "
          f"dy/dx = dy/dz * w = {x.grad:.4f};  dy/db = {b.grad:.4f}")
    print(viz.explain(y))
    for suffix in ("png", "svg"):
        path = viz.render_graph(y, out / f"sigmoid_neuron_graph.{suffix}")
        print(f"  wrote {path.name}")
    return [Picture(
        "sigmoid_neuron_graph", "The chain rule of y = σ(w·x + b), drawn after backward()",
        "Boxes are Values (label, data, grad); small nodes are ops; each edge carries the local derivative "
        "∂out/∂in at this point, read from the ops registry. Multiply along a path from y back to a leaf and "
        "you get its gradient: dy/dw = σ'(z)·x = 0.105 × 1 = 0.105. This is back-propagation "
        "(误差反向传播): the gradient of the output flows back through each edge.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
