"""The micrograd lecture ("neural networks: zero to hero", lecture 1), typed with tinygrad_edu's Value.

The cells below are the lecture's first half as a learner types them: the
expression a, b, c, e, d, f, L; the neuron with b = 6.8813735870195432; its
gradients filled in by hand, then by stepping ``_backward()`` node by node, then
by the lecture's own topological sort, then by ``backward()``; tanh written with
exp; and the lecture's own ``trace()`` / ``draw_dot()`` drawing code.  The
expected numbers are derived by hand in the comments (tanh(n) = 1/√2 at this b).
"""

from __future__ import annotations

import math
import random
import shutil

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value, viz
from tinygrad_edu.ops import REGISTRY

graphviz = pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")

B = 6.8813735870195432  # the lecture's bias: n = 0.8813735870195432 = atanh(1/√2), so o = 1/√2
SQRT_HALF = math.sqrt(0.5)


# ---------------------------------------------------------------- the lecture's own drawing code
def trace(root):
    """The lecture's trace: every node reachable through _prev, and every (child, parent) edge."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def lecture_draw_dot(root):
    """The lecture's draw_dot: a record per Value, an op node per computed Value, named uid + op."""
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")  # noqa: UP031 (the lecture's spelling)
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def build_topo(root):
    """The lecture's build_topo (recursive, as typed there): children before parents."""
    topo, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo


def expression():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return a, b, c, e, d, f, L


def neuron():
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(B, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n


# hand-derived: do/dn = 1 - o² = 1/2; + passes it on; x1.grad = w1 · 1/2, w1.grad = x1 · 1/2, ...
NEURON_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5,
                "x1*w1": 0.5, "x2*w2": 0.5, "x1*w1 + x2*w2": 0.5}


def grads_by_label(*values):
    return {v.label: v.grad for v in values}


# ---------------------------------------------------------------- the expression a, b, c, e, d, f, L
def test_expression_forward_prev_and_op():
    a, b, c, e, d, f, L = expression()
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    assert L._prev == {d, f} and d._prev == {e, c} and e._prev == {a, b}
    assert a._prev == set() and isinstance(a._prev, set)
    assert (L._op, d._op, e._op, a._op) == ("*", "+", "*", "")


def test_expression_gradients_by_hand_then_by_backward():
    a, b, c, e, d, f, L = expression()
    # the lecture fills them in by hand: dL/dd = f, dL/df = d, then the chain rule through + and *
    L.grad = 1.0
    f.grad = d.data * L.grad
    d.grad = f.data * L.grad
    c.grad = e.grad = d.grad
    a.grad = b.data * e.grad
    b.grad = a.data * e.grad
    by_hand = grads_by_label(a, b, c, e, d, f, L)
    assert by_hand == {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}
    # one step of gradient ascent, as in the lecture, raises L
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    e2 = a * b
    d2 = e2 + c
    assert d2 * f > L.data

    a, b, c, e, d, f, L = expression()
    L.backward()
    assert grads_by_label(a, b, c, e, d, f, L) == by_hand


# ---------------------------------------------------------------- the neuron
def test_neuron_numbers_and_manual_grads():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n = neuron()
    o = n.tanh()
    o.label = "o"
    assert n.data == pytest.approx(0.8813735870195432, abs=1e-15)
    assert o.data == pytest.approx(SQRT_HALF, abs=1e-15)
    assert o._op == "tanh" and o._prev == {n}
    # by hand, as the lecture types it
    o.grad = 1.0
    n.grad = 1 - o.data ** 2
    x1w1x2w2.grad = b.grad = n.grad
    x1w1.grad = x2w2.grad = n.grad
    x2.grad = w2.data * x2w2.grad
    w2.grad = x2.data * x2w2.grad
    x1.grad = w1.data * x1w1.grad
    w1.grad = x1.data * x1w1.grad
    got = grads_by_label(x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n)
    assert got == pytest.approx(NEURON_GRADS, abs=1e-12)


