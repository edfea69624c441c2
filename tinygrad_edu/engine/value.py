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
from collections.abc import Iterable
from typing import Any, TypeAlias, Union

from tinygrad_edu.engine.mode import ALL, MODE
from tinygrad_edu.ops import definitions as D
from tinygrad_edu.ops.registry import Domain, Op

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
        return float(x)
    if isinstance(x, Value):
        raise TypeError(
            f"{what} got a Value; a Value cannot wrap another Value. "
            "Use v.data for its number, or v.detach() for a copy that needs no gradient"
        )
    if type(x).__module__ == "numpy" and getattr(x, "shape", None) == () and isinstance(x, numbers.Number):
        return float(x)  # type: ignore[arg-type]  # a numpy scalar
    raise TypeError(
        f"{what} takes an int or float (bool and numpy scalars are converted), "
        f"got {type(x).__name__}: {x!r:.60}"
    )


class Value:
    """A scalar that remembers how it was computed.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x      # y = x² + 3x
    >>> y.backward()
    >>> y.data, x.grad          # dy/dx = 2x + 3
    (10.0, 7.0)
    """

    # Seven slots, and no more: every slot costs memory and time in the garbage
    # collector's passes, which see every node.  ``_op`` is the registry op that
    # made the node, or for a leaf one of the two markers LEAF (requires grad) and
    # CONSTANT (does not) - so ``requires_grad`` needs no slot of its own.  The
    # inputs are kept in ``_a, _b`` instead of a tuple (one object less per node):
    # for a binary op they are the inputs; for a unary op ``_a`` is the input and
    # ``_b`` the op's constant parameter (or None); for an n-ary op ``_a`` is the
    # tuple of inputs and ``_b`` the parameter; a leaf leaves them unset.
    # ``_mark`` records how far a backward pass's graph walk has got, and
    # ``_label`` stays unset until a label is given.
    __slots__ = ("_a", "_b", "_label", "_mark", "_op", "data", "grad")

    data: float
    grad: float
    _label: str  # unset until a label is given: most nodes have none
    _op: Op  # LEAF or CONSTANT for a leaf
    _a: Any
    _b: Any
    _mark: object

    def __init__(self, data: Any, label: str = "", requires_grad: bool = True) -> None:
        self.data = data if type(data) is float else to_float(data)
        self.grad = 0.0
        self.label = label  # checked by the setter (computed nodes skip this and leave it unset)
        self._op = LEAF if requires_grad else CONSTANT
        self._mark = None

    # ------------------------------------------------------------ facts about the node
    @property
    def op(self) -> str:
        """Name of the op that made this Value ("" for a leaf)."""
        return self._op.name

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
        return self._op is not CONSTANT

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._op.arity != 0:
            raise ValueError(
                f"requires_grad can only be changed on a leaf, and this Value was computed by "
                f"{self._op.name!r}; use v.detach() for a copy that requires no grad"
            )
        self._op = LEAF if flag else CONSTANT

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in the op's argument order (() for a leaf)."""
        arity = self._op.arity
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
        return self._op.arity == 0

    @property
    def op_spec(self) -> Op | None:
        """The registry entry of the op that made this Value (None for a leaf)."""
        op = self._op
        return None if op.arity == 0 else op

    @property
    def param(self) -> Any:
        """The op's constant parameter (the exponent of ``x ** 2``, a slope, ...), or None."""
        arity = self._op.arity
        return None if arity in (0, 2) else self._b

    def detach(self) -> Value:
        """A new leaf with the same data (and label) that requires no grad."""
        return Value(self.data, self.label, requires_grad=False)

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"data={self.data:.4g}"]
        if self.grad != 0.0:
            parts.append(f"grad={self.grad:.4g}")
        if self._op.arity != 0:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        if not self.requires_grad:
            parts.append("requires_grad=False")
        return "Value(" + ", ".join(parts) + ")"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter display: the graph as SVG (needs the viz extra), else the text repr."""
        try:
            from tinygrad_edu.viz.jupyter import mimebundle  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # the viz layer needs the optional graphviz package
            return {"text/plain": repr(self)}
        bundle: dict[str, str] = mimebundle(self)
        return bundle

    # ------------------------------------------------------------ gradients
    def backward(self, grad_output: Number = 1.0) -> None:
        """Add d(self)/d(node) * grad_output to ``.grad`` of every node that requires grad.

        Each call adds exactly one more pass; call ``zero_grad`` (or set ``.grad = 0``)
        between steps.  Iterative: works on graphs of any depth.
        """
        from tinygrad_edu.engine.autograd import backward

        backward(self, grad_output)

    # ------------------------------------------------------------ arithmetic
    # + and * make most of any network's nodes: they call _make directly (what
    # binary() does), saving one Python call per node.
    def __add__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = const(other, "+")
        record = self._op is not CONSTANT or other._op is not CONSTANT
        return _make(self.data + other.data, record and (ALL.on or MODE.enabled), _ADD, self, other)

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
        record = self._op is not CONSTANT or other._op is not CONSTANT
        return _make(self.data * other.data, record and (ALL.on or MODE.enabled), _MUL, self, other)

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
        return unary(D.RELU, x if x > 0.0 else 0.0, self)

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


# ---------------------------------------------------------------- building nodes
def _leaf_marker(name: str) -> Op:
    def no_rule(*args: Any) -> Any:
        raise TypeError(f"{name} marks a leaf: it has no forward and no derivative")

    return Op("", "", 0, no_rule, no_rule, "", "", "", Domain(()))


# What a leaf holds in place of an op: an Op with no inputs (arity 0), never
# registered.  Being an Op like every other node's keeps attribute reads on
# ``_op`` fast (CPython specialises them per type).
LEAF = _leaf_marker("LEAF")  # a leaf that requires grad: a parameter, an input to differentiate
CONSTANT = _leaf_marker("CONSTANT")  # one that does not: a number, a detached value, a result under no_grad


def _make(data: float, record: bool, op: Op, a: Any, b: Any) -> Value:
    """A new Value; when ``record`` is true it remembers ``op`` and its inputs ``a``, ``b``."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._mark = None
    if record:
        out._op = op
        out._a = a
        out._b = b
    else:
        out._op = CONSTANT
    return out


def const(x: Any, what: str = "operand") -> Value:
    """Wrap a number as a constant Value (requires no grad); a Value is returned as it is."""
    if isinstance(x, Value):
        return x
    return _make(to_float(x, f"Value {what}"), False, CONSTANT, None, None)


def binary(op: Op, data: float, a: Value, b: Value) -> Value:
    """A new node ``op(a, b)`` with the given forward result; the graph is recorded when needed."""
    record = a._op is not CONSTANT or b._op is not CONSTANT
    return _make(data, record and (ALL.on or MODE.enabled), op, a, b)


def unary(op: Op, data: float, x: Value, p: Any = None) -> Value:
    """A new node ``op(x)`` (``p``: the op's constant parameter, if any)."""
    return _make(data, x._op is not CONSTANT and (ALL.on or MODE.enabled), op, x, p)


def nary(op: Op, data: float, inputs: tuple[Value, ...], p: Any = None) -> Value:
    """A new node with any number of inputs (sum, dot, custom Functions)."""
    return _make(data, (ALL.on or MODE.enabled) and any(x._op is not CONSTANT for x in inputs), op, inputs, p)


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
    return nary(D.SUM, math.fsum([v.data for v in ins]), ins)


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
