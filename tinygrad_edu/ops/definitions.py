"""The primitive ops, one declaration each.

Read an entry top to bottom: its forward on floats, then its local derivative.
In every ``vjp`` rule ``g`` is the upstream gradient dL/d(out), ``out`` the op's
result and the remaining arguments its inputs; the rule returns
``g * d(out)/d(input)`` for each input.  Rules use only arithmetic and the
helpers of :mod:`tinygrad_edu.ops.scalar`, so they work on floats (backward) and
on Values (``create_graph=True``, second derivatives).

Conventions at kinks (the same as PyTorch): relu'(0) = 0, abs'(0) = 0,
leaky_relu'(0) = negative_slope.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from tinygrad_edu.errors import DomainError, NumericOverflowError
from tinygrad_edu.ops import scalar as s
from tinygrad_edu.ops.registry import Domain, Op, register

W = (-10.0, 10.0)  # default sampling interval for property tests


# ---------------------------------------------------------------- forwards that can fail
def _div_forward(a: float, b: float) -> float:
    if b == 0.0:
        raise DomainError(f"div: division by zero ({a!r} / {b!r}); the divisor must be non-zero")
    return a / b


def _pow_forward(x: float, p: float) -> float:
    if x == 0.0 and p < 0.0:
        raise DomainError(f"pow: 0 ** {p!r} is undefined (division by zero); the base must be non-zero")
    if x < 0.0 and not float(p).is_integer():
        raise DomainError(
            f"pow: ({x!r}) ** {p!r} is not a real number; a negative base needs an integer exponent"
        )
    try:
        return float(x**p)
    except OverflowError:
        raise NumericOverflowError(f"pow: ({x!r}) ** {p!r} overflows a float") from None


def _exp_forward(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise NumericOverflowError(
            f"exp: exp({x!r}) overflows a float (largest input is about 709.78); "
            "use a stable form such as logsumexp or sigmoid"
        ) from None


def _log_forward(x: float) -> float:
    if x <= 0.0:
        raise DomainError(f"log: input must be > 0, got {x!r}; add an epsilon or clamp the input")
    return math.log(x)


def _sqrt_forward(x: float) -> float:
    if x < 0.0:
        raise DomainError(f"sqrt: input must be >= 0, got {x!r}")
    return math.sqrt(x)


def sigmoid_forward(x: float) -> float:
    """1 / (1 + e^-x) without overflow: for x < 0 use e^x / (1 + e^x)."""
    return float(s.sigmoid(x))


def _gelu_tanh_forward(x: float) -> float:
    u = s.GELU_TANH_K * (x + s.GELU_TANH_C * x * x * x)
    return 0.5 * x * (1.0 + math.tanh(u))


def _gelu_tanh_vjp(g: Any, out: Any, x: Any) -> tuple[Any]:
    t = s.tanh(s.GELU_TANH_K * (x + s.GELU_TANH_C * x * x * x))
    sech2 = 1.0 - t * t
    if s.data(sech2) == 0.0:  # far tails: the second term is 0 * inf in floats, exactly 0 in math
        return (g * (0.5 * (1.0 + t)),)
    du = s.GELU_TANH_K * (1.0 + 3.0 * s.GELU_TANH_C * x * x)
    return (g * (0.5 * (1.0 + t) + 0.5 * x * sech2 * du),)


def _pow_vjp(g: Any, out: Any, x: Any, p: float) -> tuple[Any]:
    if p == 0.0:
        return (g * 0.0,)
    return (g * p * s.power(x, p - 1.0),)


def _pow_value_vjp(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    da = g * b * s.power(a, b - 1.0)
    if s.data(a) == 0.0 and s.data(b) >= 0.0:
        db = g * 0.0  # lim a->0+ of a^b ln a = 0 (PyTorch's convention too)
    else:
        db = g * out * s.log(a)
    return (da, db)


def _leaky_forward(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def _sum_vjp(g: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
    return (g,) * len(xs)


def _dot_forward(*wx: float) -> float:
    n = len(wx) // 2
    return math.fsum(map(operator.mul, wx[:n], wx[n:]))


def _dot_vjp(g: Any, out: Any, *wx: Any) -> tuple[Any, ...]:
    n = len(wx) // 2
    return tuple(g * x for x in wx[n:]) + tuple(g * w for w in wx[:n])


# ---------------------------------------------------------------- the table
ADD = register(Op("add", "+", 2, operator.add, lambda g, out, a, b: (g, g),
                  "f(a, b) = a + b", "∂f/∂a = 1, ∂f/∂b = 1", "__add__", Domain((W, W))))
SUB = register(Op("sub", "−", 2, operator.sub, lambda g, out, a, b: (g, -g),
                  "f(a, b) = a − b", "∂f/∂a = 1, ∂f/∂b = −1", "__sub__", Domain((W, W))))
MUL = register(Op("mul", "×", 2, operator.mul, lambda g, out, a, b: (g * b, g * a),
                  "f(a, b) = a · b", "∂f/∂a = b, ∂f/∂b = a", "__mul__", Domain((W, W))))
DIV = register(Op("div", "÷", 2, _div_forward, lambda g, out, a, b: (g / b, -g * out / b),
                  "f(a, b) = a / b", "∂f/∂a = 1/b, ∂f/∂b = −a/b²", "__truediv__",
                  Domain((W, (0.5, 10.0)), poles=(0.0,))))
NEG = register(Op("neg", "−", 1, operator.neg, lambda g, out, x: (-g,),
                  "f(x) = −x", "f'(x) = −1", "__neg__", Domain((W,))))
POW = register(Op("pow", "**", 1, _pow_forward, _pow_vjp,
                  "f(x) = xᵖ (p a number)", "f'(x) = p·xᵖ⁻¹", "__pow__",
                  Domain(((0.2, 5.0),), poles=(0.0,), params=(2.0, 3.0, 0.5, -1.0, -2.5, 0.0, 1.0)),
                  param="p"))
POW_VALUE = register(Op("pow_value", "**", 2, _pow_forward, _pow_value_vjp,
                        "f(a, b) = aᵇ (b a Value)", "∂f/∂a = b·aᵇ⁻¹, ∂f/∂b = aᵇ·ln a", "__pow__",
                        Domain(((0.2, 5.0), (-3.0, 3.0)), poles=(0.0,))))
EXP = register(Op("exp", "exp", 1, _exp_forward, lambda g, out, x: (g * out,),
                  "f(x) = eˣ", "f'(x) = eˣ", "exp", Domain(((-10.0, 5.0),))))
LOG = register(Op("log", "log", 1, _log_forward, lambda g, out, x: (g / x,),
                  "f(x) = ln x", "f'(x) = 1/x", "log", Domain(((0.05, 50.0),), poles=(0.0,))))
SQRT = register(Op("sqrt", "√", 1, _sqrt_forward, lambda g, out, x: (g * s.div(0.5, out),),
                   "f(x) = √x", "f'(x) = 1/(2√x)", "sqrt", Domain(((0.05, 50.0),), poles=(0.0,))))
ABS = register(Op("abs", "|·|", 1, abs, lambda g, out, x: (g * s.sign(x),),
                  "f(x) = |x|", "f'(x) = sign(x)", "__abs__", Domain((W,), kinks=(0.0,)),
                  kink_note="abs'(0) = 0"))
TANH = register(Op("tanh", "tanh", 1, math.tanh, lambda g, out, x: (g * (1.0 - out * out),),
                   "f(x) = tanh x", "f'(x) = 1 − tanh²x", "tanh", Domain((W,))))
SIGMOID = register(Op("sigmoid", "σ", 1, sigmoid_forward, lambda g, out, x: (g * out * (1.0 - out),),
                      "f(x) = 1/(1 + e⁻ˣ)", "f'(x) = σ(x)(1 − σ(x))", "sigmoid", Domain((W,))))
RELU = register(Op("relu", "ReLU", 1, lambda x: x if x > 0.0 else 0.0, lambda g, out, x: (g * s.step(x),),
                   "f(x) = max(0, x)", "f'(x) = 1 if x > 0 else 0", "relu", Domain((W,), kinks=(0.0,)),
                   kink_note="relu'(0) = 0"))
LEAKY_RELU = register(Op("leaky_relu", "LReLU", 1, _leaky_forward,
                         lambda g, out, x, a: (g * (1.0 if s.data(x) > 0.0 else a),),
                         "f(x) = x if x > 0 else a·x", "f'(x) = 1 if x > 0 else a", "leaky_relu",
                         Domain((W,), kinks=(0.0,), params=(0.01, 0.2)), param="negative_slope",
                         kink_note="leaky_relu'(0) = negative_slope"))
SILU = register(Op("silu", "SiLU", 1, lambda x: x * s.sigmoid(x),
                   lambda g, out, x: (g * (s.sigmoid(x) * (1.0 + x * (1.0 - s.sigmoid(x)))),),
                   "f(x) = x·σ(x)", "f'(x) = σ(x)(1 + x(1 − σ(x)))", "silu", Domain((W,))))
ERF = register(Op("erf", "erf", 1, math.erf,
                  lambda g, out, x: (g * s.TWO_OVER_SQRT_PI * s.exp(-(x * x)),),
                  "f(x) = erf x", "f'(x) = (2/√π)·e^(−x²)", "erf", Domain(((-4.0, 4.0),))))
GELU = register(Op("gelu", "GELU", 1, lambda x: x * s.std_normal_cdf(x),
                   lambda g, out, x: (g * (s.std_normal_cdf(x) + x * s.std_normal_pdf(x)),),
                   "f(x) = x·Φ(x)", "f'(x) = Φ(x) + x·φ(x)", "gelu", Domain((W,))))
GELU_TANH = register(Op("gelu_tanh", "GELU~", 1, _gelu_tanh_forward, _gelu_tanh_vjp,
                        "f(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))",
                        "f'(x) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 0.134145x²)", "gelu",
                        Domain((W,))))
SUM = register(Op("sum", "Σ", -1, lambda *xs: math.fsum(xs), _sum_vjp,
                  "f(x₁..xₙ) = Σ xᵢ", "∂f/∂xᵢ = 1", "sum", Domain((W,), nary=5)))
DOT = register(Op("dot", "·", -1, _dot_forward, _dot_vjp,
                  "f(w, x) = Σ wᵢxᵢ", "∂f/∂wᵢ = xᵢ, ∂f/∂xᵢ = wᵢ", "dot", Domain((W,), nary=6)))