def test_neuron_stepped_by_hand_with__backward():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n = neuron()
    o = n.tanh()
    o.label = "o"
    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(0.5, abs=1e-12)
    assert x1w1x2w2.grad == 0.0 and b.grad == 0.0  # only this node's own step, nothing further
    n._backward()
    assert x1w1x2w2.grad == pytest.approx(0.5, abs=1e-12) and b.grad == pytest.approx(0.5, abs=1e-12)
    assert x1w1.grad == 0.0
    b._backward()  # a leaf: nothing happens
    assert b.grad == pytest.approx(0.5, abs=1e-12)
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    got = grads_by_label(x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n)
    assert got == pytest.approx(NEURON_GRADS, abs=1e-12)


def test_neuron_by_the_lectures_topological_sort_and_by_backward():
    o = neuron_out = _neuron_output()
    topo = build_topo(o)
    assert topo[-1] is o and len(topo) == 10  # 5 leaves, 4 ops below tanh, and o
    for i, v in enumerate(topo):
        assert all(topo.index(child) < i for child in v._prev)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    stepped = {v.label: v.grad for v in topo}

    fresh = _neuron_output()
    fresh.backward()
    assert {v.label: v.grad for v in build_topo(fresh)} == stepped
    leaves = {v.label: v.grad for v in topo if not v._prev}
    assert leaves == pytest.approx({k: NEURON_GRADS[k] for k in ("x1", "x2", "w1", "w2", "b")}, abs=1e-12)
    assert neuron_out is o


def _neuron_output(tanh_via_exp: bool = False) -> Value:
    *_, n = neuron()
    if tanh_via_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = "o"
    return o


def test_tanh_written_with_exp_gives_the_same_numbers():
    x1, x2, w1, w2, b, *_, n = neuron()
    e = (2 * n).exp()
    e.label = "e"
    o = (e - 1) / (e + 1)
    o.label = "o"
    assert o.data == pytest.approx(SQRT_HALF, abs=1e-15)
    assert e._op == "exp" and o._op == "/"
    assert {v._op for v in o._prev} == {"-", "+"}
    o.backward()
    got = grads_by_label(x1, x2, w1, w2, b, n)
    assert got == pytest.approx({k: NEURON_GRADS[k] for k in got}, abs=1e-12)
    # stepping by hand through every node gives the same
    o2 = _neuron_output(tanh_via_exp=True)
    o2.grad = 1.0
    for node in reversed(build_topo(o2)):
        node._backward()
    got2 = {v.label: v.grad for v in build_topo(o2) if v.label in NEURON_GRADS}
    assert got2 == pytest.approx({k: NEURON_GRADS[k] for k in got2}, abs=1e-12)
    assert set(got2) == set(NEURON_GRADS)


def test_a_plus_a_the_lectures_bug_case():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    assert b._prev == {a}  # a set: the one input once
    b.backward()
    assert a.grad == 2.0
    a2 = Value(3.0)
    b2 = a2 + a2
    b2.grad = 1.0
    b2._backward()  # both operand positions are a2: their contributions add up
    assert a2.grad == 2.0


# ---------------------------------------------------------------- _op spellings
@pytest.mark.parametrize("make, text", [
    (lambda x, y: x + y, "+"), (lambda x, y: x * y, "*"), (lambda x, y: x ** 2, "**2"),
    (lambda x, y: x ** 0.5, "**0.5"), (lambda x, y: x ** -1, "**-1"), (lambda x, y: x ** 3.0, "**3"),
    (lambda x, y: x.relu(), "ReLU"), (lambda x, y: x.tanh(), "tanh"), (lambda x, y: x.exp(), "exp"),
    (lambda x, y: x - y, "-"), (lambda x, y: x / y, "/"), (lambda x, y: -x, "neg"),
    (lambda x, y: x ** y, "**"), (lambda x, y: x.sigmoid(), "sigmoid"), (lambda x, y: x.log(), "log"),
    (lambda x, y: tg.sum([x, y]), "sum"), (lambda x, y: x.leaky_relu(0.1), "leaky_relu"),
    (lambda x, y: 2 + x, "+"), (lambda x, y: 2 * x, "*"),
])
def test_op_strings(make, text):
    x, y = Value(1.5), Value(2.0)
    assert make(x, y)._op == text


