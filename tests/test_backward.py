"""backward() and grad(): hand-derived derivatives, graph shapes, repeated passes, errors."""

from __future__ import annotations

import math
import random
import sys

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value
from tinygrad_edu.engine.autograd import topological_order


# ---------------------------------------------------------------- hand-derived examples
def test_sigmoid_and_tanh_at_zero():
    x = Value(0.0)
    y = x.sigmoid()
    y.backward()
    assert y.data == 0.5 and x.grad == 0.25  # σ'(0) = σ(0)(1 − σ(0)) = 1/4
    x = Value(0.0)
    x.tanh().backward()
    assert x.grad == 1.0  # tanh'(0) = 1 − 0² = 1


def test_x_to_the_x():
    # d/dx x^x = x^x (ln x + 1); at x = 2: 4 (ln 2 + 1)
    x = Value(2.0)
    y = x**x
    y.backward()
    assert y.data == 4.0
    assert x.grad == pytest.approx(4 * (math.log(2) + 1), rel=1e-15)


def test_neuron_by_hand():
    # y = σ(w·x + b), w = 2, x = 1, b = 0: y = σ(2), dy/dw = σ(2)(1 − σ(2))·x
    w, x, b = Value(2.0), Value(1.0), Value(0.0)
    z = w * x + b
    y = z.sigmoid()
    y.backward()
    s = 1 / (1 + math.exp(-2))
    assert y.data == pytest.approx(s, rel=1e-15)
    assert w.grad == pytest.approx(s * (1 - s), rel=1e-15)
    assert x.grad == pytest.approx(s * (1 - s) * 2, rel=1e-15)
    assert b.grad == pytest.approx(s * (1 - s), rel=1e-15)
    assert z.grad == b.grad and y.grad == 1.0  # intermediates get their grads too


def test_relu_kink_convention_and_dead_relu():
    for x0, expected in [(2.0, 1.0), (0.0, 0.0), (-3.0, 0.0)]:
        x = Value(x0)
        x.relu().backward()
        assert x.grad == expected
    x = Value(0.0)
    x.leaky_relu(0.1).backward()
    assert x.grad == 0.1
    x = Value(0.0)
    abs(x).backward()
    assert x.grad == 0.0


def test_division_and_powers_by_hand():
    a, b = Value(3.0), Value(4.0)
    (a / b).backward()
    assert a.grad == 0.25 and b.grad == -3 / 16
    x = Value(4.0)
    x.sqrt().backward()
    assert x.grad == 0.25
    x = Value(2.0)
    (x**-1).backward()
    assert x.grad == -0.25
    x = Value(3.0)
    (2**x).backward()
    assert x.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_derivatives_at_edges_follow_ieee_like_pytorch():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf  # sqrt'(0) is infinite
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)  # d/db 0^b = 0 for b >= 0 (the limit)
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0


# ---------------------------------------------------------------- graph shapes
def test_reuse_accumulates():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0
    x = Value(3.0)
    y = x + x + x
    y.backward()
    assert x.grad == 3.0


def test_diamond():
    x = Value(2.0)
    a = x * 2
    b = x + 1
    y = a * b  # dy/dx = 2b + a = 6 + 4
    y.backward()
    assert x.grad == 10.0 and a.grad == 3.0 and b.grad == 4.0


def test_repeated_backward_adds_exactly_one_more_pass():
    x = Value(3.0)
    h = x * x
    y = h + h  # diamond: h is reused
    y.backward()
    assert (x.grad, h.grad, y.grad) == (12.0, 2.0, 1.0)
    y.backward()
    assert (x.grad, h.grad, y.grad) == (24.0, 4.0, 2.0)
    y.backward(0.5)
    assert (x.grad, h.grad, y.grad) == (30.0, 5.0, 2.5)


def test_backward_after_grads_were_edited_by_hand():
    # a pass sums in .grad, setting earlier values aside: whatever was there is kept
    x = Value(2.0)
    c = Value(3.0, requires_grad=False)
    h = x * x
    y = h * c
    x.grad, h.grad, y.grad, c.grad = 0.5, -7.0, float("inf"), 42.0
    y.backward()
    assert (x.grad, h.grad, y.grad) == (0.5 + 12.0, -7.0 + 3.0, float("inf"))
    assert c.grad == 42.0  # a constant gets no gradient: what is there stays
    c.grad = 0.0
    y.backward()
    assert c.grad == 0.0


