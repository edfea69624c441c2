"""tg.compile: the generated program computes what the eager engine computes.

Every registry op is run, at points of the domain it declares, through the
eager engine and through a compiled step, and the values and gradients are
compared - bit for bit, since the program pastes the registry's own
expressions and sums gradients in the eager engine's order.  Then whole
training steps, the accumulation rule of ``.grad``, custom Functions, the
limits (``verify()`` and a data-dependent branch) and the generated source.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import tinygrad_edu as tg
import tinygrad_edu.engine.compiled as compiled
from tinygrad_edu import Value
from tinygrad_edu.engine.compiled import CompileMismatchError
from tinygrad_edu.engine.compiled import compile as tg_compile
from tinygrad_edu.engine.value import apply_op
from tinygrad_edu.ops import REGISTRY, Op
from tinygrad_edu.testing import strategies as st

OPS = sorted(REGISTRY.values(), key=lambda op: op.name)
IDS = [op.name for op in OPS]


def same(a: float, b: float) -> bool:
    """Equal floats, nan equal to nan."""
    return a == b or (math.isnan(a) and math.isnan(b))


def eager_value_and_grads(fn, params):
    out = fn()
    grads = tg.grad(out, params, allow_unused=True) if out.requires_grad else [Value(0.0)] * len(params)
    return out.data, [g.data for g in grads]


def assert_same_as_eager(step, fn, params):
    value, grads = step.value_and_grad()
    ev, eg = eager_value_and_grads(fn, params)
    assert same(value, ev), (value, ev)
    for k, (a, b) in enumerate(zip(grads, eg)):
        assert same(a, b), (k, a, b)


# ---------------------------------------------------------------- every registry op
@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_every_op_compiles_to_the_eager_values_and_derivatives(op: Op):
    """Compiled at one point of the op's domain, then re-run at other points: same numbers as eager."""

    @settings(max_examples=25, deadline=None)
    @given(st.op_inputs(op), st.op_inputs(op))
    def check(first, second):
        (xs, p), (ys, _) = first, second
        leaves = [Value(x) for x in xs]

        def fn():
            return apply_op(op, leaves, p)

        step = tg_compile(fn, leaves)
        assert_same_as_eager(step, fn, leaves)
        for leaf, y in zip(leaves, ys):  # new data in the same leaves: the program re-reads it
            leaf.data = y
        assert_same_as_eager(step, fn, leaves)

    check()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_every_op_inside_an_expression_gives_the_gradient_of_the_parameters_feeding_it(op: Op):
    """op(u·xᵢ + c), a parameter u feeding every input: the chain rule through the op, constants folded."""

    @settings(max_examples=15, deadline=None)
    @given(st.op_inputs(op))
    def check(case):
        xs, p = case
        u = Value(1.0, label="u")
        xs_in = [Value(x, requires_grad=False, label=f"in{k}") for k, x in enumerate(xs)]

        def fn():
            y = apply_op(op, [u * x + 0.0 for x in xs_in], p)
            return y * y + 3.0 * y

        step = tg_compile(fn, [u])
        assert_same_as_eager(step, fn, [u])
        u.data = 1.0 + 1e-3  # a parameter update: still in the domain for every op's interval
        assert_same_as_eager(step, fn, [u])

    check()


def test_templated_ops_are_pasted_and_the_others_called():
    x = Value(0.5, label="x")
    step = tg_compile(lambda: (x * x - x).relu() + x.exp(), [x])
    src = step.source
    assert "x * x - x" in src  # mul and sub from their templates
    assert "exp(x)" in src and "exp_vjp(" in src  # exp through the registry's functions
    assert "(t" in src and "> 0.0)" in src  # relu's derivative from its template


# ---------------------------------------------------------------- training steps
def test_mlp_training_steps_match_eager_bit_for_bit_with_changing_data():
    rng = random.Random(0)
    eager_model = tg.nn.MLP(2, [8, 8, 1], seed=3)
    model = tg.nn.MLP(2, [8, 8, 1], seed=3)
    batch = [[Value(0.0, requires_grad=False) for _ in range(2)] for _ in range(6)]
    targets = [Value(0.0, requires_grad=False) for _ in range(6)]

    def loss_of(m):
        def fn():
            total = tg.sum([(m(x) - t) ** 2 for x, t in zip(batch, targets)])
            reg = 1e-3 * tg.sum([p * p for p in m.parameters()])
            return total * (1.0 / len(batch)) + reg
        return fn

    def new_batch():
        for row, t in zip(batch, targets):
            for v in row:
                v.data = rng.uniform(-2, 2)
            t.data = rng.choice([-1.0, 1.0])

    new_batch()
    step = tg_compile(loss_of(model), model.parameters())
    eager_opt = tg.optim.SGD(eager_model.parameters(), lr=0.05, momentum=0.9)
    opt = tg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(6):
        eager_opt.zero_grad()
        eager_loss = loss_of(eager_model)()
        eager_loss.backward()
        eager_opt.step()
        opt.zero_grad()
        loss = step()
        opt.step()
        assert loss == eager_loss.data
        assert [p.data for p in model.parameters()] == [p.data for p in eager_model.parameters()]
        new_batch()
    step.verify()


