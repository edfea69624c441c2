"""tg.compile with hostile inputs: text from the graph never becomes code, every parameter gets its gradient.

The naming rule (tinygrad_edu/engine/compiler/naming.py): an identifier comes from a
label only when the label is a plain ASCII identifier that is no keyword, builtin or
name of the program, unique; a label appears only in an escaped comment; a Function's
class name is never code.  Checked here as a property over arbitrary text, then case
by case for each finding of the trust issue.
"""

from __future__ import annotations

import ast
import builtins
import copy
import io
import keyword
import math
import pickle
import re
import tokenize

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.engine.compiled as compiled
import tinygrad_edu.functional as F
from tinygrad_edu import Function, Value
from tinygrad_edu.engine.compiler.naming import IDENTIFIER

# ---------------------------------------------------------------- helpers
PROGRAM_NAMES = ["step", "LEAVES", "PARAMS", "AUX", "LEAF_DATA", "grads", "backward", "into_grad", "leaf",
                 "inf", "nan", "to_float", "Context", "d_x", "d_t4", "t7", "t3", "c3_0", "ctx2", "fn0",
                 "fn0_vjp", "p0", "x0", "g5", "ix3", "param0", "sum_2", "sigmoid", "exp_vjp", "mul", "_",
                 "__builtins__", "__name__", "k", "j"]
HOSTILE = ["w\n    print('ran')  #", "w\r    raise SystemExit(3)  #", "\x00", "\ud800", "\udfff",
           "\x1b[2J\x1b[31mred", "a\u2028b", "a\x85b", "\x0c", "\t", "#", "'''", '"', "\\", "ﬁ", "fi",
           "x", "ｘ", "Ｃｕｂｅ", "ｓｔｅｐ", "ℌ", "H", "x.0", "1x", "", " ", "é", "ñ", "中文", "\u202eevil"]
LABELS = st.one_of(
    st.sampled_from(HOSTILE + PROGRAM_NAMES + keyword.kwlist + keyword.softkwlist + dir(builtins)[:60]),
    st.text(st.characters(exclude_categories=()), max_size=12),  # any code point, surrogates included
)


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def eager(fn, params):
    out = fn()
    grads = tg.grad(out, params, allow_unused=True)
    return out.data, tuple(g.data for g in grads)


def assert_no_text_from_the_graph_is_code(source: str, labels) -> None:
    """The source parses; every name in it is ASCII; it holds no string literal; labels only in comments."""
    ast.parse(source)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        assert tok.type != tokenize.STRING, tok
        if tok.type == tokenize.NAME:
            assert tok.string.isascii() and IDENTIFIER.match(tok.string), tok
        if tok.type == tokenize.COMMENT:
            assert tok.string.isprintable(), tok  # escaped: no control character, no surrogate
    assert "\x1b" not in source
    for label in labels:  # a label that is not a usable identifier never appears as a name
        if label and not IDENTIFIER.match(label):
            names = {t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                     if t.type == tokenize.NAME}
            assert label not in names


def assert_gradients_named_in_the_forward_pass(source: str) -> None:
    """Every gradient variable d_v belongs to a value v that the program names before its backward."""
    forward = source[: source.index("    # backward")]
    assigned = set(re.findall(r"^\s+(\w+) = ", forward, re.M))
    for line in re.findall(r"^    \(?([\w, \n]+)\)? = \[leaf.data", forward, re.M):
        assigned |= {n.strip() for n in line.replace("\n", ",").split(",")}
    for line in re.findall(r"^    ([\w, ]+) = LEAF_DATA", forward, re.M):
        assigned |= {n.strip() for n in line.split(",")}
    for loop in re.findall(r"^def loop\d+_forward.*?(?=^def |\Z)", source, re.M | re.S):  # a looped batch
        assigned |= set(re.findall(r"\b[A-Za-z_]\w*\b", loop))
    for name in re.findall(r"^\s+(d_\w+) = ", source, re.M):
        value = name[2:]
        assert value in assigned or re.sub(r"_\d+$", "", value) in assigned, (name, sorted(assigned))


