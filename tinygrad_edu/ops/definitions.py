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

from tinygrad_edu.errors import DomainError
from tinygrad_edu.ops import scalar as s
from tinygrad_edu.ops.registry import Domain, Op, Template, from_template, register

W = (-10.0, 10.0)  # default sampling interval for property tests


# ---------------------------------------------------------------- forwards that can fail
def _div_forward(a: float, b: float) -> float:
    if b == 0.0:
        raise DomainError(f"div: division by zero ({a!r} / {b!r}); the divisor must be non-zero")
    return a / b


def _pow_forward(x: float, p: float) -> float:
    if x == 0.0 and p < 0.0:
        raise DomainError(f"pow: 0 ** {p!r} is undefined (division by zero); the base must be non-zero")
    if x < 0.0 and math.isfinite(p) and not float(p).is_integer():  # -inf too: sqrt(-inf) is no number
        raise DomainError(
            f"pow: ({x!r}) ** {p!r} is not a real number; a negative base needs an integer exponent"
        )
    return s.ieee_pow(x, p)  # overflow gives ±inf, as IEEE says


def _exp_forward(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # e^x > largest float (x > 709.78): +inf, as IEEE says
        return math.inf


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
    if x == -math.inf:
        return 0.0  # the limit; ½·(-inf)·0 would be nan
    u = s.GELU_TANH_K * (x + s.GELU_TANH_C * x * x * x)
    return 0.5 * x * (1.0 + math.tanh(u))


def _gelu_tanh_vjp(g: Any, out: Any, x: Any) -> tuple[Any]:
    if math.isinf(s.data(x)):
        return (g * (0.0 if s.data(x) < 0.0 else 1.0),)
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
    if s.data(b) == 0.0:
        da = g * 0.0  # d/da a^0 = 0 everywhere, also at a = 0 (PyTorch's convention; 0·inf otherwise)
    else:
        da = g * b * s.power(a, b - 1.0)
    if s.data(a) == 0.0 and s.data(b) >= 0.0:
        db = g * 0.0  # lim a->0+ of a^b ln a = 0 (PyTorch's convention too)
    else:
        db = g * out * s.log(a)
    return (da, db)


def _relu_forward(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # nan is not <= 0: it passes through, as in PyTorch


def _silu_forward(x: float) -> float:
    if x == -math.inf:
        return 0.0  # the limit of x·σ(x); -inf · 0 would be nan
    return float(x * s.sigmoid(x))


def _silu_vjp(g: Any, out: Any, x: Any) -> tuple[Any]:
    sx = s.sigmoid(x)
    if math.isinf(s.data(x)):
        return (g * (0.0 if s.data(x) < 0.0 else 1.0),)  # the limits 0 and 1 (inf · 0 in floats)
    return (g * (sx * (1.0 + x * (1.0 - sx))),)


def _gelu_forward(x: float) -> float:
    if x == -math.inf:
        return 0.0  # the limit of x·Φ(x)
    return float(x * s.std_normal_cdf(x))


def _gelu_vjp(g: Any, out: Any, x: Any) -> tuple[Any]:
    if math.isinf(s.data(x)):
        return (g * (0.0 if s.data(x) < 0.0 else 1.0),)  # Φ(x) + x·φ(x) tends to 0 and 1
    return (g * (s.std_normal_cdf(x) + x * s.std_normal_pdf(x)),)


def _leaky_forward(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def _sum_forward(*xs: float) -> float:
    return s.safe_fsum(xs)


def _dot_forward(*wx: float) -> float:
    n = len(wx) // 2
    return s.safe_fsum(map(operator.mul, wx[:n], wx[n:]))


# ---------------------------------------------------------------- the table
# Ops built with from_template state their math once, as expression text (see
# registry.Template): the engine's vjp rule is made from it, and tg.compile pastes
# the same text into the program it writes.
ADD = register(from_template("add", "+", 2, operator.add, Template(("{g}", "{g}"), "{a} + {b}"),
                  "f(a, b) = a + b", "∂f/∂a = 1, ∂f/∂b = 1", "__add__", Domain((W, W)), short="+"))
SUB = register(from_template("sub", "−", 2, operator.sub, Template(("{g}", "-{g}"), "{a} - {b}"),
                  "f(a, b) = a − b", "∂f/∂a = 1, ∂f/∂b = −1", "__sub__", Domain((W, W)), short="-"))
MUL = register(from_template("mul", "×", 2, operator.mul, Template(("{g} * {b}", "{g} * {a}"), "{a} * {b}"),
                  "f(a, b) = a · b", "∂f/∂a = b, ∂f/∂b = a", "__mul__", Domain((W, W)), short="*"))
DIV = register(Op("div", "÷", 2, _div_forward, lambda g, out, a, b: (s.div(g, b), s.div(-g * out, b)),
                  "f(a, b) = a / b", "∂f/∂a = 1/b, ∂f/∂b = −a/b²", "__truediv__",
                  Domain((W, (0.5, 10.0)), poles=(0.0,)), short="/"))
NEG = register(from_template("neg", "−", 1, operator.neg, Template(("-{g}",), "-{x}"),
                  "f(x) = −x", "f'(x) = −1", "__neg__", Domain((W,))))
POW = register(Op("pow", "**", 1, _pow_forward, _pow_vjp,
                  "f(x) = xᵖ, p: float", "f'(x) = p·xᵖ⁻¹", "__pow__",
                  Domain(((0.2, 5.0),), poles=(0.0,), params=(2.0, 3.0, 0.5, -1.0, -2.5, 0.0, 1.0)),
                  param="p", short="**{p}"))
POW_VALUE = register(Op("pow_value", "**", 2, _pow_forward, _pow_value_vjp,
                        "f(a, b) = aᵇ, b: Value", "∂f/∂a = b·aᵇ⁻¹, ∂f/∂b = aᵇ·ln a", "__pow__",
                        Domain(((0.2, 5.0), (-3.0, 3.0)), poles=(0.0,)), short="**"))
EXP = register(Op("exp", "exp", 1, _exp_forward, lambda g, out, x: (g * out,),
                  "f(x) = eˣ", "f'(x) = eˣ", "exp", Domain(((-10.0, 5.0),))))
LOG = register(Op("log", "log", 1, _log_forward, lambda g, out, x: (s.div(g, x),),
                  "f(x) = ln x", "f'(x) = 1/x", "log", Domain(((0.05, 50.0),), poles=(0.0,))))
SQRT = register(Op("sqrt", "√", 1, _sqrt_forward, lambda g, out, x: (g * s.div(0.5, out),),
                   "f(x) = √x", "f'(x) = 1/(2√x)", "sqrt", Domain(((0.05, 50.0),), poles=(0.0,))))
ABS = register(Op("abs", "|·|", 1, abs, lambda g, out, x: (g * s.sign(x),),
                  "f(x) = |x|", "f'(x) = sign(x)", "__abs__", Domain((W,), kinks=(0.0,)),
                  kink_note="abs'(0) = 0"))
TANH = register(from_template("tanh", "tanh", 1, math.tanh, Template(("{g} * (1.0 - {out} * {out})",)),
                   "f(x) = tanh x", "f'(x) = 1 − tanh²x", "tanh", Domain((W,))))
SIGMOID = register(from_template("sigmoid", "σ", 1, sigmoid_forward,
                                 Template(("{g} * {out} * (1.0 - {out})",)),
                      "f(x) = 1/(1 + e⁻ˣ)", "f'(x) = σ(x)(1 − σ(x))", "sigmoid", Domain((W,))))
RELU = register(from_template("relu", "ReLU", 1, _relu_forward,
                              Template(("{g} * ({x.data} > 0.0)",), "0.0 if {x} <= 0.0 else {x}"),
                   "f(x) = max(0, x)", "f'(x) = 1 if x > 0 else 0", "relu", Domain((W,), kinks=(0.0,)),
                   kink_note="relu'(0) = 0", short="ReLU"))
LEAKY_RELU = register(Op("leaky_relu", "LReLU", 1, _leaky_forward,
                         lambda g, out, x, a: (g * (1.0 if s.data(x) > 0.0 else a),),
                         "f(x) = x if x > 0 else a·x", "f'(x) = 1 if x > 0 else a", "leaky_relu",
                         Domain((W,), kinks=(0.0,), params=(0.01, 0.2)), param="negative_slope",
                         kink_note="leaky_relu'(0) = negative_slope"))
SILU = register(Op("silu", "SiLU", 1, _silu_forward, _silu_vjp,
                   "f(x) = x·σ(x)", "f'(x) = σ(x)(1 + x(1 − σ(x)))", "silu", Domain((W,))))
ERF = register(Op("erf", "erf", 1, math.erf,
                  lambda g, out, x: (g * s.TWO_OVER_SQRT_PI * s.exp(-(x * x)),),
                  "f(x) = erf x", "f'(x) = (2/√π)·e^(−x²)", "erf", Domain(((-4.0, 4.0),))))
GELU = register(Op("gelu", "GELU", 1, _gelu_forward, _gelu_vjp,
                   "f(x) = x·Φ(x)", "f'(x) = Φ(x) + x·φ(x)", "gelu", Domain((W,))))
GELU_TANH = register(Op("gelu_tanh", "GELU~", 1, _gelu_tanh_forward, _gelu_tanh_vjp,
                        "f(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))",
                        "f'(x) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 0.134145x²)", "gelu",
                        Domain((W,))))
SUM = register(from_template("sum", "Σ", -1, _sum_forward, Template(("{g}",), blocks=("x",)),
                  "f(x₁..xₙ) = Σ xᵢ", "∂f/∂xᵢ = 1", "sum", Domain((W,), nary=5)))
DOT = register(from_template("dot", "·", -1, _dot_forward,
                             Template(("{g} * {x}", "{g} * {w}"), blocks=("w", "x")),
                  "f(w, x) = Σ wᵢxᵢ", "∂f/∂wᵢ = xᵢ, ∂f/∂xᵢ = wᵢ", "dot", Domain((W,), nary=6)))


def _max_shift_forward(*xs: float) -> float:
    if any(x != x for x in xs):
        return math.nan  # nan wins, whatever its place (Python's max would depend on the order)
    return max(xs)


# The shift m = max xᵢ of softmax, log_softmax, logsumexp and cross_entropy: the result of those
# functions does not depend on m (it cancels exactly), so its derivative is stated as 0.  As a node
# of the graph (not a number frozen when the graph was recorded), a compiled program computes it
# again at run time from the current inputs.
MAX_SHIFT = register(from_template("max_shift", "max_shift", -1, _max_shift_forward,
                                   Template(("0.0",), blocks=("x",)), "m = max xᵢ", "∂m/∂xᵢ = 0", "max_shift",
                                   Domain((W,), nary=4), extra={"stop_gradient": True},
                                   kink_note="the shift of softmax, log_softmax, logsumexp and "
                                             "cross_entropy: their result does not depend on it, "
                                             "so its derivative is 0"))


# ---------------------------------------------------------------- more elementary functions
def _sin_forward(x: float) -> float:
    return float(s.sin(x))


def _cos_forward(x: float) -> float:
    return float(s.cos(x))


def _log1p_forward(x: float) -> float:
    if x <= -1.0:
        raise DomainError(f"log1p: input must be > -1, got {x!r} (log1p(x) = ln(1 + x))")
    return math.log1p(x)


def _expm1_forward(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:  # x > 709.78: +inf, as IEEE says
        return math.inf


def _softplus_forward(x: float, beta: float) -> float:
    """(1/β)·ln(1 + e^(βx)) = (max(βx, 0) + ln(1 + e^(−|βx|)))/β: the exponent is never positive."""
    bx = beta * x
    if math.isnan(bx):
        return bx
    return (max(bx, 0.0) + math.log1p(math.exp(-abs(bx)))) / beta


def _elu_forward(x: float, alpha: float) -> float:
    return x if x > 0.0 else alpha * math.expm1(x)


def _elu_vjp(g: Any, out: Any, x: Any, alpha: float) -> tuple[Any]:
    if s.data(x) > 0.0:
        return (g * 1.0,)
    return (g * (alpha * s.exp(x)),)


def _maximum_forward(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan  # nan wins, as in torch.maximum (Python's max would depend on the order)
    return a if a >= b else b


def _minimum_forward(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return a if a <= b else b


def _share(a: Any, b: Any) -> tuple[float, float]:
    """How max(a, b) splits its gradient: all to the larger, half each at a tie (PyTorch's rule)."""
    x, y = s.data(a), s.data(b)
    if x > y:
        return 1.0, 0.0
    if x < y:
        return 0.0, 1.0
    return (0.5, 0.5) if x == y else (0.0, 0.0)


def _maximum_vjp(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    wa, wb = _share(a, b)
    return (g * wa, g * wb)


def _minimum_vjp(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    wa, wb = _share(b, a)  # the smaller one gets the gradient: a when b > a
    return (g * wa, g * wb)


Bounds = tuple[Any, Any]  # (min, max) of clamp; either may be None


def _clamp_forward(x: float, bounds: Bounds) -> float:
    lo, hi = bounds
    if math.isnan(x):
        return x
    if (lo is not None and math.isnan(lo)) or (hi is not None and math.isnan(hi)):
        return math.nan  # a nan bound makes the result nan, as in torch.clamp
    if lo is not None and x < lo:
        x = lo
    if hi is not None and x > hi:
        x = hi  # when min > max every x becomes max, as in torch.clamp
    return float(x)


def _clamp_vjp(g: Any, out: Any, x: Any, bounds: Bounds) -> tuple[Any]:
    lo, hi = bounds
    v = s.data(x)
    inside = (lo is None or v >= lo) and (hi is None or v <= hi)  # bounds included, as in PyTorch
    return (g * (1.0 if inside else 0.0),)


SIN = register(Op("sin", "sin", 1, _sin_forward, lambda g, out, x: (g * s.cos(x),),
                  "f(x) = sin x", "f'(x) = cos x", "sin", Domain((W,))))
COS = register(Op("cos", "cos", 1, _cos_forward, lambda g, out, x: (-(g * s.sin(x)),),
                  "f(x) = cos x", "f'(x) = −sin x", "cos", Domain((W,))))
LOG1P = register(Op("log1p", "log1p", 1, _log1p_forward, lambda g, out, x: (s.div(g, 1.0 + x),),
                    "f(x) = ln(1 + x)", "f'(x) = 1/(1 + x)", "log1p",
                    Domain(((-0.9, 50.0),), poles=(-1.0,))))
EXPM1 = register(Op("expm1", "expm1", 1, _expm1_forward, lambda g, out, x: (g * s.exp(x),),
                    "f(x) = eˣ − 1", "f'(x) = eˣ", "expm1", Domain(((-10.0, 5.0),))))
SOFTPLUS = register(Op("softplus", "softplus", 1, _softplus_forward,
                       lambda g, out, x, beta: (g * s.sigmoid(beta * x),),
                       "f(x) = (1/β)·ln(1 + e^(βx))", "f'(x) = σ(βx)", "softplus",
                       Domain((W,), params=(1.0, 2.0, 0.5)), param="beta"))
ELU = register(Op("elu", "ELU", 1, _elu_forward, _elu_vjp,
                  "f(x) = x if x > 0 else α(eˣ − 1)", "f'(x) = 1 if x > 0 else α·eˣ", "elu",
                  Domain((W,), kinks=(0.0,), params=(1.0, 0.5, 2.0)), param="alpha",
                  kink_note="elu'(0) = alpha"))
MAXIMUM = register(Op("maximum", "max", 2, _maximum_forward, _maximum_vjp,
                      "f(a, b) = max(a, b)",
                      "∂f/∂a = 1 if a > b, ½ if a = b, else 0; ∂f/∂b = 1 if b > a, ½ if a = b, else 0",
                      "maximum",
                      Domain((W, W), apart=1e-3), kink_note="a tie a = b splits the gradient in half"))
MINIMUM = register(Op("minimum", "min", 2, _minimum_forward, _minimum_vjp,
                      "f(a, b) = min(a, b)",
                      "∂f/∂a = 1 if a < b, ½ if a = b, else 0; ∂f/∂b = 1 if b < a, ½ if a = b, else 0",
                      "minimum",
                      Domain((W, W), apart=1e-3), kink_note="a tie a = b splits the gradient in half"))
CLAMP = register(Op("clamp", "clamp", 1, _clamp_forward, _clamp_vjp,
                    "f(x) = min(max(x, lo), hi)", "f'(x) = 1 if lo ≤ x ≤ hi else 0", "clamp",
                    Domain((W,), kinks=(-1.0, -0.5, 0.5, 1.0),
                           params=((-1.0, 1.0), (None, 0.5), (-0.5, None))), param="bounds",
                    kink_note="clamp'(x) = 1 at x = lo and at x = hi (the bounds are inside)"))


# ---------------------------------------------------------------- derivative graphs
def _tie_forward(a: float, b: float) -> float:
    return a


# tie(a, b) = a, recorded with b as a second input whose derivative is 0.  grad(create_graph=True)
# makes it: where a local derivative is locally constant (relu'(x) is 1 for x > 0), the recorded
# derivative g·1 would not depend on x at all, and differentiating it again would say "not used";
# tied to the op's output it depends on x, and its own derivative with respect to x is 0, as in
# PyTorch (whose relu backward, threshold_backward(g, x), takes x as an input for the same reason).
TIE = register(from_template("tie", "tie", 2, _tie_forward, Template(("{g}", "0.0"), "{a}"),
                             "f(a, b) = a", "∂f/∂a = 1, ∂f/∂b = 0", "grad",
                             Domain((W, W)),
                             kink_note="made by grad(create_graph=True): a locally constant derivative "
                                       "stays a function of the input, so its own derivative is 0"))
