"""tg.compile of a batch: the repeated per-sample subgraph is written once, as a loop, with eager's numbers.

A looped program must give the eager engine's value and gradients bit for bit
(the same registry expressions, each gradient summed in the same order), read
new data and parameters on every call, keep the auxiliary outputs, deep-copy,
and leave alone what it cannot loop in eager's order.  Most tests lower the
thresholds (``looped`` fixture) so that small graphs are looped; one test runs
the benchmark's graph at the real thresholds.
"""

from __future__ import annotations

import copy
import math
import random
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Value
from tinygrad_edu.engine.compiler import regions
from tinygrad_edu.engine.compiler.trace import Graph
from tinygrad_edu.engine.value import apply_op
from tinygrad_edu.ops import REGISTRY, Op
from tinygrad_edu.testing import strategies as st


@pytest.fixture
def looped(monkeypatch):
    """Loop any graph with two or more repeated regions of two or more ops."""
    monkeypatch.setattr(regions, "LOOP_MIN_OPS", 0)
    monkeypatch.setattr(regions, "MIN_REPEAT", 2)
    monkeypatch.setattr(regions, "MIN_BODY", 2)


def bits(x: float) -> bytes:
    """Bit for bit: -0.0 and 0.0 differ; every nan is one nan, as test_compile's ``same`` has it (the
    straight-line program too can give a nan whose sign bit is not eager's)."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def eager(fn, params):
    out = fn()
    grads = tg.grad(out, params, allow_unused=True)
    return out.data, [g.data for g in grads]


def assert_bitwise_eager(step, fn, params):
    value, grads = step.value_and_grad()
    ev, eg = eager(fn, params)
    assert bits(value) == bits(ev), (value, ev)
    for k, (a, b) in enumerate(zip(grads, eg)):
        assert bits(a) == bits(b), (k, a, b)


def n_loops(step) -> int:
    return step.source.count("def loop") // 2


# ---------------------------------------------------------------- a batch of MLP samples
def mlp_batch(points=6, hidden=4, act="relu", sum_kind="python", reg_first=False, seed=0):
    rng = random.Random(seed)
    model = tg.nn.MLP(2, [hidden, hidden, 1], activation=act, seed=seed)
    X = [[Value(rng.uniform(-2, 2), requires_grad=False) for _ in range(2)] for _ in range(points)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(points)]

    def fn():
        losses = [(1 + -yi * model(x)).relu() for x, yi in zip(X, y)]
        data = sum(losses) if sum_kind == "python" else tg.sum(losses)
        reg = 1e-3 * sum(p * p for p in model.parameters())
        return reg + data * (1.0 / points) if reg_first else data * (1.0 / points) + reg

    return model, X, fn


@pytest.mark.parametrize("sum_kind", ["python", "tg.sum"])
@pytest.mark.parametrize("reg_first", [False, True], ids=["penalty after", "penalty first"])
def test_an_mlp_batch_is_one_loop_with_eager_numbers(looped, sum_kind, reg_first):
    model, X, fn = mlp_batch(sum_kind=sum_kind, reg_first=reg_first)
    params = model.parameters()
    step = tg.compile(fn, params)
    assert n_loops(step) == 1
    assert_bitwise_eager(step, fn, params)
    rng = random.Random(1)
    for row in X:  # a new batch in the same input Values: the loop re-reads them
        for v in row:
            v.data = rng.uniform(-3, 3)
    for p in params:  # and an optimizer's update
        p.data += rng.uniform(-0.1, 0.1)
    assert_bitwise_eager(step, fn, params)


def test_op_parameters_that_differ_between_samples_are_read_per_sample(looped):
    """Each sample's own slope (0.0 and -0.0 among them) and target: one loop, eager's bits."""
    w = Value(0.8, label="w")
    slopes = [0.1, 0.0, -0.0, 0.3, 0.1, -0.25]
    targets = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]
    X = [Value(x, requires_grad=False) for x in (-1.5, -0.5, -2.0, 0.7, -0.1, 1.2)]

    def fn():
        terms = [F.binary_cross_entropy_with_logits(F.leaky_relu(w * x, slope) * w, t)
                 for x, slope, t in zip(X, slopes, targets)]
        return sum(terms)

    step = tg.compile(fn, [w])
    assert n_loops(step) == 1
    assert_bitwise_eager(step, fn, [w])
    w.data = -0.6
    assert_bitwise_eager(step, fn, [w])


@pytest.mark.parametrize("order", ["alternating", "blocks", "random"])
def test_samples_of_two_shapes_interleaved_are_one_loop_that_runs_each_ones_own(looped, order):
    """BCE on hard labels builds one graph for y = 0 and another for y = 1: one loop runs both, in order."""
    rng = random.Random(7)
    model = tg.nn.MLP(2, [3, 1], output_activation="sigmoid", seed=2)
    X = [[Value(rng.uniform(-2, 2), requires_grad=False) for _ in range(2)] for _ in range(8)]
    labels = {"alternating": [k % 2 for k in range(8)], "blocks": [0, 0, 0, 1, 1, 1, 1, 0],
              "random": [rng.choice([0, 1]) for _ in range(8)]}[order]

    def fn():
        terms = [F.binary_cross_entropy(model(x), float(y)) for x, y in zip(X, labels)]
        return sum(terms) * 0.125 + 1e-3 * sum(p * p for p in model.parameters())

    params = model.parameters()
    step = tg.compile(fn, params)
    assert n_loops(step) == 1
    shapes = len(set(labels))
    assert (f"repeat {shapes} shapes" if shapes > 1 else "repeat one shape") in step.source
    assert_bitwise_eager(step, fn, params)
    for row in X:
        for v in row:
            v.data = rng.uniform(-3, 3)
    assert_bitwise_eager(step, fn, params)
    model2, step2 = copy.deepcopy((model, step))  # the copy's rows hold the copied inputs (shape, row)
    model2.zero_grad()
    step2()
    model.zero_grad()
    step()
    assert [bits(p.grad) for p in model2.parameters()] == [bits(p.grad) for p in params]


@pytest.mark.parametrize("rare_at", [[4], [2, 6], [0], [8], [0, 5]])
def test_a_rare_shape_between_the_samples_of_a_common_one_joins_the_loop(monkeypatch, rare_at):
    """One or two samples of label 1 among label-0 samples (fewer than MIN_REPEAT): still one loop."""
    monkeypatch.setattr(regions, "LOOP_MIN_OPS", 0)
    monkeypatch.setattr(regions, "MIN_REPEAT", 4)
    monkeypatch.setattr(regions, "MIN_BODY", 2)
    rng = random.Random(3)
    model = tg.nn.MLP(2, [3, 1], output_activation="sigmoid", seed=5)
    X = [[Value(rng.uniform(-2, 2), requires_grad=False) for _ in range(2)] for _ in range(9)]
    labels = [1.0 if k in rare_at else 0.0 for k in range(9)]

    def fn():
        return sum(F.binary_cross_entropy(model(x), y) for x, y in zip(X, labels))

    params = model.parameters()
    step = tg.compile(fn, params)
    assert n_loops(step) == 1
    assert_bitwise_eager(step, fn, params)
    for row in X:
        for v in row:
            v.data = rng.uniform(-3, 3)
    assert_bitwise_eager(step, fn, params)


def test_a_tg_sum_over_many_looped_outputs_reads_them_as_one_slice(looped):
    """40 regions feed one tg.sum: the rest of the program reads their outputs as one slice."""
    model, _, fn = mlp_batch(points=40, hidden=2, sum_kind="tg.sum")
    params = model.parameters()
    step = tg.compile(fn, params)
    assert n_loops(step) == 1 and "LEAF_DATA[" in step.source
    assert_bitwise_eager(step, fn, params)


def test_training_steps_into_grad_match_eager(looped):
    model, _, fn = mlp_batch(points=8, act="tanh")
    step = tg.compile(fn, model.parameters())
    assert n_loops(step) == 1
    opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    eager_model, _, eager_fn = mlp_batch(points=8, act="tanh")  # the same seeds: the same model, data
    eager_opt = tg.optim.SGD(eager_model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(5):
        opt.zero_grad()
        loss = step()
        opt.step()
        eager_opt.zero_grad()
        out = eager_fn()
        out.backward()
        eager_opt.step()
        assert bits(loss) == bits(out.data)
        assert [bits(p.data) for p in model.parameters()] == [bits(p.data) for p in eager_model.parameters()]


def test_the_benchmark_graph_is_looped_at_the_real_thresholds():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_compile import workload
    finally:
        sys.path.pop(0)
    model, loss = workload(Value, 6, 30)
    params = model.parameters()
    step = tg.compile(loss, params)
    assert step.num_ops > regions.LOOP_MIN_OPS
    assert n_loops(step) == 1
    assert "30 regions of" in step.source
    model.zero_grad()
    value = step()
    got = [p.grad for p in params]
    model.zero_grad()
    out = loss()
    out.backward()
    assert bits(value) == bits(out.data)
    assert [bits(g) for g in got] == [bits(p.grad) for p in params]


def test_small_programs_are_not_looped():
    model, _, fn = mlp_batch(points=3, hidden=2)
    step = tg.compile(fn, model.parameters())
    assert step.num_ops <= regions.LOOP_MIN_OPS
    assert "def loop" not in step.source


# ---------------------------------------------------------------- every registry op inside a loop
OPS = sorted(REGISTRY.values(), key=lambda op: op.name)


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_in_a_looped_batch_gives_eager_numbers(looped, op: Op):
    """Σᵢ op(u·xᵢ + c) over samples whose inputs xᵢ are points of the op's domain (u = 1)."""

    @settings(max_examples=10, deadline=None)
    @given(st.op_inputs(op), st.op_inputs(op), st.op_inputs(op), st.op_inputs(op))
    def run(first, second, third, fourth):
        p = first[1]
        rows = [[Value(x, requires_grad=False) for x in case[0]] for case in (first, second, third)]
        if len(first[0]) != len(second[0]) or len(first[0]) != len(third[0]):
            return  # n-ary ops drawn with different arities: not one shape
        u = Value(1.0, label="u")
        c = Value(0.0, label="c")

        def fn():
            ys = [apply_op(op, [u * x + c for x in row], p) for row in rows]
            return sum(y * y + 3.0 * y for y in ys)

        step = tg.compile(fn, [u, c])
        assert_bitwise_eager(step, fn, [u, c])
        for row in rows:  # new data: the fourth draw for every sample
            for v, x in zip(row, fourth[0]):
                v.data = x
        assert_bitwise_eager(step, fn, [u, c])

    run()


