"""The computation graph as a picture, with the chain rule written where each edge meets its op.

:func:`graph_source` writes the DOT source of the graph behind a Value (with
the standard library only) and :func:`draw_graph` wraps the same source in a
``graphviz.Digraph``:

* one box per Value - its name, ``data`` and ``grad`` (leaves that require grad,
  constants, the output and intermediates are styled apart; a constant with a
  label keeps its name);
* one node per op, showing the op's symbol from the registry in bold (its name
  and formula as a tooltip) and, in one small cell per input, the *local
  derivative* ∂out/∂input at this point, asked from the ops registry.  Each
  input's edge ends in its own cell, so the chain rule can be checked by eye:
  for every node, ``grad(input) = Σ grad(out) × the number its edge ends at``.
  (The number sits in the op rather than in the middle of the edge because
  Graphviz lays edge labels out as extra nodes, which made layouts of graphs
  with a reused input take minutes; see the render benchmark in docs/speed.md.)

A Value used far downstream of where it is drawn (an input reused at every
level of a deep expression) would need an edge across many ranks, and such
edges are what make Graphviz's layout slow; past :data:`MAX_EDGE_SPAN` ranks
the edge starts instead from a small dashed *reference* box carrying the
Value's name next to the op that uses it.

Node ids are ``v0, v1, ...`` in topological order (inputs first, the output
last), op nodes ``v7_op`` (with ports ``i0, i1, ...`` for its inputs), edges
into an op ``e7_0, e7_1, ...`` (one per input position), reference boxes
``r7_0`` - the same graph always gives the same DOT source.  Labels are
Graphviz HTML-like labels built from escaped text (:mod:`.labels`), so a label
with quotes, braces, ``|``, ``<``, ``>`` or backslashes is drawn literally.

:func:`render_graph` writes the picture to a file (svg, png or pdf by suffix, or
the ``.dot`` source).  Graphviz's ``dot`` program does the layout, with a time
bound (:mod:`.dot`); when it is missing, the ``.dot`` source is still written
and the error says how to install Graphviz.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinygrad_edu import strings
from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.dot import Html, attr_list, quote, run_dot
from tinygrad_edu.viz.errors import GraphvizNotFoundError, check_size
from tinygrad_edu.viz.files import check_outputs, write_atomic
from tinygrad_edu.viz.fonts import picture_lang
from tinygrad_edu.viz.labels import html_text, node_names, op_symbol, short_number
from tinygrad_edu.viz.walk import local_derivatives, walk

if TYPE_CHECKING:
    import graphviz

__all__ = ["FORMATS", "RANKDIRS", "MAX_EDGE_SPAN", "build_source", "draw_dot", "draw_graph", "graph_source",
           "grad_shade", "render_graph", "run_dot", "write_atomic"]

#: Output formats by file suffix (None: the DOT source itself).
FORMATS: dict[str, str | None] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": None, ".gv": None}

RANKDIRS = ("LR", "TB", "RL", "BT")

#: An edge spanning more ranks than this starts from a reference box next to its op instead.
MAX_EDGE_SPAN = 6
#: The cluster that holds a module's input boxes (``module=`` drawings).
INPUTS_CLUSTER = ("inputs",)

# Fill colours of the four kinds of Value, and of op nodes.
PARAM_FILL = "#dbeafe"  # a leaf that requires grad: an input or a parameter
CONST_FILL = "#f3f4f6"  # a constant: needs no gradient
OUTPUT_FILL = "#fde68a"  # the Value the graph was drawn for
INNER_FILL = "#ffffff"  # an intermediate result
OP_FILL = "#e5e7eb"
# color_by_grad: colour stops from |grad| = 0 (white) to the largest |grad| (red)
SHADES = ((0.0, (255, 255, 255)), (0.5, (254, 240, 138)), (0.75, (253, 186, 116)), (1.0, (248, 113, 113)))
GRAD_DECADES = 6  # color_by_grad shades |grad| over this many powers of ten

#: Compass side of an op node where its inputs' edges arrive, per rankdir.
_IN_SIDE = {"LR": "w", "TB": "n", "RL": "e", "BT": "s"}

INSTALL_VIZ = 'pip install "tinygrad_edu[viz]"'

#: The fonts of every picture, first choice first; Graphviz (Pango) takes each character from the
#: first font that has it.  DejaVu Sans comes first because it has every subscript and superscript
#: (s₀ s₁ ... xₙ wᵢ), Greek and math sign in one style (Liberation Sans, the usual stand-in for
#: Helvetica, lacks ₙ and ⱼ, and the CJK fonts lack ₀ and ₉, so s₀ and s₁ would come from two
#: fonts); then the usual sans-serif fonts of macOS and Windows; then CJK fonts for Chinese words.
FONTNAME = ("DejaVu Sans,Helvetica,Arial,Noto Sans CJK SC,Source Han Sans SC,WenQuanYi Micro Hei,"
            "WenQuanYi Zen Hei,PingFang SC,Microsoft YaHei,SimHei,sans-serif")


def import_graphviz() -> Any:
    """The ``graphviz`` Python package, or an ImportError (one line) saying how to install it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            f"draw_graph() returns a graphviz.Digraph, which needs the Python package graphviz: "
            f"{INSTALL_VIZ} (graph_source() and render_graph() work without it)"
        ) from None
    return graphviz