def test_micrograd_style_step_matches_eager():
    """The benchmark's user code: Value, +, *, relu and Python's sum (chains of additions)."""
    rng = random.Random(1)
    ws = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    X = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(10)]

    def fn():
        total = Value(0.0)
        for x0, x1 in X:
            xs = [Value(x0), Value(x1)]
            hs = [sum((w * x for w, x in zip(row[:2], xs)), row[2]).relu() for row in ws]
            total = total + (1 + -1.0 * sum(hs)).relu()
        return total * (1.0 / len(X))

    params = [w for row in ws for w in row]
    step = tg_compile(fn, params)
    assert_same_as_eager(step, fn, params)
    for p in params:
        p.grad = 0.0
    out = fn()
    out.backward()
    eager = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    assert step() == out.data
    assert [p.grad for p in params] == eager


# ---------------------------------------------------------------- .grad semantics
def test_step_adds_into_grad_like_backward_and_touches_nothing_else():
    w, b = Value(0.3, label="w"), Value(-0.2, label="b")
    x = Value(1.5, label="x")  # an input that requires grad but is not a parameter
    w.grad, b.grad = 10.0, -1.0

    def fn():
        return (w * x + b).tanh() * w

    step = tg_compile(fn, [w, b])
    out = step()
    step()
    ref_w, ref_b = Value(0.3), Value(-0.2)
    ref_w.grad, ref_b.grad = 10.0, -1.0
    y = (ref_w * Value(1.5) + ref_b).tanh() * ref_w
    y.backward()
    y.backward()
    assert out == y.data
    assert (w.grad, b.grad) == (ref_w.grad, ref_b.grad)
    assert x.grad == 0.0  # not a parameter: not touched
    before = (w.grad, b.grad)
    assert step.forward() == out  # forward only: no gradient
    assert (w.grad, b.grad) == before
    value, grads = step.value_and_grad()
    assert (w.grad, b.grad) == before and value == out and len(grads) == 2


def test_params_may_be_intermediate_nodes_and_unused_params_get_nothing():
    a = Value(2.0)
    unused = Value(5.0)
    hidden = []

    def fn():
        h = a * a
        hidden[:] = [h]
        return h.sigmoid()

    fn()
    step = tg_compile(fn, [a, unused])
    step()
    y = fn()
    assert math.isclose(a.grad, tg.grad(y, a).data, rel_tol=0, abs_tol=0)
    assert unused.grad == 0.0


# ---------------------------------------------------------------- custom Functions
class Cube(tg.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return (grad_output * 3 * x * x,)


def test_custom_function_is_called_through_its_backward_with_a_fresh_context():
    x = Value(2.0, label="x")
    step = tg_compile(lambda: Cube.apply(x * 1.5) + x, [x])
    # called through generated names (a class name is never code); named in the comments
    assert "fn0(" in step.source and "fn0_vjp(" in step.source and "# Cube:" in step.source
    assert step() == 27.0 + 2.0
    assert x.grad == 3 * 9.0 * 1.5 + 1.0
    x.data = -1.0  # the forward runs again, so backward sees the new saved values
    x.grad = 0.0
    assert step() == -3.375 - 1.0
    assert x.grad == 3 * 2.25 * 1.5 + 1.0


# ---------------------------------------------------------------- limits
def test_verify_catches_a_data_dependent_branch():
    x = Value(1.0, label="x")

    def fn():
        return x * 2.0 if x.data > 0 else x * x * 3.0

    step = tg_compile(fn, [x])
    step.verify()  # same path: fine
    x.data = -1.0
    with pytest.raises(CompileMismatchError) as info:
        step.verify()
    message = str(info.value)
    assert "the graph changed" in message
    assert "output: eager 3.0, compiled -2.0" in message
    assert "d(output)/d(params[0]) ('x'): eager -6.0, compiled 2.0" in message
    assert "Compile again" in message
    assert x.grad == 0.0  # verify() changes no .grad


def test_numbers_are_frozen_but_user_made_constants_are_read_every_call():
    scale = 2.0
    c = Value(3.0, requires_grad=False, label="c")
    w = Value(1.0, label="w")
    step = tg_compile(lambda: w * scale + c, [w])
    assert "2.0" in step.source and "c" in step.source
    scale = 10.0  # a Python number: frozen into the program as 2.0
    c.data = 5.0  # a Value the user made: read again
    assert step() == 1.0 * 2.0 + 5.0
    with pytest.raises(CompileMismatchError):
        step.verify()


def test_infinite_and_nan_constants_round_trip():
    w = Value(0.5)
    step = tg_compile(lambda: (w * math.inf).tanh() + w * 1e-300 + (w + math.nan) * 0.0 + w * -0.1, [w])
    assert "inf" in step.source and "nan" in step.source and "1e-300" in step.source
    assert_same_as_eager(step, lambda: (w * math.inf).tanh() + w * 1e-300 + (w + math.nan) * 0.0 + w * -0.1,
                         [w])


def test_large_graphs_fall_back_to_the_replay_loop(monkeypatch):
    monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 10)
    ws = [Value(0.1 * k) for k in range(8)]

    def fn():
        return tg.sum([(w * w + 1.0).log() for w in ws]) * Cube.apply(ws[1])

    step = tg_compile(fn, ws)
    assert "replay loop" in repr(step)
    assert "no code was generated" in step.source
    assert_same_as_eager(step, fn, ws)
    step()
    y = fn()
    grads = tg.grad(y, ws)
    assert [w.grad for w in ws] == [g.data for g in grads]


