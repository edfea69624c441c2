"""Domain errors, overflow, and user-defined Functions."""

from __future__ import annotations

import math

import pytest

import tinygrad_edu as tg
from tinygrad_edu import DomainError, Function, TinygradEduError, Value


@pytest.mark.parametrize(
    "make, op_name, bad",
    [
        (lambda: Value(-1.0).log(), "log", "-1.0"),
        (lambda: Value(0.0).log(), "log", "0.0"),
        (lambda: Value(-4.0).sqrt(), "sqrt", "-4.0"),
        (lambda: Value(0.0) ** -1, "pow", "-1"),
        (lambda: Value(-8.0) ** (1 / 3), "pow", "-8.0"),
        (lambda: Value(1.0) / 0, "div", "0.0"),
        (lambda: 1 / Value(0.0), "div", "0.0"),
        (lambda: Value(0.0) ** Value(-2.0), "pow", "-2.0"),
    ],
)
def test_domain_errors_name_the_op_and_the_value(make, op_name, bad):
    with pytest.raises(DomainError) as e:
        make()
    msg = str(e.value)
    assert msg.startswith(op_name + ":") and bad in msg
    assert isinstance(e.value, ValueError) and isinstance(e.value, ArithmeticError)
    assert "math domain error" not in msg


def test_overflow_follows_ieee_inf_not_an_exception():
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf
    assert (Value(2.0) ** Value(5000.0)).data == math.inf
    assert (Value(1e308) ** 2).data == math.inf


def test_an_error_leaves_no_half_built_node():
    x = Value(-1.0)
    with pytest.raises(DomainError):
        x.log()
    y = x * 2
    y.backward()
    assert x.grad == 2.0


# ---------------------------------------------------------------- Function
class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return (grad_output * 3 * x * x,)


class StableSoftplus(Function):
    """log(1 + e^x) computed without overflow; derivative σ(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output / (1 + math.exp(-ctx.x)) if ctx.x > -700 else 0.0


class Mix(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b + a

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_values
        return g * (b + 1), g * a


def test_function_forward_backward_and_graph():
    x = Value(2.0)
    y = Cube.apply(x) * 2
    y.backward()
    assert y.data == 16.0 and x.grad == 24.0
    assert y.inputs[0].op == "Cube" and y.inputs[0].inputs == (x,)


def test_function_with_two_inputs_and_numbers():
    a = Value(3.0)
    y = Mix.apply(a, 4)
    y.backward()
    assert y.data == 15.0 and a.grad == 5.0
    assert tg.gradcheck(lambda p, q: Mix.apply(p, q), [0.3, -1.7])


def test_function_against_finite_differences():
    for x in [-800.0, -5.0, 0.0, 3.0, 800.0]:
        v = Value(x)
        y = StableSoftplus.apply(v)
        y.backward()
        assert math.isfinite(y.data) and math.isfinite(v.grad)
    assert tg.gradcheck(lambda v: StableSoftplus.apply(v), [0.7])
    tg.testing.assert_grad_close(lambda v: StableSoftplus.apply(v) * v, [-1.3])


def test_function_backward_with_wrong_arity_is_a_clear_error():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return (g,)

    y = Bad.apply(Value(1.0), Value(2.0))
    with pytest.raises(TinygradEduError, match=r"Bad.backward returned 1 gradient\(s\) but Bad has 2"):
        y.backward()


def test_function_forward_must_return_a_number():
    class NotANumber(Function):
        @staticmethod
        def forward(ctx, a):
            return "x"

        @staticmethod
        def backward(ctx, g):
            return (g,)

    with pytest.raises(TypeError, match=r"NotANumber\.forward result"):
        NotANumber.apply(Value(1.0))


def test_function_cannot_be_differentiated_twice():
    x = Value(2.0)
    with pytest.raises(TinygradEduError, match="create_graph"):
        tg.grad(Cube.apply(x), x, create_graph=True)


def test_function_under_no_grad_records_nothing():
    with tg.no_grad():
        y = Cube.apply(Value(2.0))
    assert y.op == "" and not y.requires_grad


def test_anomaly_messages_show_labels_and_function_names_escaped():
    class Blow(Function):
        @staticmethod
        def forward(ctx, x):
            return math.inf

        @staticmethod
        def backward(ctx, grad_output):
            return (grad_output,)

    evil = type("Blow\x1b[2J", (Blow,), {})
    p = Value(1e308, label="big\x1b]0;title\x07")
    q = Value(0.0, label="q\x1b[31m\n")
    with tg.detect_anomaly():
        with pytest.raises(tg.AnomalyError) as forward:
            p * 10
        with pytest.raises(tg.AnomalyError) as function:
            evil.apply(p)
        r = q.sqrt()
        with pytest.raises(tg.AnomalyError) as backward:
            r.backward()
    for e in (forward, function, backward):
        msg = str(e.value)
        assert not any(ch in msg for ch in "\x1b\x07\n"), msg
    assert "from inputs 1e+308 ('big\\x1b]0;title\\x07'), 10.0" in str(forward.value)
    assert str(function.value).startswith("forward: 'Blow\\x1b[2J' gave inf")
    assert "to its input 0 ('q\\x1b[31m\\n')" in str(backward.value)
    p.label = "plain"
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError, match=r"from inputs 1e\+308 \(plain\), 10\.0"):
        p * 10
