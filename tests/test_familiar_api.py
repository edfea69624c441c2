"""PyTorch idioms and everyday Python on Values: what a learner types from habit works."""

from __future__ import annotations

import copy
import math
import pickle

import pytest
import torch

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Function, Value


# ---------------------------------------------------------------- backward / grad spellings
def test_tg_backward_of_several_outputs_is_one_pass_like_ones_like():
    a = [Value(1.0, label="a0"), Value(2.0, label="a1"), Value(3.0, label="a2")]
    p = F.softmax(a)
    tg.backward(p)  # p.backward(torch.ones_like(p)): d(Σ p)/da = 0
    assert all(abs(v.grad) < 1e-15 for v in a)

    x = Value(3.0)
    tg.backward([x * x, 2 * x], [1.0, 10.0])
    assert x.grad == 26.0

    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    torch.softmax(t, 0).backward(w)
    a = [Value(1.0), Value(2.0), Value(3.0)]
    tg.backward(F.softmax(a), [0.5, -1.0, 2.0])
    assert [v.grad for v in a] == pytest.approx(t.grad.tolist(), abs=1e-15)


def test_outputs_that_share_nodes_are_counted_once_each():
    x = Value(2.0)
    y = x * x
    z = y * 3
    tg.backward([y, z])  # d(y + z)/dx = 2x + 6x = 16
    assert x.grad == 16.0


def test_value_backward_takes_gradient_and_retain_graph():
    x = Value(2.0)
    y = x * x
    y.backward(gradient=3.0, retain_graph=True)
    y.backward(retain_graph=False)  # graphs are always kept: a second pass just adds
    assert x.grad == 12.0 + 4.0
    with pytest.raises(TypeError, match="both grad_output and gradient"):
        y.backward(2.0, gradient=3.0)
    # a bad seed is named by the keyword the user typed, and no .grad changes
    with pytest.raises(TypeError, match=r"backward\(gradient=\.\.\.\) takes an int or float.*str"):
        y.backward(gradient="1")
    with pytest.raises(TypeError, match=r"backward\(grad_output\) takes an int or float.*list"):
        y.backward([1.0])
    assert x.grad == 16.0


def test_grad_takes_torch_keywords_and_several_outputs():
    a = [Value(1.0), Value(2.0), Value(3.0)]
    p = F.softmax(a, dim=0)
    g = tg.grad(p[1], a, retain_graph=True)
    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    tg_ = torch.autograd.grad(torch.softmax(t, dim=0)[1], [t], retain_graph=True)[0]
    assert [v.data for v in g] == pytest.approx(tg_.tolist(), abs=1e-15)

    x = Value(3.0)
    both = tg.grad([x * x, x * 5], x, grad_outputs=[1.0, 2.0])
    assert both.data == 16.0
    assert tg.grad(x * x, x, 2.0).data == 12.0
    assert tg.grad(x * x, x, grad_output=2.0).data == 12.0
    with pytest.raises(TypeError, match="both grad_outputs and grad_output"):
        tg.grad(x * x, x, 2.0, grad_output=2.0)
    with pytest.raises(ValueError, match="2 grad_outputs for 1 output"):
        tg.grad(x * x, x, [1.0, 2.0])
    second = tg.grad([x ** 3], [x], create_graph=True)
    assert tg.grad(second[0], x).data == 18.0


