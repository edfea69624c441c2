"""Backprop written out: the program ``tg.compile`` writes for a neuron and a small MLP.

``tg.compile(fn, params)`` runs ``fn`` once, records its graph, and writes the
forward and backward passes out as one straight-line Python function: one line
per value the backward pass needs again, one line per gradient, each with the
op's formula or local derivative from the ops registry as a comment.  That is
exactly what the notes mean by writing each operator's ``backward()`` by hand.

* The notes' neuron, p = σ(w·x + b) with binary cross-entropy for target 1:
  the whole program fits on a screen; dL/dz = p − 1 is visible as a line.
* A two-layer MLP (sigmoid hidden layer and output, the notes' Model_MLP_L2)
  on one sample: the same shape, one line per neuron.
* How much faster the program runs is not timed here: the measured table is
  in docs/speed.md (``python3 benchmarks/bench_guide.py`` times an MLP(2, [8, 8, 1])
  full-batch step both ways).

Writes ``backprop_written_out.html`` (both programs syntax-coloured beside
their graphs; offline, no scripts) and the neuron's graph as PNG and SVG.
Needs Graphviz's ``dot`` program for the graphs.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import viz
from tinygrad_edu.files import write_atomic
from tinygrad_edu.nn import MLP
from tinygrad_edu.plots import plot_texts
from tinygrad_edu.strings import text
from tinygrad_edu.tour import Picture, demo_main
from tinygrad_edu.viz.code_html import code_page

TITLE = text("en", "demo.backprop_written_out.title")
PAGE = "backprop_written_out.html"


def inline_svg(path: Path) -> str:
    """An SVG file's ``<svg>`` element, without the XML prolog, to put inside a page."""
    svg = path.read_text(encoding="utf-8")
    return svg[svg.index("<svg"):]


def run(out: Path, lang: str = "en") -> list[Picture]:
    out.mkdir(parents=True, exist_ok=True)
    # ---- the notes' neuron
    w, x, b = tg.Value(2.0, label="w"), tg.Value(1.0, label="x"), tg.Value(0.0, label="b")

    def neuron_loss() -> tg.Value:
        z = w * x + b
        z.label = "z"
        p = z.sigmoid()
        p.label = "p"
        loss = F.binary_cross_entropy(p, 1.0)
        loss.label = "L"
        return loss

    neuron = tg.compile(neuron_loss, [w, b])
    loss = neuron()
    print(f"neuron: L = {loss:.6f}, dL/dw = {w.grad:.6f}, dL/db = {b.grad:.6f}  (dL/dz = p - 1)")
    eager = neuron_loss()
    dw, db = tg.grad(eager, [w, b])
    print(f"eager:  L = {eager.data:.6f}, dL/dw = {dw.data:.6f}, dL/db = {db.data:.6f}; "
          f"equal bit for bit: {(loss, w.grad, b.grad) == (eager.data, dw.data, db.data)}")
    print(f"{neuron!r}")
    print(neuron.source)
    w.grad = b.grad = 0.0
    eager.backward()
    # top to bottom: left to right the picture is 2191 x 171 px, unreadable at the gallery's width
    graph_files = [viz.render_graph(eager, out / f"backprop_written_out_graph.{s}", rankdir="TB", lang=lang)
                   for s in ("png", "svg")]
    for path in graph_files:
        print(f"  wrote {path.name}")
    # for the page, top to bottom: it stands beside the code
    neuron_svg = viz.render_graph(eager, out / "backprop_written_out_neuron.svg", rankdir="TB",
                                  lang=lang)
    print(f"  wrote {neuron_svg.name}")

    # ---- a two-layer MLP on one sample
    model = MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    row, target = [0.5, -1.0], 1.0

    def mlp_loss() -> tg.Value:
        return F.binary_cross_entropy(model(row), target)

    mlp = tg.compile(mlp_loss, model.parameters())
    mlp_value = mlp()
    mlp_eager = mlp_loss()
    print(f"MLP(2, [3, 1]) on one sample: L = {mlp_value:.6f} compiled, {mlp_eager.data:.6f} eager; "
          f"{mlp.num_ops} ops, {mlp.source.count(chr(10))} source lines")
    model.zero_grad()
    mlp_eager.backward()
    mlp_svg = viz.render_graph(mlp_eager, out / "backprop_written_out_mlp.svg", module=model, lang=lang)
    print(f"  wrote {mlp_svg.name}")

    words = {k: text(lang, f"code.{k}") for k in ("page_title", "intro", "neuron", "neuron_note", "mlp")}
    mlp_note = text(lang, "code.mlp_note", ops=mlp.num_ops, lines=mlp.source.count("\n"))
    speed = text(lang, "code.speed")
    page = code_page(words["page_title"], [
        (words["neuron"], words["neuron_note"], neuron.source, inline_svg(neuron_svg)),
        (words["mlp"], f"{mlp_note} {speed}", mlp.source, inline_svg(mlp_svg), "below"),
    ], intro=words["intro"], lang=lang)
    page = re.sub(r"<svg ", '<svg role="img" ', page)
    write_atomic(out / PAGE, page.encode("utf-8"))
    print(f"  wrote {PAGE}")
    return [Picture("backprop_written_out_graph", *plot_texts(lang).picture("backprop_written_out_graph"),
                    links=(PAGE,))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
