"""Math helpers that work on floats *and* on Values.

A derivative rule in the registry is written once, e.g. ``g * (1 - out * out)``
for tanh.  Arithmetic already works on both floats and Values; the helpers here
do the same for functions (``exp``, ``log``, ...).  On floats they follow IEEE
rules (``log(0) == -inf``, ``1/0 == inf``) instead of raising, because a
derivative may legitimately be infinite at a point where the function is fine
(``sqrt`` at 0).  On Values they call the Value's method, so the rule builds a
graph and can be differentiated again.
"""

from __future__ import annotations

import math
from typing import Any

INF = math.inf
NAN = math.nan


def data(x: Any) -> float:
    """The float inside ``x``: ``x`` itself for a float, ``x.data`` for a Value."""
    return x if isinstance(x, float) else x.data


def _record(op_name: str, result: float, *inputs: Any, param: Any = None) -> Any:
    """A Value node ``op_name(*inputs)`` holding the IEEE ``result``, without the op's domain check.

    Used by the helpers below when a derivative rule runs on Values
    (``create_graph=True``) at a point where the float rule gives ±inf or nan:
    the recorded backward must give the same number as the float one, where
    the op's public forward would raise a DomainError.
    """
    value = next(x for x in inputs if not isinstance(x, float))
    return type(value).record_ieee(op_name, result, inputs, param)


def ieee_div(a: float, b: float) -> float:
    """a / b with IEEE rules: ±inf for a nonzero a over 0, nan for 0/0."""
    if b == 0.0:
        if a == 0.0 or math.isnan(a):
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)
    return a / b


def ieee_pow(x: float, p: float) -> float:
    """x ** p with IEEE rules: inf for 0 ** negative, ±inf on overflow, nan for a non-real result."""
    try:
        r = x**p
    except ZeroDivisionError:  # 0 ** negative: +inf (-inf for -0.0 and an odd integer exponent)
        odd = float(p).is_integer() and int(p) % 2 == 1
        return -INF if odd and math.copysign(1.0, x) < 0 else INF
    except OverflowError:  # too large: the sign is negative only for a negative base, odd exponent
        odd = float(p).is_integer() and abs(p) < 2**53 and int(p) % 2 == 1
        return -INF if x < 0.0 and odd else INF
    return r if isinstance(r, float) else NAN  # complex result: outside the real domain


def ieee_log(x: float) -> float:
    """ln x with IEEE rules: -inf at 0, nan below."""
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else (x if math.isnan(x) else NAN)


def sin(x: Any) -> Any:
    """sin x; nan at ±inf (IEEE) instead of Python's ValueError."""
    if isinstance(x, float):
        return math.sin(x) if math.isfinite(x) else NAN
    return x.sin()


def cos(x: Any) -> Any:
    """cos x; nan at ±inf (IEEE) instead of Python's ValueError."""
    if isinstance(x, float):
        return math.cos(x) if math.isfinite(x) else NAN
    return x.cos()


def exp(x: Any) -> Any:
    """e**x; ``inf`` on float overflow."""
    if isinstance(x, float):
        try:
            return math.exp(x)
        except OverflowError:
            return INF
    return x.exp()


def log(x: Any) -> Any:
    """Natural log; ``-inf`` at 0 and ``nan`` below (on Values too: a node holding that number)."""
    if isinstance(x, float):
        return ieee_log(x)
    if x.data > 0.0:
        return x.log()
    return _record("log", ieee_log(x.data), x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return math.tanh(x) if isinstance(x, float) else x.tanh()


def sigmoid(x: Any) -> Any:
    """Logistic function, see ``ops.definitions.sigmoid_forward``."""
    if isinstance(x, float):
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    return x.sigmoid()


def std_normal_cdf(x: Any) -> Any:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2, computed with erfc on floats for accuracy in the tail."""
    if isinstance(x, float):
        return 0.5 * math.erfc(-x * SQRT1_2)
    return 0.5 * (1.0 + (x * SQRT1_2).erf())


def std_normal_pdf(x: Any) -> Any:
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi)."""
    return exp(-0.5 * x * x) * INV_SQRT_2PI


def div(a: Any, b: Any) -> Any:
    """a / b; division by zero gives ``±inf`` (or ``nan`` for 0/0) as IEEE says, on Values too."""
    if isinstance(a, float) and isinstance(b, float):
        return ieee_div(a, b)
    if data(b) == 0.0:
        return _record("div", ieee_div(data(a), data(b)), a, b)
    return a / b


def power(x: Any, p: Any) -> Any:
    """x ** p with IEEE results (see :func:`ieee_pow`) where Python would raise, on Values too."""
    if isinstance(x, float) and isinstance(p, float):
        return ieee_pow(x, p)
    xd, pd = data(x), data(p)
    if (xd == 0.0 and pd < 0.0) or (xd < 0.0 and not pd.is_integer()):
        if isinstance(p, float):
            return _record("pow", ieee_pow(xd, pd), x, param=p)
        return _record("pow_value", ieee_pow(xd, pd), x, p)
    return x**p


def step(x: Any) -> float:
    """1.0 where x > 0, else 0.0 (a constant: its own derivative is 0)."""
    return 1.0 if data(x) > 0.0 else 0.0


def sign(x: Any) -> float:
    """-1.0, 0.0 or 1.0 (a constant: its own derivative is 0); sign(0) = 0, sign(nan) = nan."""
    v = data(x)
    return 1.0 if v > 0.0 else (-1.0 if v < 0.0 else (0.0 if v == 0.0 else NAN))


def safe_fsum(xs: Any) -> float:
    """math.fsum (exactly rounded) where it is finite; IEEE ±inf / nan where fsum would raise.

    ``math.fsum`` raises OverflowError when a partial sum overflows and
    ValueError for ``inf + -inf``; a float sum follows IEEE instead.
    """
    xs = list(xs)
    try:
        return math.fsum(xs)
    except (OverflowError, ValueError):
        total = 0.0
        for x in xs:
            total += x
        return total


SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
GELU_TANH_K = math.sqrt(2.0 / math.pi)
GELU_TANH_C = 0.044715
