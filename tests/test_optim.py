"""tinygrad_edu.optim: the first steps of SGD and Adam against numbers worked out by hand.

The update rules are PyTorch's documented ones (torch.optim.SGD / torch.optim.Adam).
Gradients are set by hand on ``.grad`` so each step is easy to follow.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from tinygrad_edu import Value
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import SGD, Adam, NonFiniteGradientError


def run(opt, param: Value, grads: list[float]) -> list[float]:
    """Apply ``opt`` with the given gradient at each step; the parameter after each step."""
    out = []
    for g in grads:
        param.grad = g
        opt.step()
        out.append(param.data)
    return out


# ---------------------------------------------------------------- SGD
def test_sgd_plain_step():
    w = Value(1.0)
    assert run(SGD([w], lr=0.1), w, [0.5, -2.0]) == [1.0 - 0.05, 0.95 + 0.2]   # w − lr·g


def test_sgd_momentum_first_steps():
    # t=1: b = g = 1,             w = 1 − 0.1·1 = 0.9
    # t=2: b = 0.9·1 + 0.5 = 1.4, w = 0.9 − 0.1·1.4 = 0.76
    w = Value(1.0)
    got = run(SGD([w], lr=0.1, momentum=0.9), w, [1.0, 0.5])
    assert got == pytest.approx([0.9, 0.76], abs=1e-15)


def test_sgd_nesterov_first_steps():
    # t=1: b = 1,   g' = 1 + 0.9·1 = 1.9,     w = 1 − 0.19 = 0.81
    # t=2: b = 1.4, g' = 0.5 + 0.9·1.4 = 1.76, w = 0.81 − 0.176 = 0.634
    w = Value(1.0)
    got = run(SGD([w], lr=0.1, momentum=0.9, nesterov=True), w, [1.0, 0.5])
    assert got == pytest.approx([0.81, 0.634], abs=1e-15)


def test_sgd_dampening_skips_the_first_step():
    # t=1: b = g = 1 (no dampening on the first step), w = 0.9
    # t=2: b = 0.9·1 + (1 − 0.5)·0.5 = 1.15,           w = 0.9 − 0.115 = 0.785
    w = Value(1.0)
    got = run(SGD([w], lr=0.1, momentum=0.9, dampening=0.5), w, [1.0, 0.5])
    assert got == pytest.approx([0.9, 0.785], abs=1e-15)


def test_sgd_weight_decay_adds_l2_to_the_gradient():
    # g' = 0.5 + 0.1·2 = 0.7, w = 2 − 0.1·0.7 = 1.93
    w = Value(2.0)
    assert run(SGD([w], lr=0.1, weight_decay=0.1), w, [0.5]) == pytest.approx([1.93], abs=1e-15)


# ---------------------------------------------------------------- Adam
def test_adam_first_two_steps():
    # t=1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25,
    #               w = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002
    # t=2, g = −1:  m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975,
    #               m̂ = −0.055/0.19 = −0.289474, v̂ = 0.00124975/0.001999 = 0.625188, √v̂ = 0.790688,
    #               w = 0.900000 + 0.1·0.289474/0.790688 = 0.936610
    w = Value(1.0)
    opt = Adam([w], lr=0.1)
    first, second = run(opt, w, [0.5, -1.0])
    assert first == pytest.approx(0.900000002, abs=1e-15)
    assert round(second, 6) == 0.93661
    assert opt.exp_avg == pytest.approx([-0.055]) and opt.exp_avg_sq == pytest.approx([0.00124975])
    assert opt.steps == 2


def test_adam_weight_decay_is_l2_added_to_the_gradient():
    # g' = 0 + 0.1·2 = 0.2; first step: w = 2 − 0.1·0.2/(0.2 + 1e-8)
    w = Value(2.0)
    assert run(Adam([w], lr=0.1, weight_decay=0.1), w, [0.0]) == [2.0 - 0.1 * 0.2 / (0.2 + 1e-8)]


@given(hst.floats(1e-3, 1e3), hst.sampled_from([1.0, -1.0]))
def test_adam_first_step_has_size_lr_whatever_the_gradient(g, sign):
    w = Value(0.0)
    run(Adam([w], lr=0.01), w, [sign * g])
    assert w.data == pytest.approx(-sign * 0.01, rel=1e-5)


def test_custom_betas_and_eps():
    # t=1 with β₁ = 0.5, β₂ = 0.5: m̂ = g, v̂ = g², step = lr·g/(|g| + ε) = 0.1·2/(2 + 0.5) = 0.08
    w = Value(0.0)
    run(Adam([w], lr=0.1, betas=(0.5, 0.5), eps=0.5), w, [2.0])
    assert w.data == pytest.approx(-0.08, abs=1e-15)


# ---------------------------------------------------------------- both
@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), lambda ps: Adam(ps, lr=0.1)],
                         ids=["sgd", "adam"])
def test_minimises_a_quadratic(make):
    w = Value(-4.0)
    opt = make([w])
    for _ in range(300):
        loss = (w - 3.0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert w.data == pytest.approx(3.0, abs=1e-3)


def test_zero_grad_and_frozen_parameters():
    a, b = Value(1.0), Value(1.0, requires_grad=False)
    a.grad = b.grad = 5.0
    opt = SGD([a, b], lr=0.1, weight_decay=1.0)
    opt.step()
    assert a.data == pytest.approx(1.0 - 0.1 * (5.0 + 1.0)) and b.data == 1.0   # b is left alone
    opt.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps)], ids=["sgd", "adam"])
def test_non_finite_gradient_changes_nothing(make):
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    opt = make([a, b])
    a.grad, b.grad = 0.5, math.nan
    with pytest.raises(NonFiniteGradientError, match=r"parameter 1 \(b\) is nan.*no parameter was updated"):
        opt.step()
    assert (a.data, b.data, opt.steps) == (1.0, 2.0, 0)


def test_works_on_model_parameters():
    model = MLP(2, [3, 1], seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    before = model.state_dict()
    out = model([1.0, -1.0])
    opt.zero_grad()
    out.backward()
    opt.step()
    after = model.state_dict()
    moved = [k for k in before if before[k] != after[k]]
    grads = {p.label for p in model.parameters() if p.grad != 0.0}
    assert set(moved) == grads and moved                       # exactly the parameters with a gradient


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: SGD([Value(1.0)], lr=-0.1), ValueError, r"SGD\(lr\)"),
    (lambda: SGD([Value(1.0)], lr=math.nan), ValueError, r"SGD\(lr\)"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=-1), ValueError, "momentum"),
    (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov"),
    (lambda: SGD([], lr=0.1), ValueError, "empty"),
    (lambda: SGD(Value(1.0), lr=0.1), TypeError, "iterable"),
    (lambda: SGD([1.0], lr=0.1), TypeError, r"params\)\[0\] must be a Value"),
    (lambda: SGD([Value(1.0) * 2], lr=0.1), ValueError, "leaf"),
    (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
    (lambda: Adam([Value(1.0)], betas=0.9), ValueError, "pair"),
    (lambda: Adam([Value(1.0)], eps=0.0), ValueError, "eps"),
    (lambda: Adam([Value(1.0)], weight_decay=-1.0), ValueError, "weight_decay"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_duplicate_parameters_are_refused():
    w = Value(1.0, label="w")
    with pytest.raises(ValueError, match=r"\[1\] \(w\) is listed twice"):
        Adam([w, w])


# ---------------------------------------------------------------- pickle and deepcopy
def _one_step(model, opt):
    out = model([0.3, -0.7])
    opt.zero_grad()
    out.backward()
    opt.step()


@pytest.mark.parametrize("make_opt", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
    lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
], ids=["sgd", "adam"])
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_optimizer_copied_with_its_model_stays_tied_and_continues_identically(make_opt, how):
    import copy
    import pickle

    model = MLP(2, [3, 1], activation="tanh", seed=0)
    opt = make_opt(model.parameters())
    for _ in range(3):
        _one_step(model, opt)
    m2, o2 = pickle.loads(pickle.dumps((model, opt))) if how == "pickle" else copy.deepcopy((model, opt))
    assert all(p is q for p, q in zip(o2.params, m2.parameters()))       # the state follows the copies
    assert not any(p is q for p, q in zip(o2.params, model.parameters()))
    assert o2.steps == opt.steps == 3
    for _ in range(2):
        _one_step(model, opt)
        _one_step(m2, o2)
    assert m2.state_dict() == model.state_dict()                           # bit for bit the same run
    assert vars(o2).keys() == vars(opt).keys()


def test_an_optimizer_copied_alone_gets_its_own_parameters():
    import copy

    model = MLP(2, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.5)
    alone = copy.deepcopy(opt)
    for p in alone.params:
        p.grad = 1.0
    alone.step()
    assert model.state_dict() == MLP(2, [1], seed=0).state_dict()         # the original is untouched
    assert [p.data for p in alone.params] == [v - 0.5 for v in model.state_dict().values()]