# ---------------------------------------------------------------- random batch graphs
ACTS = ["relu", "tanh", "sigmoid", "silu", "gelu", "leaky_relu", "softplus", "exp"]


@settings(max_examples=40, deadline=None)
@given(acts=hst.lists(hst.sampled_from(ACTS), min_size=1, max_size=3),
       points=hst.integers(2, 6),
       reduce=hst.sampled_from(["python", "tg.sum", "mean of squares", "cross_entropy", "bce_with_logits",
                                "bce on labels 0 and 1"]),
       penalty=hst.sampled_from(["none", "after", "before", "inside"]),
       same_constant=hst.booleans(), shared_leaf=hst.booleans(),
       extra=hst.sampled_from(["none", "repeat", "unused"]),
       seed=hst.integers(0, 2**16))
def test_random_batch_graphs_give_eager_numbers(acts, points, reduce, penalty, same_constant, shared_leaf,
                                                extra, seed):
    """Per-sample activations, reductions, constants, where the penalty sits: compiled equals eager."""
    loops_min, repeat_min, body_min = regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY
    regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY = 0, 2, 2
    try:
        rng = random.Random(seed)
        w = [Value(rng.uniform(-1, 1), label=f"w{k}") for k in range(3)]
        b = Value(rng.uniform(-0.5, 0.5), label="b")
        scale = Value(1.0, label="scale")  # one input Value every sample reads (it requires grad: recorded)
        X = [Value(rng.uniform(-2, 2), requires_grad=False) for _ in range(points)]
        Y = [1.5 if same_constant else rng.choice([-1.0, 0.5, 2.0]) for _ in range(points)]

        def act(v, name):
            if name == "leaky_relu":
                return F.leaky_relu(v, 0.1)
            if name == "exp":
                return (v * 0.5).exp()
            return getattr(F, name)(v) if hasattr(F, name) else getattr(v, name)()

        def sample(x, yv):
            h = w[0] * (x * scale if shared_leaf else x) + b
            for name in acts:
                h = act(h, name) * w[1] + w[2]
            return h, yv

        def fn():
            outs = [sample(x, yv) for x, yv in zip(X, Y)]
            if reduce == "python":
                terms = [(h - yv) * (h - yv) for h, yv in outs]
            elif reduce == "tg.sum":
                terms = [h * yv for h, yv in outs]
            elif reduce == "mean of squares":
                terms = [F.mse_loss(h, yv) for h, yv in outs]
            elif reduce == "bce_with_logits":  # the target is the op's parameter: it differs between samples
                terms = [F.binary_cross_entropy_with_logits(h, 1.0 if yv > 1.0 else 0.0) for h, yv in outs]
            elif reduce == "bce on labels 0 and 1":  # two graphs: one per label, interleaved
                terms = [F.binary_cross_entropy(h.sigmoid(), 1.0 if yv > 1.0 else 0.0) for h, yv in outs]
            else:
                third = Value(0.25, requires_grad=False)
                terms = [F.cross_entropy([h, h * yv, third], 1) for h, yv in outs]
            pen = w[0] * w[0] + b * b
            if penalty == "inside":
                terms.insert(len(terms) // 2, pen)
            total = tg.sum(terms) if reduce == "tg.sum" else sum(terms)
            if penalty == "after":
                return total + pen
            if penalty == "before":
                return pen + total
            return total

        params = [*w, b]
        if extra == "repeat":
            params = [w[1], *params, w[1]]
        elif extra == "unused":
            params = [Value(3.0, label="unused"), *params]
        step = tg.compile(fn, params)
        if penalty != "inside" and reduce != "bce on labels 0 and 1":  # (inside: no loop may cross the
            assert n_loops(step) == 1  # penalty's terms; labels: a label met once is no group of its own)
        assert_bitwise_eager(step, fn, params)
        for x in X:
            x.data = rng.uniform(-2, 2)
        for p in params:
            p.data += rng.uniform(-0.2, 0.2)
        assert_bitwise_eager(step, fn, params)
        for p in params:  # into .grad: once per parameter, as backward() adds
            p.grad = 0.5
        value = step()
        out = fn()
        for p in params:
            p.grad = 0.5
        # eager backward into the same starting .grad
        tg.backward(out)
        got = [p.grad for p in params]
        for p in params:
            p.grad = 0.5
        step()
        assert [bits(g) for g in got] == [bits(p.grad) for p in params]
        assert bits(value) == bits(out.data)
    finally:
        regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY = loops_min, repeat_min, body_min


# ---------------------------------------------------------------- what is and is not looped
def test_a_penalty_between_samples_keeps_eager_order_by_not_looping_across_it(looped):
    """A parameter's gradient gets a term from a node between two regions: they cannot be one loop."""
    w = Value(0.7, label="w")
    X = [Value(float(k), requires_grad=False) for k in range(6)]

    def fn():
        terms = [(w * x).tanh() * w for x in X]
        terms.insert(3, w * w * 1e-3)
        return sum(terms)

    step = tg.compile(fn, [w])
    assert_bitwise_eager(step, fn, [w])
    g = Graph(fn(), [w])
    w_at = g.index[id(w)]
    found = regions.find_groups(g)
    for grp in found:  # a loop kept has no other user of w between its first and last region
        between = [i for i in regions.outside(g.n_walked, found)
                   if w_at in g.inputs[i] and grp.lo < i < grp.hi]
        assert between == []
    assert n_loops(step) == len(found)


def test_auxiliary_outputs_inside_a_region_are_kept_by_not_looping_them(looped):
    model, X, _ = mlp_batch(points=4)
    params = model.parameters()
    scores: list[Value] = []

    def with_aux():
        scores.clear()
        losses = []
        for x in X:
            s = model(x)
            scores.append(s)
            losses.append((1 - s).relu())
        return sum(losses), scores

    step = tg.compile(with_aux, params, has_aux=True)
    value, grads = step.value_and_grad()
    assert step.aux == [s.data for s in scores]
    out, _ = with_aux()
    assert bits(value) == bits(out.data)
    assert [bits(g) for g in grads] == [bits(g.data) for g in tg.grad(out, params, allow_unused=True)]


def test_custom_functions_are_not_looped_and_still_equal_eager(looped):
    class Cube(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_values
            return (3 * x * x * g,)

    w = Value(0.5, label="w")
    X = [Value(float(k) / 3, requires_grad=False) for k in range(5)]

    def fn():
        return sum(Cube.apply(w * x + 1.0) * w for x in X)

    step = tg.compile(fn, [w])
    assert "def loop" not in step.source  # a Function keeps a Context per call: not looped
    assert_bitwise_eager(step, fn, [w])


def test_a_deep_copy_of_a_looped_step_trains_the_copy(looped):
    model, _, fn = mlp_batch(points=5)
    step = tg.compile(fn, model.parameters())
    assert n_loops(step) == 1
    model2, step2 = copy.deepcopy((model, step))
    model2.zero_grad()
    model.zero_grad()
    step2()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert any(p.grad != 0.0 for p in model2.parameters())
    got = [p.grad for p in model2.parameters()]
    model.zero_grad()
    step()
    assert [bits(g) for g in got] == [bits(p.grad) for p in model.parameters()]


def test_the_loop_source_reads_as_one_sample(looped):
    from test_compile_trust import assert_gradients_named_in_the_forward_pass

    model, _, fn = mlp_batch(points=4, hidden=2)
    step = tg.compile(fn, model.parameters())
    src = step.source
    assert_gradients_named_in_the_forward_pass(src)  # every d_v belongs to a value v the program names
    assert "4 regions of the graph repeat one shape" in src
    assert "def loop0_forward(ROWS, P):" in src and "def loop0_backward(SAVED, G, P, ACC):" in src
    assert "for sample in range(len(G) - 1, -1, -1):" in src
    compile(src, "<test>", "exec")  # it parses
    assert repr(step).startswith(f"CompiledStep({step.num_ops} ops")


def test_labels_inside_looped_regions_never_become_code(looped, capsys):
    w = Value(0.3, label="w\nprint('ran')  #")
    X = [Value(float(k), requires_grad=False, label=f"x{k}\x1b[2J") for k in range(5)]

    def fn():
        terms = []
        for x in X:
            h = w * x
            h.label = "h');print('ran"
            t = h.tanh()
            t.label = "__import__('os')"
            terms.append(t * w)
        return sum(terms)

    step = tg.compile(fn, [w])
    assert n_loops(step) == 1
    assert "print(" not in step.source and "__import__" not in step.source and "\x1b" not in step.source
    assert_bitwise_eager(step, fn, [w])
    assert capsys.readouterr().out == ""


def test_the_search_stops_within_its_budget_on_near_repeats(looped, monkeypatch):
    """Chains that differ only at their start: every size repeats, no shape does; the search stays linear."""
    calls = []
    real = regions._shape
    monkeypatch.setattr(regions, "_shape", lambda *a: calls.append(a[2] - a[1] + 1) or real(*a))
    w = Value(0.5, label="w")
    starts = [lambda v: v.tanh(), lambda v: v.sigmoid(), lambda v: v.exp(), lambda v: -v]

    def fn():
        outs = []
        for first in starts:
            h = first(w)
            for _ in range(200):
                h = (h * w).tanh()
            outs.append(h)
        return sum(outs)

    step = tg.compile(fn, [w])
    assert n_loops(step) == 0
    assert sum(calls) <= regions.SEARCH_BUDGET * step.num_ops  # (without it: about 4 · 401² / 2 nodes)
    assert_bitwise_eager(step, fn, [w])


def test_a_looped_step_called_from_several_threads_gives_each_the_single_thread_result(looped):
    from test_threads_and_modes import _run  # 4 threads started at once, switching as often as possible

    model, _, fn = mlp_batch(points=6)
    params = model.parameters()
    step = tg.compile(fn, params)
    assert n_loops(step) == 1
    expected = step.value_and_grad()
    results: list = []

    def calls():
        for _ in range(20):
            results.append(step.value_and_grad())

    _run(4, calls)
    assert len(results) == 80 and all(r == expected for r in results)


SPECIAL = [0.0, -0.0, 1.0, -1.0, 1e308, -1e308, math.inf, -math.inf, math.nan, 1e-320, 2.5]


@settings(max_examples=60, deadline=None)
@given(data=hst.data())
def test_terms_skipped_for_an_off_relu_change_no_bit_even_with_inf_and_nan(data):
    """ReLUs off for some samples, inputs and weights that are 0, ±inf, nan or huge: eager's bits."""
    loops_min, repeat_min, body_min = regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY
    regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY = 0, 2, 2
    try:
        number = hst.one_of(hst.sampled_from(SPECIAL), hst.floats(-3, 3))
        w1 = [Value(data.draw(number), label=f"a{k}") for k in range(4)]
        w2 = [Value(data.draw(number), label=f"b{k}") for k in range(3)]
        X = [[Value(data.draw(number), requires_grad=False) for _ in range(2)] for _ in range(4)]

        def fn():
            total = []
            for x0, x1 in X:
                h0 = (w1[0] * x0 + w1[1] * x1 + w2[2]).relu()
                h1 = (w1[2] * x0 + w1[3] * x1).relu()
                total.append((w2[0] * h0 + w2[1] * h1).relu())
            return sum(total)

        params = [*w1, *w2]
        step = tg.compile(fn, params)
        assert n_loops(step) == 1 and "or not fin" in step.source
        assert_bitwise_eager(step, fn, params)
        for p in params:  # into .grad too: the same bits as backward()
            p.grad = 0.0
        step()
        got = [p.grad for p in params]
        for p in params:
            p.grad = 0.0
        fn().backward()
        assert [bits(g) for g in got] == [bits(p.grad) for p in params]
    finally:
        regions.LOOP_MIN_OPS, regions.MIN_REPEAT, regions.MIN_BODY = loops_min, repeat_min, body_min


def test_auxiliary_outputs_outside_the_regions_keep_the_loop(looped):
    model, _, fn = mlp_batch(points=5)
    params = model.parameters()
    parts: list[Value] = []

    def with_aux():
        out = fn()
        parts[:] = [out]
        return out, parts

    step = tg.compile(with_aux, params, has_aux=True)
    assert n_loops(step) == 1
    value, grads = step.value_and_grad()
    assert step.aux == [value]
    out, _ = with_aux()
    assert bits(value) == bits(out.data)
    assert [bits(g) for g in grads] == [bits(g.data) for g in tg.grad(out, params, allow_unused=True)]


def test_a_looped_program_over_the_size_limit_falls_back_to_the_replay_loop(looped, monkeypatch):
    import tinygrad_edu.engine.compiled as compiled

    model, _, fn = mlp_batch(points=4)
    params = model.parameters()
    monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 10)
    step = tg.compile(fn, params)
    assert "replay loop" in repr(step) and "def loop" not in step.source
    assert_bitwise_eager(step, fn, params)
