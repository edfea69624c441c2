"""Expression text with precedence: a registry template cut into pieces, so pasting is concatenation.

An expression is kept as ``(text, precedence, depth, op names)``: the precedence
of its outermost operator decides whether it needs parentheses where it is
pasted.  The text pasted here is the registry's own template text and names
made by :mod:`.naming`; nothing from the user's graph.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from tinygrad_edu.ops.registry import PLACEHOLDER

# its outermost operator decides whether it needs parentheses where it is pasted.
ATOM = 16  # names, literals, calls
_BINARY = {ast.Add: 10, ast.Sub: 10, ast.Mult: 11, ast.Div: 11, ast.FloorDiv: 11, ast.Mod: 11,
           ast.MatMult: 11, ast.Pow: 13, ast.BitOr: 6, ast.BitXor: 7, ast.BitAnd: 8,
           ast.LShift: 9, ast.RShift: 9}
Expr = tuple[str, int, int, tuple[str, ...]]
Bound = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], int]


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.IfExp):
        return 1
    if isinstance(node, ast.BoolOp):
        return 2 if isinstance(node.op, ast.Or) else 3
    if isinstance(node, ast.UnaryOp):
        return 4 if isinstance(node.op, ast.Not) else 12
    if isinstance(node, ast.Compare):
        return 5
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)]
    return ATOM


def _needed(parent: ast.AST, child: ast.AST) -> int:
    """The least precedence an expression pasted as ``child`` of ``parent`` may have without parentheses."""
    if isinstance(parent, ast.BinOp):
        p = _BINARY[type(parent.op)]
        if isinstance(parent.op, ast.Pow):  # right-associative; binds tighter than unary minus on its left
            return ATOM if child is parent.left else 12
        return p if child is parent.left else p + 1
    if isinstance(parent, (ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
        return _precedence(parent) + 1
    if isinstance(parent, ast.Call) and child is parent.func:
        return ATOM
    if isinstance(parent, (ast.Attribute, ast.Subscript)) and child is getattr(parent, "value", None):
        return ATOM
    return 1  # an argument, an element of a tuple: anything but a lambda


class Form:
    """A template's expression cut into text and slots, so that pasting is string concatenation.

    >>> f = Form("{g} * {b}")
    >>> f.render({"g": ("d_y", ATOM), "b": ("u + v", 10)})
    'd_y * (u + v)'
    """

    __slots__ = ("keys", "needs", "pieces", "precedence")

    def __init__(self, template: str) -> None:
        # {name} and {name.data} become identifiers of the same length, so columns stay put
        masked = PLACEHOLDER.sub(lambda m: "_" + m[0][1:-1].replace(".", "_") + "_", template)
        tree = ast.parse(masked, mode="eval").body
        parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        need_at: dict[int, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and PLACEHOLDER.fullmatch("{" + node.id[1:-1] + "}"):
                parent = parents.get(id(node))
                need_at[node.col_offset] = 0 if parent is None else _needed(parent, node)
        self.pieces: list[str] = []
        self.keys: list[str] = []
        self.needs: list[int] = []
        at = 0
        for m in PLACEHOLDER.finditer(template):
            self.pieces.append(template[at:m.start()])
            self.keys.append(m[1])
            self.needs.append(need_at[m.start()])
            at = m.end()
        self.pieces.append(template[at:])
        # the whole template is one placeholder ("{g}"): the result keeps the pasted precedence
        self.precedence = -1 if isinstance(tree, ast.Name) and self.keys else _precedence(tree)

    def bind(self, order: Sequence[str]) -> Bound:
        """(pieces, argument index of each slot, precedence each slot needs, result precedence)."""
        idx = tuple(order.index(k) for k in self.keys)
        return (tuple(self.pieces), idx, tuple(self.needs), self.precedence)

    def render(self, values: dict[str, tuple[str, int]]) -> str:
        """The text with each placeholder replaced by ``values[name] = (text, precedence)``."""
        pieces = self.pieces
        out = [pieces[0]]
        for k, (key, need) in enumerate(zip(self.keys, self.needs)):
            text, prec = values[key]
            out.append(text if prec >= need else "(" + text + ")")
            out.append(pieces[k + 1])
        return "".join(out)


_FORMS: dict[str, Form] = {}


def form(template: str) -> Form:
    f = _FORMS.get(template)
    if f is None:
        f = _FORMS[template] = Form(template)
    return f

