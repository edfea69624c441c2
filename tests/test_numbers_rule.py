"""One rule for numbers: domain errors raise; overflow and NaN follow IEEE, like PyTorch.

* a domain error (log(0), sqrt(-1), 0 ** -1, x / 0, log1p(-1)) raises DomainError naming op and value;
* a result too large is ±inf, never a Python exception, never a silent finite number;
* NaN passes through every op;
* what cannot be a float at all (10**400, complex) is a TypeError / NumericOverflowError naming where.

The property tests run every registry op, so a new op is held to the rule as soon as it is registered.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import DomainError, NumericOverflowError, Value
from tinygrad_edu.engine.value import apply_op
from tinygrad_edu.ops import REGISTRY, Op

OPS = sorted(REGISTRY.values(), key=lambda op: op.name)
IDS = [op.name for op in OPS]
INF, NAN = math.inf, math.nan

# Ops whose domain is not all of R (or R²): the only ones that may raise, and only DomainError.
PARTIAL = {"div", "pow", "pow_value", "log", "sqrt", "log1p"}


def _n_inputs(op: Op) -> int:
    return op.domain.nary if op.arity == -1 else op.arity


any_float = hst.floats(allow_nan=False, allow_infinity=False)  # the whole double range, 1e308 included


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_finite_inputs_give_a_float_or_a_declared_domain_error(op: Op):
    """Forward and backward at any finite point: a float (finite, ±inf or IEEE nan), never a bare error."""

    @given(hst.lists(any_float, min_size=_n_inputs(op), max_size=_n_inputs(op)),
           hst.sampled_from(list(op.domain.params)))
    def check(xs, p):
        leaves = [Value(x) for x in xs]
        try:
            y = apply_op(op, leaves, p)
        except DomainError as e:
            assert op.name in PARTIAL, f"{op.name} is defined on all inputs but raised {e}"
            assert op.name.split("_")[0] in str(e)
            return
        assert isinstance(y.data, float)
        if op.name not in ("dot", "sum", "bce_with_logits", "pow_value", "pow"):
            # one float op on finite inputs can only overflow, never give inf - inf
            assert not math.isnan(y.data), (op.name, xs, p, y.data)
        y.backward()  # may hold inf or nan (0 · inf), but never raises
        for v in leaves:
            assert isinstance(v.grad, float)

    check()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_nan_propagates_through_every_op(op: Op):
    n = _n_inputs(op)
    p = op.domain.params[0]
    for i in range(n):
        xs = [0.75] * n
        xs[i] = NAN
        y = apply_op(op, [Value(x) for x in xs], p)
        if op.name == "tie" and i == 1:  # tie(a, b) is a: b is only recorded (its derivative is 0)
            assert y.data == 0.75
            continue
        assert math.isnan(y.data), (op.name, xs, p, y.data)


@pytest.mark.parametrize("make", [
    lambda: Value(1e308) ** 2,
    lambda: Value(1000.0).exp(),
    lambda: Value(1000.0).expm1(),
    lambda: Value(1e308) * 10,
    lambda: Value(1e308) / 1e-308,
    lambda: tg.sum([Value(1.0), 1e308, 1e308]),
    lambda: tg.dot([Value(1e308), 1e308], [10.0, 10.0]),
    lambda: F.mse_loss([Value(1e200), Value(-1e200)], [0.0, 0.0], reduction="sum"),
    lambda: Value(2.0) ** Value(5000.0),
], ids=["pow", "exp", "expm1", "mul", "div", "sum", "dot", "mse_sum", "pow_value"])
def test_overflow_is_plus_inf(make):
    assert make().data == INF


def test_inf_minus_inf_is_nan_in_sum_and_dot():
    assert math.isnan(tg.sum([Value(1.0), INF, -INF]).data)
    assert math.isnan(tg.dot([Value(1.0), 1.0], [INF, -INF]).data)


def test_negative_overflow_keeps_its_sign():
    assert (Value(-10.0) ** 401).data == -INF
    assert (Value(-1e308) * 10).data == -INF


def test_relu_of_nan_is_nan_so_a_network_fed_nan_says_so():
    assert math.isnan(Value(NAN).relu().data)
    model = tg.nn.MLP(2, [3, 1], seed=0)
    out = model([NAN, 1.0])
    out = out[0] if isinstance(out, list) else out
    assert math.isnan(out.data)


def test_mlp_fed_inf_gives_a_float_not_an_exception():
    model = tg.nn.MLP(2, [3, 1], seed=0)
    out = model([INF, -INF])
    out = out[0] if isinstance(out, list) else out
    assert isinstance(out.data, float)


@pytest.mark.parametrize("name", ["silu", "gelu", "gelu_tanh"])
def test_silu_and_gelu_at_minus_infinity_are_their_limit_zero(name):
    x = Value(-INF)
    y = apply_op(REGISTRY[name], [x])
    y.backward()
    assert y.data == 0.0 and x.grad == 0.0
    x = Value(INF)
    y = apply_op(REGISTRY[name], [x])
    y.backward()
    assert y.data == INF and x.grad == 1.0


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_and_cos_of_infinity_are_nan_not_a_math_domain_error(name):
    assert math.isnan(getattr(Value(INF), name)().data)


@pytest.mark.parametrize("make, op, value", [
    (lambda: Value(0.0).log(), "log", "0.0"),
    (lambda: Value(-1.0).log(), "log", "-1.0"),
    (lambda: Value(-1.0).sqrt(), "sqrt", "-1.0"),
    (lambda: Value(0.0) ** -1, "pow", "-1"),
    (lambda: Value(1.0) / 0, "div", "0.0"),
    (lambda: Value(-1.0).log1p(), "log1p", "-1.0"),
    (lambda: Value(-8.0) ** (1 / 3), "pow", "-8.0"),
])
def test_domain_errors_name_the_op_and_the_value(make, op, value):
    with pytest.raises(DomainError) as e:
        make()
    assert op in str(e.value) and value in str(e.value)
    assert "math domain error" not in str(e.value)


@pytest.mark.parametrize("make, where", [
    (lambda: Value(10**400), "Value()"),
    (lambda: Value(1.0) * 10**400, "*"),
    (lambda: Value(2.0) ** 10**400, "exponent"),
    (lambda: Value(1.0).backward(10**400), "backward"),
    (lambda: tg.sum([Value(1.0), 10**400]), "sum"),
])
def test_ints_too_large_for_a_float_raise_numeric_overflow_naming_where(make, where):
    with pytest.raises(NumericOverflowError) as e:
        make()
    assert where in str(e.value) and "too large" in str(e.value)


def test_a_5001_digit_int_is_named_by_its_size_not_printed():
    with pytest.raises(NumericOverflowError) as e:
        Value(10**5000)
    assert len(str(e.value)) < 200


def test_numpy_complex_is_a_type_error_not_truncated():
    with pytest.raises(TypeError, match="complex"):
        Value(np.complex128(1 + 2j))
    with pytest.raises(TypeError, match="complex"):
        Value(1.0) * (1 + 2j)


def test_numpy_bool_is_coerced_like_bool():
    assert Value(np.bool_(True)).data == 1.0 and Value(np.bool_(False)).data == 0.0
    assert Value(np.float32(0.5)).data == 0.5


def test_softplus_is_finite_with_a_finite_gradient_at_plus_minus_1e300():
    for x, expected, slope in [(1e300, 1e300, 1.0), (-1e300, 0.0, 0.0)]:
        v = Value(x)
        y = v.softplus()
        y.backward()
        assert y.data == expected and v.grad == slope


# ---------------------------------------------------------------- create_graph gives the float pass's numbers
@pytest.mark.parametrize("f, x", [
    (lambda x: x.sqrt(), 0.0),
    (lambda x: x ** 0.5, 0.0),
    (lambda x: (x * x).sqrt(), 0.0),
    (lambda x: x.sqrt().sqrt() + 0.0 ** x, 0.0),
])
def test_create_graph_first_derivative_equals_the_float_one_even_when_infinite(f, x):
    v = Value(x)
    plain = tg.grad(f(v), v).data
    v2 = Value(x)
    recorded = tg.grad(f(v2), v2, create_graph=True)
    assert recorded.data == plain or (math.isnan(plain) and math.isnan(recorded.data))


def test_zero_to_a_value_power_d_by_dy_is_zero_at_both_passes():
    y = Value(0.5)
    assert tg.grad(Value(0.0, requires_grad=False) ** y, y).data == 0.0
    y = Value(0.5)
    assert tg.grad(Value(0.0, requires_grad=False) ** y, y, create_graph=True).data == 0.0


def test_negative_base_with_a_constant_value_exponent_differentiates():
    a = Value(-2.0)
    b = Value(2.0, requires_grad=False)
    assert tg.grad(a ** b, a).data == -4.0
    assert tg.grad(a ** b, a, create_graph=True).data == -4.0
    a = Value(-2.0)
    assert tg.hessian(lambda v: v[0] ** Value(2.0, requires_grad=False), [-2.0]) == [[2.0]]


def test_hessian_at_the_pole_of_sqrt_is_minus_inf_not_an_error():
    assert tg.hessian(lambda v: v[0].sqrt(), [0.0]) == [[-INF]]


def test_zero_to_the_zero_gives_zero_gradients_like_pytorch():
    a, b = Value(0.0), Value(0.0)
    ga, gb = tg.grad(a ** b, [a, b])
    assert (a ** b).data == 1.0 and ga.data == 0.0 and gb.data == 0.0
    ga2, gb2 = tg.grad(a ** b, [a, b], create_graph=True)
    assert ga2.data == 0.0 and gb2.data == 0.0


# ---------------------------------------------------------------- detect_anomaly
def test_detect_anomaly_names_the_forward_op_inputs_and_the_users_line():
    x = Value(1e308, label="big")
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError) as e:
        x * 10  # the first op whose result is not finite
    msg = str(e.value)
    assert msg.startswith("forward: mul gave inf") and "1e+308 (big)" in msg
    assert "test_numbers_rule.py:" in msg
    assert isinstance(e.value, ArithmeticError)


def test_detect_anomaly_names_the_backward_op_and_changes_no_grad():
    p = Value(0.0, label="p")
    p.grad = 0.25
    with tg.detect_anomaly():
        r = p.sqrt()
        with pytest.raises(tg.AnomalyError) as e:
            r.backward()
    msg = str(e.value)
    assert msg.startswith("backward: sqrt sent the gradient inf to its input 0 (p)")
    assert "test_numbers_rule.py:" in msg
    assert p.grad == 0.25
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError):
        tg.grad(p.sqrt(), p)


def test_outside_detect_anomaly_nothing_is_checked_and_the_mode_is_per_thread():
    import threading

    assert (Value(1e308) * 10).data == INF
    seen = []
    with tg.detect_anomaly():
        t = threading.Thread(target=lambda: seen.append((Value(1e308) * 10).data))
        t.start()
        t.join()
        assert tg.is_anomaly_enabled()
    assert seen == [INF] and not tg.is_anomaly_enabled()


def test_detect_anomaly_as_a_decorator():
    @tg.detect_anomaly()
    def overflow():
        return Value(1000.0).exp()

    with pytest.raises(tg.AnomalyError, match="forward: exp"):
        overflow()
    assert Value(1000.0).exp().data == INF


# ---------------------------------------------------------------- the hostile round: one rule each
@pytest.mark.parametrize("x, lo, hi", [(2.0, 0.0, NAN), (-1.0, NAN, 1.0), (0.5, NAN, None), (0.5, None, NAN)])
def test_clamp_with_a_nan_bound_is_nan_like_torch(x: float, lo, hi):
    import torch

    y = Value(x).clamp(lo, hi)
    assert math.isnan(y.data)
    t = torch.clamp(torch.tensor(x, dtype=torch.float64), lo, hi)
    assert math.isnan(t.item())


@pytest.mark.parametrize("make", [
    lambda: Value(-INF) ** 0.5,
    lambda: Value(-INF).sqrt(),
    lambda: Value(-1e308) ** 0.5,
    lambda: Value(-1.0) ** 0.5,
    lambda: Value(-INF) ** Value(0.5),
    lambda: Value(-INF) ** 1.5,
])
def test_a_negative_base_with_a_fractional_exponent_is_one_domain_error_infinity_included(make):
    """torch gives nan for all of these; the project's rule makes every one the same DomainError."""
    with pytest.raises(DomainError, match=r"pow|sqrt") as e:
        make()
    assert "negative" in str(e.value) or ">= 0" in str(e.value)


