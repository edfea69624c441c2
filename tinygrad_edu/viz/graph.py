"""The computation graph as a picture, with the chain rule written on its edges.

:func:`draw_graph` turns the graph behind a Value into a ``graphviz.Digraph``:

* one box per Value - its name, ``data`` and ``grad`` (leaves that require grad,
  constants, the output and intermediates are styled apart);
* one small node per op, showing the op's symbol from the registry;
* on every edge input → op the *local derivative* ∂out/∂input at this point,
  asked from the ops registry.  The chain rule can then be checked by eye:
  for every node, ``grad(input) = Σ grad(out) × edge label`` over its edges.

Node ids are ``v0, v1, ...`` in topological order (inputs first, the output
last), op nodes ``v7_op``, edges into an op ``e7_0, e7_1, ...`` (one per input
position) - the same graph always gives the same DOT source.  Labels are
Graphviz HTML-like labels built from escaped text (:mod:`.labels`), so a label
with quotes, braces, ``|``, ``<``, ``>`` or backslashes is drawn literally.

:func:`render_graph` writes the picture to a file (svg, png or pdf by suffix, or
the ``.dot`` source).  Graphviz's ``dot`` program does the layout; when it is
missing, the ``.dot`` source is still written and the error says how to
install Graphviz.
"""

from __future__ import annotations

import itertools
import math
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinygrad_edu.engine.value import Value
from tinygrad_edu.errors import TinygradEduError
from tinygrad_edu.viz.errors import INSTALL_GRAPHVIZ, GraphvizNotFoundError, check_size
from tinygrad_edu.viz.labels import html_text, node_names, op_symbol, short_number
from tinygrad_edu.viz.walk import local_derivatives, walk

if TYPE_CHECKING:
    import graphviz

#: Output formats by file suffix (None: the DOT source itself).
FORMATS: dict[str, str | None] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": None, ".gv": None}

RANKDIRS = ("LR", "TB", "RL", "BT")

# Fill colours of the four kinds of Value, and of op nodes.
PARAM_FILL = "#dbeafe"  # a leaf that requires grad: an input or a parameter
CONST_FILL = "#f3f4f6"  # a constant: needs no gradient
OUTPUT_FILL = "#fde68a"  # the Value the graph was drawn for
INNER_FILL = "#ffffff"  # an intermediate result
OP_FILL = "#e5e7eb"
# color_by_grad: colour stops from |grad| = 0 (white) to the largest |grad| (red)
SHADES = ((0.0, (255, 255, 255)), (0.5, (254, 240, 138)), (0.75, (253, 186, 116)), (1.0, (248, 113, 113)))
GRAD_DECADES = 6  # color_by_grad shades |grad| over this many powers of ten


def _import_graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing graphs needs the Python package graphviz: pip install 'tinygrad_edu[viz]' "
            "(or pip install graphviz), and Graphviz's dot program: " + INSTALL_GRAPHVIZ
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


# One DOT statement, kept as data until it is known which cluster it goes into:
# ("node", name, attrs) or ("edge", (tail, head), attrs).
_Stmt = tuple[str, Any, dict[str, str]]


def _emit(target: Any, stmt: _Stmt) -> None:
    kind, what, attrs = stmt
    if kind == "node":
        target.node(what, **attrs)
    else:
        target.edge(what[0], what[1], **attrs)


