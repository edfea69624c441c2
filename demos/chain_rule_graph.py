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
from tinygrad_edu.plots import plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main

TITLE = text("en", "demo.chain_rule_graph.title")


def run(out: Path, lang: str = "en") -> list[Picture]:
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
    print(viz.explain(y, lang=lang))
    for suffix in ("png", "svg"):
        path = viz.render_graph(y, out / f"sigmoid_neuron_graph.{suffix}", lang=lang)
        print(f"  wrote {path.name}")
    facts = {"dz": number(z.grad, ".3f"), "x": number(x.data), "dw": number(w.grad, ".3f")}
    return [Picture("sigmoid_neuron_graph", *plot_texts(lang).picture("sigmoid_neuron_graph", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