def test_item_and_requires_grad_():
    w = Value(1.5, requires_grad=False)
    assert w.requires_grad_() is w and w.requires_grad
    w.requires_grad_(False)
    assert not w.requires_grad
    assert (w * 2).item() == 3.0
    with pytest.raises(ValueError, match="leaf"):
        (Value(1.0) * 2).requires_grad_(False)
    with pytest.raises(TypeError, match="True or False"):
        Value(1.0, requires_grad="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="True or False"):
        w.requires_grad = 1  # type: ignore[assignment]


# ---------------------------------------------------------------- everyday Python
def test_comparisons_return_bools_and_record_nothing():
    a, b = Value(1.0), Value(3.0)
    assert (a < b) is True and (a > 0) is True and (b >= 3) is True and (b <= 2.5) is False
    assert (2 < b) is True and (0.5 > a) is False  # noqa: SIM300 - reflected from the number's side
    assert max(a, b) is b and min(a, b) is a
    assert sorted([b, a, Value(2.0)], key=None)[0] is a
    assert a != Value(1.0) and a == a  # == stays identity, so Values hash by identity
    assert len({a, Value(1.0)}) == 2
    with pytest.raises(TypeError):
        a < "1"  # noqa: B015


def test_format_round_int_floor_ceil_trunc():
    v = Value(2.71828, label="e")
    assert f"{v:.2f}" == "2.72" and format(v, "8.3e") == "2.718e+00"
    assert f"{v}" == repr(v)
    assert round(v, 2) == 2.72 and round(v) == 3 and int(v) == 2
    assert math.floor(Value(-1.5)) == -2 and math.ceil(Value(-1.5)) == -1 and math.trunc(Value(-1.5)) == -1


# ---------------------------------------------------------------- new ops, kinks and ties
def test_new_ops_hand_derived():
    x = Value(0.3)
    for make, value, slope in [
        (lambda v: v.sin(), math.sin(0.3), math.cos(0.3)),
        (lambda v: v.cos(), math.cos(0.3), -math.sin(0.3)),
        (lambda v: v.log1p(), math.log1p(0.3), 1 / 1.3),
        (lambda v: v.expm1(), math.expm1(0.3), math.exp(0.3)),
        (lambda v: v.softplus(), math.log(1 + math.exp(0.3)), 1 / (1 + math.exp(-0.3))),
        (lambda v: v.softplus(beta=2.0), math.log(1 + math.exp(0.6)) / 2, 1 / (1 + math.exp(-0.6))),
        (lambda v: (-v).elu(alpha=2.0), 2 * math.expm1(-0.3), -2 * math.exp(-0.3)),
    ]:
        x.grad = 0.0
        y = make(x)
        y.backward()
        assert y.data == pytest.approx(value, rel=1e-15) and x.grad == pytest.approx(slope, rel=1e-15)


def test_maximum_minimum_clamp_follow_torch_at_ties_and_bounds():
    for ours, theirs in [(tg.maximum, torch.maximum), (tg.minimum, torch.minimum)]:
        for a, b in [(1.0, 2.0), (2.0, 1.0), (1.5, 1.5)]:
            va, vb = Value(a), Value(b)
            ours(va, vb).backward()
            ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
            tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
            theirs(ta, tb).backward()
            assert (va.grad, vb.grad) == (ta.grad.item(), tb.grad.item()), (ours, a, b)
    assert tg.maximum(Value(1.0), 3).data == 3.0 and Value(1.0).minimum(0.5).data == 0.5
    for x in [-2.0, -1.0, 0.0, 1.0, 2.0]:
        v = Value(x)
        y = v.clamp(min=-1.0, max=1.0)
        y.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        tc = torch.clamp(t, min=-1.0, max=1.0)
        tc.backward()
        assert (y.data, v.grad) == (tc.item(), t.grad.item()), x
    assert Value(5.0).clamp(min=2.0, max=1.0).data == 1.0  # min > max: everything is max, as torch
    with pytest.raises(TypeError, match="min, max or both"):
        Value(1.0).clamp()


def test_clamp_keeps_bce_finite_as_the_notes_do():
    eps = 1e-8
    p = Value(0.0)
    loss = -(p.clamp(eps, 1 - eps).log())
    loss.backward()
    assert loss.data == pytest.approx(-math.log(eps)) and p.grad == 0.0  # clamped: no gradient there


def test_softmax_family_takes_dim_0_or_minus_1_only():
    xs = [1.0, 2.0, 3.0]
    for f in (F.softmax, F.log_softmax):
        assert [v.data for v in f(xs, dim=0)] == [v.data for v in f(xs, dim=-1)] == [v.data for v in f(xs)]
    assert F.logsumexp(xs, dim=0).data == F.logsumexp(xs).data
    with pytest.raises(ValueError, match="dim=1 is not an axis"):
        F.softmax(xs, dim=1)


def test_losses_take_torch_keywords():
    p = Value(0.7)
    assert F.mse_loss(input=p, target=1.0).data == F.mse_loss(p, 1.0).data
    assert F.binary_cross_entropy(input=p, target=1.0).data == F.binary_cross_entropy(p, 1.0).data
    assert F.binary_cross_entropy_with_logits(input=p, target=1.0).data == \
        F.binary_cross_entropy_with_logits(p, 1.0).data
    assert F.cross_entropy(input=[p, 0.0], target=0).data == F.cross_entropy([p, 0.0], 0).data
    with pytest.raises(TypeError, match="both preds and input"):
        F.mse_loss(p, 1.0, input=p)


# ---------------------------------------------------------------- pickle and deepcopy
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_values
        return (2 * x * g,)


def test_values_pickle_and_deepcopy_with_their_graph():
    x = Value(0.5, label="x")
    c = Value(2.0, label="c", requires_grad=False)
    y = Square.apply((x * c).tanh() + x.clamp(0.0, 1.0) + tg.sum([x, c]))
    y.label = "y"
    y.backward()
    for copy_of in (lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy):
        y2 = copy_of(y)
        assert (y2.data, y2.grad, y2.label, y2.op) == (y.data, y.grad, "y", "Square")
        leaves = {v.label: v for v in tg.engine.topological_order(y2) if v.is_leaf}
        x2 = leaves["x"]
        assert x2 is not x and x2.grad == x.grad and x2.requires_grad
        x2.grad = 0.0
        y2.backward()
        assert x2.grad == x.grad  # the copy differentiates like the original
        consts = [v for v in _all_nodes(y2) if v.label == "c"]
        assert consts and not consts[0].requires_grad


def _all_nodes(root):
    seen, stack, out = set(), [root], []
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        out.append(v)
        stack.extend(v.inputs)
    return out


def test_a_leaf_shared_in_one_pickle_stays_one_object():
    x = Value(1.0, label="x")
    y = x * 3
    y2, x2 = pickle.loads(pickle.dumps([y, x]))
    assert y2.inputs[0] is x2


def test_deep_chains_pickle_and_copy_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    for copy_of in (lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy):
        y2 = copy_of(y)
        assert y2.data == y.data and y2.op == "add"


# ---- no silent detach: float() of a Value that requires grad, while recording, is a TypeError

def test_math_exp_of_a_value_that_requires_grad_is_refused_not_silently_detached():
    a = Value(1.0, label="a")
    with pytest.raises(TypeError) as info:
        math.exp(a) * a
    message = str(info.value)
    for hint in ("a.exp()", "a.item()", "a.data", "no_grad"):
        assert hint in message, hint
    b = a.exp() * a  # what the message says: d/da (a·e^a) = (1 + a)·e^a = 2e at a = 1
    b.backward()
    assert a.grad == pytest.approx(2 * math.e, rel=1e-15)


def test_float_refuses_computed_values_and_math_functions_that_call_it():
    x = Value(0.5)
    y = x * 3
    for call in (float, math.isfinite, math.log, math.sqrt, math.tanh, lambda v: "%.2f" % v):  # noqa: UP031
        with pytest.raises(TypeError, match=r"v\.item\(\) or v\.data"):
            call(y)


def test_int_round_format_item_and_floor_keep_working_on_values_that_require_grad():
    v = Value(2.675, label="v")
    assert (int(v), round(v), round(v, 1), format(v, ".2f"), f"{v:.1f}", v.item()) == (
        2, 3, 2.7, "2.67", "2.7", 2.675)
    assert (math.floor(v), math.ceil(v), math.trunc(v)) == (2, 3, 2)


def test_float_converts_when_no_gradient_is_recorded():
    assert float(Value(1.5, requires_grad=False)) == 1.5
    assert float(Value(1.5).detach()) == 1.5
    v = Value(1.5)
    with tg.no_grad():
        assert float(v) == 1.5 and math.exp(v) == math.exp(1.5)
    with tg.set_grad_enabled(False):
        assert float(v * 2) == 3.0
