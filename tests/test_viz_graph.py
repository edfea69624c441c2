"""The graph renderer: DOT structure, edge labels from the registry, SVG/PNG/PDF output,
label escaping, the size cap, missing Graphviz, clustering and the Jupyter display."""

from __future__ import annotations

import math
import os
import re
import string
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.viz import GraphTooLargeError, GraphvizNotFoundError, draw_graph, render_graph
from tinygrad_edu.viz.graph import grad_shade
from tinygrad_edu.viz.jupyter import mimebundle
from tinygrad_edu.viz.labels import short_number, visible_text

SVG = "{http://www.w3.org/2000/svg}"
NODE_RE = re.compile(r"^\t(\w+) \[label=", re.M)
EDGE_RE = re.compile(r"^\t(\w+) -> (\w+)(?::(\w+):\w)? \[(.*)\]$", re.M)
CELL_RE = re.compile(r'<TD PORT="(i\d+)"[^>]*><FONT[^>]*>([^<]*)</FONT></TD>')
OP_RE = re.compile(r"^\t+(v\d+_op) \[label=<(.*)> ", re.M)
ATTR_RE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^ \]]+)')


def neuron() -> tuple[tg.Value, tg.Value, tg.Value, tg.Value]:
    w, x, b = tg.Value(2.0, label="w"), tg.Value(1.0, label="x"), tg.Value(0.0, label="b")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return w, x, b, y


def edges(source: str) -> list[tuple[str, str, dict[str, str]]]:
    """(tail, head node, attributes) of every edge; an edge into an op's port gets the number shown in
    that port's cell (the local derivative) as a ``label`` entry."""
    cells = {(op, port): text for op, label in OP_RE.findall(source) for port, text in CELL_RE.findall(label)}
    out = []
    for tail, head, port, attrs in EDGE_RE.findall(source):
        parsed = {k: v.strip('"') for k, v in ATTR_RE.findall(attrs)}
        if port:
            parsed["label"] = cells[(head, port)]
        out.append((tail, head, parsed))
    return out


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def title(g: ET.Element) -> str:
    t = g.find(f"{SVG}title")
    assert t is not None
    return t.text or ""


# ---------------------------------------------------------------- DOT structure
def test_neuron_dot_structure_counts_and_ids():
    *_, y = neuron()
    y.backward()
    src = draw_graph(y).source
    nodes = NODE_RE.findall(src)
    # 6 Values (w x u1 b u2 y) in topological order + 3 op nodes
    assert nodes == ["v0", "v1", "v2", "v2_op", "v3", "v4", "v4_op", "v5", "v5_op"]
    es = edges(src)
    # each op: one edge op -> result and one per input (mul 2, add 2, sigmoid 1)
    assert len(es) == 3 + 2 + 2 + 1
    assert ("v2_op", "v2") in [(t, h) for t, h, _ in es]
    assert [(t, h) for t, h, a in es if a["id"].count("_") == 1] == [
        ("v0", "v2_op"), ("v1", "v2_op"), ("v2", "v4_op"), ("v3", "v4_op"), ("v4", "v5_op")]


def test_edge_labels_are_the_hand_derived_local_derivatives():
    *_, y = neuron()
    labels = {(t, h): a for t, h, a in edges(draw_graph(y).source) if "label" in a}
    s = 1.0 / (1.0 + math.exp(-2.0))
    assert labels[("v0", "v2_op")]["label"] == "1"      # ∂(wx)/∂w = x = 1
    assert labels[("v1", "v2_op")]["label"] == "2"      # ∂(wx)/∂x = w = 2
    assert labels[("v2", "v4_op")]["label"] == "1"      # ∂(u1 + b)/∂u1 = 1
    assert labels[("v4", "v5_op")]["label"] == short_number(s * (1 - s))  # σ'(2) = σ(2)(1 − σ(2))
    assert labels[("v4", "v5_op")]["label"] == "0.105"