# ---------------------------------------------------------------- the property
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LABELS, min_size=8, max_size=8), LABELS, LABELS,
       st.lists(st.floats(-3.0, 3.0, allow_nan=False), min_size=3, max_size=3))
def test_arbitrary_labels_and_class_names_never_become_code(labels, class_name, other_class, data):
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_values
            return (3.0 * x * x * g,)

    class Twin(Cube):  # another class, perhaps of the same name or an NFKC twin of it
        pass

    # Python refuses a NUL (and a lone surrogate) in a class name; any other text is allowed
    Cube.__name__ = Cube.__qualname__ = class_name.replace("\x00", "\x01").encode("utf-8", "replace").decode()
    Twin.__name__ = other_class.replace("\x00", "\x01").encode("utf-8", "replace").decode()
    a, b, c = (Value(x, label=lab) for x, lab in zip(data, labels))
    k = Value(0.5, requires_grad=False, label=labels[3])

    def fn():
        u = a * b + c
        u.label = labels[4]
        v = Cube.apply(u * 0.25)
        v.label = labels[5]
        w = Twin.apply(a - k)
        w.label = labels[6]
        out = (v + w).tanh() * a + F.logsumexp([a, b, c]) + a * a * 10.0 + b
        out.label = labels[7]
        return out

    step = tg.compile(fn, [a, b, c])  # no print, no raise: nothing from the labels ran
    assert_no_text_from_the_graph_is_code(step.source, [*labels, class_name, other_class])
    assert_gradients_named_in_the_forward_pass(step.source)
    value, grads = step.value_and_grad()
    ev, eg = eager(fn, [a, b, c])
    assert same(value, ev) and all(same(x, y) for x, y in zip(grads, eg)), (value, grads, ev, eg)
    step.verify()


# ---------------------------------------------------------------- the findings, one by one
def test_a_line_break_in_a_label_runs_nothing(capsys):
    w = Value(2.0, label="w\n    print('ran')  #")
    x = Value(3.0, requires_grad=False, label="x\r    print('ran')  #")
    step = tg.compile(lambda: w * x, [w])
    assert step() == 6.0 and w.grad == 3.0
    assert "ran" not in capsys.readouterr().out
    assert f"# {w.label!r}" in step.source
    assert_no_text_from_the_graph_is_code(step.source, [w.label, x.label])


def test_control_characters_surrogates_and_terminal_escapes_are_escaped():
    labels = ["\x00", "\ud800", "\x1b[2J", "\u2028"]
    vs = [Value(float(k + 1), label=lab) for k, lab in enumerate(labels)]
    step = tg.compile(lambda: tg.sum([v * v for v in vs]), vs)
    source = step.source
    source.encode("utf-8")  # no lone surrogate left
    assert "\\x00" in source and "\\ud800" in source and "\\x1b[2J" in source and "\\u2028" in source
    assert_no_text_from_the_graph_is_code(source, labels)


def test_nfkc_twins_stay_two_values():
    a, b = Value(2.0, label="ﬁ"), Value(2.0, label="fi")
    assert tg.compile(lambda: a * a * 10 + b, [a, b]).value_and_grad() == (42.0, (40.0, 1.0))
    x, y = Value(1.0, label="x"), Value(2.0, label="ｘ")
    step = tg.compile(lambda: x * y * y, [x, y])
    assert step.value_and_grad() == (4.0, (4.0, 4.0))
    step.verify()


@pytest.mark.parametrize("name", ["Ｃｕｂｅ", "ｓｔｅｐ", "step", "Cube\nprint('ran')", "sum", "fn0"])
def test_function_class_names_are_never_code(name, capsys):
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return 2.0 * x

        @staticmethod
        def backward(ctx, g):
            return (2.0 * g,)

    Double.__name__ = name
    x = Value(1.5, label="x")
    step = tg.compile(lambda: Double.apply(x) * x, [x])
    assert step.value_and_grad() == (4.5, (6.0,))
    assert "fn0(" in step.source and "ran" not in capsys.readouterr().out
    assert_no_text_from_the_graph_is_code(step.source, [name])


