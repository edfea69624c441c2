"""Text for pictures and explanations: numbers, names and safely escaped labels.

Three small jobs, shared by the graph renderer, :func:`explain` and the
step-through page so that all three call a node by the same name and print its
numbers the same way:

* **numbers** - :func:`short_number` for the boxes of a picture (4 significant
  digits, ``0.8808``) and :func:`fixed_number` for chain-rule arithmetic
  (4 decimals, ``0.1050``, switching to ``1.2340e-07`` for tiny or huge values
  so that a vanishing gradient never prints as a misleading ``0.0000``);
* **names** - :func:`node_names` gives every Value in a graph a unique name:
  its ``label`` when it has one, otherwise ``u1, u2, ...`` in topological order
  (constants are named by their number, an unlabelled output ``out``);
* **escaping** - :func:`html_text` turns any string into text that is safe inside
  a Graphviz HTML-like label: markup characters and brackets become entities
  (dot rejects a cell holding only ``]``, a case found by a property test), backslashes are
  doubled (Graphviz expands ``\\N``, ``\\G``, ... even inside HTML labels), and
  characters XML cannot carry - control characters, lone surrogates,
  non-characters - are shown as visible ``\\xNN`` / ``\\uNNNN`` escapes.  A label
  therefore renders literally and can never inject DOT or SVG.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Sequence

from tinygrad_edu import strings
from tinygrad_edu.engine.value import Value

#: Unicode categories shown as escapes: control, format, surrogate, private use,
#: unassigned, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

#: Longest label drawn in a box before it is shortened with an ellipsis.
MAX_LABEL_CHARS = 40


def short_number(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, for the boxes of a picture.

    >>> short_number(0.88079707), short_number(2.0), short_number(-1.5e-9)
    ('0.8808', '2', '-1.5e-09')
    """
    if x == 0.0:
        return "0"  # also turns -0.0 into 0
    return f"{x:.{digits}g}"


def fixed_number(x: float, decimals: int = 4) -> str:
    """``x`` with ``decimals`` decimals, or in scientific notation below 0.01 or from 10⁶ on.

    Used for chain-rule arithmetic, where columns of numbers are compared;
    scientific notation keeps the significant digits of small gradients.

    >>> fixed_number(0.10499358), fixed_number(1.0), fixed_number(0.0015), fixed_number(0.0)
    ('0.1050', '1.0000', '1.5000e-03', '0.0000')
    """
    if x == 0.0:
        return f"{0.0:.{decimals}f}"
    if math.isfinite(x) and 1e-2 <= abs(x) < 1e6:
        return f"{x:.{decimals}f}"
    return f"{x:.{decimals}e}"


