"""Every registry op, checked against central differences (first and second derivatives).

The ops come from the registry, so a new op is tested as soon as it is
registered; the meta-tests fail if an op has no public entry point or no test
domain.  Inputs are float64, bounded, and kept a margin away from the kinks and
poles each op declares.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as hst

import tinygrad_edu as tg
from tinygrad_edu import Value
from tinygrad_edu.engine.value import apply_op
from tinygrad_edu.ops import REGISTRY, Op
from tinygrad_edu.testing import grad_tolerance
from tinygrad_edu.testing import strategies as st

H = 1e-6
OPS = sorted(REGISTRY.values(), key=lambda op: op.name)
IDS = [op.name for op in OPS]


def _first_derivatives(op: Op, xs: list[float], p: object) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    y = apply_op(op, leaves, p)
    return y.data, [g.data for g in tg.grad(y, leaves, allow_unused=True)]


def _central(f, xs: list[float], i: int) -> float:
    up, dn = list(xs), list(xs)
    up[i] += H
    dn[i] -= H
    return (f(up) - f(dn)) / (up[i] - dn[i])


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_first_derivative_matches_central_differences(op: Op):
    @given(st.op_inputs(op))
    def check(case):
        xs, p = case
        fval, auto = _first_derivatives(op, xs, p)
        if op.extra.get("stop_gradient"):  # a shift that cancels (max_shift): its derivative is stated as 0
            assert auto == [0.0] * len(xs) and fval == op.call_forward(tuple(xs), p), (op.name, xs, auto)
            return
        for i in range(len(xs)):
            fd = _central(lambda v: op.call_forward(tuple(v), p), xs, i)
            tol = grad_tolerance(auto[i], fd, fval)
            assert abs(auto[i] - fd) <= tol, (op.name, xs, p, i, auto[i], fd)

    check()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_second_derivative_via_create_graph(op: Op):
    @given(st.op_inputs(op))
    def check(case):
        xs, p = case
        leaves = [Value(x) for x in xs]
        y = apply_op(op, leaves, p)
        first = tg.grad(y, leaves, create_graph=True, allow_unused=True)
        for i, gi in enumerate(first):
            second = [h.data for h in tg.grad(gi, leaves, allow_unused=True)] if gi.requires_grad \
                else [0.0] * len(xs)
            for j in range(len(xs)):
                fd = _central(lambda v, i=i: _first_derivatives(op, v, p)[1][i], xs, j)
                tol = grad_tolerance(second[j], fd, gi.data)
                assert abs(second[j] - fd) <= tol, (op.name, xs, p, i, j, second[j], fd)

    check()


def _a_point(op: Op) -> tuple[list[float], object]:
    """A fixed point inside the op's declared domain (away from 0, where kinks and poles sit)."""
    n = op.domain.nary if op.arity == -1 else op.arity
    intervals = op.domain.intervals * n if op.arity == -1 else op.domain.intervals
    xs = [lo + (0.37 + 0.11 * k) * (hi - lo) for k, (lo, hi) in enumerate(intervals)]
    return xs, op.domain.params[0]


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_local_grads_equal_the_vjp_with_unit_upstream(op: Op):
    xs, p = _a_point(op)
    out = op.call_forward(tuple(xs), p)
    leaves = [Value(x) for x in xs]
    y = apply_op(op, leaves, p)
    assert y.op_spec is op and y.data == out
    assert list(op.local_grads(out, tuple(xs), p)) == [g.data for g in tg.grad(y, leaves, allow_unused=True)]