def grad_shade(g: float, largest: float) -> str:
    """Fill colour for a node with gradient ``g`` when the largest |grad| is ``largest``.

    White for 0 (or anything below 10⁻⁶ of the largest), red for the largest,
    through yellow and orange on a log scale in between - so a gradient that
    vanishes layer by layer fades out.

    >>> grad_shade(0.0, 1.0), grad_shade(1.0, 1.0), grad_shade(-1e-3, 1.0), grad_shade(1e-5, 1.0)
    ('#ffffff', '#f87171', '#fef08a', '#fffad8')
    """
    a = abs(g)
    if a == 0.0 or largest == 0.0 or not math.isfinite(a) or not math.isfinite(largest):
        t = 0.0 if a == 0.0 or math.isnan(a) else 1.0
    else:
        t = min(1.0, max(0.0, 1.0 + math.log10(a / largest) / GRAD_DECADES))
    for (t0, c0), (t1, c1) in itertools.pairwise(SHADES):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            r, gr, b = (round(x0 + (x1 - x0) * f) for x0, x1 in zip(c0, c1))
            return f"#{r:02x}{gr:02x}{b:02x}"
    raise AssertionError("unreachable: t is in [0, 1]")  # pragma: no cover


def _clusters(module: Any, order: list[Value]) -> dict[int, tuple[str, ...]]:
    """Owner path (e.g. ``("layers", "0", "neurons", "1")``) of each Value to cluster, keyed by id.

    A parameter's owner is its name without the parameter's own part
    (``layers.0.neurons.1.w.2`` -> ``layers.0.neurons.1``).  An op joins an owner
    when its parameter inputs all come from that owner, or when it is unary or
    combines two or more Values that all belong to that owner.
    """
    named = getattr(module, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"module= needs an object with a named_parameters() method returning (name, Value) "
            f"pairs, such as a tinygrad_edu.nn Module; got {type(module).__name__}"
        )
    param_owner: dict[int, tuple[str, ...]] = {}
    for item in named():
        try:
            name, value = item
        except (TypeError, ValueError):
            raise TypeError(
                f"module.named_parameters() must yield (name, Value) pairs, got {item!r:.80}"
            ) from None
        if not isinstance(name, str) or not isinstance(value, Value):
            raise TypeError(
                f"module.named_parameters() must yield (str, Value) pairs, got "
                f"({type(name).__name__}, {type(value).__name__})"
            )
        parts = tuple(name.split("."))
        owner = parts[:-2] if len(parts) >= 2 and parts[-1].isdigit() else parts[:-1]
        if owner:
            param_owner[id(value)] = owner
    owner_of: dict[int, tuple[str, ...]] = dict(param_owner)
    for v in order:
        if v.is_leaf or id(v) in owner_of:
            continue
        ins = v.inputs
        direct = {param_owner[id(x)] for x in ins if id(x) in param_owner}
        if direct:
            if len(direct) == 1:
                owner_of[id(v)] = direct.pop()
            continue
        live = [x for x in ins if x.requires_grad]
        owners = {owner_of.get(id(x)) for x in live}
        if len(owners) == 1 and None not in owners and (len(ins) == 1 or len(live) >= 2):
            shared = owners.pop()
            assert shared is not None
            owner_of[id(v)] = shared
    return owner_of