def many_op_graph() -> tuple[tg.Value, list[tg.Value]]:
    a, b, c = tg.Value(0.7, label="a"), tg.Value(-1.3, label="b"), tg.Value(2.1, label="c")
    terms = [a.exp(), c.log(), c.sqrt(), b.tanh(), b.sigmoid(), b.relu(), a.relu(), b.leaky_relu(0.2),
             a.silu(), b.gelu(), a.gelu("tanh"), b.erf(), abs(b), -a, a ** 3, c ** b, a / c, a - b, a * b,
             tg.dot([a, b], [c, 4.0])]
    return tg.sum(terms) * 0.5, [a, b, c]


def test_every_edge_label_equals_the_registry_local_derivative():
    y, _ = many_op_graph()
    y.backward()
    g = draw_graph(y, digits=6)
    from tinygrad_edu.viz.walk import walk

    order = walk(y)
    seen_ops = set()
    checked = 0
    for tail, head, attrs in edges(g.source):
        if "label" not in attrs:
            continue
        i, k = (int(n) for n in attrs["id"][1:].split("_"))
        node = order[i]
        assert head == f"v{i}_op" and tail == f"v{order.index(node.inputs[k])}"
        expected = node.op_spec.local_grads(node.data, tuple(x.data for x in node.inputs), node.param)[k]
        assert attrs["label"] == short_number(expected, 6)
        assert float(attrs["tooltip"].split("= ")[1]) == expected   # full precision, exactly
        seen_ops.add(node.op)
        checked += 1
    assert checked == sum(len(v.inputs) for v in order if not v.is_leaf)
    assert {"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "silu", "gelu", "gelu_tanh",
            "erf", "abs", "neg", "pow", "pow_value", "div", "sub", "mul", "dot", "sum"} <= seen_ops


@given(st.floats(-3, 3), st.floats(0.2, 3), st.floats(-3, 3))
def test_picture_satisfies_the_chain_rule(a0, c0, b0):
    """grad(input) = Σ over its edges of grad(op's result) × edge label, read off the DOT source."""
    a, c, b = tg.Value(a0), tg.Value(c0), tg.Value(b0)
    h = a * c + b
    y = (h.tanh() * h + (c.log() - a) ** 2).sigmoid()
    y.backward()
    from tinygrad_edu.viz.walk import walk

    order = walk(y)
    src = draw_graph(y, digits=17).source
    total = [0.0] * len(order)
    for tail, head, attrs in edges(src):
        if "tooltip" in attrs:
            out = order[int(head[1:-3])]
            total[int(tail[1:])] += out.grad * float(attrs["tooltip"].split("= ")[1])
    for i, v in enumerate(order[:-1]):
        if v.requires_grad:
            assert total[i] == pytest.approx(v.grad, rel=1e-12, abs=1e-12)


def test_same_graph_gives_the_same_source():
    assert draw_graph(neuron()[-1]).source == draw_graph(neuron()[-1]).source


def test_constants_are_drawn_and_styled_apart():
    x = tg.Value(3.0, label="x")
    y = x * 4.0
    src = draw_graph(y).source
    assert "const 4" in src and "class=const" in src
    const_edges = [a for t, h, a in edges(src) if t == "v1"]
    assert const_edges[0]["style"] == "dashed" and const_edges[0]["label"] == "3"  # ∂(x·4)/∂4 = x = 3
    assert "class=leaf" in src and "class=output" in src


def test_no_backward_note_until_backward_runs():
    *_, y = neuron()
    assert "no backward pass yet" in draw_graph(y).source
    y.backward()
    assert "no backward pass yet" not in draw_graph(y).source


def test_show_local_grads_off_leaves_edges_unlabelled():
    src = draw_graph(neuron()[-1], show_local_grads=False).source
    assert all("label" not in a for _, _, a in edges(src))


