"""Finding the regions of a graph that one loop body can compute: a batch's per-sample subgraphs.

A training step over a batch builds the same subgraph once per sample: the
model's forward pass and the sample's loss, reading the shared parameters and
the sample's own inputs.  In the topological order (a depth-first walk) such a
subgraph is a contiguous run of nodes ending at its output, and nothing after
it reads any of its nodes but that output: a *region*.  Regions whose ops,
op parameters and connections are equal - each reading the same parameters,
and its own inputs and constants - form a *group*, which
:mod:`.loops` writes once, as a loop.

A group is kept only when looping keeps the eager engine's sums: each
parameter's gradient is summed over its users from the last to the first, and
a loop adds its regions' terms one region after another, so no node outside the
group may read one of its parameters between its first and last region.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate, compress, pairwise
from operator import attrgetter
from typing import Any

from tinygrad_edu.engine.compiler.trace import Graph, is_function, is_read, param_of
from tinygrad_edu.engine.value import Value

LOOP_MIN_OPS = 2_000  # graphs with more ops than this are searched for loops (smaller ones read as before)
MIN_REPEAT = 4  # a group has at least this many regions
MIN_BODY = 16  # ... of at least this many ops each (a smaller body costs more per region than it saves)
SEARCH_BUDGET = 3  # regions compared cover at most this many times the graph's ops


class Group:
    """Regions of one shape, in topological order, and what one loop body over them reads."""

    def __init__(self, regions: list[tuple[int, int]], members: list[int], shape: tuple[Any, ...]) -> None:
        self.regions = regions  # (first walked index, output's walked index) of each region
        self.members = members  # the first region's op nodes (walked indices), in order
        self.shape = shape  # each member as (op, op parameter, inputs...): see _shape
        self.lo = regions[0][0]
        self.hi = regions[-1][1]
        self.ext: list[int] = []  # the parameters the regions read (walked indices), in order of first use
        self.kinds: list[str] = []  # each data input: "value" (read .data), "float", or "literal" (one value)
        self.rows: list[tuple[Any, ...]] = []  # per region, its data inputs but the literals
        self.literals: dict[int, float] = {}  # data input -> its value, for the literals
        self.parts: list[Group] = []  # interleaved shapes looped together: one group per shape
        self.tags: list[int] = []  # ... and each region's shape (rows are then (shape, row))


def merged(a: Group, b: Group) -> Group:
    """One loop over the regions of two groups whose regions interleave: each region runs its own shape."""
    parts = (a.parts or [a]) + [b]
    tagged = sorted((r, k) for k, part in enumerate(parts) for r in zip(part.regions, part.rows))
    grp = Group([r for (r, _), _ in tagged], [], ())
    grp.parts = parts
    grp.tags = [k for _, k in tagged]
    grp.rows = [(k, row) for (_, row), k in tagged]
    grp.ext = list(dict.fromkeys(j for part in parts for j in part.ext))
    return grp


def _param_key(v: Value) -> Any:
    p = param_of(v)
    if p is None or type(p) is int:
        return p
    return ("param", type(p).__name__, repr(p))  # 0.0 and -0.0, and nan, told apart


def find_groups(g: Graph, aux: Sequence[int] = ()) -> list[Group]:
    """The groups of repeated regions of ``g`` worth a loop (see the module docstring)."""
    if g.n_ops <= LOOP_MIN_OPS:
        return []
    n = g.n_walked
    inputs, ops = g.inputs, g.ops
    # pass 1 (in C, by iterators): each op node's rank among op nodes, and the last user of every node
    walked_ops = ops[:n]
    is_op = list(map(bool, map(attrgetter("arity"), walked_ops)))
    before = list(accumulate(is_op, initial=0))  # op nodes before walked index i: an op node's rank
    opidx = list(compress(range(n), is_op))
    maxuse = [-1] * len(g.nodes)
    for i in opidx:
        for j in inputs[i]:
            maxuse[j] = i  # the last write is the last user
    # pass 2: each op node's block (the run of the walk just before it, made of its inputs' blocks), and
    # whether anything outside the block reads a node of it other than its root
    start = list(range(n))
    reach = [-1] * n
    buckets: dict[tuple[int, int], list[int]] = {}
    for i in opidx:
        ins = inputs[i]
        s = i
        far = -1
        while s:
            c = s - 1
            if c not in ins:
                break
            s = start[c]
            if is_op[c]:
                m = maxuse[c]
                if m > far:
                    far = m
                m = reach[c]
                if m > far:
                    far = m
        start[i] = s
        reach[i] = far
        if far <= i:
            size = before[i] + 1 - before[s]
            if size >= MIN_BODY:
                key = (size, id(ops[i]))
                b = buckets.get(key)
                if b is None:
                    buckets[key] = [i]
                else:
                    b.append(i)
    taken = bytearray(n)
    kept = set(aux)
    groups: list[Group] = []
    budget = SEARCH_BUDGET * len(opidx)  # nodes read by _shape at most: linear even in a contrived graph
    for (size, _), roots in sorted(buckets.items(), key=lambda kv: -kv[0][0]):  # the largest regions first
        if len(roots) < MIN_REPEAT:
            continue
        shapes: dict[tuple[Any, ...], list[tuple[int, int, list[int]]]] = {}
        for i in roots:
            s = start[i]
            if taken[i] or any(taken[s:i + 1]):
                continue
            budget -= size
            if budget < 0:
                return _in_order(g, groups, (start, reach, is_op, before, kept))
            shape, data = _shape(g, s, i, is_op, before)
            shapes.setdefault(shape, []).append((s, i, data))
        for shape, found in shapes.items():
            if len(found) < MIN_REPEAT:
                continue
            s0, r0, _ = found[0]
            members = list(compress(range(s0, r0 + 1), is_op[s0:r0 + 1]))
            if not _loopable(g, members, shape, kept) or not any(type(e) is int and e < -1
                                                                  for enc in shape for e in enc[2:]):
                continue
            for s, i, _ in found:
                taken[s:i + 1] = b"\x01" * (i + 1 - s)
            groups.append(_group(g, found, members, shape))
    return _in_order(g, groups, (start, reach, is_op, before, kept))


def _shape(g: Graph, s: int, i: int, is_op: list[bool],
           rank: list[int]) -> tuple[tuple[Any, ...], list[int]]:
    """The region's ops and connections, equal for regions one body computes; and its data inputs.

    Each op node is ``(op, op parameter, inputs...)`` where an input is an op
    node so many ops back (an int > 0), a parameter (``-2 - index``: the same
    one in every region), or the region's k-th own input or constant
    (``("x", k)``).  A float op parameter (a target, a slope) is such an input
    too, ``("x", k)`` in the op parameter's place; any other is compared by value.
    """
    nodes, inputs, ops, params = g.nodes, g.inputs, g.ops, g.param_at
    n = len(is_op)
    out: list[Any] = []
    add = out.append
    data: list[int] = []
    slot: dict[int, tuple[str, int]] = {}

    def leaf(j: int) -> Any:
        if j in params:
            return -2 - j
        x = slot.get(j)
        if x is None:
            x = slot[j] = ("x", len(data))
            data.append(j)
        return x

    for k in compress(range(s, i + 1), is_op[s:i + 1]):
        rk = rank[k]
        op = ops[k]
        ins = inputs[k]
        if op.arity == 2:  # most nodes: two inputs, no parameter
            ja, jb = ins
            add((id(op), None, rk - rank[ja] if ja < n and is_op[ja] else leaf(ja),
                 rk - rank[jb] if jb < n and is_op[jb] else leaf(jb)))
            continue
        p = param_of(nodes[k])
        if type(p) is float:  # a float parameter (a target, a slope) may differ between samples: an input
            enc: list[Any] = [id(op), ("x", len(data))]
            data.append(~k)  # (negative: the parameter of node k)
        else:
            enc = [id(op), _param_key(nodes[k])]
        for j in ins:
            enc.append(rk - rank[j] if j < n and is_op[j] else leaf(j))
        add(tuple(enc))
    return tuple(out), data


def _loopable(g: Graph, members: list[int], shape: tuple[Any, ...], kept: set[int]) -> bool:
    """Every op input of the region is inside it; no Function, no auxiliary output."""
    for q, (w, enc) in enumerate(zip(members, shape)):
        if w in kept or is_function(g.nodes[w]):
            return False
        for e in enc[2:]:
            if type(e) is int and e > q:  # an op node before the region (the body reads only leaves outside)
                return False
    return True


def _group(g: Graph, found: list[tuple[int, int, list[int]]], members: list[int],
           shape: tuple[Any, ...]) -> Group:
    """The group of the regions ``found``: its parameters, and its data inputs as rows, one per region."""
    grp = Group([(s, i) for s, i, _ in found], members, shape)
    ext: dict[int, None] = {}
    for enc in shape:
        for e in enc[2:]:
            if type(e) is int and e < -1:
                ext.setdefault(-2 - e, None)
    grp.ext = list(ext)
    nodes = g.nodes

    def value(src: int) -> Any:  # a data input's Value, or a float parameter (src < 0)
        return nodes[~src]._b if src < 0 else nodes[src]

    def number(src: int) -> float:
        v = value(src)
        return v if type(v) is float else float(v.data)

    kinds: list[str] = []
    for c in range(len(found[0][2])):
        column = [value(data[c]) for _, _, data in found]
        if all(type(v) is float or not is_read(v) for v in column):
            texts = [repr(v if type(v) is float else v.data) for v in column]
            kinds.append("literal" if all(t == texts[0] for t in texts) else "float")
        else:
            kinds.append("value")
    grp.kinds = kinds
    grp.rows = []
    for _, _, data in found:
        row = []
        for src, kind in zip(data, kinds):
            v = value(src)
            if kind == "float":
                row.append(number(src))
            elif kind == "value":
                row.append(v)
        grp.rows.append(tuple(row))
    first = found[0][2]
    grp.literals = {c: number(first[c]) for c, kind in enumerate(kinds) if kind == "literal"}
    return grp


def _in_order(g: Graph, groups: list[Group], walk: tuple[Any, ...]) -> list[Group]:
    """Groups in topological order, keeping only those looped in the eager engine's order of sums.

    A parameter's gradient is summed over its users from the last to the first:
    a group adds its regions' terms in one go, so no other node using the same
    parameter may sit between its first and last region; groups whose regions
    interleave become one loop that runs each region's own shape.
    """
    groups.sort(key=lambda grp: grp.lo)
    ok: list[Group] = []
    for grp in groups:
        if ok and grp.lo <= ok[-1].hi:  # interleaved with the one before (a label 0 or 1, say): one loop
            ok[-1] = merged(ok[-1], grp)
            continue
        ok.append(grp)
    ok = [_absorb(g, grp, walk) for grp in ok]
    inputs, ops = g.inputs, g.ops
    while ok:
        ext = {j for grp in ok for j in grp.ext}
        users: dict[int, list[int]] = {}  # parameter -> the nodes outside every region that read it
        for i in outside(g.n_walked, ok):
            if ops[i].arity != 0:
                for j in inputs[i]:
                    if j in ext:
                        users.setdefault(j, []).append(i)
        bad = [grp for grp in ok if any(grp.lo < i < grp.hi for j in grp.ext for i in users.get(j, ()))]
        if not bad:
            break
        ok = [grp for grp in ok if grp not in bad]
    return ok


def _absorb(g: Graph, grp: Group, walk: tuple[Any, ...]) -> Group:
    """The group with the samples of rarer shapes that sit between its regions (3 samples of label 1 among
    97 of label 0, say) taken in as shapes of their own: each gap that is a run of regions joins the loop."""
    start, reach, is_op, before, kept = walk
    found: dict[tuple[Any, ...], list[tuple[int, int, list[int]]]] = {}
    members_of: dict[tuple[Any, ...], list[int]] = {}
    regs = sorted(grp.regions)
    for (_, i1), (s2, _) in pairwise(regs):
        blocks: list[tuple[int, int]] = []
        end = s2 - 1
        while end > i1:  # the gap, from its end: one region after another, each read only by its output
            s = start[end]
            if not is_op[end] or s <= i1 or reach[end] > end:
                blocks = []
                break
            blocks.append((s, end))
            end = s - 1
        for s, i in blocks:
            shape, data = _shape(g, s, i, is_op, before)
            members = list(compress(range(s, i + 1), is_op[s:i + 1]))
            if _loopable(g, members, shape, kept) and any(type(e) is int and e < -1
                                                           for enc in shape for e in enc[2:]):
                found.setdefault(shape, []).append((s, i, data))
                members_of.setdefault(shape, members)
    for shape, regions in found.items():
        regions.sort()
        grp = merged(grp, _group(g, regions, members_of[shape], shape))
    return grp


def outside(n: int, groups: Sequence[Group]) -> Iterator[int]:
    """The walked indices in no region of ``groups``, in order (the regions are not visited)."""
    at = 0
    for s, i in sorted(r for grp in groups for r in grp.regions):
        yield from range(at, s)
        at = i + 1
    yield from range(at, n)
