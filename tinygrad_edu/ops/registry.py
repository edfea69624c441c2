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
* ``domain``   - where property tests may sample it (kinks and poles declared);
* ``short``    - the op as micrograd's lecture writes it in ``Value._op`` and
  ``draw_dot`` ('+', '*', 'ReLU', '**{p}' with the exponent put in), or "" for
  the op's name.

The engine, the graph renderer (edge labels), the generated docs table and the
property tests all read this registry; nothing else states a derivative.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tinygrad_edu.ops import scalar

Rule = Callable[..., tuple[Any, ...]]


@dataclass(frozen=True)
class Domain:
    """Where an op may be sampled by tests.

    ``intervals`` is one ``(low, high)`` range per input; ``kinks`` are points
    where the derivative jumps (tests keep ``margin`` away from them) and
    ``poles`` points where the function or its derivative is infinite.
    ``params`` lists op parameters (such as the exponent of ``pow``) to test.
    ``nary`` gives the number of inputs to test an n-ary op with.  ``apart``
    keeps the inputs of a binary op that far from each other, for a kink along
    the line a = b (maximum, minimum).
    """

    intervals: tuple[tuple[float, float], ...]
    kinks: tuple[float, ...] = ()
    poles: tuple[float, ...] = ()
    margin: float = 1e-3
    params: tuple[Any, ...] = (None,)
    nary: int = 0
    apart: float = 0.0


PLACEHOLDER = re.compile(r"\{(\w+)(\.data)?\}")


@dataclass(frozen=True)
class Template:
    """An op's math as Python expression text: the one statement of its derivative.

    The engine's ``vjp`` rule is built from this text (:func:`from_template`),
    and :func:`tinygrad_edu.compile` pastes the same text into the program it
    generates, so the derivative is written once.  Placeholders, in braces:

    * ``{g}`` the upstream gradient, ``{out}`` the op's result, ``{p}`` its parameter;
    * the inputs: ``{a}``, ``{b}`` for a binary op, ``{x}`` for a unary one, and
      for an n-ary op the names in ``blocks``;
    * ``{x.data}``: the number inside ``x``, as a constant (its own derivative
      is not followed) - for comparisons, as in relu's ``{g} * ({x.data} > 0.0)``.
      On floats it is ``x`` itself.

    ``vjp`` holds g·∂out/∂input, one expression per input.  ``forward`` is the
    result as an expression, or "" when the op's forward function is called.
    An n-ary op (sum, dot) takes its inputs as equal-length blocks named by
    ``blocks`` (dot: w₁..wₙ then x₁..xₙ); its ``vjp`` has one expression per
    block, for the inputs at one index.
    """

    vjp: tuple[str, ...]
    forward: str = ""
    blocks: tuple[str, ...] = ()

    def input_names(self, arity: int) -> tuple[str, ...]:
        """The placeholder names of the inputs, in argument order (n-ary: one per block)."""
        if arity == -1:
            return self.blocks
        return ("a", "b") if arity == 2 else ("x",)

    def rule(self, arity: int, has_param: bool) -> Rule:
        """The vjp rule ``(g, out, *inputs[, p]) -> tuple`` that the text states (works on floats and Values).

        >>> Template(("{g} * {b}", "{g} * {a}")).rule(2, False)(2.0, 12.0, 3.0, 4.0)
        (8.0, 6.0)
        """
        names = self.input_names(arity)
        if len(self.vjp) != len(names):
            raise ValueError(f"a template for {len(names)} input(s) needs {len(names)} vjp expressions, "
                             f"got {len(self.vjp)}")
        exprs = [PLACEHOLDER.sub(lambda m: f"data({m[1]})" if m[2] else m[1], e) for e in self.vjp]
        p = ", p" if has_param else ""
        if arity == -1:  # one expression per block, repeated over the indices
            k = len(names)
            split = ", ".join(f"inputs[{j} * n:{j + 1} * n]" for j in range(k))
            row = ", ".join(names) + ("," if k == 1 else "")
            parts = " + ".join(f"[{e} for {row} in rows]" for e in exprs)
            source = (f"def rule(g, out, *inputs{p}):\n"
                      f"    n = len(inputs) // {k}\n"
                      f"    rows = tuple(zip({split}))\n"
                      f"    return tuple({parts})\n")
        else:
            source = f"def rule(g, out, {', '.join(names)}{p}):\n    return ({', '.join(exprs)},)\n"
        namespace: dict[str, Any] = {"data": scalar.data}
        exec(source, namespace)  # our own template text, fixed when the op is declared
        rule: Rule = namespace["rule"]
        rule.__doc__ = "vjp built from the template: " + "; ".join(self.vjp)
        return rule


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
    template: Template | None = None  # the math as expression text, when the vjp was built from it
    short: str = ""  # micrograd's spelling ('+', '*', '**{p}', 'ReLU'); "" means the name

    def lecture_text(self, param: Any = None) -> str:
        """The op as the micrograd lecture spells it (``Value._op``), its parameter put in.

        >>> from tinygrad_edu.ops import get
        >>> get("mul").lecture_text(), get("pow").lecture_text(2.0), get("pow").lecture_text(-0.5)
        ('*', '**2', '**-0.5')
        >>> get("sigmoid").lecture_text()
        'sigmoid'
        """
        text = self.short or self.name
        if "{p}" in text:
            text = text.replace("{p}", exponent_text(param))
        return text

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


def exponent_text(p: Any) -> str:
    """A number as micrograd's ``f'**{other}'`` shows the exponent typed: 2 for 2.0, 0.5, -1.

    >>> exponent_text(2.0), exponent_text(-1.0), exponent_text(0.5), exponent_text(1e-9)
    ('2', '-1', '0.5', '1e-09')
    """
    if isinstance(p, float) and p.is_integer() and abs(p) < 1e16:
        return str(int(p))
    return repr(p)


def from_template(name: str, symbol: str, arity: int, forward: Callable[..., float], template: Template,
                  formula: str, derivative: str, method: str, domain: Domain, **more: Any) -> Op:
    """An :class:`Op` whose ``vjp`` rule is built from ``template`` (the derivative written once)."""
    rule = template.rule(arity, bool(more.get("param")))
    return Op(name, symbol, arity, forward, rule, formula, derivative, method, domain,
              template=template, **more)


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
