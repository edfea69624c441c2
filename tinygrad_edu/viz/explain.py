"""The chain rule as text, path by path.

For an output y and an input w, the chain rule says

    dy/dw = Σ over every path y → … → w of the product of the local derivatives
            along the path,

where each local derivative ∂out/∂in is one op's derivative at this point
(from the ops registry).  :func:`explain` writes that sum out: one line per
path, ``dy/dw = dy/du2 · du2/du1 · du1/dw = 0.1050 × 1.0000 × 1.0000 = 0.1050``,
and, when w is used more than once, the sum of the paths.

The number of paths can grow exponentially with depth (every reuse doubles
them), so at most ``max_paths`` are printed per input, followed by a summary
line; the total is then the backpropagation result, which adds the same paths
up node by node in linear time.

The result is a ``str`` (print it, compare it, split it) of type
:class:`Explanation`, which also carries a Markdown rendering with LaTeX math
(``\\frac{\\partial y}{\\partial w}``, the product of the local derivatives, the
numbers): a notebook cell ending in ``explain(y)`` shows formatted math, while
``print(explain(y))`` prints the plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from tinygrad_edu import strings
from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.errors import check_size
from tinygrad_edu.viz.labels import fixed_number, is_plain_name, op_text, operand, short_number, shown_names
from tinygrad_edu.viz.walk import adjoints, local_derivatives, walk

#: Paths longer than this many factors are printed with their middle elided.
MAX_FACTORS = 10
#: Intermediate values defined in the header before the rest is summarised.
MAX_DEFINITIONS = 12
#: A chain-rule line longer than this many characters continues on the next line at an ``=``.
MAX_LINE = 100

# A path under construction, as a linked list so that extending it is O(1):
# (previous cell or None, (node, input position)).
_Cell = tuple[Any, tuple[Value, int]]


class Explanation(str):
    r"""The text of :func:`explain` - a ``str`` in every way - that also knows its Markdown rendering.

    ``str(e)``, ``print(e)``, ``e == "..."``, ``e.splitlines()`` and every other
    string operation see the plain text.  A Jupyter notebook calls
    :meth:`_repr_markdown_` and shows :attr:`markdown`: the same chain rule as
    LaTeX math (fractions for the derivatives, ``\times`` between the numbers).

    >>> e = Explanation("dy/dx = 2.0000", "$$\\frac{\\partial y}{\\partial x} = 2.0000$$")
    >>> e == "dy/dx = 2.0000", isinstance(e, str), type(e.upper()).__name__
    (True, True, 'str')
    >>> print(e._repr_markdown_())
    $$\frac{\partial y}{\partial x} = 2.0000$$
    """

    _markdown: str | None

    def __new__(cls, text: str = "", markdown: str | None = None) -> Explanation:
        self = super().__new__(cls, text)
        self._markdown = markdown
        return self

    @property
    def markdown(self) -> str:
        """The Markdown (with ``$$ ... $$`` LaTeX math) that a notebook displays."""
        return self._markdown if self._markdown is not None else _md_text(str(self))

    def _repr_markdown_(self) -> str:
        return self.markdown

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # IPython's text display (a terminal, or text/plain beside the Markdown): the lines, not a quoted repr
        p.text(str(self))


# ---------------------------------------------------------------- Markdown and LaTeX pieces
_TEX_ESCAPES = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                "%": r"\%", "_": r"\_", "^": r"\hat{}", "~": r"\sim ", "<": r"\lt ", ">": r"\gt ",
                " ": r"\ "}
_TEX_SYMBOLS = {"+": "+", "−": "-", "×": r"\times", "÷": r"\div", "σ": r"\sigma", "Σ": r"\Sigma"}
#: Registry symbols that LaTeX writes as its own function names (\\log, \\tanh, ...).
_TEX_FUNCTIONS = frozenset({"exp", "log", "tanh", "sin", "cos", "max", "min"})
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~&])")
#: The English words of the explanation (a ``lang`` picks another table of :mod:`tinygrad_edu.strings`).
_EN: Mapping[str, str] = strings.table("en")


def _md_text(text: str) -> str:
    """Plain text that Markdown shows literally (its markup characters backslash-escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_code(text: str) -> str:
    """``text`` as an inline code span (a fence longer than any run of backticks inside)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _tex_escape(text: str) -> str:
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def _tex_name(name: str) -> str:
    r"""A node's name in LaTeX math: ``u2`` -> ``u_{2}``, ``loss`` -> ``\mathrm{loss}``.

    >>> _tex_name("w"), _tex_name("u12"), _tex_name("w1.grad"), _tex_name("-2"), _tex_name("a_b")
    ('w', 'u_{12}', '\\mathrm{w1.grad}', '-2', '\\mathrm{a\\_b}')
    """
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if m:
        letters = m.group(1) if len(m.group(1)) == 1 else rf"\mathrm{{{m.group(1)}}}"
        return f"{letters}_{{{m.group(2)}}}"
    if re.fullmatch(r"[A-Za-z]", name) or re.fullmatch(r"-?\d+(\.\d+)?", name):
        return name
    if re.fullmatch(r"-?\d+(\.\d+)?e[+-]\d+", name):
        return _tex_number(name)
    return rf"\mathrm{{{_tex_escape(name)}}}"


def _tex_number(text: str) -> str:
    r"""A number as :func:`fixed_number` writes it, in LaTeX: ``1.5000e-03`` -> ``1.5000 \times 10^{-3}``.

    >>> _tex_number("0.1050"), _tex_number("-1.5000e-03"), _tex_number("inf"), _tex_number("nan")
    ('0.1050', '-1.5000 \\times 10^{-3}', '\\infty', '\\mathrm{NaN}')
    """
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    if text == "nan":
        return r"\mathrm{NaN}"
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _tex_value(x: float) -> str:
    return _tex_number(fixed_number(x))


def _tex_factor(x: float) -> str:
    """A number inside a product: negative ones in parentheses."""
    t = _tex_value(x)
    return f"({t})" if t.startswith("-") else t


def _tex_symbol(symbol: str) -> str:
    if symbol in _TEX_SYMBOLS:
        return _TEX_SYMBOLS[symbol]
    if symbol in _TEX_FUNCTIONS:
        return f"\\{symbol}"
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", symbol):
        return rf"\operatorname{{{symbol}}}"
    return rf"\operatorname{{{_tex_escape(symbol)}}}"


def _tex_op(v: Value, tex: dict[int, str], max_args: int = 6, words: Mapping[str, str] = _EN) -> str:
    r""":func:`~tinygrad_edu.viz.labels.op_text` in LaTeX: ``w \times x``, ``\sigma(u_{2})``, ``{u_{1}}^{2}``.

    >>> import tinygrad_edu as tg
    >>> a = tg.Value(1.0)
    >>> _tex_op(a.sigmoid(), {id(a): "u_{2}"}), _tex_op(a ** 2, {id(a): "a"})
    ('\\sigma(u_{2})', '{a}^{2}')
    """
    spec = v.op_spec
    if spec is None:
        return tex.get(id(v), _tex_number(short_number(v.data)))
    args = [tex.get(id(x), _tex_number(short_number(x.data))) for x in v.inputs]
    param = v.param
    sym = _tex_symbol(spec.symbol)
    if spec.arity == 2:
        if spec.symbol.isalpha():  # max, min
            return f"{sym}({args[0]}, {args[1]})"
        if spec.name == "pow_value":
            return f"{{{args[0]}}}^{{{args[1]}}}"
        return f"{args[0]} {sym} {args[1]}"
    if spec.name == "pow":
        return f"{{{args[0]}}}^{{{_tex_number(short_number(float(param)))}}}"
    if spec.name == "neg":
        return f"-{args[0]}"
    if spec.name == "abs":
        return rf"\lvert {args[0]} \rvert"
    if spec.name == "sqrt":
        return rf"\sqrt{{{args[0]}}}"
    if spec.name == "dot":
        half = len(args) // 2
        wrap = [f"({a})" if a.startswith("-") else a for a in args]
        terms = [rf"{wrap[i]} \cdot {wrap[half + i]}" for i in range(half)]
        if len(terms) > max_args:
            terms = [*terms[: max_args - 1], _tex_more(len(terms) - max_args + 1, words)]
        return " + ".join(terms)
    if len(args) > max_args:
        args = [*args[: max_args - 1], _tex_more(len(args) - max_args + 1, words)]
    inner = ", ".join(args)
    if isinstance(param, (int, float)) and not isinstance(param, bool) and spec.param:
        inner += rf";\ \mathrm{{{_tex_escape(spec.param)}}} = {_tex_number(short_number(float(param)))}"
    elif isinstance(param, tuple):
        inner += r";\ " + ", ".join("-" if q is None else _tex_number(short_number(float(q))) for q in param)
    return f"{sym}({inner})"


def _tex_more(n: int, words: Mapping[str, str]) -> str:
    """``… (n more)`` in LaTeX, for arguments left out."""
    return rf"\ldots\ (\text{{{words['explain.more'].format(n=n)}}})"


def _tex_d(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _tex_factor_name(node: Value, k: int, tex: dict[int, str], words: Mapping[str, str] = _EN) -> str:
    frac = _tex_d(tex[id(node)], tex[id(node.inputs[k])])
    if _used_twice(node, k):
        return rf"\left.{frac}\right|_{{{words['explain.argument_tex'].format(k=k + 1)}}}"
    return frac


def _tex_operands(names: dict[int, str], tex: dict[int, str]) -> dict[int, str]:
    r"""Each LaTeX name as a part of a formula: in parentheses when its name is not plain
    (:func:`~tinygrad_edu.viz.labels.is_plain_name`), so ``x1*w1`` reads
    :math:`\partial (x1*w1)`, not :math:`\partial x1*w1`.

    >>> _tex_operands({1: "w1", 2: "x1*w1"}, {1: "w_{1}", 2: r"\mathrm{x1*w1}"})
    {1: 'w_{1}', 2: '\\left(\\mathrm{x1*w1}\\right)'}
    """
    return {k: t if is_plain_name(names[k]) else rf"\left({t}\right)" for k, t in tex.items()}


def _tex_gap(k: int, words: Mapping[str, str] = _EN) -> str:
    return rf"\cdots\ (\text{{{words['explain.more'].format(n=k)}}})"


def _aligned(rows: Iterable[str]) -> str:
    """A display-math block of equations, one per row, aligned at ``&``."""
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"


def _header_md(order: list[Value], tex: dict[int, str], words: Mapping[str, str] = _EN,
               tex_ops: dict[int, str] | None = None) -> list[str]:
    """The header of :func:`_header` in Markdown: the definitions as aligned LaTeX equations.

    ``tex_ops`` are the names as parts of a formula (:func:`_tex_operands`); by default ``tex``.
    """
    md: list[str] = []
    inner, leaves, specs = _header_parts(order)
    ops = tex if tex_ops is None else tex_ops
    rows = [rf"{tex[id(v)]} &= {_tex_op(v, ops, words=words)} = {_tex_value(v.data)}"
            for v in inner[:MAX_DEFINITIONS]]
    if rows:
        md.append(_aligned(rows))
    if len(inner) > MAX_DEFINITIONS:
        md.append(words["explain.more_inner"].format(n=len(inner) - MAX_DEFINITIONS))
    shown = ", ".join(f"${tex[id(v)]} = {_tex_value(v.data)}$" for v in leaves[:MAX_DEFINITIONS])
    if len(leaves) > MAX_DEFINITIONS:
        shown += ", " + words["explain.more_items"].format(n=len(leaves) - MAX_DEFINITIONS)
    if shown:
        md.append(words["explain.with"].format(values=shown))
    if specs:
        rules = [f"- {_md_code(spec.symbol)} {_md_code(spec.formula)}: {_md_code(spec.derivative)}"
                 for spec in specs]
        md.append(words["explain.rules_md"] + "\n\n" + "\n".join(rules))
    return md


def _wrt_list(wrt: Value | Sequence[Value] | None, order: list[Value], index: dict[int, int]) -> list[Value]:
    if wrt is None:
        return [v for v in order if v.is_leaf and v.requires_grad]
    items = [wrt] if isinstance(wrt, Value) else list(wrt)
    for i, x in enumerate(items):
        where = "wrt" if isinstance(wrt, Value) else f"wrt[{i}]"
        if not isinstance(x, Value):
            raise TypeError(f"explain(): {where} must be a Value, got {type(x).__name__}")
        described = f"{where} ({x.label!r})" if x.label else where
        if id(x) not in index:
            raise ValueError(
                f"explain(): {described} = {x!r} is not part of the graph of the output, so the output "
                "does not depend on it; pass Values the output was computed from (or wrt=None for all inputs)"
            )
        if not x.requires_grad:
            raise ValueError(
                f"explain(): {described} is a constant (requires_grad=False), so no gradient is computed "
                "for it; create it with Value(..., requires_grad=True)"
            )
    return items


def _header_parts(order: list[Value]) -> tuple[list[Value], list[Value], list[Any]]:
    """What a header shows, for the text and the Markdown alike: the computed Values (output first),
    the inputs that require grad, and the registry entry of each op used (once each, in that order)."""
    inner = [v for v in reversed(order) if not v.is_leaf]
    leaves = [v for v in order if v.is_leaf and v.requires_grad]
    specs: dict[str, Any] = {}
    for v in inner:
        spec = v.op_spec
        if spec is not None:
            specs.setdefault(spec.name, spec)
    return inner, leaves, list(specs.values())


def _header(order: list[Value], names: dict[int, str], lang: str = "en") -> list[str]:
    """Definitions of the intermediate values, output first, then the inputs' values."""
    words = strings.table(lang)
    lines: list[str] = []
    inner, leaves, specs = _header_parts(order)
    for v in inner[:MAX_DEFINITIONS]:
        lines.append(f"{names[id(v)]} = {op_text(v, names, lang=lang)} = {fixed_number(v.data)}")
    if len(inner) > MAX_DEFINITIONS:
        lines.append(words["explain.more_inner"].format(n=len(inner) - MAX_DEFINITIONS))
    shown = ", ".join(f"{names[id(v)]} = {fixed_number(v.data)}" for v in leaves[:MAX_DEFINITIONS])
    if len(leaves) > MAX_DEFINITIONS:
        shown += ", " + words["explain.more_items"].format(n=len(leaves) - MAX_DEFINITIONS)
    if shown:
        lines.append(words["explain.with"].format(values=shown))
    if specs:
        lines.append(words["explain.rules"])
        lines.extend(f"  {spec.symbol}  {spec.formula}:  {spec.derivative}" for spec in specs)
    return lines


def _used_twice(node: Value, k: int) -> bool:
    """Whether ``node``'s ``k``-th input is also another of its inputs (the factor then names its place)."""
    x = node.inputs[k]
    return sum(1 for y in node.inputs if y is x) > 1


def _factor_name(node: Value, k: int, names: dict[int, str], words: Mapping[str, str] = _EN) -> str:
    text = f"d{operand(names[id(node)])}/d{operand(names[id(node.inputs[k])])}"
    if _used_twice(node, k):
        text += words["explain.argument"].format(k=k + 1)
    return text


def _wrap(line: str, width: int = MAX_LINE) -> list[str]:
    """A chain-rule line cut before its ``=`` signs so no line is longer than ``width`` (when it can be):
    the continuation lines start with ``=`` under the first one, so no number is split by a soft wrap.

    >>> line = "do/dw1 = do/dn · dn/d(x1*w1 + x2*w2) · d(x1*w1)/dw1 = 0.5000 × 1.0000 × 2.0000 = 1.0000"
    >>> for row in _wrap(line, width=60):
    ...     print(row)
    do/dw1 = do/dn · dn/d(x1*w1 + x2*w2) · d(x1*w1)/dw1
           = 0.5000 × 1.0000 × 2.0000 = 1.0000
    """
    if len(line) <= width or " = " not in line:
        return [line]
    head, first, *parts = line.split(" = ")
    if not parts:
        return [line]
    pad = " " * len(head)
    rows = [f"{head} = {first}"]  # the left side never stands alone; the numbers start a new line
    row = f"{pad} = {parts[0]}"
    for part in parts[1:]:
        if len(row) + 3 + len(part) <= width:
            row += " = " + part
        else:
            rows.append(row)
            row = f"{pad} = {part}"
    rows.append(row)
    return rows


def _text_gap(k: int, words: Mapping[str, str] = _EN) -> str:
    return words["explain.more_items"].format(n=k)


def _elide(n: int, item: Callable[[int], str], sep: str, gap: Callable[[int], str] = _text_gap) -> str:
    """``item(0) sep item(1) ...`` for ``n`` items; past MAX_FACTORS the middle is elided (and never made).

    ``gap(k)`` writes the place of the ``k`` items left out.
    """
    if n <= MAX_FACTORS:
        return sep.join(item(i) for i in range(n))
    half = MAX_FACTORS // 2
    head = [item(i) for i in range(half)]
    tail = [item(i) for i in range(n - half, n)]
    return sep.join([*head, gap(n - 2 * half), *tail])


def _paths(root: Value, x: Value, reach: set[int], limit: int) -> list[list[tuple[Value, int]]]:
    """Up to ``limit`` paths root → x, each a list of (node, input position) edges, in argument order."""
    found: list[list[tuple[Value, int]]] = []
    stack: list[tuple[Value, _Cell | None]] = [(root, None)]
    while stack and len(found) < limit:
        node, cell = stack.pop()
        if node is x:
            path: list[tuple[Value, int]] = []
            while cell is not None:
                cell, edge = cell
                path.append(edge)
            path.reverse()
            found.append(path)
            continue
        ins = node.inputs
        for k in range(len(ins) - 1, -1, -1):  # pushed in reverse: argument 1 is explored first
            if id(ins[k]) in reach:
                stack.append((ins[k], (cell, (node, k))))
    return found


def _reach_and_count(order: list[Value], x: Value) -> tuple[set[int], int]:
    """Ids of the nodes from which ``x`` can be reached, and the number of paths root → x."""
    count: dict[int, int] = {}
    for v in order:
        if v is x:
            count[id(v)] = 1
            continue
        c = 0
        for y in v.inputs:
            c += count.get(id(y), 0)
        if c:
            count[id(v)] = c
    return set(count), count.get(id(order[-1]), 0)


def _signed_sum(terms: list[float], number: Callable[[float], str] = fixed_number, minus: str = "−") -> str:
    """``a + b − c`` written out.

    >>> _signed_sum([3.0, -1.0, 0.5])
    '3.0000 − 1.0000 + 0.5000'
    """
    out = number(terms[0])
    for t in terms[1:]:
        out += f" {minus} {number(-t)}" if t < 0 else f" + {number(t)}"
    return out


def explain(
    root: Value,
    wrt: Value | Sequence[Value] | None = None,
    *,
    max_paths: int = 10,
    max_nodes: int = 100_000,
    lang: str | None = None,
) -> Explanation:
    """The chain rule for d(root)/d(wrt) as text, one line per path through the graph.

    ``wrt`` is one Value, a sequence of Values, or None for every leaf that
    requires grad (in the order the graph uses them).  Unlabelled intermediate
    values are called ``u1, u2, ...`` (the same names as in :func:`draw_graph`);
    the header defines them.  When an input is reused, each path is printed
    and the paths are added; at most ``max_paths`` paths are printed per input,
    with a summary line for the rest.  Nothing is modified: ``.grad`` is
    neither read nor written.

    The result is a ``str`` (an :class:`Explanation`); in a notebook it
    displays as Markdown with LaTeX math, and its ``.markdown`` holds that text.
    ``lang`` ("en" or "zh") is the language of its words (the math, names and
    registry formulas stay as they are); None means the language set by
    ``tinygrad_edu.set_language`` ("en" unless set).

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0, label="x")
    >>> y = x * x + x; y.label = "y"          # dy/dx = 2x + 1 = 7
    >>> print(explain(y))
    y = u1 + x = 12.0000
    u1 = x × x = 9.0000
    with x = 3.0000
    local derivatives (from the ops registry):
      +  f(a, b) = a + b:  ∂f/∂a = 1, ∂f/∂b = 1
      ×  f(a, b) = a · b:  ∂f/∂a = b, ∂f/∂b = a
    <BLANKLINE>
    dy/dx = sum over 3 paths, as x is used more than once:
      dy/du1 · du1/dx (argument 1) = 1.0000 × 3.0000 = 3.0000
      dy/du1 · du1/dx (argument 2) = 1.0000 × 3.0000 = 3.0000
      dy/dx = 1.0000
      dy/dx = 3.0000 + 3.0000 + 1.0000 = 7.0000
    >>> print(explain(y).markdown.splitlines()[-1])
    $$\\frac{\\partial y}{\\partial x} = 3.0000 + 3.0000 + 1.0000 = 7.0000$$
    """
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"max_paths must be a positive int, got {max_paths!r}")
    lang = strings.resolve(lang)
    words = strings.table(lang)
    order = walk(root)
    check_size(len(order), max_nodes, "explain()",
               "Every path is traced, which takes seconds per hundred thousand Values")
    index = {id(v): i for i, v in enumerate(order)}
    names = shown_names(order)
    tex = {k: _tex_name(n) for k, n in names.items()}
    tex_ops = _tex_operands(names, tex)  # names inside a formula: d(x1*w1), not dx1*w1
    rname = names[id(root)]
    if not root.requires_grad:
        return Explanation(words["explain.constant"].format(name=rname, value=fixed_number(root.data)),
                           words["explain.constant"].format(name=f"${tex[id(root)]}",
                                                            value=f"{_tex_value(root.data)}$"))
    targets = _wrt_list(wrt, order, index)
    local = {id(v): local_derivatives(v) for v in order if not v.is_leaf}
    adj = adjoints(order)
    lines = _header(order, names, lang)
    md = _header_md(order, tex, words, tex_ops)
    lines.append("")
    for x in targets:
        xname = names[id(x)]
        lhs = f"d{operand(rname)}/d{operand(xname)}"
        tex_lhs = _tex_d(tex_ops[id(root)], tex_ops[id(x)])
        total = fixed_number(adj[id(x)])
        if x is root:
            lines.append(f"{lhs} = 1.0000 " + words["explain.itself"].format(name=rname))
            md.append(f"${tex_lhs} = 1.0000$ " + words["explain.itself"].format(name=f"${tex[id(root)]}$"))
            continue
        reach, n_paths = _reach_and_count(order, x)
        paths = _paths(root, x, reach, max_paths)
        texts: list[tuple[str, float]] = []
        tex_terms: list[str] = []
        for path in paths:
            factors = [local[id(node)][k] for node, k in path]
            product = 1.0
            for f in factors:
                product *= f
            if len(factors) == 1:
                one = _factor_name(path[0][0], path[0][1], names, words)
                texts.append((f"{one} = {fixed_number(product)}", product))
                tex_terms.append(f"{_tex_factor_name(path[0][0], path[0][1], tex_ops, words)} = "
                                 f"{_tex_value(product)}")
                continue

            def symbol(i: int, path: list[tuple[Value, int]] = path) -> str:
                return _factor_name(path[i][0], path[i][1], names, words)

            def number(i: int, factors: list[float] = factors) -> str:
                return fixed_number(factors[i])

            def tex_symbol(i: int, path: list[tuple[Value, int]] = path) -> str:
                return _tex_factor_name(path[i][0], path[i][1], tex_ops, words)

            def tex_number(i: int, factors: list[float] = factors) -> str:
                return _tex_factor(factors[i])

            def gap(k: int) -> str:
                return _text_gap(k, words)

            def tex_gap(k: int) -> str:
                return _tex_gap(k, words)

            text = f"{_elide(len(path), symbol, ' · ', gap)} = {_elide(len(factors), number, ' × ', gap)}"
            texts.append((f"{text} = {fixed_number(product)}", product))
            tex_symbols = _elide(len(path), tex_symbol, r" \cdot ", tex_gap)
            tex_numbers = _elide(len(factors), tex_number, r" \times ", tex_gap)
            tex_terms.append(f"{tex_symbols} = {tex_numbers} = {_tex_value(product)}")
        if n_paths == 1:
            only = texts[0][0]
            # a one-edge path is its own local derivative: say dy/dx = 0.79, not dy/dx = dy/dx = 0.79
            lines.append(only if only.startswith(f"{lhs} = ") else f"{lhs} = {only}")
            term = tex_terms[0]
            md.append(f"$${term}$$" if term.startswith(f"{tex_lhs} = ") else f"$${tex_lhs} = {term}$$")
            continue
        lines.append(f"{lhs} = " + words["explain.paths"].format(n=f"{n_paths:,}", x=xname))
        lines.extend(f"  {t}" for t, _ in texts)
        md.append(f"${tex_lhs}$ = " + words["explain.paths"].format(n=f"{n_paths:,}", x=f"${tex[id(x)]}$"))
        md.append(_aligned(f"&{t}" for t in tex_terms))
        if n_paths > len(paths):
            call = f"explain(..., max_paths={n_paths})"
            if n_paths <= 10_000:
                hint = words["explain.hint_all"].format(code=call)
                md_hint = words["explain.hint_all"].format(code=_md_code(call))
            else:
                hint = md_hint = words["explain.hint_many"]
            left = f"{n_paths - len(paths):,}"
            over_all = words["explain.total"].format(n=f"{n_paths:,}")
            lines.append("  " + words["explain.more_paths"].format(n=left, hint=hint))
            lines.append(f"  {lhs} = {total} {over_all}")
            md.append(words["explain.more_paths"].format(n=left, hint=md_hint))
            md.append(f"$${tex_lhs} = {_tex_number(total)}$$ {over_all}")
        else:
            lines.append(f"  {lhs} = {_signed_sum([p for _, p in texts])} = {total}")
            tex_sum = _signed_sum([p for _, p in texts], _tex_value, "-")
            md.append(f"$${tex_lhs} = {tex_sum} = {_tex_number(total)}$$")
    body = len(lines) - lines[::-1].index("")  # the chain rule follows the header's blank line
    lines[body:] = [row for line in lines[body:] for row in _wrap(line)]
    return Explanation("\n".join(lines), "\n\n".join(md))