def test_a_failing_backward_pass_changes_no_grad():
    class Boom(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return 2.0 * x

        @staticmethod
        def backward(ctx, g):
            raise RuntimeError("boom")

    x = Value(1.0)
    w = Value(3.0)
    h = Boom.apply(x)
    y = h * w + w * w  # the pass reaches w (twice) before it reaches Boom
    x.grad, w.grad = 0.25, 1.5
    with pytest.raises(RuntimeError, match="boom"):
        y.backward()
    assert (x.grad, w.grad, h.grad, y.grad) == (0.25, 1.5, 0.0, 0.0)
    with pytest.raises(RuntimeError, match="boom"):
        tg.grad(y, w)
    assert (x.grad, w.grad, h.grad, y.grad) == (0.25, 1.5, 0.0, 0.0)


class _InterruptError(Exception):
    pass


@pytest.mark.parametrize("where", ["_walk", "_propagate_floats"])
def test_an_interrupted_backward_changes_no_grad(where):
    # an exception like Ctrl-C can arrive anywhere: in the graph walk or in the
    # pass itself; a tracer raises it at the 500th line run inside ``where``
    x = Value(1.0)
    nodes = [x]
    for _ in range(1000):
        nodes.append(nodes[-1] * 1.0 + x)
    y = nodes[-1]
    y.backward()
    before = [v.grad for v in nodes]
    assert all(g != 0.0 for g in before)  # so the next pass has to set them aside
    lines = [0]

    def tracer(frame, event, arg):
        if frame.f_code.co_name != where:
            return None
        if event == "line":
            lines[0] += 1
            if lines[0] == 500:
                raise _InterruptError
        return tracer

    sys.settrace(tracer)
    try:
        with pytest.raises(_InterruptError):
            y.backward()
    finally:
        sys.settrace(None)
    assert lines[0] == 500
    assert [v.grad for v in nodes] == before


def test_backward_on_shared_subgraph_from_two_outputs():
    x = Value(1.0)
    h = x.exp()
    y1 = h * 2
    y2 = h * 3
    y1.backward()
    y2.backward()
    assert x.grad == pytest.approx(5 * math.e)


def test_million_node_chain_no_recursion():
    x = Value(1.5)
    y = x
    for _ in range(10**6):
        y = -y
    y.backward()
    assert x.grad == 1.0 and y.data == 1.5


def test_wide_sum_of_200k_inputs():
    xs = [Value(float(i)) for i in range(200_000)]
    s = tg.sum(xs)
    t = s * s
    t.backward()
    assert s.data == 199_999 * 200_000 / 2
    assert all(x.grad == 2 * s.data for x in xs[:10]) and xs[-1].grad == 2 * s.data


def test_deep_chain_of_builtin_sum():
    xs = [Value(1.0) for _ in range(50_000)]
    s = sum(xs)  # Python's sum: a chain 50k deep
    s.backward()
    assert all(x.grad == 1.0 for x in xs)


def test_topological_order_puts_inputs_before_users():
    rng = random.Random(0)
    nodes = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    for _ in range(300):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, (a - b).tanh(), tg.sum([a, b, a])]))
    order = topological_order(nodes[-1])
    pos = {id(n): i for i, n in enumerate(order)}
    assert len(pos) == len(order)  # no node twice
    for n in order:
        for i in n.inputs:
            if i.requires_grad:
                assert pos[id(i)] < pos[id(n)]
    assert order[-1] is nodes[-1]


def test_constants_get_no_grad():
    x = Value(2.0)
    c = Value(5.0, requires_grad=False)
    y = x * c
    y.backward()
    assert x.grad == 5.0 and c.grad == 0.0


# ---------------------------------------------------------------- grad()
def test_grad_returns_values_and_does_not_touch_grad():
    w = Value(2.0, label="w")
    x = Value(1.0, label="x")
    y = (w * x - 1.0) ** 2  # the notes' mse example: x = 1, w = 2, target 1
    gw = tg.grad(y, w)
    assert isinstance(gw, Value) and gw.data == 2.0
    gw2, gx = tg.grad(y, [w, x])
    assert (gw2.data, gx.data) == (2.0, 4.0)
    assert w.grad == 0.0 and x.grad == 0.0 and y.grad == 0.0