def _cluster_levels(owner: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The nested clusters of an owner: prefixes ending in an index, and the owner itself.

    >>> _cluster_levels(("layers", "0", "neurons", "1"))
    [('layers', '0'), ('layers', '0', 'neurons', '1')]
    """
    levels = [owner[: i + 1] for i in range(len(owner) - 1) if owner[i].isdigit()]
    levels.append(owner)
    return levels


def _natural(key: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    """Sort key of an owner path with its indices compared as numbers (``neurons.10`` after ``neurons.9``)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in key)


class _Builder:
    """Collects DOT statements (as text) with the cluster each belongs to, then nests the clusters."""

    def __init__(self, inputs_label: str = "inputs") -> None:
        self.items: list[tuple[tuple[str, ...] | None, str]] = []
        self.inputs_label = inputs_label  # the name of the model's inputs' box, in the picture's language

    def node(self, owner: tuple[str, ...] | None, name: str, attrs: dict[str, str]) -> None:
        self.items.append((owner, f"{name} [{attr_list(attrs)}]"))

    def edge(self, tail: str, head: str, attrs: dict[str, str]) -> None:
        self.items.append((None, f"{tail} -> {head} [{attr_list(attrs)}]"))

    def lines(self) -> list[str]:
        """Every statement, clusters first (nested by owner path), each line indented by its depth."""
        tree: dict[tuple[str, ...], list[str]] = {}
        top: list[str] = []
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        roots: list[tuple[str, ...]] = []
        for owner, stmt in self.items:
            if owner is None:
                top.append(stmt)
                continue
            levels = _cluster_levels(owner)
            for parent, child in zip([None, *levels[:-1]], levels):
                if child in tree:
                    continue
                tree[child] = []
                if parent is None:
                    roots.append(child)
                else:
                    children.setdefault(parent, []).append(child)
            tree[levels[-1]].append(stmt)
        out: list[str] = []
        counter = itertools.count()
        # nesting depth is the number of parts of a parameter name (small), so recursion is safe here
        def place(key: tuple[str, ...], depth: int) -> None:
            pad = "\t" * depth
            out.append(f"{pad}subgraph cluster_{next(counter)} {{")
            name = self.inputs_label if key == INPUTS_CLUSTER else ".".join(key)
            style = {"label": Html(html_text(name)), "style": "rounded,dashed", "color": "#9ca3af",
                     "fontsize": "10", "fontcolor": "#6b7280"}
            out.append(f"{pad}\t{attr_list(style)}")
            out.extend(f"{pad}\t{stmt}" for stmt in tree[key])
            for child in children.get(key, []):
                place(child, depth + 1)
            out.append(f"{pad}}}")

        # clusters in the module's own order (layers.0 before layers.1, neurons 0, 1, 2), not in the
        # order the topological walk met them: Graphviz stacks sibling clusters by the order they are
        # written, and the walk meets the last layer's weights first
        for siblings in children.values():
            siblings.sort(key=_natural)
        roots.sort(key=lambda key: (key == INPUTS_CLUSTER, _natural(key)))
        for key in roots:
            place(key, 1)
        out.extend(f"\t{stmt}" for stmt in top)
        return out


def value_label(name: str, grad_text: str | None, *, data_text: str, fill: str, labelled: bool,
                is_output: bool, lang: str = "en") -> Html:
    """The HTML-like table of one Value box: name | data | grad (数据 | 梯度 for ``lang="zh"``).

    A constant (``grad_text`` None) shows ``const <data>``, after its name when it has a label.
    """
    words = strings.table(lang)
    border = ' COLOR="#b45309"' if is_output else ""
    head = f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{fill}"{border}>'
    if labelled:
        name_cell = f"<TD><B>{html_text(name)}</B></TD>"
    else:
        name_cell = f'<TD><FONT COLOR="#6b7280"><I>{html_text(name)}</I></FONT></TD>'
    if grad_text is None:
        first = name_cell if labelled else ""
        return Html(f"{head}<TR>{first}<TD>{words['graph.const']} {html_text(data_text)}</TD></TR></TABLE>")
    return Html(f"{head}<TR>{name_cell}<TD>{words['graph.data']} {html_text(data_text)}</TD>"
                f"<TD>{words['graph.grad']} {html_text(grad_text)}</TD></TR></TABLE>")