def test_every_registered_op_has_a_nonempty_short_string():
    for name, op in REGISTRY.items():
        text = op.lecture_text(2.0 if op.param == "p" else None)
        assert text and "{" not in text, name


def test_custom_function_op_string_is_its_class_name():
    class Cube(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_values
            return (3 * x * x * g,)

    x = Value(2.0)
    y = Cube.apply(x)
    assert y._op == "Cube" and y._prev == {x}
    y.grad = 1.0
    y._backward()
    assert x.grad == 12.0


def test__backward_leaves_constants_and_other_nodes_alone():
    x = Value(3.0)
    c = Value(5.0, requires_grad=False)
    y = x * c
    z = y * 2.0
    z.grad = 1.0
    y._backward()  # y.grad is still 0: nothing to hand on
    assert x.grad == 0.0
    z._backward()
    assert y.grad == 2.0 and x.grad == 0.0
    y._backward()
    assert x.grad == 10.0 and c.grad == 0.0
    y._backward()  # each call adds its step once more, as micrograd's closure does
    assert x.grad == 20.0


def test__backward_random_graph_matches_backward():
    rng = random.Random(7)
    for _ in range(20):
        leaves = [Value(rng.uniform(-2, 2), label=f"x{i}") for i in range(4)]
        pool = list(leaves)
        for _ in range(12):
            a, b = rng.choice(pool), rng.choice(pool)
            kind = rng.randrange(4)
            pool.append(a + b if kind == 0 else a * b if kind == 1 else a.tanh() if kind == 2 else a - b)
        out = pool[-1]
        out.grad = 1.0
        for node in reversed(build_topo(out)):
            node._backward()
        stepped = [v.grad for v in leaves]
        for v in build_topo(out):
            v.grad = 0.0
        out.backward()
        assert stepped == pytest.approx([v.grad for v in leaves], rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------- the lecture's drawing code, and ours
@needs_dot
def test_lectures_own_draw_dot_runs_on_tinygrad_edu_values():
    o = _neuron_output(tanh_via_exp=True)
    o.backward()
    nodes, _edges = trace(o)
    assert len(nodes) == len(build_topo(o))
    dot = lecture_draw_dot(o)
    svg = dot.pipe(format="svg").decode()
    assert "data 0.7071" in svg and "grad 1.0000" in svg
    assert "data 2.0000" in svg and "grad &#45;1.5000" in svg  # x1
    for op_text in (">exp<", ">/<", ">&#45;<", ">+<", ">*<"):
        assert op_text in svg
    assert dot.source.count("shape=record") == len(nodes)


def test_draw_dot_keywords_and_format():
    *_, L = expression()
    L.backward()
    g = viz.draw_dot(L)
    assert isinstance(g, graphviz.Digraph) and g.format == "svg"
    assert "rankdir=LR" in g.source
    tb = viz.draw_dot(L, format="png", rankdir="TB")
    assert tb.format == "png" and "rankdir=TB" in tb.source
    assert g.source == viz.draw_graph(L).source
    with pytest.raises(ValueError, match="format"):
        viz.draw_dot(L, format="jpeg2")
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_dot(L, rankdir="up")


@needs_dot
def test_draw_dot_format_is_honoured_when_rendered(tmp_path):
    *_, L = expression()
    L.backward()
    png = viz.draw_dot(L, format="png").render(tmp_path / "L", cleanup=True)
    assert png.endswith(".png")
    with open(png, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    svg = viz.draw_dot(L).pipe().decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
