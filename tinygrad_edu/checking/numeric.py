"""Derivatives by finite differences, and checks of the engine against them.

The central difference ``(f(x + h) − f(x − h)) / 2h`` has an error of order
``h²`` (plus rounding of order ``ε·|f|/h``), so with ``h = 1e-6`` in double
precision it agrees with an exact derivative to about 1e-8 relative: close
enough to catch every wrong formula, never close enough to compare with ``==``.

How ``f`` is called - the same for every function here, in either of two forms:

* ``f(x0, x1, ...)``: one Value per input, as positional arguments, like
  ``torch.autograd.gradcheck``;
* ``f(xs)``: one list of Values, like ``torch.autograd.functional.jacobian``.

The form is read from ``f``'s signature: with several inputs, a function
with one required positional parameter gets the list (``F.softmax(xs,
dim=None)`` too); one with as many parameters as inputs (or ``*args``) gets
them one by one.  With a single input both read
the same, ``f(x)``; a function that indexes its argument (``lambda v: v[0]``)
gets ``[x]`` instead (tried when ``f(x)`` raises a TypeError about indexing a
Value).  A function that fits neither form is a ``TypeError`` naming both.
:func:`finite_difference`, :func:`analytic_gradient` and :func:`gradcheck`
expect one Value (or a number) back; ``jacobian``'s ``f`` returns a list of
Values (one per output) or one Value; ``hessian``'s ``f`` returns one Value.
Anything else is a ``TypeError`` naming what came back.
"""

from __future__ import annotations

import inspect
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


def _positional(f: Callable[..., Any]) -> tuple[int, int, bool] | None:
    """(required, most, star) positional parameters of ``f``, or None when its signature is unknown."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    required = most = 0
    star = False
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            most += 1
            required += p.default is p.empty
        elif p.kind is p.VAR_POSITIONAL:
            star = True
    return required, most, star


#: What Python says when a function indexes, unpacks or measures a Value it thought was a list.
_LIST_USE = ("subscriptable", "iterable", "len()")


def _indexed_a_value(exc: TypeError) -> bool:
    message = str(exc)
    return "Value" in message and any(s in message for s in _LIST_USE)


def _caller(f: Callable[..., Any], n: int, who: str) -> Callable[[list[Value]], Any]:
    """A function of one list of ``n`` Values that calls ``f`` in its form (see the module docstring)."""
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, got {_what(f)}")
    sig = _positional(f)
    both = "f is called either as f(x0, x1, ...) with one Value per input or as f(xs) with one list"
    if sig is not None:
        required, most, star = sig
        takes_each = required <= n and (star or most >= n)
        takes_list = required <= 1 and (star or most >= 1)
        if not takes_each and not takes_list:
            raise TypeError(f"{who}: f takes {required} positional argument(s) but there are {n} inputs; "
                            f"{both}")
        if n != 1:
            # one required parameter (F.softmax(xs, dim=None)) takes the list, unless f takes exactly n
            if required != n and takes_list and (required == 1 or not takes_each):
                return lambda xs: f(xs)
            return lambda xs: f(*xs)
    form: list[bool] = []  # with one input: [True] once f(x) is known to work, [False] for f([x])

    def call(xs: list[Value]) -> Any:
        if form:
            return f(*xs) if form[0] else f(xs)
        if n != 1:  # unknown signature: one Value per input, as torch.autograd.gradcheck
            form.append(True)
            return f(*xs)
        try:
            out = f(*xs)
        except TypeError as exc:
            if not _indexed_a_value(exc):
                raise
            form.append(False)
            return f(xs)
        form.append(True)
        return out

    return call


def _check_step(h: Any, who: str) -> float:
    step = to_float(h, f"{who}: the step")
    if not (step > 0.0 and math.isfinite(step)):
        raise ValueError(f"{who}: the step must be a positive finite number, got {h!r}")
    return step


def finite_difference(f: Callable[..., Any], xs: Sequence[Any], h: float = 1e-6) -> list[float]:
    """Central differences of scalar ``f`` at ``xs`` with respect to each input.

    ``f`` is called with constant Values (under ``no_grad``, so no graph is
    built), as ``f(x0, x1, ...)`` or ``f(xs)`` (see the module docstring); it
    may return a Value or a number.

    >>> finite_difference(lambda x, y: x * x * y, [3.0, 2.0])   # (2xy, x²) = (12, 9)
    [12.0..., 9.0...]
    """
    h = _check_step(h, "finite_difference")
    base = _as_floats(xs)
    call = _caller(f, len(base), "finite_difference")
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
            fu = _scalar(call([Value(v, requires_grad=False) for v in up]), "f")
            fd = _scalar(call([Value(v, requires_grad=False) for v in dn]), "f")
        out.append((fu - fd) / ((base[i] + h) - (base[i] - h)))
    return out


def analytic_gradient(f: Callable[..., Any], xs: Sequence[Any]) -> list[float]:
    """The engine's gradient of scalar ``f`` at ``xs`` with respect to each input (either form of ``f``)."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(_as_floats(xs))]
    y = _caller(f, len(leaves), "analytic_gradient")(leaves)
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
    """Compare the engine's gradient of ``f`` at ``inputs`` with central differences.

    ``f`` is called as ``f(x0, x1, ...)``, one Value per input, or as ``f(xs)``
    with one list: the same function serves ``jacobian`` and ``hessian`` (see
    the module docstring).

    Passes when ``|analytic − numeric| <= atol + rtol·|numeric|`` for every input.
    Returns True, or raises :class:`GradcheckError` whose message is a table of
    input, analytic, numeric and error (returns False if ``raise_exception=False``).

    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.2])
    True
    >>> gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.5, -1.2])   # the list form
    True
    """
    eps = _check_step(eps, "gradcheck(eps)")
    _caller(f, len(inputs), "gradcheck")  # a function of neither form is reported under this name
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


def jacobian(f: Callable[..., Any], xs: Sequence[Any]) -> list[list[float]]:
    """J[i][j] = d f_i / d x_j for ``f`` mapping a list of Values to a list of Values.

    ``f`` is called as ``f(xs)`` with one list or as ``f(x0, x1, ...)`` (see the
    module docstring); it returns a list of Values (one per output, the rows; a
    plain number is a constant output, a row of zeros) or one Value (one row).

    >>> jacobian(lambda v: [v[0] * v[1], v[0] + 2 * v[1]], [3.0, 4.0])
    [[4.0, 3.0], [1.0, 2.0]]
    >>> jacobian(lambda a, b: [a * b], [1.0, 2.0])   # one Value per input works too
    [[2.0, 1.0]]
    """
    leaves = [Value(x, label=f"x{j}") for j, x in enumerate(_as_floats(xs))]
    outs = _caller(f, len(leaves), "jacobian")(leaves)
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


def hessian(f: Callable[..., Any], xs: Sequence[Any]) -> list[list[float]]:
    """H[i][j] = d²f / dx_i dx_j for scalar ``f``, through ``create_graph=True``.

    ``f`` is called as ``f(xs)`` with one list or as ``f(x0, x1, ...)`` and
    returns one Value.

    >>> hessian(lambda v: v[0] ** 2 * v[1], [3.0, 5.0])   # [[2y, 2x], [2x, 0]]
    [[10.0, 6.0], [6.0, 0.0]]
    """
    leaves = [Value(x, label=f"x{j}") for j, x in enumerate(_as_floats(xs))]
    y = _caller(f, len(leaves), "hessian")(leaves)
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