def op_label(symbol: str, cells: list[str] | None, rankdir: str) -> Html:
    """An op node: its symbol in bold, with one cell per input (the number shown) on the inputs' side.

    Without ``cells`` it is just the symbol (the node is then drawn as an ellipse).
    """
    sym = f'<FONT POINT-SIZE="15"><B>{html_text(symbol, max_chars=24)}</B></FONT>'
    if cells is None:
        return Html(sym)
    n = len(cells)
    tds = [f'<TD PORT="i{k}" BGCOLOR="#ffffff"><FONT POINT-SIZE="9" COLOR="#374151">{html_text(text)}'
           f'</FONT></TD>' for k, text in enumerate(cells)]
    head = (f'<TABLE BORDER="1" COLOR="#9ca3af" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2" '
            f'BGCOLOR="{OP_FILL}" STYLE="rounded">')
    if rankdir in ("LR", "RL"):
        sym_cell = f'<TD ROWSPAN="{n}" PORT="op">{sym}</TD>'
        rows = []
        for k, td in enumerate(tds):
            if k == 0:
                rows.append(f"<TR>{td}{sym_cell}</TR>" if rankdir == "LR" else f"<TR>{sym_cell}{td}</TR>")
            else:
                rows.append(f"<TR>{td}</TR>")
        return Html(head + "".join(rows) + "</TABLE>")
    port_row = "<TR>" + "".join(tds) + "</TR>"
    sym_row = f'<TR><TD COLSPAN="{n}" PORT="op">{sym}</TD></TR>'
    return Html(head + (port_row + sym_row if rankdir == "TB" else sym_row + port_row) + "</TABLE>")


def _ranks(order: list[Value]) -> dict[int, int]:
    """An estimate of the rank (column, in LR) Graphviz gives each Value's box, keyed by id.

    An op sits one rank before its result and one after its latest input;
    a leaf sits one rank before the first op that uses it.
    """
    rank: dict[int, int] = {}
    for v in order:
        if v.is_leaf:
            continue
        r = 0
        for x in v.inputs:
            if not x.is_leaf:
                r = max(r, rank[id(x)] + 1)
        rank[id(v)] = r + 1
    for v in order:
        if v.is_leaf:
            continue
        for x in v.inputs:
            if x.is_leaf:
                rank[id(x)] = min(rank.get(id(x), rank[id(v)] - 2), rank[id(v)] - 2)
    for v in order:
        rank.setdefault(id(v), 0)  # a lone leaf
    return rank