def test_color_by_grad_shades_by_magnitude():
    # a chain of sigmoids: each step multiplies the gradient by σ' ≤ 1/4, so it vanishes
    x = tg.Value(0.5, label="x")
    h = x
    for _ in range(6):
        h = h.sigmoid()
    h.backward()
    src = draw_graph(h, color_by_grad=True).source
    fills = re.findall(r'CELLPADDING="4" BGCOLOR="(#[0-9a-f]{6})"', src)   # the Value boxes
    assert fills[-1] == "#f87171"              # the output has the largest |grad| = 1
    lightness = [sum(int(f[i:i + 2], 16) for i in (1, 3, 5)) for f in fills]
    assert lightness == sorted(lightness, reverse=True)  # lighter towards the input
    assert fills[0] != fills[-1]
    assert grad_shade(0.0, 1.0) == "#ffffff"
    assert grad_shade(1e-7, 1.0) == "#ffffff"  # below 1e-6 of the largest
    assert grad_shade(float("nan"), 1.0) == "#ffffff"


# ---------------------------------------------------------------- SVG, PNG, PDF, DOT files
def test_svg_has_node_and_edge_titles():
    *_, y = neuron()
    y.backward()
    root = svg_root(draw_graph(y).pipe(format="svg"))
    node_titles = {title(g) for g in groups(root, "node")}
    assert node_titles == {"v0", "v1", "v2", "v3", "v4", "v5", "v2_op", "v4_op", "v5_op"}
    edge_titles = {title(g) for g in groups(root, "edge")}
    assert edge_titles == {"v0->v2_op:w", "v1->v2_op:w", "v2_op->v2", "v2->v4_op:w", "v3->v4_op:w",
                           "v4_op->v4", "v4->v5_op:w", "v5_op->v5"}   # inputs end at their op's cell
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "data 0.8808" in texts and "grad 0.105" in texts and "grad 0.21" in texts  # dy/dx = 0.105·w


