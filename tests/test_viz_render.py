"""Rendering that never stalls: layouts that scale, a hard bound on every ``dot`` process, the notebook
display's notes, names kept in pictures, and the one DOT source shared by every way of drawing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.viz import draw_graph, render_graph
from tinygrad_edu.viz.dot import DOT_TIMEOUT_ENV, DotTimeoutError, dot_timeout, run_dot
from tinygrad_edu.viz.expr import parse_expression
from tinygrad_edu.viz.graph import MAX_EDGE_SPAN, _ranks, graph_source
from tinygrad_edu.viz.jupyter import mimebundle
from tinygrad_edu.viz.walk import walk

SVG = "{http://www.w3.org/2000/svg}"
EDGE_RE = re.compile(r"^\t(\w+) -> (\w+)(?::(\w+):\w)? \[(.*)\]$", re.M)


def diamond(depth: int) -> tg.Value:
    text = "x"
    for _ in range(depth):
        text = f"({text} + x)*0.5"
    root, _ = parse_expression(text, {"x": 0.5})
    root.backward()
    return root


# ---------------------------------------------------------------- layouts that scale
def test_no_edge_has_a_label_and_no_edge_spans_more_than_the_limit():
    """Edge labels and long edges are what made dot's layout explode: neither is left in the source."""
    root = diamond(60)
    src = graph_source(root)
    order = walk(root)
    rank = _ranks(order)
    index = {f"v{i}": v for i, v in enumerate(order)}
    refs = 0
    for tail, head, _port, attrs in EDGE_RE.findall(src):
        assert not re.search(r"(^| )(label|xlabel|headlabel|taillabel)=", attrs)
        if tail.startswith("r"):
            refs += 1
            continue
        if head.endswith("_op"):
            span = rank[id(index[head[:-3]])] - 1 - rank[id(index[tail])]
            assert span <= MAX_EDGE_SPAN
    assert refs > 50                                    # x is repeated next to its far uses
    assert src.count("class=ref") == refs


def test_reused_input_diamond_of_depth_40_renders_with_its_local_derivatives(tmp_path):
    """The graph of the issue (121 Values) took dot 60-350 s; with a 20 s bound it must finish."""
    root = diamond(40)
    start = time.monotonic()
    path = render_graph(root, tmp_path / "d.svg", timeout=20)
    assert time.monotonic() - start < 20
    svg = ET.fromstring(path.read_bytes())
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert texts.count("0.5") >= 40      # ∂(0.5·u)/∂u = 0.5 in every mul node
    assert "grad 1" in texts


def test_local_derivatives_sit_in_the_op_cell_the_edge_ends_at():
    w, x = tg.Value(2.0, label="w"), tg.Value(-3.0, label="x")
    y = w * x
    src = graph_source(y)
    assert "v0 -> v2_op:i0:w" in src and "v1 -> v2_op:i1:w" in src
    op = re.search(r"v2_op \[label=<(.*)> ", src).group(1)
    cells = re.findall(r'<TD PORT="(i\d)"[^>]*><FONT[^>]*>([^<]*)</FONT>', op)
    assert cells == [("i0", "-3"), ("i1", "2")]           # ∂(wx)/∂w = x, ∂(wx)/∂x = w
    assert "v0 -> v2_op:i0:n" in graph_source(y, rankdir="TB")


def test_op_nodes_carry_their_name_and_a_legible_symbol():
    x = tg.Value(1.0, label="x")
    src = graph_source(tg.dot([x, x], [x, 2.0]).sigmoid())
    assert 'tooltip="sigmoid: ' in src and 'tooltip="dot: ' in src
    assert "<B>σ</B>" in src and "<B>w·x</B>" in src    # not the speck "·"
    assert 'POINT-SIZE="15"' in src


def test_a_labelled_constant_keeps_its_name():
    x = tg.Value(1.0, label="x", requires_grad=False)
    w = tg.Value(2.0, label="w")
    src = graph_source(w * x)
    assert "<B>x</B></TD><TD>const 1</TD>" in src
    assert "<TD>const 1</TD></TR>" in graph_source(w * 1.0)   # an unlabelled one is its number