def build_source(
    order: list[Value],
    *,
    grads: dict[int, float],
    number: Callable[[float], str],
    rankdir: str = "LR",
    show_local_grads: bool = True,
    color_by_grad: bool = False,
    module: Any = None,
    notes: Iterable[str] = (),
    edge_digits: int = 4,
    lang: str = "en",
) -> str:
    """The DOT source of a walked graph ``order``, showing ``grads`` (keyed by id) formatted by ``number``.

    Shared by :func:`graph_source` / :func:`draw_graph` (which show ``.grad``) and
    the step-through page (which shows the gradients of its own backward pass).
    ``lang`` ("en" or "zh") is the language of the boxes' words and the footnotes.
    """
    words = strings.table(lang)
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    index = {id(v): i for i, v in enumerate(order)}
    names = node_names(order)
    owner_of = _clusters(module, order) if module is not None else {}
    largest = max((abs(g) for g in grads.values() if g == g), default=0.0)
    root = order[-1]
    rank = _ranks(order)
    side = _IN_SIDE[rankdir]
    references = 0
    # a module's inputs (leaves outside every cluster that feed a clustered op): copied into each
    # cluster that uses them; the boxes themselves are gathered in one "inputs" cluster
    module_inputs = {id(x) for v in order if id(v) in owner_of and not v.is_leaf
                     for x in v.inputs if x.is_leaf and id(x) not in owner_of}

    b = _Builder(words["graph.inputs"])
    for i, v in enumerate(order):
        vid = f"v{i}"
        owner = INPUTS_CLUSTER if id(v) in module_inputs else owner_of.get(id(v))
        is_const = not v.requires_grad
        grad = grads.get(id(v), 0.0)
        if is_const:
            fill = CONST_FILL
        elif color_by_grad:
            fill = grad_shade(grad, largest)
        elif v is root:
            fill = OUTPUT_FILL
        elif v.is_leaf:
            fill = PARAM_FILL
        else:
            fill = INNER_FILL
        label = value_label(names[id(v)], None if is_const else number(grad), data_text=number(v.data),
                            fill=fill, labelled=bool(v.label), is_output=v is root, lang=lang)
        kind = "const" if is_const else "output" if v is root else "leaf" if v.is_leaf else "inner"
        b.node(owner, vid, {"label": label, "shape": "plain", "id": vid, "class": kind})
        if v.is_leaf:
            continue
        spec = v.op_spec
        assert spec is not None
        oid = f"{vid}_op"
        derivs = local_derivatives(v) if show_local_grads else ()
        op_attrs = {"id": oid, "class": "op", "tooltip": f"{spec.name}: {spec.formula}; {spec.derivative}"}
        if show_local_grads:
            cells = [short_number(d, edge_digits) for d in derivs]
            op_attrs.update(label=op_label(op_symbol(v), cells, rankdir), shape="plain")
        else:
            op_attrs.update(label=op_label(op_symbol(v), None, rankdir), shape="ellipse", style="filled",
                            fillcolor=OP_FILL, color="#9ca3af", margin="0.04,0.02", height="0.3",
                            width="0.3")
        b.node(owner, oid, op_attrs)
        b.edge(oid, vid, {"id": f"e{i}"})
        op_rank = rank[id(v)] - 1
        for k, x in enumerate(v.inputs):
            attrs = {"id": f"e{i}_{k}"}
            if show_local_grads:
                attrs["tooltip"] = words["graph.tip_local"].format(value=repr(derivs[k]))
            if not x.requires_grad:
                attrs.update(style="dashed", color="#9ca3af")
            tail = f"v{index[id(x)]}"
            far = op_rank - rank[id(x)] > MAX_EDGE_SPAN
            # an input of a module's first layer: its edges would cross every neuron's box (and the
            # weights in it), so each neuron gets its own copy and the input box stays outside
            if far or (owner is not None and id(x) in module_inputs):
                tail = f"r{i}_{k}"
                references += 1
                xname = names[id(x)]
                b.node(owner, tail, {
                    "label": Html(f'<I>{html_text(xname)}</I>'), "shape": "box", "style": "dashed,rounded",
                    "color": "#6b7280", "fontsize": "10", "margin": "0.05,0.02", "height": "0.25",
                    "id": tail, "class": "ref",
                    "tooltip": words["graph.tip_ref"].format(name=html_text(xname))})
                if id(x) in module_inputs:  # an unseen edge keeps the input's box before the layer
                    b.edge(f"v{index[id(x)]}", tail, {"style": "invis"})
            head = f"{oid}:i{k}:{side}" if show_local_grads else oid
            b.edge(tail, head, attrs)

    caption = list(notes)
    if show_local_grads:
        caption.append(words["graph.note_local"])
    if references:
        caption.append(words["graph.note_ref"])
    if color_by_grad:
        caption.append(words["graph.note_color"].format(decades=GRAD_DECADES, largest=short_number(largest)))
    graph_attrs = {"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35", "fontname": FONTNAME,
                   "fontsize": "10", "labelloc": "b", "labeljust": "l"}
    lines = ['digraph "graph" {',
             f"\tgraph [{attr_list(graph_attrs)}]",
             f"\tnode [{attr_list({'fontname': FONTNAME, 'fontsize': '11'})}]",
             f"\tedge [{attr_list({'arrowsize': '0.6', 'color': '#4b5563'})}]",
             *b.lines()]
    if caption:
        text = '<BR ALIGN="LEFT"/>'.join(html_text(t, max_chars=200) for t in caption) + '<BR ALIGN="LEFT"/>'
        lines.append(f"\tlabel={quote(Html(text))}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _check_digits(digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")