def test_render_graph_formats_by_suffix(tmp_path):
    *_, y = neuron()
    y.backward()
    png = render_graph(y, tmp_path / "n.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert render_graph(y, tmp_path / "n.pdf").read_bytes()[:5] == b"%PDF-"
    svg = render_graph(y, tmp_path / "sub" / "dir" / "n.svg")   # parents are created
    assert svg_root(svg.read_bytes()).tag == f"{SVG}svg"
    dot = render_graph(y, tmp_path / "n.dot")
    assert dot.read_text(encoding="utf-8") == draw_graph(y).source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.dot", "n.pdf", "n.png", "sub"]


def test_render_graph_refuses_unknown_suffix_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        render_graph(neuron()[-1], tmp_path / "n.jpeg")
    assert list(tmp_path.iterdir()) == []


def test_bad_options_are_refused():
    y = neuron()[-1]
    with pytest.raises(ValueError, match="rankdir must be one of LR"):
        draw_graph(y, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw_graph(y, max_nodes=0)
    with pytest.raises(ValueError, match="digits"):
        draw_graph(y, digits=0)
    with pytest.raises(TypeError, match="expected a Value"):
        draw_graph(3.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------- escaping
HOSTILE = ['"]; evil [label="pwned', "</TD></TR></TABLE>>]; x [label=<", "<script>alert(1)</script>",
           "{a|b}|c", "\\N \\G \\\\ \\", "a & b &amp; &#0;", "line\nbreak\ttab\x00nul",
           "\ud800 lone surrogate"]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_render_literally(label):
    v = tg.Value(1.5, label=label)
    y = v * 2.0
    src = draw_graph(y).source
    assert NODE_RE.findall(src) == ["v0", "v1", "v2", "v2_op"]    # nothing injected into the DOT
    root = svg_root(draw_graph(y).pipe(format="svg"))
    assert len(groups(root, "node")) == 4
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    first = next(g for g in groups(root, "node") if g.get("id") == "v0")
    shown = "".join(next(first.iter(f"{SVG}text")).itertext())
    assert shown.replace("\xa0", " ") == visible_text(label)


@given(st.text(st.characters(exclude_categories=()), min_size=1, max_size=30)
       | st.text(string.punctuation + " \t", min_size=1, max_size=6))   # short strings of markup characters
def test_random_labels_never_break_dot(label):
    y = tg.Value(1.0, label=label) * 2.0
    root = svg_root(draw_graph(y).pipe(format="svg"))   # dot exits 0 and the SVG is well-formed XML
    first = next(g for g in groups(root, "node") if g.get("id") == "v0")
    shown = "".join(next(first.iter(f"{SVG}text")).itertext())
    assert shown.replace("\xa0", " ") == visible_text(label).replace("\xa0", " ")


# ---------------------------------------------------------------- the cap
def test_graph_over_the_cap_is_refused_with_a_way_forward():
    xs = [tg.Value(float(i)) for i in range(300)]
    y = xs[0]
    for x in xs[1:]:
        y = y + x                    # 300 leaves + 299 sums = 599 Values
    with pytest.raises(GraphTooLargeError) as info:
        draw_graph(y)
    msg = str(info.value)
    assert "599 Values" in msg and "max_nodes=599" in msg and "tinygrad_edu.sum" in msg
    assert len(NODE_RE.findall(draw_graph(y, max_nodes=599).source)) == 599 + 299
    assert len(NODE_RE.findall(draw_graph(tg.sum(xs)).source)) == 302   # collapsed: one Σ node


# ---------------------------------------------------------------- clusters of a Module
class FakeModule:
    """Anything with named_parameters() works: here two 'neurons' of one 'layer'."""

    def __init__(self) -> None:
        self.params = {f"layers.0.neurons.{n}.{p}": tg.Value(0.5 + n, label=f"n{n}{p}")
                       for n in range(2) for p in ("w.0", "w.1", "b")}

    def named_parameters(self):
        return list(self.params.items())

    def __call__(self, xs):
        outs = []
        for n in range(2):
            p = self.params
            z = p[f"layers.0.neurons.{n}.w.0"] * xs[0] + p[f"layers.0.neurons.{n}.w.1"] * xs[1]
            outs.append((z + p[f"layers.0.neurons.{n}.b"]).tanh())
        return outs


def cluster_of(source: str) -> dict[str, tuple[str, ...]]:
    """Node id -> the labels of the clusters around it, outermost first, read from DOT source."""
    stack: list[str] = []
    where: dict[str, tuple[str, ...]] = {}
    for line in source.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append("?")
        elif s == "}" and stack:
            stack.pop()
        elif s.startswith("label=") and stack and stack[-1] == "?":
            stack[-1] = re.search(r"label=<([^>]*)>", s).group(1)
        elif (m := re.match(r"(\w+) \[label=", s)):
            where[m.group(1)] = tuple(stack)
    return where


def test_module_parameters_are_clustered_by_name_prefix():
    m = FakeModule()
    outs = m([1.0, -2.0])
    loss = outs[0] + outs[1]
    from tinygrad_edu.viz.walk import walk

    order = walk(loss)
    vid = {id(v): f"v{i}" for i, v in enumerate(order)}
    where = cluster_of(draw_graph(loss, module=m).source)
    for name, p in m.named_parameters():
        neuron_prefix = ".".join(name.split(".")[:4])
        assert where[vid[id(p)]] == ("layers.0", neuron_prefix)
    for n, out in enumerate(outs):   # each neuron's products, sums and tanh are in its box
        members = [vid[id(v)] for v in walk(out) if not v.is_leaf]
        assert len(members) == 5
        for node in members:
            assert where[node] == ("layers.0", f"layers.0.neurons.{n}")
            assert where[node + "_op"] == ("layers.0", f"layers.0.neurons.{n}")
    assert where[vid[id(loss)]] == ()          # the sum of both neurons belongs to neither
    consts = [vid[id(v)] for v in order if not v.requires_grad]
    assert consts and all(where[c] == ("inputs",) for c in consts)   # the inputs' own boxes, together


def test_a_modules_inputs_are_copied_into_each_neuron_not_wired_across_boxes():
    """No edge from an input crosses a neuron's box: each neuron draws a dashed copy of the inputs it uses."""
    from tinygrad_edu import nn
    from tinygrad_edu.viz.walk import walk

    m = nn.MLP(2, [3, 1], seed=0)
    xs = [tg.Value(1.0, label="x1"), tg.Value(-2.0, label="x2")]
    out = m(xs)
    vid = {id(v): f"v{i}" for i, v in enumerate(walk(out))}
    source = draw_graph(out, module=m).source
    where = cluster_of(source)
    assert [where[vid[id(x)]] for x in xs] == [("inputs",), ("inputs",)]
    from_inputs = [ln for x in xs for ln in source.splitlines() if re.match(rf"\s*{vid[id(x)]} -> ", ln)]
    assert from_inputs and all("style=invis" in ln for ln in from_inputs)   # they only hold the layout
    copies = [node for node, owner in where.items() if node.startswith("r")]
    assert sorted(where[c] for c in copies) == sorted(
        ("layers.0", f"layers.0.neurons.{n}") for n in range(3) for _ in xs)
    for c in copies:   # each copy is named after its input and feeds that neuron's w·x
        line = next(ln for ln in source.splitlines() if ln.strip().startswith(f"{c} [label="))
        assert re.search(r"<I>x[12]</I>", line)
        assert any(ln.strip().startswith(f"{c} -> ") for ln in source.splitlines())


def test_real_mlp_parameters_sit_in_their_layer_and_neuron():
    from tinygrad_edu import nn

    m = nn.MLP(2, [3, 1], seed=0)
    out = m([1.0, -2.0])
    from tinygrad_edu.viz.walk import walk

    vid = {id(v): f"v{i}" for i, v in enumerate(walk(out))}
    where = cluster_of(draw_graph(out, module=m).source)
    names = m.named_parameters()
    assert len(names) == 3 * 3 + 4
    for name, p in names:
        parts = name.split(".")
        assert where[vid[id(p)]] == (".".join(parts[:2]), ".".join(parts[:4]))


def test_module_must_have_named_parameters():
    with pytest.raises(TypeError, match="named_parameters"):
        draw_graph(neuron()[-1], module=object())


# ---------------------------------------------------------------- Graphviz missing
MISSING_DOT = textwrap.dedent("""
    import sys
    import tinygrad_edu as tg
    from tinygrad_edu.viz import render_graph, GraphvizNotFoundError
    y = (tg.Value(2.0, label="w") * tg.Value(1.0, label="x")).sigmoid()
    try:
        render_graph(y, sys.argv[1])
    except GraphvizNotFoundError as e:
        print(e)
        sys.exit(3)
""")


def test_missing_dot_says_how_to_install_and_still_writes_the_source(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    target = tmp_path / "out" / "graph.svg"
    env = {**os.environ, "PATH": str(empty)}
    r = subprocess.run([sys.executable, "-c", MISSING_DOT, str(target)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 3, r.stderr
    assert "apt-get install graphviz" in r.stdout and "dot" in r.stdout
    assert str(target.with_suffix(".dot")) in r.stdout
    assert not target.exists()
    source = target.with_suffix(".dot").read_text(encoding="utf-8")
    assert source.startswith('digraph "graph" {') and "v2_op -> v2" in source


def test_missing_dot_in_process_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        render_graph(neuron()[-1], tmp_path / "g.png")
    assert (tmp_path / "g.dot").exists() and not (tmp_path / "g.png").exists()


# ---------------------------------------------------------------- Jupyter
def test_value_displays_its_graph_as_svg_fitted_html_and_png():
    import base64
    import html as html_module

    *_, y = neuron()
    bundle = y._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml", "image/png", "text/plain"}
    assert bundle["text/plain"] == repr(y)
    svg = bundle["image/svg+xml"]
    assert svg_root(svg.encode()).tag == f"{SVG}svg"
    # JupyterLab draws an SVG at its full size (a 1863 px graph in a 968 px output): the HTML form is
    # the same SVG in an <img> that shrinks to the output's width, never grows
    page = bundle["text/html"]
    img = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)" '
                       r'style="max-width: 100%; height: auto;">', page)
    assert img and base64.b64decode(img[1]).decode("utf-8") == svg
    assert html_module.unescape(img[2]) == repr(y)
    # an untrusted notebook shows no SVG: the PNG of the same layout
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width_px = int.from_bytes(png[16:20], "big")
    width_pt = float(svg_root(svg.encode()).get("width").removesuffix("pt"))
    assert width_px == pytest.approx(width_pt * 96 / 72, rel=0.05)


def test_a_drawn_digraph_displays_scaled_to_the_output_width_and_stays_a_digraph(tmp_path):
    import base64

    import graphviz

    from tinygrad_edu.viz import draw_dot
    from tinygrad_edu.viz.graph import graph_source

    *_, y = neuron()
    y.backward()
    for g, fmt in ((draw_graph(y), "pdf"), (draw_dot(y), "svg"), (draw_dot(y, format="png"), "png")):
        assert isinstance(g, graphviz.Digraph) and g.format == fmt
        assert g.source == graph_source(y)
        bundle = g._repr_mimebundle_()
        assert set(bundle) == {"text/html", "image/svg+xml", "image/png", "text/plain"}
        svg = bundle["image/svg+xml"]
        assert svg == g.pipe(format="svg", encoding="utf-8")   # graphviz's own picture, unchanged
        img = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*" '
                           r'style="max-width: 100%; height: auto;">', bundle["text/html"])
        assert img and base64.b64decode(img[1]).decode("utf-8") == svg
        assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
        # include / exclude pick among the forms, as graphviz's own display does
        assert set(g._repr_mimebundle_(include=["image/png", "image/jpeg"])) == {"image/png"}
        assert "text/html" not in g._repr_mimebundle_(exclude=["text/html"])
    # render() and copy() are graphviz's: the file is written, the copy displays the same way
    out = draw_dot(y).render(tmp_path / "g", format="svg")
    assert svg_root(Path(out).read_bytes()).tag == f"{SVG}svg"
    assert "text/html" in draw_dot(y).copy()._repr_mimebundle_()


def test_a_drawn_digraph_without_dot_shows_a_note(tmp_path, monkeypatch):
    *_, y = neuron()
    g = draw_graph(y)
    monkeypatch.setenv("PATH", str(tmp_path))
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/markdown"}
    assert "apt-get install graphviz" in bundle["text/markdown"]


def test_a_label_cannot_break_out_of_the_html_display():
    x = tg.Value(1.0, label='"><script>alert(1)</script>')
    page = (x * 2)._repr_mimebundle_()["text/html"]
    assert "<script>" not in page and page.count("<img ") == 1


def test_jupyter_falls_back_to_text_with_a_note_without_dot_or_over_the_cap(tmp_path, monkeypatch):
    *_, y = neuron()
    over = mimebundle(y, max_nodes=3)
    assert set(over) == {"text/plain", "text/markdown"} and over["text/plain"] == repr(y)
    assert "6 Values, more than the 3 drawn inline" in over["text/markdown"]
    assert "max_nodes=6" in over["text/markdown"]
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = y._repr_mimebundle_()
    assert missing["text/plain"] == repr(y)
    assert "`dot` program is not installed" in missing["text/markdown"]
    assert "apt-get install graphviz" in missing["text/markdown"]
