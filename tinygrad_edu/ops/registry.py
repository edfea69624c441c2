"""The ops registry: every primitive operation, declared once, as data.

An :class:`Op` says everything there is to know about one primitive:

* ``forward``  - the function on plain floats (raising :class:`DomainError`
  outside the domain, never a bare ``math domain error``);
* ``vjp``      - the local derivative, as a vector-Jacobian product
  ``vjp(g, out, *inputs) -> tuple`` giving ``g * d(out)/d(input)`` for each input.
  ``out`` is the op's result and ``inputs`` its arguments.  The engine calls it
  with floats for a normal backward pass, and with Values when
  ``create_graph=True`` - so the same formula also gives second derivatives;
* ``formula`` / ``derivative`` - the math as text, for docs and pictures;
* ``domain``   - where property tests may sample it (kinks and poles declared).

The engine, the graph renderer (edge labels), the generated docs table and the
property tests all read this registry; nothing else states a derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Rule = Callable[..., tuple[Any, ...]]


@dataclass(frozen=True)
class Domain:
    """Where an op may be sampled by tests.

    ``intervals`` is one ``(low, high)`` range per input; ``kinks`` are points
    where the derivative jumps (tests keep ``margin`` away from them) and
    ``poles`` points where the function or its derivative is infinite.
    ``params`` lists op parameters (such as the exponent of ``pow``) to test.
    ``nary`` gives the number of inputs to test an n-ary op with.
    """

    intervals: tuple[tuple[float, float], ...]
    kinks: tuple[float, ...] = ()
    poles: tuple[float, ...] = ()
    margin: float = 1e-3
    params: tuple[Any, ...] = (None,)
    nary: int = 0


@dataclass(frozen=True, slots=True)
class Op:
    """One primitive operation (see the module docstring)."""

    name: str
    symbol: str
    arity: int  # number of inputs; -1 for n-ary ops (sum, dot)
    forward: Callable[..., float]
    vjp: Rule
    formula: str
    derivative: str
    method: str  # the Value attribute (or function of tinygrad_edu) that applies it
    domain: Domain
    param: str = ""  # name of the op's constant parameter, if it has one
    kink_note: str = ""  # the convention used at a kink, if any
    extra: dict[str, Any] = field(default_factory=dict)

    def local_grads(self, out: float, inputs: tuple[float, ...], param: Any = None) -> tuple[float, ...]:
        """d(out)/d(input) for each input, at a point: the vjp with ``g = 1``."""
        if self.param:
            return tuple(self.vjp(1.0, out, *inputs, param))
        return tuple(self.vjp(1.0, out, *inputs))

    def call_forward(self, inputs: tuple[float, ...], param: Any = None) -> float:
        """The forward on floats, with the parameter appended when the op has one."""
        if self.param:
            return self.forward(*inputs, param)
        return self.forward(*inputs)


REGISTRY: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to the registry; names are unique."""
    if op.name in REGISTRY:
        raise ValueError(f"op {op.name!r} is already registered")
    REGISTRY[op.name] = op
    return op


def get(name: str) -> Op:
    """The registered op called ``name`` (KeyError listing the known names if absent)."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"no op named {name!r}; registered ops: {known}") from None