def graph_source(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grads: bool = True,
    color_by_grad: bool = False,
    max_nodes: int = 500,
    module: Any = None,
    digits: int = 4,
    lang: str | None = None,
) -> str:
    """The DOT source of the picture of ``root``'s graph (see :func:`draw_graph`); standard library only.

    >>> import tinygrad_edu as tg
    >>> w, x = tg.Value(2.0, label="w"), tg.Value(1.0, label="x")
    >>> y = (w * x).sigmoid(); y.label = "y"
    >>> y.backward()
    >>> for line in graph_source(y).splitlines():   # ∂(wx)/∂w = x = 1, ∂(wx)/∂x = w = 2, σ'(2)
    ...     if "->" in line:
    ...         print(line.strip())
    v2_op -> v2 [id=e2]
    v0 -> v2_op:i0:w [id=e2_0 tooltip="local derivative = 1.0"]
    v1 -> v2_op:i1:w [id=e2_1 tooltip="local derivative = 2.0"]
    v3_op -> v3 [id=e3]
    v2 -> v3_op:i0:w [id=e3_0 tooltip="local derivative = 0.10499..."]
    """
    _check_digits(digits)
    lang = picture_lang(strings.resolve(lang))
    order = walk(root)
    check_size(len(order), max_nodes)
    grads = {id(v): v.grad for v in order if v.requires_grad}  # .grad is read, never written
    notes = []
    if grads and all(gv == 0.0 for gv in grads.values()):
        notes.append(strings.text(lang, "graph.note_no_backward"))
    return build_source(order, grads=grads, number=lambda x: short_number(x, digits), rankdir=rankdir,
                        show_local_grads=show_local_grads, color_by_grad=color_by_grad, module=module,
                        notes=notes, edge_digits=digits, lang=lang)


def digraph_of(source: str, format: str | None = None) -> graphviz.Digraph:  # noqa: A002
    """A ``graphviz.Digraph`` whose ``.source`` is exactly ``source`` (as written by :func:`build_source`).

    It is a :class:`~tinygrad_edu.viz.digraph.FittedDigraph`: in a notebook a wide
    picture shrinks to the output's width instead of running off its right edge.
    ``format`` (``"svg"``, ``"png"``, ...) is the one its ``render()`` and ``pipe()`` write.
    """
    gv = import_graphviz()
    from tinygrad_edu.viz.digraph import FittedDigraph  # imports graphviz: only once it is known present

    if format is None:
        g = FittedDigraph(name="graph")
    else:
        if not isinstance(format, str) or format.lower() not in gv.FORMATS:
            raise ValueError(f"format must be one of Graphviz's output formats such as 'svg', 'png' or "
                             f"'pdf', got {format!r}")
        g = FittedDigraph(name="graph", format=format.lower())
    g.body.extend(line + "\n" for line in source.splitlines()[1:-1])
    return g


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grads: bool = True,
    color_by_grad: bool = False,
    max_nodes: int = 500,
    module: Any = None,
    digits: int = 4,
    lang: str | None = None,
) -> graphviz.Digraph:
    """The graph behind ``root`` as a ``graphviz.Digraph``: boxes for Values, nodes for ops.

    Each Value box shows name (its label, or ``u1, u2, ...``), ``data`` and
    ``grad``; each op node shows the op's symbol and, where each input's edge
    ends, the local derivative ∂out/∂input at this point, from the ops
    registry, so that for every input ``grad(input) = Σ grad(out) × that number``.

    * ``rankdir``: ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``.
    * ``show_local_grads``: show the local derivatives.
    * ``color_by_grad``: shade each box by |grad| (log scale), so vanishing
      gradients show as white boxes.
    * ``max_nodes``: refuse graphs with more Values (the error says how to proceed).
    * ``module``: an object with ``named_parameters()`` (a ``tinygrad_edu.nn``
      Module); its parameters - and the ops that belong to them - are grouped in
      boxes by name prefix (``layers.0`` around ``layers.0.neurons.1``), and the
      inputs are placed before the first layer.
    * ``digits``: significant digits of the numbers shown.
    * ``lang``: ``"en"`` or ``"zh"`` - the boxes read data / grad or 数据 / 梯度,
      and the footnotes are in that language; None (the default) means the
      language set by ``tinygrad_edu.set_language`` ("en" unless set).

    When no backward pass has run yet (every grad is 0) the picture says so.
    Needs the ``graphviz`` Python package (:func:`graph_source` gives the same
    DOT source without it).
    """
    source = graph_source(root, rankdir=rankdir, show_local_grads=show_local_grads,
                          color_by_grad=color_by_grad, max_nodes=max_nodes, module=module, digits=digits,
                          lang=lang)
    return digraph_of(source)


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR",  # noqa: A002
             **opts: Any) -> graphviz.Digraph:
    """The micrograd lecture's ``draw_dot(root, format='svg', rankdir='LR')``, drawn by :func:`draw_graph`.

    Returns the ``graphviz.Digraph``; ``format`` is the one its ``render()``,
    ``pipe()`` and ``view()`` write.  Other keywords are those of
    :func:`draw_graph` (``lang="zh"``, ``show_local_grads`` ...): the picture is
    draw_graph's, so each op also shows its local derivatives.
    """
    source = graph_source(root, rankdir=rankdir, **opts)
    return digraph_of(source, format)