def test_a_long_chain_compiles_into_short_lines():
    x = Value(1.0000001)

    def fn():
        y = x
        for k in range(3000):
            y = y * 1.0000001 + 1e-9 if k % 2 else y.tanh() * 1.5
        return y

    step = tg_compile(fn, [x])
    assert len(step) == step.num_ops == 6000
    assert max(len(line) for line in step.source.splitlines()) < 2000
    assert_same_as_eager(step, fn, [x])


# ---------------------------------------------------------------- the source and errors
def test_source_is_readable_python_named_after_labels():
    model = tg.nn.MLP(2, [3, 1], seed=0)
    xs = [Value(0.5, requires_grad=False, label="x_in"), Value(-1.0, requires_grad=False, label="x.1")]
    step = tg_compile(lambda: model(xs) * 1.0, model.parameters())
    src = step.source
    compile(src, "<test>", "exec")  # valid Python
    label = model.parameters()[0].label
    assert "." in label  # not an identifier: a generated name, the label in a comment
    assert f"PARAMS[0].grad += d_p0  # {label!r}" in src
    assert "x_in, x1) = " in src  # "x.1" is no identifier: the generated name x1
    assert src.index("# forward") < src.index("# backward")
    assert "dot: f(w, x) = Σ wᵢxᵢ" in src  # the registry's formula as a comment
    assert f"{len(step)} ops" in src.splitlines()[0]
    assert "generated Python" in repr(step) and f"{len(step)} ops" in repr(step)


def test_clear_errors():
    w = Value(1.0)
    with pytest.raises(TypeError, match="must return a Value"):
        tg_compile(lambda: 3.0, [w])
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value"):
        tg_compile(lambda: w * 2, [w, 2.0])
    with pytest.raises(ValueError, match="does not require grad"):
        tg_compile(lambda: w * 2, [Value(1.0, requires_grad=False)])
    with pytest.raises(ValueError, match="nothing to differentiate"):
        tg_compile(lambda: Value(1.0, requires_grad=False) * 2, [w])
    with pytest.raises(TypeError, match="fn must be a function"):
        tg_compile(w, [w])  # type: ignore[arg-type]


def test_compile_records_even_inside_no_grad():
    w = Value(2.0)
    with tg.no_grad():
        step = tg_compile(lambda: w * w, [w])
    assert step() == 4.0 and w.grad == 4.0


@given(hst.lists(hst.floats(-3, 3), min_size=1, max_size=6))
@settings(max_examples=30, deadline=None)
def test_random_sums_and_products_match(values):
    vs = [Value(v) for v in values]

    def fn():
        total = vs[0]
        for k, v in enumerate(vs[1:]):
            total = total * v if k % 3 == 0 else (total + v if k % 3 == 1 else total - v.relu())
        return tg.dot(vs, vs[::-1]) + total

    assert_same_as_eager(tg_compile(fn, vs), fn, vs)


# ---------------------------------------------------------------- has_aux: values of the graph kept
@pytest.mark.parametrize("replay", [False, True], ids=["generated", "replay loop"])
def test_has_aux_keeps_the_predictions_of_each_run(monkeypatch, replay):
    if replay:
        monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 10)
    model = tg.nn.MLP(2, [4, 1], seed=0)
    rows = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)], [Value(-0.3), Value(0.7)]]
    ys = [1.0, 0.0, 1.0]

    def fn():
        preds = [model(r) for r in rows]
        return tg.functional.binary_cross_entropy_with_logits(preds, ys), preds

    step = tg_compile(fn, model.parameters(), has_aux=True)
    assert ("AUX[:] =" in step.source) is not replay
    for shift in (0.0, 0.5, -2.0):
        for r in rows:
            r[0].data += shift
        loss = step()
        out, preds = fn()
        assert loss == out.data
        assert step.aux == [p.data for p in preds]  # each run's predictions, bit for bit
    kept = step.aux
    kept.append(9.0)
    assert len(step.aux) == len(rows)  # a copy: the caller cannot change the next run's list
    step.verify()  # fn's (output, aux) pair is understood


def test_has_aux_errors_and_steps_without_it():
    x = Value(2.0, label="x")
    with pytest.raises(TypeError, match=r"has_aux=True\): fn\(\) must return \(output, aux\)"):
        tg_compile(lambda: x * x, [x], has_aux=True)
    with pytest.raises(ValueError, match=r"aux\[0\] is not a Value of the output's graph"):
        tg_compile(lambda: (x * x, [Value(1.0)]), [x], has_aux=True)
    with pytest.raises(AttributeError, match="compiled without has_aux"):
        tg_compile(lambda: x * x, [x]).aux  # noqa: B018
