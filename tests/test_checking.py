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


# ---- one function serves gradcheck, jacobian and hessian (either calling form)

def _each(x, y):
    return (x * y).tanh() + x.exp() * y


def _as_list(v):
    return (v[0] * v[1]).tanh() + v[0].exp() * v[1]


@pytest.mark.parametrize("f", [_each, _as_list, lambda *xs: _each(*xs)], ids=["f(x, y)", "f(xs)", "f(*xs)"])
def test_gradcheck_jacobian_and_hessian_accept_the_same_function(f):
    x, y = 0.4, -1.3
    t = math.tanh(x * y)
    dx = (1 - t * t) * y + math.exp(x) * y  # hand-derived
    dy = (1 - t * t) * x + math.exp(x)
    assert tg.gradcheck(f, [x, y]) is True
    (row,) = tg.jacobian(f, [x, y])
    assert row == [pytest.approx(dx, rel=1e-14), pytest.approx(dy, rel=1e-14)]
    H = tg.hessian(f, [x, y])
    s2 = 1 - t * t  # d/du tanh(u) = s2, d²/du² = -2 t s2, u = x·y
    assert H[0][0] == pytest.approx(-2 * t * s2 * y * y + math.exp(x) * y, rel=1e-12)
    assert H[1][1] == pytest.approx(-2 * t * s2 * x * x, rel=1e-12)
    assert H[0][1] == pytest.approx(s2 - 2 * t * s2 * x * y + math.exp(x), rel=1e-12) == H[1][0]


def test_the_issue_examples_work_in_both_directions():
    assert tg.gradcheck(lambda xs: xs[0] * xs[1], [1.0, 2.0]) is True
    assert tg.jacobian(lambda a, b: [a * b], [1.0, 2.0]) == [[2.0, 1.0]]
    assert tg.hessian(lambda a, b: a * a * b, [3.0, 5.0]) == [[10.0, 6.0], [6.0, 0.0]]


@pytest.mark.parametrize("f", [lambda x: x ** 3, lambda v: v[0] ** 3, lambda v: (lambda a: a ** 3)(*v)])
def test_one_input_either_form(f):
    assert tg.gradcheck(f, [2.0]) is True
    assert tg.jacobian(f, [2.0]) == [[12.0]]
    assert tg.hessian(f, [2.0]) == [[12.0]]
    assert tg.finite_difference(f, [2.0])[0] == pytest.approx(12.0, rel=1e-8)


def test_a_function_of_neither_form_names_both():
    for who, call in (("gradcheck", tg.gradcheck), ("jacobian", tg.jacobian), ("hessian", tg.hessian)):
        pattern = rf"{who}: f takes 3 positional.*2 inputs.*f\(x0, x1, \.\.\.\).*f\(xs\)"
        with pytest.raises(TypeError, match=pattern):
            call(lambda a, b, c: a, [1.0, 2.0])


def test_a_type_error_inside_f_is_not_mistaken_for_the_list_form():
    with pytest.raises(TypeError, match="got str"):
        tg.gradcheck(lambda x: x + "a", [1.0])


def test_assert_grad_close_takes_either_form():
    assert_grad_close(lambda x, y: x * y.exp(), [1.5, -0.5])
    assert_grad_close(lambda v: v[0] * v[1].exp(), [1.5, -0.5])
    with pytest.raises(AssertionError, match=r"input 0 = 3\.0"):
        assert_grad_close(lambda v: WrongSquare.apply(v[0]), [3.0])


def test_a_list_function_with_optional_parameters_gets_the_list():
    import tinygrad_edu.functional as F

    J = tg.jacobian(F.softmax, [0.0, 0.0])  # F.softmax(xs, dim=None): s_i(δ_ij − s_j) with s = (1/2, 1/2)
    assert J == [[0.25, -0.25], [-0.25, 0.25]]
    assert tg.gradcheck(F.logsumexp, [0.3, -1.0, 2.0]) is True