def render_graph(root: Value, path: str | os.PathLike[str], *, timeout: float | None = None,
                 **opts: Any) -> Path:
    """Draw ``root``'s graph (see :func:`draw_graph` for ``opts``) into ``path``; returns the path.

    The format comes from the suffix: ``.svg``, ``.png``, ``.pdf``, or ``.dot`` /
    ``.gv`` for the DOT source (which needs no Graphviz at all).  Missing parent
    folders are created; an existing file - or a symlink, which is replaced by
    the file, never written through - is replaced in one step.  ``timeout``
    bounds the layout in seconds (default 30, or ``$TINYGRAD_EDU_DOT_TIMEOUT``).
    When Graphviz's ``dot`` program is missing, the ``.dot`` source is written
    next to ``path`` and :class:`GraphvizNotFoundError` says how to install Graphviz.
    """
    target = Path(os.fspath(path))
    fmt = format_of(target)
    check_outputs([target])
    source = graph_source(root, **opts)
    data = graph_bytes(source, fmt, timeout=timeout, fallback=target, what=f"{len(walk(root))} Values")
    write_atomic(target, data)
    return target


def format_of(path: str | os.PathLike[str]) -> str:
    """The output format that ``path``'s suffix asks for: ``"svg"``, ``"png"``, ``"pdf"`` or ``"dot"``."""
    target = Path(os.fspath(path))
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(target)!r} from its suffix {suffix!r}; "
            f"use one of {', '.join(FORMATS)}"
        )
    return FORMATS[suffix] or "dot"


def graph_bytes(source: str, fmt: str, *, timeout: float | None = None,
                fallback: str | os.PathLike[str] | None = None, what: str = "the graph") -> bytes:
    """The DOT ``source`` laid out as ``fmt`` (``"svg"``, ``"png"``, ``"pdf"``, or ``"dot"`` for the text).

    When Graphviz's ``dot`` program is missing and ``fallback`` names the
    picture the user asked for, the DOT source is written next to it (same
    name, suffix ``.dot``) and the :class:`GraphvizNotFoundError` says so.
    ``what`` names the graph in a timeout message.
    """
    if fmt == "dot":
        return source.encode("utf-8")
    try:
        return run_dot(source, fmt, timeout=timeout, what=what)
    except GraphvizNotFoundError as exc:
        if fallback is None:
            raise
        target = Path(os.fspath(fallback))
        keep = target.with_suffix(".dot")
        write_atomic(keep, source.encode("utf-8"))
        raise GraphvizNotFoundError(
            f"{exc} The graph's DOT source was written to {keep} "
            f"(render it later with: dot -T{fmt} {keep.name} -o {target.name})") from None