def test_op_parameters_are_written_as_floats():
    x = Value(0.3, label="x")
    step = tg.compile(lambda: x.leaky_relu(0.1) + x.clamp(-math.inf, 0.2) + x.softplus(beta=2.0), [x])
    assert_no_text_from_the_graph_is_code(step.source, [])
    ev, eg = eager(lambda: x.leaky_relu(0.1) + x.clamp(-math.inf, 0.2) + x.softplus(beta=2.0), [x])
    assert step.value_and_grad() == (ev, eg)


@pytest.mark.parametrize("replay", [False, True], ids=["generated", "replay loop"])
def test_one_gradient_per_entry_of_params(monkeypatch, replay):
    if replay:
        monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 1)
    z, w = Value(5.0, label="z"), Value(2.0, label="w")
    step = tg.compile(lambda: w * 2, [z, w])
    assert ("replay loop" in repr(step)) is replay
    assert step.value_and_grad() == (4.0, (0.0, 2.0))  # z unused: 0.0, in its place
    step.verify()  # a fresh step with an unused parameter verifies
    twice = tg.compile(lambda: w * w, [w, z, w])
    assert twice.value_and_grad() == (4.0, (4.0, 0.0, 4.0))  # one per entry, as torch.autograd.grad
    w.grad = z.grad = 0.0
    twice()  # into .grad once per parameter, as backward() does
    assert (w.grad, z.grad) == (4.0, 0.0)
    w.grad = 0.0
    (w * w).backward()
    assert w.grad == 4.0


def test_has_aux_with_a_lone_value_says_what_aux_must_be():
    w = Value(1.0)
    with pytest.raises(TypeError, match=r"list or tuple of Values.*return loss, \[value\]"):
        tg.compile(lambda: (w * 2, w * 3), [w], has_aux=True)


def test_pickle_refuses_with_what_to_do():
    w = Value(1.0)
    step = tg.compile(lambda: w * 2, [w])
    with pytest.raises(TypeError, match=r"cannot be pickled.*tg\.compile"):
        pickle.dumps(step)


class Model(tg.nn.Module):
    def __init__(self):
        self.net = tg.nn.MLP(2, [3, 1], seed=1)
        self.x = [Value(0.5, requires_grad=False), Value(-1.0, requires_grad=False)]

    def loss(self):
        return (self.net(self.x) - 1.0) ** 2

    def parameters(self):
        return self.net.parameters()


@pytest.mark.parametrize("replay", [False, True], ids=["generated", "replay loop"])
def test_deepcopy_of_model_and_step_trains_the_copy(monkeypatch, replay):
    if replay:
        monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 1)
    model = Model()
    step = tg.compile(model.loss, model.parameters())  # a bound method: the copy follows it
    model2, step2 = copy.deepcopy((model, step))
    before = [p.data for p in model.parameters()]
    model2.zero_grad()
    step2()
    assert all(p.grad == 0.0 for p in model.parameters())  # the original is untouched
    reference = Model()
    reference.loss().backward()
    assert [p.grad for p in model2.parameters()] == [p.grad for p in reference.parameters()]
    for p in model2.parameters():  # the copy reads the copied data
        p.data += 0.5
    assert step2.value_and_grad()[0] == model2.loss().data != model.loss().data
    step2.verify()
    assert [p.data for p in model.parameters()] == before


def test_deepcopy_with_a_plain_function_copies_but_refuses_to_verify():
    model = Model()
    step = tg.compile(lambda: model.loss(), model.parameters())  # a closure over the original model
    model2, step2 = copy.deepcopy((model, step))
    model2.zero_grad()
    step2()
    assert any(p.grad != 0.0 for p in model2.parameters())
    assert all(p.grad == 0.0 for p in model.parameters())
    with pytest.raises(TypeError, match=r"deep copy.*compile the copy again"):
        step2.verify()


