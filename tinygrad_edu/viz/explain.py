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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.errors import check_size
from tinygrad_edu.viz.labels import fixed_number, op_text, shown_names
from tinygrad_edu.viz.walk import adjoints, local_derivatives, walk

#: Paths longer than this many factors are printed with their middle elided.
MAX_FACTORS = 10
#: Intermediate values defined in the header before the rest is summarised.
MAX_DEFINITIONS = 12

# A path under construction, as a linked list so that extending it is O(1):
# (previous cell or None, (node, input position)).
_Cell = tuple[Any, tuple[Value, int]]


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


def _header(order: list[Value], names: dict[int, str]) -> list[str]:
    """Definitions of the intermediate values, output first, then the inputs' values."""
    lines: list[str] = []
    inner = [v for v in reversed(order) if not v.is_leaf]
    for v in inner[:MAX_DEFINITIONS]:
        lines.append(f"{names[id(v)]} = {op_text(v, names)} = {fixed_number(v.data)}")
    if len(inner) > MAX_DEFINITIONS:
        lines.append(f"… and {len(inner) - MAX_DEFINITIONS} more intermediate values")
    leaves = [v for v in order if v.is_leaf and v.requires_grad]
    shown = ", ".join(f"{names[id(v)]} = {fixed_number(v.data)}" for v in leaves[:MAX_DEFINITIONS])
    if len(leaves) > MAX_DEFINITIONS:
        shown += f", … ({len(leaves) - MAX_DEFINITIONS} more)"
    if shown:
        lines.append(f"with {shown}")
    ops: dict[str, str] = {}
    for v in inner:
        spec = v.op_spec
        if spec is not None and spec.name not in ops:
            ops[spec.name] = f"  {spec.symbol}  {spec.formula}:  {spec.derivative}"
    if ops:
        lines.append("local derivatives (from the ops registry):")
        lines.extend(ops.values())
    return lines


def _factor_name(node: Value, k: int, names: dict[int, str]) -> str:
    ins = node.inputs
    x = ins[k]
    text = f"d{names[id(node)]}/d{names[id(x)]}"
    if sum(1 for y in ins if y is x) > 1:
        text += f" (argument {k + 1})"
    return text


def _elide(n: int, item: Callable[[int], str], sep: str) -> str:
    """``item(0) sep item(1) ...`` for ``n`` items; past MAX_FACTORS the middle is elided (and never made)."""
    if n <= MAX_FACTORS:
        return sep.join(item(i) for i in range(n))
    half = MAX_FACTORS // 2
    head = [item(i) for i in range(half)]
    tail = [item(i) for i in range(n - half, n)]
    return sep.join([*head, f"… ({n - 2 * half} more)", *tail])


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


def _signed_sum(terms: list[float]) -> str:
    """``a + b − c`` written out.

    >>> _signed_sum([3.0, -1.0, 0.5])
    '3.0000 − 1.0000 + 0.5000'
    """
    out = fixed_number(terms[0])
    for t in terms[1:]:
        out += f" − {fixed_number(-t)}" if t < 0 else f" + {fixed_number(t)}"
    return out


def explain(
    root: Value,
    wrt: Value | Sequence[Value] | None = None,
    *,
    max_paths: int = 10,
    max_nodes: int = 100_000,
) -> str:
    """The chain rule for d(root)/d(wrt) as text, one line per path through the graph.

    ``wrt`` is one Value, a sequence of Values, or None for every leaf that
    requires grad (in the order the graph uses them).  Unlabelled intermediate
    values are called ``u1, u2, ...`` (the same names as in :func:`draw_graph`);
    the header defines them.  When an input is reused, each path is printed
    and the paths are added; at most ``max_paths`` paths are printed per input,
    with a summary line for the rest.  Nothing is modified: ``.grad`` is
    neither read nor written.

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
    """
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"max_paths must be a positive int, got {max_paths!r}")
    order = walk(root)
    check_size(len(order), max_nodes, "explain()",
               "Every path is traced, which takes seconds per hundred thousand Values")
    index = {id(v): i for i, v in enumerate(order)}
    names = shown_names(order)
    rname = names[id(root)]
    if not root.requires_grad:
        return (f"{rname} = {fixed_number(root.data)} is a constant (it requires no grad): "
                "there is no chain rule to show")
    targets = _wrt_list(wrt, order, index)
    local = {id(v): local_derivatives(v) for v in order if not v.is_leaf}
    adj = adjoints(order)
    lines = _header(order, names)
    lines.append("")
    for x in targets:
        xname = names[id(x)]
        lhs = f"d{rname}/d{xname}"
        total = fixed_number(adj[id(x)])
        if x is root:
            lines.append(f"{lhs} = 1.0000 ({rname} is the output itself)")
            continue
        reach, n_paths = _reach_and_count(order, x)
        paths = _paths(root, x, reach, max_paths)
        texts = []
        for path in paths:
            factors = [local[id(node)][k] for node, k in path]
            product = 1.0
            for f in factors:
                product *= f
            if len(factors) == 1:
                texts.append((f"{_factor_name(path[0][0], path[0][1], names)} = {fixed_number(product)}",
                              product))
                continue

            def symbol(i: int, path: list[tuple[Value, int]] = path) -> str:
                return _factor_name(path[i][0], path[i][1], names)

            def number(i: int, factors: list[float] = factors) -> str:
                return fixed_number(factors[i])

            text = f"{_elide(len(path), symbol, ' · ')} = {_elide(len(factors), number, ' × ')}"
            texts.append((f"{text} = {fixed_number(product)}", product))
        if n_paths == 1:
            only = texts[0][0]
            # a one-edge path is its own local derivative: say dy/dx = 0.79, not dy/dx = dy/dx = 0.79
            lines.append(only if only.startswith(f"{lhs} = ") else f"{lhs} = {only}")
            continue
        lines.append(f"{lhs} = sum over {n_paths:,} paths, as {xname} is used more than once:")
        lines.extend(f"  {t}" for t, _ in texts)
        if n_paths > len(paths):
            hint = (f"explain(..., max_paths={n_paths}) prints them all" if n_paths <= 10_000
                    else "too many to print")
            lines.append(f"  … {n_paths - len(paths):,} more paths not printed ({hint})")
            lines.append(f"  {lhs} = {total} over all {n_paths:,} paths (the backpropagation result, "
                         "which adds the paths up node by node)")
        else:
            lines.append(f"  {lhs} = {_signed_sum([p for _, p in texts])} = {total}")
    return "\n".join(lines)
