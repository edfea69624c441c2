"""The Value: one scalar in a computation graph.

Each Value holds a float (``data``), the gradient of the last backward pass
(``grad``), and - when it was computed by an op while gradients are recorded -
the op (``op``) and the ordered tuple of Values it was computed from
(``inputs``).  Ops come from the registry (:mod:`tinygrad_edu.ops`): a Value
method computes the op's forward on floats and records the op; the backward
pass (:mod:`tinygrad_edu.engine.autograd`) asks the registry for the local
derivative.  No closures are stored on nodes: each node points to its inputs,
never the other way round, so a graph has no reference cycles and CPython
frees it the moment it is unreachable, without the cyclic garbage collector.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Iterable
from typing import Any, TypeAlias, Union, overload

from tinygrad_edu.engine.mode import ALL, MODE
from tinygrad_edu.errors import AnomalyError, NumericOverflowError, printable
from tinygrad_edu.ops import definitions as D
from tinygrad_edu.ops import scalar as S
from tinygrad_edu.ops.registry import REGISTRY, Domain, Op

Number = Union[int, float]
Operand: TypeAlias = Union["Value", int, float]

_new = object.__new__
_ADD = D.ADD
_MUL = D.MUL


def to_float(x: Any, what: str = "Value()") -> float:
    """Coerce an int, float, bool or numpy scalar to float; TypeError naming the type otherwise."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, int):  # bool is an int
        try:
            return float(x)
        except OverflowError:
            raise NumericOverflowError(
                f"{what} got the int {_short_int(x)}, which is too large for a float (largest about 1.8e308)"
            ) from None
    if isinstance(x, Value):
        raise TypeError(
            f"{what} got a Value; a Value cannot wrap another Value. "
            "Use v.data for its number, or v.detach() for a copy that needs no gradient"
        )
    if type(x).__module__ == "numpy" and getattr(x, "shape", None) == ():
        if type(x).__name__ in ("bool", "bool_"):  # numpy 2 calls it bool, numpy 1 bool_
            return 1.0 if x else 0.0  # numpy's bool, coerced like Python's
        if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
            raise TypeError(f"{what} takes an int or float (a real number), got a numpy complex {x!r}")
        if isinstance(x, numbers.Number):
            f = float(x)  # type: ignore[arg-type]  # a numpy scalar
            # a finite longdouble beyond the float range (1e400) becomes inf: that is an overflow
            if math.isinf(f) and not x == f:  # type: ignore[comparison-overlap]
                raise NumericOverflowError(
                    f"{what} got the numpy {type(x).__name__} {x!s:.40}, which is too large for a float "
                    "(largest about 1.8e308)"
                )
            return f
    if isinstance(x, complex):
        raise TypeError(f"{what} takes an int or float (a real number), got complex: {x!r}")
    raise TypeError(
        f"{what} takes an int or float (bool and numpy scalars are converted), "
        f"got {type(x).__name__}: {x!r:.60}"
    )


class _DefaultSeed(float):
    """The default ``grad_output`` 1.0, told apart from a 1.0 the caller passes (to catch conflicts)."""

    def __repr__(self) -> str:
        return "1.0"


DEFAULT_SEED: float = _DefaultSeed(1.0)


def _short_int(x: int) -> str:
    """A huge int described by its size (printing it could itself fail past 4300 digits)."""
    digits = int(x.bit_length() * math.log10(2)) + 1
    return f"with about {digits} digits"


def _check_flag(flag: Any, what: str) -> bool:
    if not isinstance(flag, bool):
        raise TypeError(f"{what} must be True or False, got {type(flag).__name__}: {flag!r:.40}")
    return flag


