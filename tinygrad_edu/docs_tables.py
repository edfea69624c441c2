"""The documentation's table of ops, generated from the registry.

The registry (:mod:`tinygrad_edu.ops.registry`) is the one place where an op
and its derivative are declared; the ops table of the guide's engine page
(``docs/engine.md``) is printed from it, so the docs cannot drift from the
code.  A test compares that page with :func:`ops_table`; after adding an op,
refresh it with::

    python -m tinygrad_edu.docs_tables --write docs/engine.md

which rewrites only the lines between ``<!-- ops-table -->`` and
``<!-- /ops-table -->``.  ``--check docs/engine.md`` exits 1 when they differ.

>>> print(ops_table().splitlines()[0])
| op | symbol | how to call it | f | derivative | at a kink |
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import tinygrad_edu
from tinygrad_edu.engine.value import Value
from tinygrad_edu.ops.registry import REGISTRY, Op

BEGIN = "<!-- ops-table -->"
END = "<!-- /ops-table -->"

# How Python spells the operator behind a dunder method (x: one input; a, b: two).
_OPERATORS = {"__add__": "a + b", "__sub__": "a - b", "__mul__": "a * b", "__truediv__": "a / b",
              "__neg__": "-x", "__abs__": "abs(x)"}
# Calls that the method name and parameter alone cannot spell.
_CALLS = {"gelu_tanh": 'x.gelu(approximate="tanh")', "dot": "tg.dot(ws, xs)",
          "softplus": "x.softplus(beta=1.0)", "elu": "x.elu(alpha=1.0)",
          "clamp": "x.clamp(min=-1.0, max=1.0)", "maximum": "tg.maximum(a, b)", "minimum": "tg.minimum(a, b)",
          "tie": "tg.grad(x.relu(), x, create_graph=True)"}


def call_syntax(op: Op) -> str:
    """How a user applies ``op``: an operator, a Value method, ``tg.name`` or ``F.name``.

    >>> call_syntax(REGISTRY["mul"]), call_syntax(REGISTRY["pow"]), call_syntax(REGISTRY["tanh"])
    ('a * b', 'x ** p', 'x.tanh()')
    """
    if op.name in _CALLS:
        return _CALLS[op.name]
    if op.method == "__pow__":
        return "a ** b" if op.arity == 2 else f"x ** {op.param or 'p'}"
    if op.method in _OPERATORS:
        return _OPERATORS[op.method]
    if hasattr(Value, op.method):
        return f"x.{op.method}({op.param})"
    if hasattr(tinygrad_edu, op.method):
        return f"tg.{op.method}(xs)" if op.arity == -1 else f"tg.{op.method}(...)"
    return f"F.{op.method}(...)"


def _cell(text: str) -> str:
    """A markdown table cell: pipes escaped, no line breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def ops_table(ops: Sequence[Op] | None = None) -> str:
    """A markdown table with one row per registered op, in registration order."""
    rows = list(REGISTRY.values()) if ops is None else list(ops)
    lines = ["| op | symbol | how to call it | f | derivative | at a kink |",
             "| --- | --- | --- | --- | --- | --- |"]
    for op in rows:
        cells = [f"`{op.name}`", op.symbol, f"`{call_syntax(op)}`", op.formula, op.derivative,
                 op.kink_note or ""]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def extract_table(text: str) -> str:
    """The text between the ops-table markers (stripped); ValueError when the markers are missing."""
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < 0 or end < start:
        raise ValueError(f"the ops-table markers {BEGIN} ... {END} were not found (or are out of order)")
    return text[start + len(BEGIN):end].strip()


def replace_table(text: str, table: str) -> str:
    """``text`` with the part between the markers replaced by ``table`` (markers kept)."""
    extract_table(text)  # validates the markers
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END)
    return text[:start] + "\n" + table + "\n" + text[end:]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table, ``--check FILE`` it, or ``--write FILE`` it between the markers."""
    parser = argparse.ArgumentParser(prog="python -m tinygrad_edu.docs_tables",
                                     description="Print the markdown table of ops from the registry.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help="replace the table between the markers in FILE")
    group.add_argument("--check", metavar="FILE", help="exit 1 if FILE's table differs from the registry")
    args = parser.parse_args(argv)
    table = ops_table()
    target = args.write or args.check
    if target is None:
        print(table)
        return 0
    path = Path(target)
    try:
        text = path.read_text(encoding="utf-8")
        current = extract_table(text)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if current != table:
            print(f"{path}: the ops table is out of date; run python -m tinygrad_edu.docs_tables "
                  f"--write {path}", file=sys.stderr)
            return 1
        print(f"{path}: the ops table matches the registry")
        return 0
    path.write_text(replace_table(text, table), encoding="utf-8")
    print(f"{path}: ops table written ({len(REGISTRY)} ops)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