# ---------------------------------------------------------------- meta-tests
def _public_apply(op: Op, xs: list[Value], p: object) -> Value:
    """Apply ``op`` through its public entry point (Value method, operator or function)."""
    if op.method in ("sum", "dot"):
        n = len(xs) // 2
        return tg.sum(xs) if op.method == "sum" else tg.dot(xs[:n], xs[n:])
    if op.arity == -1:  # an n-ary function of the library (max_shift)
        import tinygrad_edu.functional as F

        return getattr(F, op.method)(xs)
    if op.name == "pow":
        return xs[0] ** p
    if op.name == "gelu_tanh":
        return xs[0].gelu(approximate="tanh")
    if op.name == "clamp":
        return xs[0].clamp(*p)
    if op.name == "tie":  # recorded by grad(create_graph=True) where a derivative is locally constant
        return tg.grad(xs[0].relu(), xs[0], create_graph=True)
    if op.arity == 2:
        return getattr(xs[0], op.method)(xs[1])
    method = getattr(xs[0], op.method, None)
    if method is None:  # ops applied by a function of the library, e.g. a fused loss
        import tinygrad_edu.functional as F

        return getattr(F, op.method)(xs[0], p) if op.param else getattr(F, op.method)(xs[0])
    return method(p) if op.param else method()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_every_op_has_a_public_entry_point_that_records_it(op: Op):
    xs, p = _a_point(op)
    y = _public_apply(op, [Value(x) for x in xs], p)
    assert y.op_spec is op, f"the public entry point {op.method!r} of {op.name} does not record it"


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_every_op_declares_docs_and_a_test_domain(op: Op):
    assert op.formula and op.derivative and op.symbol
    assert op.domain.intervals, f"{op.name} declares no interval to test on"
    arity = op.arity if op.arity >= 0 else 1
    assert len(op.domain.intervals) == arity
    if op.arity == -1:
        assert op.domain.nary >= 2


# ---------------------------------------------------------------- stability at the extremes
@pytest.mark.parametrize("x", [-1e300, -1000.0, -50.0, 50.0, 1000.0, 1e300])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "silu", "gelu", "gelu_tanh", "relu", "erf"])
def test_stable_functions_stay_finite_with_finite_gradients(name: str, x: float):
    v = Value(x)
    y = apply_op(REGISTRY[name], [v])
    y.backward()
    assert math.isfinite(y.data) and math.isfinite(v.grad), (name, x, y.data, v.grad)


def test_saturation_values():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1e300).tanh().data == 1.0
    assert Value(-1e300).gelu().data == 0.0 and Value(1e300).gelu().data == 1e300
    assert Value(1e300).gelu("tanh").data == 1e300
    x = Value(-1000.0)
    x.sigmoid().backward()
    assert x.grad == 0.0


# ---------------------------------------------------------------- random expression trees
_BINARY = ["add", "sub", "mul", "div_safe"]
_UNARY = ["tanh", "sigmoid", "silu", "neg", "square", "gelu", "exp_neg_square"]


def _trees():
    leaf = hst.one_of(hst.integers(0, 2).map(lambda i: ("var", i)),
                      hst.floats(-2, 2, allow_nan=False).map(lambda c: ("const", c)))
    return hst.recursive(
        leaf,
        lambda kids: hst.one_of(
            hst.tuples(hst.sampled_from(_UNARY), kids),
            hst.tuples(hst.sampled_from(_BINARY), kids, kids),
        ),
        max_leaves=12,
    )


def _eval(tree, xs):
    kind = tree[0]
    if kind == "var":
        return xs[tree[1]]
    if kind == "const":
        return tree[1]
    a = _eval(tree[1], xs)
    if kind in _UNARY:
        if not isinstance(a, Value):
            a = Value(a, requires_grad=False)
        return {"tanh": a.tanh, "sigmoid": a.sigmoid, "silu": a.silu, "neg": a.__neg__, "gelu": a.gelu,
                "square": lambda: a * a, "exp_neg_square": lambda: (-(a * a)).exp()}[kind]()
    b = _eval(tree[2], xs)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    return a / (1 + b * b)  # division by something >= 1


@given(_trees(), st.points(3, -2.0, 2.0))
def test_random_expression_trees_match_finite_differences(tree, xs):
    def f(*vs):
        out = _eval(tree, list(vs))
        return out if isinstance(out, Value) else Value(out, requires_grad=False)

    auto = tg.checking.analytic_gradient(f, xs)
    num = tg.finite_difference(f, xs)
    scale = f(*[Value(x) for x in xs]).data
    for a, n in zip(auto, num):
        assert abs(a - n) <= grad_tolerance(a, n, scale), (tree, xs, auto, num)