def test_digraph_source_is_the_same_text_as_graph_source():
    root = diamond(6)
    m = nn.MLP(2, [3, 1], seed=0)
    out = m([tg.Value(1.0, label="x1"), tg.Value(-2.0, label="x2")])
    for r, opts in ((root, {}), (out, {"module": m, "color_by_grad": True, "rankdir": "TB"})):
        assert draw_graph(r, **opts).source == graph_source(r, **opts)


def _boxes(svg: ET.Element, cls: str) -> list[tuple[str, float, float]]:
    """(id or title, left x, right x) of every group of class ``cls``."""
    out = []
    for g in svg.iter(f"{SVG}g"):
        if cls not in (g.get("class") or "").split():
            continue
        xs = [float(p.split(",")[0]) for poly in g.iter(f"{SVG}polygon")
              for p in (poly.get("points") or "").split()]
        xs += [float(x) for path in g.iter(f"{SVG}path")        # rounded boxes are paths
               for x in re.findall(r"(-?[\d.]+),-?[\d.]+", path.get("d") or "")]
        if xs:
            out.append((g.get("id") or "", min(xs), max(xs)))
    return out


def test_mlp_inputs_sit_before_the_first_layer():
    m = nn.MLP(2, [3, 1], seed=0)
    x1, x2 = tg.Value(1.0, label="x1"), tg.Value(-2.0, label="x2")
    out = m([x1, x2])
    out.backward()
    order = walk(out)
    svg = ET.fromstring(run_dot(graph_source(out, module=m), "svg"))
    ids = {f"v{order.index(x1)}", f"v{order.index(x2)}"}
    inputs = [b for b in _boxes(svg, "node") if b[0] in ids]
    boxes = _boxes(svg, "cluster")
    # the inputs' own box ("inputs") holds them; every layer's box lies right of it
    holder = [c for c in boxes if all(c[1] <= left and right <= c[2] for _, left, right in inputs)]
    clusters = [c for c in boxes if c not in holder]
    assert len(inputs) == 2 and len(holder) == 1 and clusters
    assert max(right for _, _, right in inputs) < min(left for _, left, _ in clusters)



def _node_tops(svg: ET.Element) -> dict[str, float]:
    """Bold name in each node box -> the box's top y (SVG y grows downwards)."""
    out = {}
    for g in svg.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        texts = [t.text for t in g.iter(f"{SVG}text") if t.text]
        ys = [float(p.split(",")[1]) for poly in g.iter(f"{SVG}polygon")
              for p in (poly.get("points") or "").split()]
        if texts and ys:
            out[texts[0]] = min(ys)
    return out


@pytest.mark.parametrize("sizes", [[3, 1], [4, 2], [3, 3, 1]])
def test_mlp_neurons_are_stacked_in_index_order(sizes):
    # Graphviz stacks sibling clusters in the order they are written; written in the order the
    # walk met them, neuron 1 sat above neuron 0 and the edges into the next layer crossed
    m = nn.MLP(2, sizes, seed=0)
    out = m([tg.Value(1.0, label="x1"), tg.Value(-2.0, label="x2")])
    root = tg.sum(out) if isinstance(out, list) else out
    tops = _node_tops(ET.fromstring(run_dot(graph_source(root, module=m), "svg")))
    for layer, width in enumerate(sizes):
        ys = [tops[f"layers.{layer}.neurons.{k}.w.0"] for k in range(width)]
        assert ys == sorted(ys), (sizes, layer, ys)


# ---------------------------------------------------------------- a hard bound on every dot
SLOW_DOT = """#!/bin/sh
# a stand-in for Graphviz's dot that never finishes and starts a child of its own
sleep 300 &
echo $! >> "$PIDFILE"
echo $$ >> "$PIDFILE"
wait
"""


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text(SLOW_DOT)
    fake.chmod(0o755)
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("PIDFILE", str(pidfile))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pidfile