class Value:
    """A scalar that remembers how it was computed.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x      # y = x² + 3x
    >>> y.backward()
    >>> y.data, x.grad          # dy/dx = 2x + 3
    (10.0, 7.0)
    """

    # Seven slots, and no more: every slot costs memory and time in the garbage
    # collector's passes, which see every node.  ``_node_op`` is the registry op that
    # made the node, or for a leaf one of the two markers LEAF (requires grad) and
    # CONSTANT (does not) - so ``requires_grad`` needs no slot of its own.  The
    # inputs are kept in ``_a, _b`` instead of a tuple (one object less per node):
    # for a binary op they are the inputs; for a unary op ``_a`` is the input and
    # ``_b`` the op's constant parameter (or None); for an n-ary op ``_a`` is the
    # tuple of inputs and ``_b`` the parameter; a leaf leaves them unset.
    # ``_mark`` records how far a backward pass's graph walk has got, and
    # ``_label`` stays unset until a label is given.
    __slots__ = ("_a", "_b", "_label", "_mark", "_node_op", "data", "grad")

    data: float
    grad: float
    _label: str  # unset until a label is given: most nodes have none
    _node_op: Op  # LEAF or CONSTANT for a leaf
    _a: Any
    _b: Any
    _mark: object

    def __init__(self, data: Any, label: str = "", requires_grad: bool = True) -> None:
        self.data = data if type(data) is float else to_float(data)
        self.grad = 0.0
        self.label = label  # checked by the setter (computed nodes skip this and leave it unset)
        self._node_op = LEAF if _check_flag(requires_grad, "Value(requires_grad=...)") else CONSTANT
        self._mark = None

    # ------------------------------------------------------------ facts about the node
    @property
    def op(self) -> str:
        """Name of the op that made this Value ("" for a leaf)."""
        return self._node_op.name

    @property
    def label(self) -> str:
        """A name for pictures and messages ("" when none was given)."""
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self._label = label

    @property
    def requires_grad(self) -> bool:
        """True when backward passes compute a gradient for this Value.

        Settable on a leaf; a computed Value requires grad exactly when it was
        recorded (use ``detach()`` for a copy that does not).
        """
        return self._node_op is not CONSTANT

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._node_op.arity != 0:
            raise ValueError(
                f"requires_grad can only be changed on a leaf, and this Value was computed by "
                f"{self._node_op.name!r}; use v.detach() for a copy that requires no grad"
            )
        self._node_op = LEAF if _check_flag(flag, "requires_grad") else CONSTANT

    def requires_grad_(self, flag: bool = True) -> Value:
        """Set ``requires_grad`` on this leaf and return it (PyTorch's in-place spelling)."""
        self.requires_grad = flag
        return self

    def item(self) -> float:
        """The number inside: ``v.data`` (PyTorch's spelling)."""
        return self.data

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in the op's argument order (() for a leaf)."""
        arity = self._node_op.arity
        if arity == 2:
            return (self._a, self._b)
        if arity == 1:
            return (self._a,)
        if arity == 0:
            return ()
        return self._a  # type: ignore[no-any-return]

    @property
    def is_leaf(self) -> bool:
        """True when this Value was not computed by a recorded op."""
        return self._node_op.arity == 0

    @property
    def op_spec(self) -> Op | None:
        """The registry entry of the op that made this Value (None for a leaf)."""
        op = self._node_op
        return None if op.arity == 0 else op

    @property
    def param(self) -> Any:
        """The op's constant parameter (the exponent of ``x ** 2``, a slope, ...), or None."""
        arity = self._node_op.arity
        return None if arity in (0, 2) else self._b

    # ------------------------------------------------------------ the micrograd lecture's names
    # Computed on demand from the slots above (no slot of their own), so that the
    # lecture's cells - build_topo, trace, draw_dot, stepping backprop by hand -
    # run as typed.
    @property
    def _prev(self) -> set[Value]:
        """The set of Values this one was computed from (the lecture's name; ``inputs`` keeps order).

        >>> a, b = Value(2.0), Value(-3.0)
        >>> (a * b)._prev == {a, b}, Value(1.0)._prev
        (True, set())
        """
        return set(self.inputs)

    @property
    def _op(self) -> str:
        """The op as the lecture's ``draw_dot`` writes it: '+', '*', 'tanh', '**2', ...; '' for a leaf.

        Ops that micrograd lacks are spelled by their name (``op``).

        >>> x = Value(3.0)
        >>> (x + 1)._op, (x * x)._op, (x ** 2)._op, x.relu()._op, x.sigmoid()._op, x._op
        ('+', '*', '**2', 'ReLU', 'sigmoid', '')
        """
        op = self._node_op
        if op.arity == 0:
            return ""
        return op.lecture_text(self._b if op.arity == 1 else None)

    def _backward(self) -> None:
        """This node's own chain-rule step: add ``self.grad`` × ∂self/∂input into each input's ``.grad``.

        Nothing more: no other node is visited (``backward()`` runs this step for
        every node, outputs first).  A leaf's step does nothing, and inputs that
        require no grad (constants) are left alone.  The lecture steps backprop
        by hand with it:

        >>> x, w = Value(2.0), Value(-0.25)
        >>> n = x * w                 # -0.5
        >>> o = n.tanh()
        >>> o.grad = 1.0
        >>> o._backward()            # n.grad = 1 - tanh(n)²
        >>> round(n.grad, 6), x.grad  # x has not been reached yet
        (0.786448, 0.0)
        >>> n._backward()             # x.grad = n.grad · w, w.grad = n.grad · x
        >>> round(x.grad, 6), round(w.grad, 6)
        (-0.196612, 1.572895)
        """
        op = self._node_op
        if op.arity == 0:
            return
        from tinygrad_edu.engine.autograd import local_step

        local_step(self)

    def detach(self) -> Value:
        """A new leaf with the same data (and label) that requires no grad."""
        return Value(self.data, self.label, requires_grad=False)

    # ------------------------------------------------------------ everyday Python on .data
    # < <= > >= compare the numbers and record nothing, so max(), min() and sorted()
    # work.  == and != are left to object: they compare identity, so a Value keeps
    # hashing by identity and can be a dict key (backward keys its tables by node).
    def __lt__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is None else self.data < o

    def __le__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is None else self.data <= o

    def __gt__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is None else self.data > o

    def __ge__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is None else self.data >= o

    def __float__(self) -> float:
        """``v.data`` - unless ``v`` requires grad while ops record: then a TypeError.

        ``float(v)`` is what ``math.exp(v)``, ``math.isfinite(v)``, ``"%f" % v``
        and numpy call, and a float drops out of the graph: ``math.exp(a) * a``
        would silently get d/da = e instead of 2e.  So a Value that requires grad
        refuses, naming the way that stays in the graph (``v.exp()``) and the ways
        that take the number on purpose (``v.item()``, ``v.data``).  It converts
        when nothing is recorded: ``requires_grad=False``, or inside ``no_grad()``.
        """
        if self._node_op is CONSTANT or not MODE.enabled:
            return self.data
        raise TypeError(_float_refusal(self))

    def __int__(self) -> int:
        return int(self.data)

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else str(self)

    @overload
    def __round__(self, ndigits: None = None) -> int: ...
    @overload
    def __round__(self, ndigits: int) -> float: ...
    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(v)`` is an int and ``round(v, n)`` a float, as for ``v.data``."""
        return round(self.data) if ndigits is None else round(self.data, ndigits)

    def __floor__(self) -> int:
        return math.floor(self.data)

    def __ceil__(self) -> int:
        return math.ceil(self.data)

    def __trunc__(self) -> int:
        return math.trunc(self.data)

    def __repr__(self) -> str:
        parts = [f"data={self.data:.4g}"]
        if self.grad != 0.0:
            parts.append(f"grad={self.grad:.4g}")
        if self._node_op.arity != 0:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        if not self.requires_grad:
            parts.append("requires_grad=False")
        return "Value(" + ", ".join(parts) + ")"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter display: whatever the display hook gives (the graph), else the text repr.

        The hook is a slot of :mod:`tinygrad_edu.engine.display` that a layer above
        fills (``tinygrad_edu/__init__.py`` installs the viz layer's picture), so the
        engine imports nothing above itself.
        """
        from tinygrad_edu.engine import display

        if display.hook is None:
            return {"text/plain": repr(self)}
        return display.hook(self)

    # ------------------------------------------------------------ gradients
    def backward(self, grad_output: Number = DEFAULT_SEED, *, gradient: Number | None = None,
                 retain_graph: bool | None = None) -> None:
        """Add d(self)/d(node) * grad_output to ``.grad`` of every node that requires grad.

        Each call adds exactly one more pass; call ``zero_grad`` (or set ``.grad = 0``)
        between steps.  Iterative: works on graphs of any depth.  ``gradient`` is
        PyTorch's name for ``grad_output`` (give one of them).  ``retain_graph`` is
        accepted and has no effect: graphs are always kept (nothing is freed by a
        pass), so a second ``backward()`` through the same graph simply adds
        another pass - PyTorch's "Trying to backward through the graph a second
        time" cannot happen here.
        """
        from tinygrad_edu.engine.autograd import backward

        if gradient is not None:
            if grad_output is not DEFAULT_SEED:
                raise TypeError("backward() got both grad_output and gradient; they are the same, give one")
            grad_output = to_float(gradient, "backward(gradient=...)")
        elif grad_output is not DEFAULT_SEED:
            grad_output = to_float(grad_output, "backward(grad_output)")
        backward(self, grad_output)

    # ------------------------------------------------------------ arithmetic
    # + and * make most of any network's nodes: they call _make directly (what
    # binary() does), saving one Python call per node.
    def __add__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = const(other, "+")
        return _make(self.data + other.data, self._node_op is not CONSTANT or other._node_op is not CONSTANT,
                     _ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        other = const(other, "+")
        return binary(D.ADD, other.data + self.data, other, self)

    def __sub__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = const(other, "-")
        return binary(D.SUB, self.data - other.data, self, other)

    def __rsub__(self, other: Operand) -> Value:
        other = const(other, "-")
        return binary(D.SUB, other.data - self.data, other, self)

    def __mul__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = const(other, "*")
        return _make(self.data * other.data, self._node_op is not CONSTANT or other._node_op is not CONSTANT,
                     _MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        other = const(other, "*")
        return binary(D.MUL, other.data * self.data, other, self)

    def __truediv__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = const(other, "/")
        return binary(D.DIV, D.DIV.forward(self.data, other.data), self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        other = const(other, "/")
        return binary(D.DIV, D.DIV.forward(other.data, self.data), other, self)

    def __pow__(self, other: Operand) -> Value:
        if type(other) is Value:
            return binary(D.POW_VALUE, D.POW_VALUE.forward(self.data, other.data), self, other)
        p = to_float(other, "** (exponent)")
        return unary(D.POW, D.POW.forward(self.data, p), self, p)

    def __rpow__(self, other: Operand) -> Value:
        base = const(other, "**")
        return binary(D.POW_VALUE, D.POW_VALUE.forward(base.data, self.data), base, self)

    def __neg__(self) -> Value:
        return unary(D.NEG, -self.data, self)

    def __abs__(self) -> Value:
        return unary(D.ABS, abs(self.data), self)

    # ------------------------------------------------------------ functions
    def exp(self) -> Value:
        """f(x) = eˣ, f'(x) = eˣ."""
        return unary(D.EXP, D.EXP.forward(self.data), self)

    def log(self) -> Value:
        """f(x) = ln x, f'(x) = 1/x; x <= 0 raises DomainError."""
        return unary(D.LOG, D.LOG.forward(self.data), self)

    def sqrt(self) -> Value:
        """f(x) = √x, f'(x) = 1/(2√x); x < 0 raises DomainError."""
        return unary(D.SQRT, D.SQRT.forward(self.data), self)

    def tanh(self) -> Value:
        """f(x) = tanh x, f'(x) = 1 − tanh² x."""
        return unary(D.TANH, math.tanh(self.data), self)

    def sigmoid(self) -> Value:
        """f(x) = 1/(1 + e⁻ˣ), f'(x) = σ(x)(1 − σ(x)); never overflows."""
        return unary(D.SIGMOID, D.SIGMOID.forward(self.data), self)

    def relu(self) -> Value:
        """f(x) = max(0, x), f'(x) = 1 for x > 0 else 0 (relu'(0) = 0)."""
        x = self.data
        return unary(D.RELU, 0.0 if x <= 0.0 else x, self)  # nan passes through

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """f(x) = x if x > 0 else a·x, f'(x) = 1 if x > 0 else a (a at x = 0)."""
        a = to_float(negative_slope, "leaky_relu(negative_slope)")
        return unary(D.LEAKY_RELU, D.LEAKY_RELU.forward(self.data, a), self, a)

    def silu(self) -> Value:
        """Swish: f(x) = x·σ(x), f'(x) = σ(x)(1 + x(1 − σ(x)))."""
        return unary(D.SILU, D.SILU.forward(self.data), self)

    def gelu(self, approximate: str = "none") -> Value:
        """f(x) = x·Φ(x) (``approximate="tanh"``: the tanh approximation)."""
        if approximate == "none":
            return unary(D.GELU, D.GELU.forward(self.data), self)
        if approximate == "tanh":
            return unary(D.GELU_TANH, D.GELU_TANH.forward(self.data), self)
        raise ValueError(f"gelu(approximate=...) must be 'none' or 'tanh', got {approximate!r}")

    def erf(self) -> Value:
        """f(x) = erf x, f'(x) = (2/√π) e^(−x²)."""
        return unary(D.ERF, math.erf(self.data), self)

    def sin(self) -> Value:
        """f(x) = sin x, f'(x) = cos x."""
        return unary(D.SIN, D.SIN.forward(self.data), self)

    def cos(self) -> Value:
        """f(x) = cos x, f'(x) = −sin x."""
        return unary(D.COS, D.COS.forward(self.data), self)

    def log1p(self) -> Value:
        """f(x) = ln(1 + x), f'(x) = 1/(1 + x); accurate for tiny x; x <= −1 raises DomainError."""
        return unary(D.LOG1P, D.LOG1P.forward(self.data), self)

    def expm1(self) -> Value:
        """f(x) = eˣ − 1, f'(x) = eˣ; accurate for tiny x."""
        return unary(D.EXPM1, D.EXPM1.forward(self.data), self)

    def softplus(self, beta: float = 1.0) -> Value:
        """f(x) = (1/β)·ln(1 + e^(βx)), f'(x) = σ(βx); finite for every finite x (β > 0)."""
        b = to_float(beta, "softplus(beta)")
        if not b > 0.0 or math.isinf(b):
            raise ValueError(f"softplus(beta=...) must be a positive finite number, got {beta!r}")
        return unary(D.SOFTPLUS, D.SOFTPLUS.forward(self.data, b), self, b)

    def elu(self, alpha: float = 1.0) -> Value:
        """f(x) = x if x > 0 else α(eˣ − 1), f'(x) = 1 if x > 0 else α·eˣ (α at x = 0)."""
        a = to_float(alpha, "elu(alpha)")
        return unary(D.ELU, D.ELU.forward(self.data, a), self, a)

    def clamp(self, min: Number | None = None, max: Number | None = None) -> Value:  # noqa: A002
        """f(x) = min(max(x, min), max); f'(x) = 1 for min ≤ x ≤ max, else 0 (as torch.clamp)."""
        if min is None and max is None:
            raise TypeError("clamp() needs min, max or both (for example v.clamp(min=1e-8, max=1 - 1e-8))")
        lo = None if min is None else to_float(min, "clamp(min)")
        hi = None if max is None else to_float(max, "clamp(max)")
        bounds = (lo, hi)
        return unary(D.CLAMP, D.CLAMP.forward(self.data, bounds), self, bounds)

    def maximum(self, other: Operand) -> Value:
        """max(self, other), see :func:`maximum`."""
        return maximum(self, other)

    def minimum(self, other: Operand) -> Value:
        """min(self, other), see :func:`minimum`."""
        return minimum(self, other)

    # ------------------------------------------------------------ pickle and copy
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle (and ``copy.deepcopy``) the graph below this Value without recursion.

        The nodes are listed in topological order with their inputs given by
        position, so a chain of any length pickles; leaves are pickled as
        themselves, so a leaf shared by several pickled Values stays one object.
        """
        return _flatten(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """``copy.deepcopy``: the same flat walk as pickle, without a round trip through bytes."""
        import copy

        done: Value | None = memo.get(id(self))
        if done is not None:
            return done
        maker, args = _flatten(self)
        out: Value
        if maker is _leaf:
            out = _leaf(*args)
        else:
            records = []
            for r in args[0]:
                if type(r) is Value:
                    twin = memo.get(id(r))
                    if twin is None:
                        twin = memo[id(r)] = _leaf(r.data, r.grad, r.label, r._node_op is not CONSTANT)
                    records.append(twin)
                else:
                    key, idx, param, data, grad, label = r
                    if param is not None and not isinstance(param, float):
                        param = copy.deepcopy(param, memo)  # a Function's ctx, clamp's bounds
                    records.append((key, idx, param, data, grad, label))
            out = _rebuild(records)
        memo[id(self)] = out
        return out

    @staticmethod
    def record_ieee(op_name: str, data: float, inputs: tuple[Any, ...], param: Any = None) -> Value:
        """A node ``op_name(*inputs)`` holding ``data`` as computed by the caller, without domain checks.

        For the registry's derivative rules on Values (see ``ops.scalar``): where a
        float rule gives ±inf or nan, the recorded rule holds the same number.
        """
        op = REGISTRY[op_name]
        ins = tuple(x if type(x) is Value else const(x) for x in inputs)
        if op.arity == 1:
            return unary(op, data, ins[0], param)
        return binary(op, data, ins[0], ins[1])


# ---------------------------------------------------------------- building nodes
def _float_refusal(v: Value) -> str:
    """The message of ``float(v)`` on a Value that requires grad (see ``Value.__float__``)."""
    name = v.label if v.label.isidentifier() else "v"
    return (
        f"float({name}) would drop {v!r} out of the graph: it requires grad, and a float carries no "
        f"gradient back (math.exp({name}), math.log({name}), ... call float() too). To stay in the graph "
        f"use the Value's method: {name}.exp(), .log(), .sqrt(), .tanh(), .sin(), .cos(), .log1p(), "
        f".expm1(), .sigmoid(), abs({name}), {name} ** p; to take the number on purpose use "
        f"{name}.item() or {name}.data (or float() inside tg.no_grad())"
    )


def _no_rule(*args: Any) -> Any:
    raise TypeError("a leaf marker has no forward and no derivative")


# What a leaf holds in place of an op: an Op with no inputs (arity 0), never
# registered.  Being an Op like every other node's keeps attribute reads on
# ``_node_op`` fast (CPython specialises them per type).
LEAF = Op("", "", 0, _no_rule, _no_rule, "", "", "", Domain(()))  # a leaf that requires grad
CONSTANT = Op("", "", 0, _no_rule, _no_rule, "", "", "", Domain(()))  # one that does not: a number,
# a detached value, a result under no_grad


def _make(data: float, needs: bool, op: Op, a: Any, b: Any) -> Value:
    """A new Value; it remembers ``op`` and its inputs ``a``, ``b`` when ``needs`` (an input
    requires grad) and this thread records the graph."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._mark = None
    if ALL.on:  # the fast path: every thread records, no thread checks anomalies
        if needs:
            out._node_op = op
            out._a = a
            out._b = b
        else:
            out._node_op = CONSTANT
        return out
    return _make_checked(out, needs, op, a, b)


def _make_checked(out: Value, needs: bool, op: Op, a: Any, b: Any) -> Value:
    """The rest of :func:`_make` when some thread is in ``no_grad`` or ``detect_anomaly``."""
    anomaly = MODE.anomaly and op.arity != 0
    if anomaly and not math.isfinite(out.data):
        raise AnomalyError(
            f"forward: {printable(op.name)} gave {out.data!r} from {_describe_inputs(op, a, b)}, "
            f"at {user_site()}; this is the first op whose result is not finite"
        )
    if needs and MODE.enabled:
        out._node_op = op
        out._a = a
        out._b = b
        if anomaly:
            MODE.sites[id(out)] = (out, user_site())
    else:
        out._node_op = CONSTANT
    return out


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_site() -> str:
    """file:line of the innermost caller outside tinygrad_edu (where the user's code made the node)."""
    frame: Any = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def node_inputs(op: Op, a: Any, b: Any) -> tuple[Value, ...]:
    """The input Values kept in a node's two slots (see ``Value.__slots__``)."""
    if op.arity == 2:
        return (a, b)
    if op.arity == 1:
        return (a,)
    return tuple(a) if op.arity < 0 else ()


def _describe_inputs(op: Op, a: Any, b: Any) -> str:
    ins = node_inputs(op, a, b)
    parts = [f"{x.data!r}" + (f" ({printable(x.label)})" if x.label else "") for x in ins]
    text = "input " + parts[0] if len(parts) == 1 else "inputs " + ", ".join(parts)
    if op.arity == 1 and b is not None and op.param != "ctx":
        text += f" and {op.param} = {b!r}"
    return text


def const(x: Any, what: str = "operand") -> Value:
    """Wrap a number as a constant Value (requires no grad); a Value is returned as it is."""
    if isinstance(x, Value):
        return x
    return _make(to_float(x, f"Value {what}"), False, CONSTANT, None, None)


def binary(op: Op, data: float, a: Value, b: Value) -> Value:
    """A new node ``op(a, b)`` with the given forward result; the graph is recorded when needed."""
    return _make(data, a._node_op is not CONSTANT or b._node_op is not CONSTANT, op, a, b)


def unary(op: Op, data: float, x: Value, p: Any = None) -> Value:
    """A new node ``op(x)`` (``p``: the op's constant parameter, if any)."""
    return _make(data, x._node_op is not CONSTANT, op, x, p)


def nary(op: Op, data: float, inputs: tuple[Value, ...], p: Any = None) -> Value:
    """A new node with any number of inputs (sum, dot, custom Functions)."""
    return _make(data, any(x._node_op is not CONSTANT for x in inputs), op, inputs, p)


def _compare_operand(x: Any) -> float | None:
    """The number a Value is compared with (None: not comparable, Python then raises TypeError)."""
    if type(x) is Value:
        return x.data
    if isinstance(x, (int, float)):
        return x  # type: ignore[return-value]
    try:
        return to_float(x, "comparison")
    except TypeError:
        return None


def maximum(a: Operand, b: Operand) -> Value:
    """max(a, b) as one node; at a tie each input gets half the gradient, as ``torch.maximum``.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.Value(2.0), tg.Value(2.0)
    >>> m = tg.maximum(a, b); m.backward()
    >>> m.data, a.grad, b.grad
    (2.0, 0.5, 0.5)
    """
    x = a if type(a) is Value else const(a, "in maximum()")
    y = b if type(b) is Value else const(b, "in maximum()")
    return binary(D.MAXIMUM, D.MAXIMUM.forward(x.data, y.data), x, y)


def minimum(a: Operand, b: Operand) -> Value:
    """min(a, b) as one node; at a tie each input gets half the gradient, as ``torch.minimum``."""
    x = a if type(a) is Value else const(a, "in minimum()")
    y = b if type(b) is Value else const(b, "in minimum()")
    return binary(D.MINIMUM, D.MINIMUM.forward(x.data, y.data), x, y)


# ---------------------------------------------------------------- pickle and copy
def _leaf(data: float, grad: float, label: str, requires_grad: bool) -> Value:
    v = Value(data, label, requires_grad)
    v.grad = grad
    return v


Record = Union[Value, tuple[Any, ...]]


def _op_key(op: Op) -> Any:
    if REGISTRY.get(op.name) is op:
        return op.name
    function = op.extra.get("function")
    if function is None:
        raise TypeError(f"cannot pickle a node of the unregistered op {op.name!r}")
    return function  # a user Function subclass: pickled by reference, like any class


def _flatten(root: Value) -> tuple[Any, ...]:
    """The graph below ``root`` as a flat list, inputs before users (an iterative walk)."""
    if root._node_op.arity == 0:
        return (_leaf, (root.data, root.grad, getattr(root, "_label", ""), root._node_op is not CONSTANT))
    index: dict[int, int] = {}
    records: list[Record] = []
    stack: list[Any] = [root]
    push = stack.append
    while stack:
        node = stack.pop()
        if node is None:  # the marker pushed under a node: all its inputs are listed now
            node = stack.pop()
            key = id(node)
            if key in index:
                continue
            op = node._node_op
            ins = node_inputs(op, node._a, node._b)
            index[key] = len(records)
            records.append((_op_key(op), tuple([index[id(x)] for x in ins]),
                            None if op.arity == 2 else node._b, node.data, node.grad,
                            getattr(node, "_label", "")))
            continue
        key = id(node)
        if key in index:
            continue
        op = node._node_op
        if op.arity == 0:
            index[key] = len(records)
            records.append(node)  # a leaf: pickled as itself (by _leaf)
            continue
        push(node)
        push(None)
        for x in reversed(node_inputs(op, node._a, node._b)):
            if id(x) not in index:
                push(x)
    return (_rebuild, (records,))


def _rebuild(records: list[Record]) -> Value:
    """The inverse of :func:`_flatten`: the nodes again, each pointing to its rebuilt inputs."""
    nodes: list[Value] = []
    for r in records:
        if type(r) is Value:
            nodes.append(r)
            continue
        key, idx, param, data, grad, label = r  # type: ignore[misc]
        op = REGISTRY[key] if isinstance(key, str) else key._op()
        out = _new(Value)  # recorded whatever the grad mode of the unpickling thread
        out.data = data
        out._mark = None
        out._node_op = op
        if op.arity == 2:
            out._a, out._b = nodes[idx[0]], nodes[idx[1]]
        elif op.arity == 1:
            out._a, out._b = nodes[idx[0]], param
        else:
            out._a, out._b = tuple(nodes[i] for i in idx), param
        out.grad = grad
        if label:
            out._label = label
        nodes.append(out)
    return nodes[-1]


def sum(values: Iterable[Operand]) -> Value:  # noqa: A001 - the public name in the contract
    """Σ values as ONE node (not a chain of additions): faster and a smaller picture.

    >>> import tinygrad_edu as tg
    >>> xs = [tg.Value(float(i)) for i in range(4)]
    >>> s = tg.sum(xs); s.backward()
    >>> s.data, s.op, len(s.inputs), xs[2].grad
    (6.0, 'sum', 4, 1.0)
    """
    if isinstance(values, Value):
        raise TypeError("tinygrad_edu.sum() takes an iterable of Values or numbers, got a single Value")
    ins = tuple(v if type(v) is Value else const(v, "in sum()") for v in values)
    return nary(D.SUM, S.safe_fsum([v.data for v in ins]), ins)


def dot(ws: Iterable[Operand], xs: Iterable[Operand]) -> Value:
    """Σ wᵢ·xᵢ as ONE node; ``ws`` and ``xs`` must have the same length.

    >>> import tinygrad_edu as tg
    >>> w = [tg.Value(2.0), tg.Value(-1.0)]
    >>> y = tg.dot(w, [3.0, 4.0]); y.backward()
    >>> y.data, w[0].grad, w[1].grad
    (2.0, 3.0, 4.0)
    """
    wt = tuple(v if type(v) is Value else const(v, "in dot()") for v in ws)
    xt = tuple(v if type(v) is Value else const(v, "in dot()") for v in xs)
    if len(wt) != len(xt):
        raise ValueError(f"dot() needs two sequences of the same length, got {len(wt)} and {len(xt)}")
    ins = wt + xt
    return nary(D.DOT, D.DOT.forward(*[v.data for v in ins]), ins)


def apply_op(op: Op, inputs: Iterable[Operand], param: Any = None) -> Value:
    """Apply a registry op to Values or numbers: the generic form of every Value method.

    >>> from tinygrad_edu.ops import get
    >>> apply_op(get("tanh"), [0.0]).data, apply_op(get("pow"), [3.0], 2.0).data
    (0.0, 9.0)
    """
    ins = tuple(v if type(v) is Value else const(v, f"input of {op.name}") for v in inputs)
    if op.arity >= 0 and len(ins) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(ins)}")
    if op.param and param is None:
        raise TypeError(f"{op.name} needs its parameter {op.param!r}")
    data = op.call_forward(tuple(x.data for x in ins), param)
    if op.arity == 1:
        return unary(op, data, ins[0], param)
    if op.arity == 2:
        return binary(op, data, ins[0], ins[1])
    return nary(op, data, ins, param)