# ------------------------------------------------------------ second derivatives where the first is constant
@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_every_create_graph_derivative_can_be_differentiated_again_without_allow_unused(op: Op):
    """Each first derivative d/dxᵢ depends on xᵢ, so grad() of it in xᵢ needs no allow_unused; every second
    derivative equals central differences of the first - 0 where the first is locally constant."""

    @given(st.op_inputs(op))
    def check(case):
        xs, p = case
        leaves = [Value(x) for x in xs]
        y = apply_op(op, leaves, p)
        first = tg.grad(y, leaves, create_graph=True)
        for i, gi in enumerate(first):
            assert gi.requires_grad, (op.name, xs, p, i)
            own = tg.grad(gi, leaves[i])  # no allow_unused: d/dxᵢ always depends on xᵢ
            # a cross partial may be truly unused (dot: d/dw₁ = x₁ has nothing to do with w₂)
            second = [h.data for h in tg.grad(gi, leaves, allow_unused=True)]
            assert own.data == second[i]
            for j in range(len(xs)):
                fd = _central(lambda v, i=i: _first_derivatives(op, v, p)[1][i], xs, j)
                assert abs(second[j] - fd) <= grad_tolerance(second[j], fd, gi.data), \
                    (op.name, xs, p, i, j, second[j], fd)

    check()


@pytest.mark.parametrize(("name", "f", "x", "first"), [
    ("relu", lambda v: v.relu(), 1.0, 1.0),
    ("relu below 0", lambda v: v.relu(), -1.0, 0.0),
    ("elu", lambda v: v.elu(), 1.0, 1.0),
    ("leaky_relu", lambda v: v.leaky_relu(0.1), -2.0, 0.1),
    ("abs", abs, -3.0, -1.0),
    ("clamp", lambda v: v.clamp(0.0, 2.0), 1.0, 1.0),
    ("clamp outside", lambda v: v.clamp(0.0, 2.0), 3.0, 0.0),
    ("maximum", lambda v: tg.maximum(v, 0.5), 1.0, 1.0),
    ("minimum", lambda v: tg.minimum(v, 0.5), 1.0, 0.0),
    ("linear", lambda v: 3 * v + 1, 1.0, 3.0),
    ("sum", lambda v: tg.sum([v, v, 2.0]), 1.0, 2.0),
])
def test_second_derivative_where_the_first_is_locally_constant_is_zero(name, f, x, first):
    v = Value(x, label="x")
    d1 = tg.grad(f(v), v, create_graph=True)
    assert d1.data == first and d1.requires_grad
    d2 = tg.grad(d1, v)
    assert d2.data == 0.0
    d3 = tg.grad(tg.grad(d1, v, create_graph=True), v)  # and once more
    assert d3.data == 0.0
    assert v.grad == 0.0  # grad() writes no .grad


def test_a_locally_constant_derivative_depends_on_every_input_of_its_op():
    """d/dx relu(x + w) = 1 is recorded as a function of x and w: its derivative in w is 0 too (PyTorch)."""
    x, w = Value(1.0, label="x"), Value(0.5, label="w")
    dx = tg.grad((x + w).relu(), x, create_graph=True)
    assert [g.data for g in tg.grad(dx, [x, w])] == [0.0, 0.0]
    y = (x * w).relu() * w  # d/dx = w² for x·w > 0, d²/dxdw = 2w
    dx = tg.grad(y, x, create_graph=True)
    assert dx.data == 0.25 and [g.data for g in tg.grad(dx, [x, w])] == [0.0, 1.0]
    a, b = Value(2.0), Value(3.0)
    da = tg.grad(a * b, a, create_graph=True)  # = b: does not use a, yet depends on it at 0
    assert [g.data for g in tg.grad(da, [a, b])] == [0.0, 1.0]


@given(hst.floats(-5.0, 5.0).filter(lambda v: abs(v) > 1e-3), hst.floats(-5.0, 5.0))
def test_hessian_of_piecewise_linear_functions_is_zero_without_allow_unused(x: float, w: float):
    """A Hessian through relu/abs/clamp/max: central differences of the first derivative give 0 too."""
    def f(a: Value, b: Value) -> Value:
        return (a * 2.0 + b).relu() + abs(a - 0.5 * b) + tg.maximum(a, b).clamp(-1.0, 1.0)

    a, b = Value(x), Value(w)
    first = tg.grad(f(a, b), [a, b], create_graph=True)
    for gi in first:
        assert gi.requires_grad
        for h in tg.grad(gi, [a, b]):
            assert h.data == 0.0
