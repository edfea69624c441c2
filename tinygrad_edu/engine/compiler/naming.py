"""The naming rule: no text from the user's graph ever becomes code.

The compiled program is Python source written from a graph, and the graph
holds text the user chose: labels, the class names of custom ``Function``\\ s,
op parameters.  This module is the one place where such text meets the source,
and it follows one rule:

* **Identifiers.**  A value is named after its label only when the label is a
  plain ASCII identifier (``[A-Za-z_][A-Za-z0-9_]*``), not a keyword (soft
  keywords included), not a builtin, not a name of the program itself (``step``,
  ``LEAVES``, ``PARAMS``, the helpers it calls, the shapes of the names it
  generates: ``t7``, ``d_x``, ``c3_0``, ``ctx4``, ``fn0`` ...) and not taken
  already.  Otherwise the value gets a generated name.  An ASCII identifier is
  its own NFKC normal form, so two labels that Python would read as one name
  ("ﬁ" and "fi", "ｘ" and "x") can never both become identifiers.
* **Comments.**  A label appears in the source only inside a comment, written
  as itself when it is such an identifier and with ``repr`` otherwise, so line
  breaks, control characters, lone surrogates and terminal escapes appear as
  ``\\n``, ``\\x1b``, ``\\ud800``; other text for comments (a Function's name)
  goes through :func:`comment_text`.
* **Functions.**  A ``Function`` subclass is called through generated names
  (``fn0``, ``fn0_vjp``) bound to the class's methods; its name is never code.
* **Numbers.**  An op parameter that is a float is written with ``repr``
  (``inf`` and ``nan`` are names the program defines); anything else is handed
  to the program as an object under a generated name (``param0``).

>>> names = Names(["step"])
>>> names.from_label("w", "p0"), names.from_label("ﬁ", "p1"), names.from_label("step", "x0")
('w', 'p1', 'x0')
>>> names.from_label("w", "p2"), names.from_label("print", "x1"), names.from_label("t7", "x2")
('w_2', 'x1', 'x2')
>>> names.from_label("d", "x3"), names.from_label("d", "x4")   # not d_2: the shape of a gradient
('d', 'x4')
>>> print(label_comment("w\\n    print('ran')  #"), label_comment("x\\x1b[2J"), label_comment("ｘ"))
"w\\n    print('ran')  #" 'x\\x1b[2J' 'ｘ'
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# the shapes of the names the program generates, and its fixed names
GENERATED = re.compile(r"(?:t|p|x|c|ctx|fn|param|ix|lv|g|op)\d[A-Za-z0-9_]*\Z|d_\w*\Z|__\w*\Z|_\Z")
FIXED = frozenset({"step", "backward", "into_grad", "leaf", "LEAVES", "PARAMS", "AUX", "WIDE", "inf", "nan",
                   "to_float", "Context", "LEAF_DATA", "grads", "k", "j"})
_TAKEN = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | FIXED


def usable(label: str, reserved: Iterable[str] = ()) -> bool:
    """True when ``label`` may be an identifier of the program (see the module docstring)."""
    return (IDENTIFIER.match(label) is not None and label not in _TAKEN and GENERATED.match(label) is None
            and label not in reserved)


class Names:
    """The identifiers of one program: unique, ASCII, and from a label only when :func:`usable`."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.reserved = frozenset(reserved)
        self.used: set[str] = set(_TAKEN) | set(self.reserved)

    def new(self, base: str) -> str:
        """``base`` itself, or ``base_2``, ``base_3`` ... if taken; ``base`` is one of our own ASCII names."""
        name = base
        k = 1
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def from_label(self, label: str, fallback: str) -> str:
        """A new identifier for a value labelled ``label``: the label when usable, else ``fallback``.

        A label already taken gets ``label_2``, ``label_3`` ... unless that has the
        shape of a generated name (a second "d" would read ``d_2``, a gradient's
        shape): then the fallback.
        """
        if label and usable(label, self.reserved):
            name = label
            k = 1
            while name in self.used:
                k += 1
                name = f"{label}_{k}"
            if GENERATED.match(name) is None:
                self.used.add(name)
                return name
        return self.new(fallback)


def label_comment(label: str, limit: int = 60) -> str:
    """A label as comment text: itself when it is an identifier, else its ``repr`` (escaped, one line)."""
    if IDENTIFIER.match(label):
        return label
    if len(label) > limit:
        return repr(label[:limit]) + "..."
    return repr(label)


def comment_text(text: str) -> str:
    """Any other text for a comment: itself when every character is printable, else its ``repr``."""
    return text if text.isprintable() else repr(text)


def literal(x: float) -> tuple[str, int]:
    """A float as source text that reads back as the same float, and its precedence.

    ``repr`` of a float is digits, a sign, a point, an exponent, or one of the
    names ``inf`` / ``nan``, which the program defines.

    >>> literal(0.1), literal(-2.0), literal(float("-inf"))
    (('0.1', 16), ('-2.0', 12), ('-inf', 12))
    """
    text = repr(float(x))
    if text == "-nan":
        text = "nan"
    return text, (12 if text.startswith("-") else 16)
