"""Tools to test derivatives: finite differences, assertions, hypothesis strategies.

A user who writes their own :class:`~tinygrad_edu.Function` can property-test it
in a few lines::

    from hypothesis import given
    from tinygrad_edu.testing import assert_grad_close, strategies as st

    @given(st.points(2, low=-3, high=3))
    def test_my_op(xs):
        assert_grad_close(lambda a, b: MyOp.apply(a, b), xs)

``strategies`` needs the ``hypothesis`` package (the ``test`` extra); it is
imported only when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from tinygrad_edu.checking.numeric import _as_floats, _caller, _scalar, analytic_gradient, finite_difference
from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value


def grad_tolerance(auto: float, numeric: float, f_scale: float = 1.0, *, abs_tol: float = 1e-6,
                   rel_tol: float = 1e-5) -> float:
    """How far apart an exact derivative and a central difference (h = 1e-6) may be.

    ``abs_tol·max(1, |f|)`` covers rounding in f(x ± h) (of order ε·|f|/h) and
    ``rel_tol·max(|auto|, |numeric|)`` the truncation error of order h²·f'''.
    """
    return abs_tol * max(1.0, abs(f_scale)) + rel_tol * max(abs(auto), abs(numeric))


def assert_grad_close(f: Callable[..., Any], xs: Sequence[Any], *, h: float = 1e-6, abs_tol: float = 1e-6,
                      rel_tol: float = 1e-5) -> None:
    """Assert that the engine's gradient of ``f`` at ``xs`` matches central differences.

    ``f`` takes one Value per input or one list of them, as for ``gradcheck``.

    Raises AssertionError with a per-input table when it does not.

    >>> assert_grad_close(lambda x, y: x * y.exp(), [1.5, -0.5])
    """
    auto = analytic_gradient(f, xs)
    num = finite_difference(f, xs, h=h)
    base = _as_floats(xs)
    with no_grad():
        call = _caller(f, len(base), "assert_grad_close")
        scale = _scalar(call([Value(x, requires_grad=False) for x in base]), "f")
    bad = []
    for i, (a, n) in enumerate(zip(auto, num)):
        tol = grad_tolerance(a, n, scale, abs_tol=abs_tol, rel_tol=rel_tol)
        if not abs(a - n) <= tol:
            bad.append(f"  input {i} = {base[i]!r}: engine {a!r}, finite difference {n!r}, "
                       f"|diff| {abs(a - n):.3g} > tol {tol:.3g}")
    if bad:
        raise AssertionError("gradient mismatch:\n" + "\n".join(bad))


def __getattr__(name: str) -> ModuleType:
    if name == "strategies":
        return importlib.import_module("tinygrad_edu.testing.strategies")
    raise AttributeError(f"module 'tinygrad_edu.testing' has no attribute {name!r}")


__all__ = ["finite_difference", "analytic_gradient", "assert_grad_close", "grad_tolerance", "strategies"]