def visible_text(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    """``text`` with invisible or XML-illegal characters shown as escapes, shortened to ``max_chars``.

    >>> visible_text("a\\tb\\x00c")
    'a\\\\tb\\\\x00c'
    >>> visible_text("x" * 50, max_chars=10)
    'xxxxxxxxx…'
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif unicodedata.category(ch) in _HIDDEN_CATEGORIES or code in (0xFFFE, 0xFFFF):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
        else:
            out.append(ch)
    shown = "".join(out)
    if len(shown) > max_chars:
        shown = shown[: max_chars - 1] + "…"
    return shown


def html_text(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    """``text`` escaped for a Graphviz HTML-like label; it renders literally.

    >>> html_text('<b> & "q" \\\\N')
    '&lt;b&gt; &amp; &quot;q&quot; \\\\\\\\N'
    >>> html_text("]")
    '&#93;'
    """
    escaped = html.escape(visible_text(text, max_chars), quote=True)
    # dot's own lexer rejects a cell holding only "]" characters, so brackets become entities too
    return escaped.replace("\\", "\\\\").replace("[", "&#91;").replace("]", "&#93;")


def node_names(order: Sequence[Value]) -> dict[int, str]:
    """A unique display name for every Value of ``order`` (topological, output last), keyed by ``id``.

    A labelled Value keeps its label (a repeated label gets ``#2``, ``#3``, ...,
    skipping any that another Value carries as its own label, so no two Values
    share a name);
    an unlabelled constant is named by its number; other unlabelled Values get
    ``u1, u2, ...`` in order, and an unlabelled output is called ``out``.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0, label="x")
    >>> y = x * 2 + x
    >>> order = [x, y.inputs[0].inputs[1], y.inputs[0], y]
    >>> [node_names(order)[id(v)] for v in order]
    ['x', '2', 'u1', 'out']
    """
    names: dict[int, str] = {}
    taken = {v.label for v in order if v.label}  # every label keeps its own name: made-up ones avoid them
    used: set[str] = set()  # names given so far: no two Values share one
    seen: dict[str, int] = {}
    counter = 0
    last = len(order) - 1
    for i, v in enumerate(order):
        if v.label:
            n = seen.get(v.label, 0) + 1
            name = v.label
            if n > 1:  # a repeat: the next free "label#n" (a Value may itself be labelled "x#2")
                while f"{v.label}#{n}" in taken or f"{v.label}#{n}" in used:
                    n += 1
                name = f"{v.label}#{n}"
            seen[v.label] = n
        elif not v.requires_grad and v.is_leaf:
            name = short_number(v.data)
        elif i == last and "out" not in taken and "out" not in used:
            name = "out"
        else:
            counter += 1
            while f"u{counter}" in taken or f"u{counter}" in used:
                counter += 1
            name = f"u{counter}"
        names[id(v)] = name
        used.add(name)
    return names


def shown_names(order: Sequence[Value], max_chars: int = 60) -> dict[int, str]:
    """:func:`node_names` made safe to print: control characters and lone surrogates become escapes.

    Names that only differ beyond ``max_chars`` or in an escaped character
    still print differently (a ``#n`` is added).

    Used for text (``explain``, the step-through page), so a label holding a
    terminal escape sequence (``ESC ]0;...``) is shown, never acted on.

    >>> import tinygrad_edu as tg
    >>> v = tg.Value(1.0, label="\x1b]0;pwned\x07")
    >>> shown_names([v])[id(v)]
    '\\\\x1b]0;pwned\\\\x07'
    """
    names = node_names(order)
    shown: dict[int, str] = {}
    used: set[str] = set()
    for v in order:
        text = visible_text(names[id(v)], max_chars)
        if text in used and (v.requires_grad or not v.is_leaf):  # two labels alike once escaped or cut
            n = 2
            while f"{text}#{n}" in used or f"{text}#{n}" in names.values():
                n += 1
            text = f"{text}#{n}"
        shown[id(v)] = text
        used.add(text)
    return shown


_PLAIN_NAME = re.compile(r"[^\W\d]\w*(?:\.\w+)*(?:#\d+)?|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|[-+]?inf|nan")


def is_plain_name(name: str) -> bool:
    """Whether ``name`` reads as one symbol inside a formula: a name (letters, digits, ``_``, dots
    between parts, as ``w1`` or ``layers.0.b``, maybe with the ``#2`` that tells two alike labels
    apart) or a number.

    >>> is_plain_name("w1"), is_plain_name("layers.0.b"), is_plain_name("数据"), is_plain_name("-2.5")
    (True, True, True, True)
    >>> is_plain_name("x1*w1"), is_plain_name("x1*w1 + x2*w2"), is_plain_name("my loss"), is_plain_name("x#2")
    (False, False, False, True)
    """
    return _PLAIN_NAME.fullmatch(name) is not None


def operand(name: str) -> str:
    """``name`` as a part of a formula: in parentheses unless it is a plain name or number,
    so a label such as ``x1*w1`` reads ``d(x1*w1)`` and ``(x1*w1) + (x2*w2)``.

    >>> operand("w1"), operand("x1*w1"), operand("-2")
    ('w1', '(x1*w1)', '-2')
    """
    return name if is_plain_name(name) else f"({name})"


def op_text(v: Value, names: dict[int, str], max_args: int = 6, lang: str = "en") -> str:
    """How ``v`` was computed, in math notation with its inputs' names: ``w × x``, ``σ(u2)``, ``u1 ** 2``.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.Value(1.0, label="a"), tg.Value(2.0, label="b")
    >>> n = {id(a): "a", id(b): "b"}
    >>> op_text(a * b, n), op_text((a - b).inputs[0], n), op_text(a.sigmoid(), n), op_text(a ** 2, n)
    ('a × b', 'a', 'σ(a)', 'a ** 2')
    >>> op_text(tg.sum([a, b, a]), n), op_text(abs(b), n), op_text(-a, n), op_text(tg.dot([a, b], [3, -2]), n)
    ('Σ(a, b, a)', '|b|', '−a', 'a·3 + b·(-2)')
    >>> op_text(tg.maximum(a, b), n), op_text(tg.minimum(a, 0.0), n)
    ('max(a, b)', 'min(a, 0)')
    >>> op_text(a.leaky_relu(0.1), n), op_text(a.clamp(max=1), n), op_text(a.softplus(2), n)
    ('LReLU(a, negative_slope=0.1)', 'clamp(a, max=1)', 'softplus(a, beta=2)')

    A name that is not plain (:func:`is_plain_name`) is bracketed where an operator joins it:

    >>> n = {id(a): "x1*w1", id(b): "x2*w2"}
    >>> op_text(a + b, n), op_text(a ** 2, n), op_text(a.tanh(), n)
    ('(x1*w1) + (x2*w2)', '(x1*w1) ** 2', 'tanh(x1*w1)')
    """
    spec = v.op_spec
    if spec is None:
        return names.get(id(v), short_number(v.data))
    more = strings.table(lang)["explain.more"]  # "{n} more", for arguments left out
    args = [names.get(id(x), short_number(x.data)) for x in v.inputs]
    param = v.param
    if spec.arity == 2:  # an operator between its inputs; a named one as a call: max(a, b)
        if spec.symbol.isalpha():
            return f"{spec.symbol}({args[0]}, {args[1]})"
        return f"{operand(args[0])} {spec.symbol} {operand(args[1])}"
    if spec.name == "pow":
        return f"{operand(args[0])} ** {short_number(float(param))}"
    if spec.name == "neg":
        return f"{spec.symbol}{operand(args[0])}"
    if spec.arity == 1 and "·" in spec.symbol:
        return spec.symbol.replace("·", args[0])
    if spec.name == "dot":  # dot(w1..wn, x1..xn) = w1·x1 + ... + wn·xn
        half = len(args) // 2
        wrap = [f"({a})" if a.startswith("-") else operand(a) for a in args]
        terms = [f"{wrap[i]}·{wrap[half + i]}" for i in range(half)]
        if len(terms) > max_args:
            terms = [*terms[: max_args - 1], "… " + more.format(n=len(terms) - max_args + 1)]
        return " + ".join(terms)
    if len(args) > max_args:
        args = [*args[: max_args - 1], "… " + more.format(n=len(args) - max_args + 1)]
    inner = ", ".join(args)  # written as a call that `tinygrad-edu graph` reads back
    if isinstance(param, (int, float)) and not isinstance(param, bool):
        inner += f", {spec.param}={short_number(float(param))}"
    elif isinstance(param, tuple):  # clamp's (min, max); None is an open side
        keys = ("min", "max") if len(param) == 2 else tuple(f"{spec.param}{i}" for i in range(len(param)))
        inner += "".join(f", {k}={short_number(float(q))}" for k, q in zip(keys, param) if q is not None)
    return f"{spec.symbol}({inner})"


def op_symbol(v: Value) -> str:
    """The short text drawn in an op's node: the registry symbol, with a numeric parameter if any.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(1.0)
    >>> op_symbol(x * 2), op_symbol(x ** 3), op_symbol(x.leaky_relu(0.1)), op_symbol(tg.dot([x], [x]))
    ('×', '**3', 'LReLU 0.1', 'w·x')
    >>> op_symbol(x.softplus(2)), op_symbol(x.elu(0.5))
    ('softplus β=2', 'ELU α=0.5')
    >>> op_symbol(x.clamp(0, 1)), op_symbol(x.clamp(min=1e-8)), op_symbol(x.clamp(max=1))
    ('clamp [0, 1]', 'clamp ≥ 1e-08', 'clamp ≤ 1')
    """
    spec = v.op_spec
    if spec is None:
        return ""
    if spec.name == "dot":  # the registry's "·" is a speck in a picture
        return "w·x"
    param = v.param
    if isinstance(param, (int, float)) and not isinstance(param, bool):
        value = short_number(float(param))
        if spec.name == "pow":
            return f"{spec.symbol}{value}"
        if spec.param in _PARAM_LETTERS:  # which parameter it is: softplus 2 could be anything
            return f"{spec.symbol} {_PARAM_LETTERS[spec.param]}={value}"
        return f"{spec.symbol} {value}"
    if isinstance(param, tuple) and len(param) == 2:  # clamp's (min, max); None is an open side
        lo, hi = (None if q is None else short_number(float(q)) for q in param)
        if lo is not None and hi is not None:
            return f"{spec.symbol} [{lo}, {hi}]"
        return f"{spec.symbol} ≥ {lo}" if lo is not None else f"{spec.symbol} ≤ {hi}"
    return spec.symbol


#: Parameters drawn by their letter in an op's node (the docs' formulas use these letters).
_PARAM_LETTERS = {"beta": "β", "alpha": "α"}
