"""gradcheck, jacobian, hessian and tinygrad_edu.testing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

import tinygrad_edu as tg
from tinygrad_edu import Function, GradcheckError
from tinygrad_edu.testing import assert_grad_close, finite_difference
from tinygrad_edu.testing import strategies as st


class WrongSquare(Function):
    """f(x) = x², with a deliberately wrong backward (x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_values
        return (g * x,)


def test_gradcheck_passes_on_correct_gradients():
    assert tg.gradcheck(lambda x, y: (x * y).sigmoid() + x.exp() / y, [0.3, 1.7]) is True


def test_gradcheck_reports_a_table_for_wrong_gradients():
    with pytest.raises(GradcheckError) as e:
        tg.gradcheck(lambda x: WrongSquare.apply(x), [3.0])
    msg = str(e.value)
    assert "analytic" in msg and "numeric" in msg and "error" in msg and "mismatch" in msg
    assert "3" in msg and "6" in msg  # analytic 3, numeric 6
    assert tg.gradcheck(lambda x: WrongSquare.apply(x), [3.0], raise_exception=False) is False
    assert isinstance(e.value, AssertionError)


def test_finite_difference_is_close_to_exact():
    fd = finite_difference(lambda x, y: x * x * y, [3.0, 2.0])
    assert fd[0] == pytest.approx(12.0, abs=1e-6) and fd[1] == pytest.approx(9.0, abs=1e-6)


def test_jacobian_of_a_vector_function():
    J = tg.jacobian(lambda v: [v[0] * v[1], v[0].tanh(), 7.0], [0.5, 2.0])
    t = math.tanh(0.5)
    assert J[0] == [2.0, 0.5]
    assert J[1] == [pytest.approx(1 - t * t, rel=1e-15), 0.0]
    assert J[2] == [0.0, 0.0]


def test_hessian_is_symmetric_and_exact():
    def f(v):
        x, y = v
        return x**3 * y + (x * y).exp()

    x, y = 0.4, -1.1
    H = tg.hessian(f, [x, y])
    e = math.exp(x * y)
    expected = [[6 * x * y + y * y * e, 3 * x * x + e + x * y * e], [3 * x * x + e + x * y * e, x * x * e]]
    for i in range(2):
        for j in range(2):
            assert H[i][j] == pytest.approx(expected[i][j], rel=1e-13)
    assert tg.hessian(lambda v: v[0] * 2 + v[1], [1.0, 2.0]) == [[0.0, 0.0], [0.0, 0.0]]


def test_assert_grad_close_raises_on_wrong_gradient():
    with pytest.raises(AssertionError, match="gradient mismatch"):
        assert_grad_close(lambda x: WrongSquare.apply(x), [2.0])


@given(st.points(2, low=-3, high=3, avoid=(0.0,)))
def test_users_can_property_test_their_own_function_in_a_few_lines(xs):
    class Hypot(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return math.hypot(a, b)

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_values
            r = math.hypot(a, b)
            return g * a / r, g * b / r

    assert_grad_close(lambda a, b: Hypot.apply(a, b), xs)


def test_strategies_keep_away_from_declared_points():
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    with pytest.raises(NoSuchExample):  # no value within the margin around 0 can be drawn
        find(st.floats_in(-1, 1, avoid=(0.0,), margin=0.1), lambda x: abs(x) < 0.05)
    assert abs(find(st.floats_in(-1, 1, avoid=(0.0,), margin=0.1), lambda x: abs(x) < 0.2)) >= 0.1