def test_a_negative_infinite_base_with_an_integer_exponent_is_still_a_number():
    assert (Value(-INF) ** 2).data == INF and (Value(-INF) ** 3).data == -INF


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("sign", [1, -1])
def test_a_class_index_with_thousands_of_digits_is_a_clear_range_error(loss: str, sign: int):
    target = sign * 10**5000
    clear = r"target = an? (negative )?int with about 5001 digits is out of range: there are 2 classes"
    with pytest.raises(ValueError, match=clear):
        getattr(F, loss)([0.1, 0.2], target)
    with pytest.raises(ValueError, match=r"target\[1\] = .*5001 digits is out of range"):
        getattr(F, loss)([[0.1, 0.2], [0.3, 0.4]], [0, target])


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e4000"])
def test_a_numpy_longdouble_beyond_the_float_range_overflows_like_a_huge_int(text: str):
    big = np.longdouble(text)
    if np.isinf(big):
        pytest.skip("this platform's long double is a plain double: no finite value beyond 1e308")
    too_large = r"Value\(\) got the numpy longdouble .*too large for a float"
    with pytest.raises(NumericOverflowError, match=too_large):
        Value(big)
    with pytest.raises(NumericOverflowError):
        Value(10**400)
    assert Value(np.longdouble("1e300")).data == 1e300  # in range: converted
    assert Value(np.float64("inf")).data == INF  # an infinity is an infinity, not an overflow