def _dead(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        text = status.read_text()
    except FileNotFoundError:
        return True
    state = re.search(r"^State:\s+(\S)", text, re.M)
    return state is not None and state.group(1) in "ZX"    # a zombie no one reaped yet is dead too


def _gone(pid: int, within: float = 5.0) -> bool:
    """Whether ``pid`` is dead or dies within a few seconds (under load a SIGKILL lands soon, not at once)."""
    deadline = time.monotonic() + within
    while not _dead(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _wait_for_pids(pidfile: Path) -> list[int]:
    for _ in range(100):
        if pidfile.exists() and len(pidfile.read_text().split()) == 2:
            break
        time.sleep(0.05)
    return [int(p) for p in pidfile.read_text().split()]


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script stand-in for dot needs POSIX")
def test_dot_past_its_time_bound_is_killed_with_its_children(slow_dot, tmp_path):
    start = time.monotonic()
    with pytest.raises(DotTimeoutError) as info:
        render_graph(tg.Value(2.0, label="x") * 3, tmp_path / "g.svg", timeout=0.5)
    assert time.monotonic() - start < 10
    msg = str(info.value)
    assert "\n" not in msg and "within 0.5 s" in msg
    assert "--no-local-grads" in msg and DOT_TIMEOUT_ENV in msg and "smaller" in msg
    pids = _wait_for_pids(slow_dot)
    assert len(pids) == 2 and all(_gone(p) for p in pids)   # dot and the child it started
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script stand-in for dot needs POSIX")
def test_notebook_display_gives_up_quickly_with_a_note(slow_dot):
    y = tg.Value(2.0, label="x") * 3
    start = time.monotonic()
    bundle = mimebundle(y, timeout=0.5)
    assert time.monotonic() - start < 10
    assert bundle["text/plain"] == repr(y) and "image/svg+xml" not in bundle
    assert "took over 0.5 s" in bundle["text/markdown"]
    assert all(_gone(p) for p in _wait_for_pids(slow_dot))


def test_the_time_bound_comes_from_the_keyword_then_the_environment(monkeypatch):
    monkeypatch.delenv(DOT_TIMEOUT_ENV, raising=False)
    assert dot_timeout() == 30.0
    monkeypatch.setenv(DOT_TIMEOUT_ENV, "7.5")
    assert dot_timeout() == 7.5 and dot_timeout(2) == 2.0
    monkeypatch.setenv(DOT_TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match="TINYGRAD_EDU_DOT_TIMEOUT='soon' is not a number"):
        dot_timeout()
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="positive number of seconds"):
            dot_timeout(bad)


def test_a_normal_render_leaves_no_dot_process(tmp_path):
    render_graph(diamond(3), tmp_path / "d.png")
    mine = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(os.getpid())], capture_output=True,
                          text=True).stdout
    assert "dot" not in mine.split()


# ---------------------------------------------------------------- without the graphviz package
NO_GRAPHVIZ = textwrap.dedent("""
    import sys
    sys.modules["graphviz"] = None          # as if the package were not installed
    import tinygrad_edu as tg
    from tinygrad_edu import viz
    y = tg.Value(2.0, label="x") * 3
    print(viz.graph_source(y).splitlines()[0])
    viz.render_graph(y, sys.argv[1])
    print(open(sys.argv[1], encoding="utf-8").read()[:5])
    print(sorted(y._repr_mimebundle_()))
    try:
        viz.draw_graph(y)
    except ImportError as e:
        print("ImportError:", e)
""")


def test_without_the_graphviz_package_dot_source_and_svg_still_work(tmp_path):
    r = subprocess.run([sys.executable, "-c", NO_GRAPHVIZ, str(tmp_path / "g.svg")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == 'digraph "graph" {'
    assert lines[1].startswith("<?xml") or lines[1].startswith("<svg") or lines[1].startswith("<!--")
    assert lines[2] == "['image/png', 'image/svg+xml', 'text/html', 'text/plain']"
    (err,) = [ln for ln in lines if ln.startswith("ImportError:")]
    assert 'pip install "tinygrad_edu[viz]"' in err