# ---------------------------------------------------------------- the softmax shift at run time
def test_compiled_cross_entropy_equals_eager_far_from_the_traced_logits():
    z = [Value(0.0, label="z0"), Value(0.0, label="z1"), Value(0.0, label="z2")]

    def fn():
        return F.cross_entropy(z, 1) + F.logsumexp(z) + tg.sum(F.softmax(z)) + F.log_softmax(z)[2]

    step = tg.compile(fn, z)
    assert "max_shift(" in step.source  # the shift is computed by the program
    for point in ([0.0, 0.0, 0.0], [1000.0, -1000.0, 3.0], [-800.0, 750.0, 0.0], [1e5, 1e5, -1e5]):
        for v, x in zip(z, point):
            v.data = x
        value, grads = step.value_and_grad()
        ev, eg = eager(fn, z)
        assert math.isfinite(value) and value == ev and grads == eg, (point, value, ev, grads, eg)


def test_fit_with_a_large_learning_rate_compiled_trains_like_eager():
    histories, weights = [], []
    for compile_ in (False, True):
        model = tg.nn.Linear(1, 2, seed=0)
        h = tg.training.fit(model, X=[[10.0], [-10.0]], y=[0, 1], loss="cross_entropy",
                            optimizer=tg.optim.SGD(model.parameters(), lr=300.0), epochs=20, compile=compile_)
        histories.append(h["loss"])
        weights.append([p.data for p in model.parameters()])
    assert histories[0] == histories[1] and weights[0] == weights[1]
    assert histories[1][-1] < 1e-6


def test_max_shift_has_derivative_zero_and_keeps_eager_gradients():
    xs = [Value(1.0), Value(3.0), Value(2.0)]
    m = F.max_shift(xs)
    assert m.data == 3.0 and m.op == "max_shift"
    assert [g.data for g in tg.grad(m, xs)] == [0.0, 0.0, 0.0]
    s = F.softmax(xs)
    s[0].backward()
    p = [math.exp(x - 3.0) for x in (1.0, 3.0, 2.0)]
    total = sum(p)
    expected = [p[0] / total * ((k == 0) - p[k] / total) for k in range(3)]
    assert [x.grad for x in xs] == pytest.approx(expected, rel=1e-14)


# ---------------------------------------------------------------- wide nodes
def test_a_sum_over_many_leaves_is_one_slice_not_a_name_per_leaf():
    n = 100_000
    xs = [Value(0.001 * (k % 97) - 0.03) for k in range(n)]
    w = Value(2.0, label="w")
    params = [w, *xs[::1000]]
    step = tg.compile(lambda: w * tg.sum(xs), params)
    assert step.source.count("\n") < 40 and "LEAF_DATA[" in step.source
    assert "generated Python" in repr(step)
    value, grads = step.value_and_grad()
    out = w * tg.sum(xs)
    eg = tg.grad(out, params)
    assert value == out.data and grads == tuple(g.data for g in eg)
    xs[0].data = 5.0  # re-read at run time
    assert step.value_and_grad()[0] == (w * tg.sum(xs)).data
    for p in params:
        p.grad = 0.0
    step()
    assert [p.grad for p in params] == [g.data for g in tg.grad(w * tg.sum(xs), params)]


def test_a_wide_dot_over_leaves_gives_each_repeated_entry_its_gradient():
    ws = [Value(0.5 + k) for k in range(40)]
    xs = [Value(1.0 - 0.1 * k, requires_grad=False) for k in range(40)]
    params = [ws[3], ws[0], ws[3], Value(9.0)]
    step = tg.compile(lambda: tg.dot(ws, xs), params)
    assert "LEAF_DATA[" in step.source
    value, grads = step.value_and_grad()
    assert grads == (xs[3].data, xs[0].data, xs[3].data, 0.0)
    assert value == tg.dot(ws, xs).data