class _Builder:
    """Collects node and edge statements, then places them into (nested) clusters."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[str, ...] | None, _Stmt]] = []

    def node(self, owner: tuple[str, ...] | None, name: str, **attrs: str) -> None:
        self.items.append((owner, ("node", name, attrs)))

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        self.items.append((None, ("edge", (tail, head), attrs)))

    def emit(self, graph: Any) -> None:
        tree: dict[tuple[str, ...], list[_Stmt]] = {}
        top: list[_Stmt] = []
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
        counter = iter(range(len(tree)))

        def place(sub: Any, key: tuple[str, ...]) -> None:
            # nesting depth is the number of parts of a parameter name: small
            with sub.subgraph(name=f"cluster_{next(counter)}") as c:
                c.attr(label=f"<{html_text('.'.join(key))}>", style="rounded,dashed", color="#9ca3af",
                       fontsize="10", fontcolor="#6b7280")
                for stmt in tree[key]:
                    _emit(c, stmt)
                for child in children.get(key, []):
                    place(c, child)

        for key in roots:
            place(graph, key)
        for stmt in top:
            _emit(graph, stmt)


def value_label(v: Value, name: str, grad_text: str | None, *, data_text: str, fill: str,
                labelled: bool, is_output: bool) -> str:
    """The HTML-like table label of one Value box: name | data | grad (constants: one cell)."""
    border = ' COLOR="#b45309"' if is_output else ""
    head = f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{fill}"{border}>'
    if grad_text is None:
        return f"<{head}<TR><TD>const {html_text(data_text)}</TD></TR></TABLE>>"
    if labelled:
        name_cell = f"<B>{html_text(name)}</B>"
    else:
        name_cell = f'<FONT COLOR="#6b7280"><I>{html_text(name)}</I></FONT>'
    return (f"<{head}<TR><TD>{name_cell}</TD><TD>data {html_text(data_text)}</TD>"
            f"<TD>grad {html_text(grad_text)}</TD></TR></TABLE>>")


def build_digraph(
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
) -> graphviz.Digraph:
    """The Digraph of a walked graph ``order``, showing ``grads`` (keyed by id) formatted by ``number``.

    Shared by :func:`draw_graph` (which shows ``.grad``) and the step-through page
    (which shows the gradients of its own backward pass).
    """
    graphviz = _import_graphviz()
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    index = {id(v): i for i, v in enumerate(order)}
    names = node_names(order)
    owner_of = _clusters(module, order) if module is not None else {}
    largest = max((abs(g) for g in grads.values() if g == g), default=0.0)
    root = order[-1]

    g = graphviz.Digraph(
        name="graph",
        graph_attr={"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35", "fontname": "Helvetica",
                    "fontsize": "10", "labelloc": "b", "labeljust": "l"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "fontcolor": "#374151", "arrowsize": "0.6"},
    )
    b = _Builder()
    for i, v in enumerate(order):
        vid = f"v{i}"
        owner = owner_of.get(id(v))
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
        label = value_label(v, names[id(v)], None if is_const else number(grad),
                            data_text=number(v.data), fill=fill, labelled=bool(v.label), is_output=v is root)
        kind = "const" if is_const else "output" if v is root else "leaf" if v.is_leaf else "inner"
        b.node(owner, vid, label=label, shape="plain", id=vid, **{"class": kind})
        if v.is_leaf:
            continue
        oid = f"{vid}_op"
        b.node(owner, oid, label=f"<{html_text(op_symbol(v), max_chars=24)}>", shape="ellipse",
               style="filled", fillcolor=OP_FILL, color="#9ca3af", fontsize="10", margin="0.04,0.02",
               height="0.3", width="0.3", id=oid, **{"class": "op"})
        b.edge(oid, vid, id=f"e{i}")
        derivs = local_derivatives(v) if show_local_grads else ()
        for k, x in enumerate(v.inputs):
            attrs = {"id": f"e{i}_{k}"}
            if show_local_grads:
                d = derivs[k]
                attrs["label"] = short_number(d, edge_digits)
                attrs["tooltip"] = f"local derivative = {d!r}"
            if not x.requires_grad:
                attrs.update(style="dashed", color="#9ca3af")
            b.edge(f"v{index[id(x)]}", oid, **attrs)
    b.emit(g)

    caption = list(notes)
    if show_local_grads:
        caption.append("edge numbers: local derivative ∂out/∂in, so grad(in) = Σ grad(out) × edge number")
    if color_by_grad:
        caption.append(f"colour: |grad| on a log scale, white below 1e-{GRAD_DECADES} × the largest "
                       f"({short_number(largest)}), red at the largest")
    if caption:
        g.attr(label="<" + "<BR ALIGN=\"LEFT\"/>".join(html_text(t, max_chars=200) for t in caption)
               + "<BR ALIGN=\"LEFT\"/>>")
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
) -> graphviz.Digraph:
    """The graph behind ``root`` as a ``graphviz.Digraph``: boxes for Values, small nodes for ops.

    Each Value box shows name (its label, or ``u1, u2, ...``), ``data`` and
    ``grad``; each edge input → op is labelled with the local derivative
    ∂out/∂input at this point, from the ops registry, so that for every input
    ``grad(input) = Σ grad(out) × edge label``.

    * ``rankdir``: ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``.
    * ``show_local_grads``: write the local derivative on each edge.
    * ``color_by_grad``: shade each box by |grad| (log scale), so vanishing
      gradients show as white boxes.
    * ``max_nodes``: refuse graphs with more Values (the error says how to proceed).
    * ``module``: an object with ``named_parameters()`` (a ``tinygrad_edu.nn``
      Module); its parameters - and the ops that belong to them - are grouped in
      boxes by name prefix (``layers.0`` around ``layers.0.neurons.1``).
    * ``digits``: significant digits of the numbers shown.

    When no backward pass has run yet (every grad is 0) the picture says so.

    >>> import tinygrad_edu as tg
    >>> w, x = tg.Value(2.0, label="w"), tg.Value(1.0, label="x")
    >>> y = (w * x).sigmoid(); y.label = "y"
    >>> y.backward()
    >>> for line in draw_graph(y).source.splitlines():   # ∂(wx)/∂w = x = 1, ∂(wx)/∂x = w = 2, σ'(2)
    ...     if "->" in line:
    ...         print(line.strip())
    v2_op -> v2 [id=e2]
    v0 -> v2_op [label=1 id=e2_0 tooltip="local derivative = 1.0"]
    v1 -> v2_op [label=2 id=e2_1 tooltip="local derivative = 2.0"]
    v3_op -> v3 [id=e3]
    v2 -> v3_op [label=0.105 id=e3_0 tooltip="local derivative = 0.10499..."]
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")
    order = walk(root)
    check_size(len(order), max_nodes)
    grads = {id(v): v.grad for v in order if v.requires_grad}
    notes = []
    if grads and all(gv == 0.0 for gv in grads.values()):
        notes.append("every grad is 0: no backward pass yet? Call .backward() on the output to fill them")
    return build_digraph(order, grads=grads, number=lambda x: short_number(x, digits), rankdir=rankdir,
                         show_local_grads=show_local_grads, color_by_grad=color_by_grad, module=module,
                         notes=notes, edge_digits=digits)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file is ever left.

    The temporary file is opened normally (not with ``mkstemp``), so the result
    gets the usual permissions under the user's umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run_dot(source: str, fmt: str, *, dot_fallback: Path | None = None) -> bytes:
    """Lay out DOT ``source`` with Graphviz's ``dot`` into ``fmt`` (svg, png, pdf).

    When ``dot`` is missing, writes ``source`` to ``dot_fallback`` (if given) and
    raises :class:`GraphvizNotFoundError` saying how to install Graphviz.
    """
    graphviz = _import_graphviz()
    try:
        out = graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        saved = ""
        if dot_fallback is not None:
            write_atomic(dot_fallback, source.encode("utf-8"))
            saved = (f"; the graph's DOT source was written to {dot_fallback} "
                     f"(render it later with: dot -T{fmt} {dot_fallback.name} -o file.{fmt})")
        raise GraphvizNotFoundError(
            f"Graphviz's `dot` program was not found on PATH, so no {fmt} could be made{saved}. "
            f"To fix: {INSTALL_GRAPHVIZ}"
        ) from None
    except graphviz.CalledProcessError as exc:
        err = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else str(exc.stderr)
        raise TinygradEduError(f"Graphviz's dot failed (exit {exc.returncode}): {err.strip()}") from None
    assert isinstance(out, bytes)
    return out


def render_graph(root: Value, path: str | os.PathLike[str], **opts: Any) -> Path:
    """Draw ``root``'s graph (see :func:`draw_graph` for ``opts``) into ``path``; returns the path.

    The format comes from the suffix: ``.svg``, ``.png``, ``.pdf``, or ``.dot`` /
    ``.gv`` for the DOT source.  Missing parent folders are created.  When
    Graphviz's ``dot`` program is missing, the ``.dot`` source is written next
    to ``path`` and :class:`GraphvizNotFoundError` says how to install Graphviz.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(target)!r} from its suffix {suffix!r}; "
            f"use one of {', '.join(FORMATS)}"
        )
    source = draw_graph(root, **opts).source
    fmt = FORMATS[suffix]
    if fmt is None:
        write_atomic(target, source.encode("utf-8"))
        return target
    data = run_dot(source, fmt, dot_fallback=target.with_suffix(".dot"))
    write_atomic(target, data)
    return target