def test_grad_output_scales():
    x = Value(3.0)
    assert tg.grad(x * x, x, grad_output=0.5).data == 3.0


def test_grad_of_a_constant_input_names_it():
    w = Value(2.0, label="w")
    c = Value(1.0, label="const", requires_grad=False)
    y = w * c
    with pytest.raises(ValueError, match=r"input 1 \('const'\).*does not require grad"):
        tg.grad(y, [w, c])


def test_grad_of_unused_input():
    w, b = Value(2.0, label="w"), Value(1.0, label="b")
    y = w * 3
    with pytest.raises(ValueError, match=r"input 1 \('b'\).*not used.*allow_unused=True"):
        tg.grad(y, [w, b])
    gw, gb = tg.grad(y, [w, b], allow_unused=True)
    assert (gw.data, gb.data) == (3.0, 0.0)


def test_grad_create_graph_second_and_third_derivative():
    x = Value(0.7)
    y = x.tanh()
    d1 = tg.grad(y, x, create_graph=True)
    d2 = tg.grad(d1, x, create_graph=True)
    d3 = tg.grad(d2, x)
    t = math.tanh(0.7)
    assert d1.data == pytest.approx(1 - t * t, rel=1e-14)
    assert d2.data == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)
    assert d3.data == pytest.approx(-2 * (1 - t * t) ** 2 + 4 * t * t * (1 - t * t), rel=1e-12)
    assert x.grad == 0.0


def test_second_derivative_of_linear_function():
    x = Value(2.0)
    d1 = tg.grad(3 * x + 1, x, create_graph=True)
    assert d1.data == 3.0
    assert d1.requires_grad  # a derivative taken with create_graph depends on its input...
    assert tg.grad(d1, x).data == 0.0  # ...so differentiating it again gives 0, not "not used"
    assert tg.grad(d1, x, allow_unused=True).data == 0.0


def test_requires_grad_switched_on_after_the_loss_says_compute_it_again():
    """The notes' error: w.requires_grad_() after mse was computed.  The hint must lead to dL/dw = 2."""
    import tinygrad_edu.functional as F

    x = Value(1.0, label="x", requires_grad=False)
    w = Value(2.0, label="w", requires_grad=False)
    mse = F.mse_loss(x * w, 1.0)
    w.requires_grad_()
    with pytest.raises(ValueError) as info:
        tg.grad(mse, [w])
    message = str(info.value)
    assert "no graph was recorded" in message and "'w'" in message
    assert "w.requires_grad_()" in message and "compute it again" in message
    assert "allow_unused" not in message  # 0 would be wrong: dL/dw = 2(xw - 1)x = 2
    mse = F.mse_loss(x * w, 1.0)  # what the message says to do
    (dw,) = tg.grad(mse, [w])
    assert dw.data == 2.0


def test_an_input_the_graph_does_not_use_is_where_allow_unused_is_offered():
    w, b = Value(2.0, label="w"), Value(1.0, label="b")
    y = w * 3.0
    with pytest.raises(ValueError, match=r"input 1 \('b'\).*not used.*allow_unused=True") as info:
        tg.grad(y, [w, b])
    assert "no graph was recorded" not in str(info.value)


def test_mixed_partials_through_create_graph():
    x, y = Value(1.5), Value(-0.5)
    f = x * x * y + (x * y).exp()
    fx, fy = tg.grad(f, [x, y], create_graph=True)
    fxy = tg.grad(fx, y).data
    fyx = tg.grad(fy, x).data
    expected = 2 * 1.5 + math.exp(-0.75) * (1 + 1.5 * -0.5)
    assert fxy == pytest.approx(expected, rel=1e-14) and fyx == pytest.approx(expected, rel=1e-14)


def test_grad_type_errors():
    with pytest.raises(TypeError, match="output"):
        tg.grad(1.0, Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input 0"):
        tg.grad(Value(1.0) * 2, [1.0])  # type: ignore[list-item]
