"""Derivatives by finite differences, and checks of the engine against them.

The central difference ``(f(x + h) − f(x − h)) / 2h`` has an error of order
``h²`` (plus rounding of order ``ε·|f|/h``), so with ``h = 1e-6`` in double
precision it agrees with an exact derivative to about 1e-8 relative: close
enough to catch every wrong formula, never close enough to compare with ``==``.

How ``f`` is called - one way per function, always the same:

* :func:`finite_difference`, :func:`analytic_gradient` and :func:`gradcheck`
  call ``f(*values)``: one Value per input, as positional arguments, like
  ``torch.autograd.gradcheck``.  ``f`` returns one Value (or a number).
* :func:`jacobian` and :func:`hessian` call ``f(values)``: one list of Values.
  ``jacobian``'s ``f`` returns a list of Values (one per output) or one Value;
  ``hessian``'s ``f`` returns one Value.  Anything else is a ``TypeError``
  naming what came back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from tinygrad_edu.engine.autograd import grad
from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value, to_float
from tinygrad_edu.errors import GradcheckError


def _as_floats(xs: Sequence[Any]) -> list[float]:
    return [x.data if isinstance(x, Value) else to_float(x, "input") for x in xs]


def _scalar(y: Any, who: str) -> float:
    if isinstance(y, Value):
        return y.data
    try:
        return to_float(y, who)
    except TypeError:
        raise TypeError(f"{who} must return a Value or a number, got {type(y).__name__}") from None


def _check_step(h: Any, who: str) -> float:
    step = to_float(h, f"{who}: the step")
    if not (step > 0.0 and math.isfinite(step)):
        raise ValueError(f"{who}: the step must be a positive finite number, got {h!r}")
    return step


def finite_difference(f: Callable[..., Any], xs: Sequence[Any], h: float = 1e-6) -> list[float]:
    """Central differences of scalar ``f(*xs)`` with respect to each input.

    ``f`` is called as ``f(*values)`` with constant Values (under ``no_grad``,
    so no graph is built); it may return a Value or a number.

    >>> finite_difference(lambda x, y: x * x * y, [3.0, 2.0])   # (2xy, x²) = (12, 9)
    [12.0..., 9.0...]
    """
    h = _check_step(h, "finite_difference")
    base = _as_floats(xs)
    out = []
    for i in range(len(base)):
        up = list(base)
        dn = list(base)
        up[i] += h
        dn[i] -= h
        if up[i] == dn[i]:
            spacing = math.ulp(base[i])
            raise ValueError(
                f"finite_difference: the step {h!r} vanishes next to input {i} = {base[i]!r} (floats there "
                f"are {spacing:.3g} apart); use a step of at least {2 * spacing:.3g}"
            )
        with no_grad():
            fu = _scalar(f(*[Value(v, requires_grad=False) for v in up]), "f")
            fd = _scalar(f(*[Value(v, requires_grad=False) for v in dn]), "f")
        out.append((fu - fd) / ((base[i] + h) - (base[i] - h)))
    return out


def analytic_gradient(f: Callable[..., Any], xs: Sequence[Any]) -> list[float]:
    """The engine's gradient of scalar ``f(*xs)`` with respect to each input."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(_as_floats(xs))]
    y = f(*leaves)
    if not isinstance(y, Value) or not y.requires_grad:
        return [0.0] * len(leaves)
    return [g.data for g in grad(y, leaves, allow_unused=True)]


def _what(x: Any) -> str:
    return f"{type(x).__name__} {x!r:.60}"


def _table(rows: list[tuple[int, float, float, float, bool]]) -> str:
    lines = [f"{'input':>5}  {'analytic':>14}  {'numeric':>14}  {'error':>10}", "-" * 50]
    for i, a, n, err, ok in rows:
        lines.append(f"{i:>5}  {a:>14.7g}  {n:>14.7g}  {err:>10.3g}" + ("" if ok else "  <-- mismatch"))
    return "\n".join(lines)


def gradcheck(f: Callable[..., Any], inputs: Sequence[Any], *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Compare the engine's gradient of ``f(*inputs)`` with central differences.

    ``f`` is called as ``f(*values)``, one Value per input (see the module docstring).

    Passes when ``|analytic − numeric| <= atol + rtol·|numeric|`` for every input.
    Returns True, or raises :class:`GradcheckError` whose message is a table of
    input, analytic, numeric and error (returns False if ``raise_exception=False``).

    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.2])
    True
    """
    eps = _check_step(eps, "gradcheck(eps)")
    analytic = analytic_gradient(f, inputs)
    numeric = finite_difference(f, inputs, h=eps)
    rows = []
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        err = abs(a - n)
        rows.append((i, a, n, err, err <= atol + rtol * abs(n)))
    if all(r[4] for r in rows):
        return True
    if raise_exception:
        raise GradcheckError("gradcheck failed: analytic and numeric gradients differ\n" + _table(rows))
    return False


def jacobian(f: Callable[[list[Value]], Any], xs: Sequence[Any]) -> list[list[float]]:
    """J[i][j] = d f_i / d x_j for ``f`` mapping a list of Values to a list of Values.

    ``f`` is called as ``f(values)`` with one list; it returns a list of Values
    (one per output, the rows; a plain number is a constant output, a row of
    zeros) or one Value (one row).

    >>> jacobian(lambda v: [v[0] * v[1], v[0] + 2 * v[1]], [3.0, 4.0])
    [[4.0, 3.0], [1.0, 2.0]]
    """
    leaves = [Value(x, label=f"x{j}") for j, x in enumerate(_as_floats(xs))]
    outs = f(leaves)
    if isinstance(outs, Value):
        outs = [outs]
    elif not isinstance(outs, (list, tuple)):
        raise TypeError(f"jacobian: f must return a list of Values or one Value, got {_what(outs)}")
    for i, y in enumerate(outs):
        if not isinstance(y, (Value, int, float)) or isinstance(y, bool):
            raise TypeError(f"jacobian: f must return Values (or numbers, constant outputs); output {i} is "
                            f"{_what(y)}")
    rows = []
    for y in outs:
        if isinstance(y, Value) and y.requires_grad:
            rows.append([g.data for g in grad(y, leaves, allow_unused=True)])
        else:
            rows.append([0.0] * len(leaves))
    return rows


def hessian(f: Callable[[list[Value]], Any], xs: Sequence[Any]) -> list[list[float]]:
    """H[i][j] = d²f / dx_i dx_j for scalar ``f``, through ``create_graph=True``.

    ``f`` is called as ``f(values)`` with one list and returns one Value.

    >>> hessian(lambda v: v[0] ** 2 * v[1], [3.0, 5.0])   # [[2y, 2x], [2x, 0]]
    [[10.0, 6.0], [6.0, 0.0]]
    """
    leaves = [Value(x, label=f"x{j}") for j, x in enumerate(_as_floats(xs))]
    y = f(leaves)
    n = len(leaves)
    if not isinstance(y, Value):
        hint = " (for a vector function use jacobian)" if isinstance(y, (list, tuple)) else ""
        raise TypeError(f"hessian: f must return one Value, got {_what(y)}{hint}")
    if not y.requires_grad:
        return [[0.0] * n for _ in range(n)]
    first = grad(y, leaves, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g.requires_grad:
            rows.append([h.data for h in grad(g, leaves, allow_unused=True)])
        else:
            rows.append([0.0] * n)
    return rows
