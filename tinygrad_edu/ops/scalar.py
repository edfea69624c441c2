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


def exp(x: Any) -> Any:
    """e**x; ``inf`` on float overflow."""
    if isinstance(x, float):
        try:
            return math.exp(x)
        except OverflowError:
            return INF
    return x.exp()


def log(x: Any) -> Any:
    """Natural log; on floats ``-inf`` at 0 and ``nan`` below."""
    if isinstance(x, float):
        if x > 0.0:
            return math.log(x)
        return -INF if x == 0.0 else NAN
    return x.log()


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
    """a / b; on floats division by zero gives ``±inf`` (or ``nan`` for 0/0) as IEEE says."""
    if isinstance(a, float) and isinstance(b, float) and b == 0.0:
        if a == 0.0 or math.isnan(a):
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)
    return a / b


def power(x: Any, p: Any) -> Any:
    """x ** p; on floats ``inf`` where Python would raise for 0 ** negative or overflow."""
    if isinstance(x, float) and isinstance(p, float):
        try:
            r = x**p
        except (ZeroDivisionError, OverflowError):  # 0 ** negative, or too large
            return INF
        return r if isinstance(r, float) else NAN  # complex result: outside the real domain
    return x**p


def step(x: Any) -> float:
    """1.0 where x > 0, else 0.0 (a constant: its own derivative is 0)."""
    return 1.0 if data(x) > 0.0 else 0.0


def sign(x: Any) -> float:
    """-1.0, 0.0 or 1.0 (a constant: its own derivative is 0); sign(0) = 0."""
    v = data(x)
    return 1.0 if v > 0.0 else (-1.0 if v < 0.0 else 0.0)


SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
GELU_TANH_K = math.sqrt(2.0 / math.pi)
GELU_TANH_C = 0.044715