# ---------------------------------------------------------------- the printed program
def test_every_gradient_in_the_cli_program_belongs_to_a_named_value(capsys):
    from tinygrad_edu.cli import main

    for expr in ["sigmoid(w*x + b)", "tanh(w*x + b) * exp(w) + w*w*x", "(a*b + c) * (a*b + c) + log(a)"]:
        names = sorted(set(re.findall(r"[a-z]", re.sub(r"sigmoid|tanh|exp|log", "", expr))))
        assert main(["graph", expr, "--set", *[f"{n}=0.5" for n in names], "--code"]) == 0
        source = capsys.readouterr().out
        assert_gradients_named_in_the_forward_pass(source)
    assert "d_t4" not in source or re.search(r"^    t4 = ", source, re.M)


# ---------------------------------------------------------------- the cache of generated code
def test_the_same_graph_compiled_again_reuses_its_code_bound_to_the_new_values():
    compiled.clear_cache()
    x = [Value(0.5, requires_grad=False), Value(-1.0, requires_grad=False)]
    m1, m2 = tg.nn.MLP(2, [3, 1], seed=1), tg.nn.MLP(2, [3, 1], seed=2)  # same shape and labels
    s1 = tg.compile(lambda: m1(x) * 2.0, m1.parameters())
    s2 = tg.compile(lambda: m2(x) * 2.0, m2.parameters())
    assert s1._code is s2._code and s1.source == s2.source  # written and compiled once
    for m, s in ((m1, s1), (m2, s2)):
        ev, eg = eager(lambda m=m: m(x) * 2.0, m.parameters())
        assert s.value_and_grad() == (ev, eg)
    s3 = tg.compile(lambda: m2(x) * 3.0, m2.parameters())  # another constant: another program
    assert s3._code is not s2._code and "3.0" in s3.source
    compiled.clear_cache()
    assert tg.compile(lambda: m1(x) * 2.0, m1.parameters())._code is not s1._code


def test_a_cached_program_is_not_reused_once_the_size_limit_is_below_its_cost(monkeypatch):
    compiled.clear_cache()
    x = [Value(0.5, requires_grad=False), Value(-1.0, requires_grad=False)]
    m = tg.nn.MLP(2, [3, 1], seed=1)
    s1 = tg.compile(lambda: m(x) * 2.0, m.parameters())
    assert s1._code is not None  # generated, and kept
    monkeypatch.setattr(compiled, "MAX_GENERATED_COST", 10)
    s2 = tg.compile(lambda: m(x) * 2.0, m.parameters())
    assert s2._code is None and "no code was generated" in s2.source  # the replay loop, not the cache
    assert s2.value_and_grad() == s1.value_and_grad() == eager(lambda: m(x) * 2.0, m.parameters())


def test_graphs_over_the_cache_limit_are_neither_kept_nor_looked_up(monkeypatch):
    compiled.clear_cache()
    monkeypatch.setattr(compiled, "CACHE_MAX_OPS", 5)
    x = [Value(0.5, requires_grad=False), Value(-1.0, requires_grad=False)]
    m = tg.nn.MLP(2, [3, 1], seed=1)
    s1 = tg.compile(lambda: m(x) * 2.0, m.parameters())
    assert s1.num_ops > 5 and not compiled._CACHE
    s2 = tg.compile(lambda: m(x) * 2.0, m.parameters())
    assert s2._code is not s1._code and s2.source == s1.source  # written again, the same program
    assert s2.value_and_grad() == eager(lambda: m(x) * 2.0, m.parameters())


def test_a_label_taken_twice_never_gets_the_shape_of_a_gradient():
    """Two values labelled "d": the second is not d_2 (which reads as the gradient of a value "2")."""
    x = Value(1.5, label="d")
    y = Value(0.5, label="d")
    step = tg.compile(lambda: x * y + x, [x, y])
    assert "d_2" not in step.source
    assert_gradients_named_in_the_forward_pass(step.source)
    assert step.value_and_grad() == (2.25, (1.5, 1.5))
