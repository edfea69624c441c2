"""Loops: a graph that repeats one subgraph - one per sample of a batch - is compiled as a loop.

A training step over a batch builds the same subgraph once per sample: the
model's forward pass and the sample's loss, reading the shared parameters and
the sample's own inputs.  Written out straight-line, the program repeats that
subgraph's lines once per sample, and Python's compiler pays for every line.
Here the subgraph is written once, as the body of a loop over the samples:

* **finding them** (:func:`find_groups`).  In the topological order (a
  depth-first walk) a subgraph that only its root's users read from outside is
  a contiguous run of nodes, a *region*.  Regions whose ops, parameters and
  connections are equal - reading the same parameters, each its own inputs and
  constants - form a *group*, written once.
* **the loop** (:class:`LoopWriter`).  ``loopN_forward`` runs the body for
  every region and keeps the values its backward reads; ``loopN_backward`` runs
  the regions backwards, last first, adding each parameter's gradient in the
  eager engine's order; the rest of the graph (the sum over samples, a weight
  penalty) is the ordinary straight-line program, which reads the regions'
  outputs and hands back their gradients.
* **the same numbers.**  Every gradient is summed in the order ``backward()``
  sums it: a group is only looped when no other node adds to its parameters'
  gradients between its first and last region.

Only large programs (over ``LOOP_MIN_OPS`` ops, whose lines carry no comments
anyway) are looped; a small program reads as before.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from itertools import accumulate, compress
from operator import attrgetter
from typing import Any

from tinygrad_edu.engine.compiler.codegen import MAX_DEPTH, OpPlan, Writer, _render
from tinygrad_edu.engine.compiler.expr import ATOM, Expr
from tinygrad_edu.engine.compiler.naming import literal
from tinygrad_edu.engine.compiler.trace import Graph, is_function, is_read, param_of
from tinygrad_edu.engine.value import LEAF, Value

LOOP_MIN_OPS = 2_000  # graphs with more ops than this are searched for loops
MIN_REPEAT = 4  # a group has at least this many regions
MIN_BODY = 8  # ... of at least this many ops each


class Group:
    """Regions of one shape: ``(start, root)`` walked-index ranges, in topological order."""

    def __init__(self, regions: list[tuple[int, int]], members: list[int]) -> None:
        self.regions = regions
        self.members = members  # the first region's op nodes (walked indices), in order
        self.lo = regions[0][0]
        self.hi = regions[-1][1]
        self.slots: list[tuple[int, int]] = []  # (member position, input position) of each data input
        self.ext: list[int] = []  # the parameters its regions read (walked indices), in order of first use
        self.literals: dict[tuple[int, int], Any] = {}  # data inputs equal in every region: a literal


def _param_key(v: Value) -> Any:
    p = param_of(v)
    if p is None or type(p) is int:
        return p
    return (type(p).__name__, repr(p))  # 0.0 and -0.0, nan: told apart


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
    for (size, _), roots in sorted(buckets.items(), key=lambda kv: -kv[0][0]):
        if len(roots) < MIN_REPEAT:
            continue
        shapes: dict[tuple[Any, ...], list[tuple[int, int, list[int]]]] = {}
        for i in roots:
            s = start[i]
            if taken[i] or any(taken[s:i + 1]):
                continue
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
    return _in_order(g, groups)


def _shape(g: Graph, s: int, i: int, is_op: list[bool], rank: list[int]) -> tuple[tuple[Any, ...], list[int]]:
    """The region's ops and connections, equal for regions one body computes; and its data inputs.

    Each op node is ``(op, parameter, inputs...)`` where an input is an op node
    so many ops back (an int > 0), a parameter (``-2 - index``: the same one in
    every region), or the region's k-th own input or constant (``("x", k)``).
    """
    nodes, inputs, ops, params = g.nodes, g.inputs, g.ops, g.param_at
    n = len(is_op)
    out: list[Any] = []
    add = out.append
    data: list[int] = []
    slot: dict[int, tuple[str, int]] = {}
    for k in compress(range(s, i + 1), is_op[s:i + 1]):
        rk = rank[k]
        op = ops[k]
        enc: list[Any] = [id(op), None if op.arity == 2 else _param_key(nodes[k])]
        for j in inputs[k]:
            if j < n and is_op[j]:
                enc.append(rk - rank[j])
            elif j in params:
                enc.append(-2 - j)
            else:
                x = slot.get(j)
                if x is None:
                    x = slot[j] = ("x", len(data))
                    data.append(j)
                enc.append(x)
        add(tuple(enc))
    return tuple(out), data


def _loopable(g: Graph, members: list[int], shape: tuple[Any, ...], kept: set[int]) -> bool:
    """Every op input of the region is inside it; no Function, no auxiliary output."""
    for q, (w, enc) in enumerate(zip(members, shape)):
        if w in kept or is_function(g.nodes[w]):
            return False
        for e in enc[2:]:
            if type(e) is int and e > q:  # an op node before the region: the body reads only leaves from outside
                return False
    return True


def _group(g: Graph, found: list[tuple[int, int, list[int]]], members: list[int],
           shape: tuple[Any, ...]) -> Group:
    """The group of the regions ``found``: its parameters, and its data inputs as rows, one per region."""
    grp = Group([(s, i) for s, i, _ in found], members)
    grp.shape = shape
    ext: dict[int, None] = {}
    for enc in shape:
        for e in enc[2:]:
            if type(e) is int and e < -1:
                ext.setdefault(-2 - e, None)
    grp.ext = list(ext)
    nodes = g.nodes
    n_slots = len(found[0][2])
    kinds: list[str] = []
    for c in range(n_slots):
        column = [nodes[data[c]] for _, _, data in found]
        first = column[0]
        if all(not is_read(v) for v in column):
            text = repr(first.data)
            kinds.append("literal" if all(repr(v.data) == text for v in column) else "float")
        else:
            kinds.append("value")
    grp.kinds = kinds
    grp.rows = [tuple(nodes[j].data if kind == "float" else nodes[j] for j, kind in zip(data, kinds)
                      if kind != "literal") for _, _, data in found]
    grp.literals = {c: nodes[found[0][2][c]].data for c, kind in enumerate(kinds) if kind == "literal"}
    return grp


def _in_order(g: Graph, groups: list[Group]) -> list[Group]:
    """Groups in topological order, keeping only those looped in the eager engine's order of sums.

    A parameter's gradient is summed over its users from the last to the first:
    a group adds its regions' terms in one go, so no other node using the same
    parameter may sit between its first and last region, and no two groups may
    interleave.
    """
    groups.sort(key=lambda grp: grp.lo)
    ok: list[Group] = []
    for grp in groups:
        if ok and grp.lo <= ok[-1].hi:
            continue
        ok.append(grp)
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


def outside(n: int, groups: Sequence[Group]) -> Iterator[int]:
    """The walked indices in no region of ``groups``, in order (the regions are not visited)."""
    at = 0
    for s, i in sorted(r for grp in groups for r in grp.regions):
        yield from range(at, s)
        at = i + 1
    yield from range(at, n)


# ---------------------------------------------------------------- writing a group's loop
def write_loop(w: Writer, g: Graph, grp: Group, gi: int) -> tuple[str, str, str]:
    """The source of ``loopN_forward`` and ``loopN_backward`` for group ``grp``; and their names.

    ``loopN_forward(ROWS, P)`` takes each region's data inputs (a row of Values
    and floats) and the parameters' values; it returns each region's output and
    what its backward reads.  ``loopN_backward(SAVED, G, P, ACC)`` takes those,
    each region's output gradient and the parameters' gradients so far, and
    returns the parameters' gradients after adding every region's terms, the
    last region first.
    """
    nodes, inputs, live, ops = g.nodes, g.inputs, g.live, g.ops
    members = grp.members
    m = len(members)
    shape = grp.shape
    names = w.names
    new = names.new
    plan_of: dict[int, OpPlan] = {}
    plans: list[OpPlan] = []
    for wk in members:
        op = ops[wk]
        plan = plan_of.get(id(op))
        if plan is None:
            plan = plan_of[id(op)] = OpPlan(op, False)
            if plan.kind == "nary":
                plan = plan_of[id(op)] = OpPlan(op, True)  # n-ary ops are called through the registry
            w.legend.setdefault(op.name, op)
            if plan.kind == "call":  # the program's names for the registry functions, before any local name
                w._call_name(op, "forward")
                w._call_name(op, "vjp")
        plans.append(plan)
    # every input of every member: ("m", q) a member, ("p", k) the k-th parameter, ("x", c) a data slot
    ext_at = {j: k for k, j in enumerate(grp.ext)}
    refs: list[list[tuple[str, int]]] = []
    for q, enc in enumerate(shape):
        row = []
        for e in enc[2:]:
            if type(e) is tuple:
                row.append(("x", e[1]))
            elif e > 0:
                row.append(("m", q - e))
            else:
                row.append(("p", ext_at[-2 - e]))
        refs.append(row)
    mlive = [live[wk] for wk in members]

    def is_live(ref: tuple[str, int]) -> bool:
        return ref[0] == "p" or (ref[0] == "m" and mlive[ref[1]])

    # what each value is read for: the forward pass, and the backward pass (then it is kept per region)
    uses = [0] * m
    guses = [0] * m
    keep = [False] * m
    keep_x: set[int] = set()
    for q in range(m):
        plan, row = plans[q], refs[q]
        reads = [row[k] for k in plan.fwd_reads] if plan.kind == "fixed" else row
        for ref in reads:
            if ref[0] == "m":
                uses[ref[1]] += 1
        if not mlive[q]:
            continue
        back: list[tuple[str, int]] = []
        if plan.kind == "fixed":
            for pos, ref in enumerate(row):
                if is_live(ref):
                    ng, no, at = plan.vjp_reads[pos]
                    guses[q] += ng
                    if no:
                        keep[q] = True
                    back.extend(row[k] for k in at)
        elif any(is_live(ref) for ref in row):
            guses[q] += 1
            keep[q] = True
            back.extend(row)
        for ref in back:
            if ref[0] == "m":
                keep[ref[1]] = True
            elif ref[0] == "x":
                keep_x.add(ref[1])
    root = m - 1
    # names: the parameters, the data inputs, the values
    pnames = [new(f"p{k}") for k in range(len(grp.ext))]
    xexpr: dict[int, Expr] = {}
    loop_targets: list[str] = []
    reads: list[str] = []
    for c, kind in enumerate(grp.kinds):
        if kind == "literal":
            text, prec = literal(grp.literals[c])
            xexpr[c] = (text, prec, 0, ())
            continue
        name = new(f"x{c}")
        xexpr[c] = (name, ATOM, 0, ())
        if kind == "value":
            row_name = new(f"r{c}")
            loop_targets.append(row_name)
            reads.append(f"{name} = {row_name}.data")
        else:
            loop_targets.append(name)
    pexpr = [(name, ATOM, 0, ()) for name in pnames]

    def arg(ref: tuple[str, int], expr: list[Any]) -> Expr:
        kind, k = ref
        if kind == "m":
            e: Expr = expr[k]
            return e
        return pexpr[k] if kind == "p" else xexpr[k]

    fname = new(f"loop{gi}_forward")
    bname = new(f"loop{gi}_backward")
    outs, saved, sample, gout = new("outs"), new("saved"), new("sample"), new("d_out")
    fwd = [f"def {fname}(ROWS, P):",
           f"    # {len(grp.regions)} regions of {m} ops each, written once: forward",
           f"    {w._unpack(pnames)} = P",
           f"    {outs} = []",
           f"    {saved} = []",
           f"    for {w._unpack(loop_targets) if loop_targets else '_'} in ROWS:"]
    fwd.extend("        " + line for line in reads)
    expr: list[Any] = [None] * m
    vnames: list[str] = [""] * m
    for q in range(m):
        wk = members[q]
        v = nodes[wk]
        op = ops[wk]
        plan = plans[q]
        deps = [arg(ref, expr) for ref in refs[q]]
        depth = max(e[2] for e in deps) + 1 if deps else 1
        if plan.fwd is not None:
            args: list[Any] = [None, None, *deps]
            p = v._b if op.arity == 1 else None
            if p is not None:
                args.append(w._param_text(p))
            text = _render(plan.fwd, args)
            prec = plan.fwd[3] if plan.fwd[3] >= 0 else deps[0][1]
        else:
            texts = [Writer._arg(e) for e in deps]
            p = param_of(v)
            if p is not None and op.param:
                texts.append(w._param_text(p)[0])
            text = f"{w._call_name(op, 'forward')}({', '.join(texts)})"
            prec = ATOM
        if uses[q] == 1 and not keep[q] and q != root and depth <= MAX_DEPTH:
            expr[q] = (text, prec, depth, ())
        else:
            name = vnames[q] = new(f"t{q}")
            fwd.append(f"        {name} = {text}")
            expr[q] = (name, ATOM, 0, ())
    kept_names = ([vnames[q] for q in range(m) if keep[q]]
                  + [xexpr[c][0] for c in sorted(keep_x) if grp.kinds[c] != "literal"])
    fwd.append(f"        {outs}.append({expr[root][0]})")
    fwd.append(f"        {saved}.append(({', '.join(kept_names)}{',' if len(kept_names) == 1 else ''}))")
    fwd.append(f"    return {outs}, {saved}")

    # backward: the regions from the last to the first, each from its output back
    acc = [new("d_" + name) for name in pnames]
    bwd = [f"def {bname}(SAVED, G, P, ACC):",
           f"    # the same {m} ops backward, the last region first (as backward() visits them)",
           f"    {w._unpack(pnames)} = P",
           f"    {w._unpack(acc)} = ACC",
           f"    for {sample} in range(len(G) - 1, -1, -1):"]
    if kept_names:
        bwd.append(f"        {w._unpack(kept_names)} = SAVED[{sample}]")
    bwd.append(f"        {gout} = G[{sample}]")
    contribs: list[Any] = [None] * m
    body: list[str] = []
    for q in range(m - 1, -1, -1):
        if not mlive[q]:
            continue
        if q == root:
            gexpr: Expr = (gout, ATOM, 0, ())
        else:
            terms = contribs[q]
            if terms is None:  # reached only through a derivative of 0 (max_shift)
                continue
            contribs[q] = None
            gexpr = _sum(terms, guses[q], q, body, new)
        wk = members[q]
        v = nodes[wk]
        op = ops[wk]
        plan = plans[q]
        row = refs[q]
        if plan.kind == "fixed":
            a: list[Any] = [gexpr, expr[q], *[arg(ref, expr) for ref in row]]
            if op.arity == 1 and v._b is not None:
                a.append(w._param_text(v._b))
            terms_out: list[tuple[tuple[str, int], Expr]] = []
            for pos, ref in enumerate(row):
                if not is_live(ref):
                    continue
                bound = plan.vjps[pos]
                term = gexpr if bound[3] < 0 else (_render(bound, a), bound[3], gexpr[2] + 1, ())
                terms_out.append((ref, term))
        else:
            if not any(is_live(ref) for ref in row):
                continue
            targets = []
            terms_out = []
            for pos, ref in enumerate(row):
                if is_live(ref):
                    c = new(f"c{q}_{pos}")
                    targets.append(c)
                    terms_out.append((ref, (c, ATOM, 0, ())))
                else:
                    targets.append("_")
            args_text = [Writer._arg(gexpr), expr[q][0]] + [Writer._arg(arg(ref, expr)) for ref in row]
            p = param_of(v)
            if p is not None and op.param:
                args_text.append(w._param_text(p)[0])
            lhs = targets[0] + "," if len(targets) == 1 else ", ".join(targets)
            body.append(f"{lhs} = {w._call_name(op, 'vjp')}({', '.join(args_text)})")
        for ref, term in terms_out:
            if ref[0] == "p":  # into the parameter's sum, now: backward() adds in this order
                name = acc[ref[1]]
                body.append(f"{name} = {name} + {term[0] if term[1] >= 11 else '(' + term[0] + ')'}")
            else:
                c = contribs[ref[1]]
                if c is None:
                    contribs[ref[1]] = [term]
                else:
                    c.append(term)
    bwd.extend("        " + line for line in body)
    bwd.append(f"    return [{', '.join(acc)}]")
    _hoist(fwd, 2)
    _hoist(bwd, 2)
    return "\n".join(fwd) + "\n\n\n" + "\n".join(bwd) + "\n", fname, bname


_NAME = re.compile(r"\b[A-Za-z_]\w*\b")


def _hoist(lines: list[str], at: int) -> None:
    """Name the loop's own values first: Python numbers a function's locals in the order it meets them
    and reads the first 256 with one instruction, later ones with two (measured: 6 % of a step)."""
    loop = next(k for k, line in enumerate(lines) if line.startswith("    for "))
    before: set[str] = set()
    for line in lines[at:loop]:
        text = line.strip()
        if " = " in text and not text.startswith("#"):
            before.update(_NAME.findall(text[:text.index(" = ")]))
    order: dict[str, None] = {}
    for line in lines[loop:]:
        text = line.strip()
        if text.startswith("for "):
            targets = text[4:text.index(" in ")]
        elif " = " in text and not text.startswith("#"):
            targets = text[:text.index(" = ")]
        else:
            continue
        for name in _NAME.findall(targets):
            if name not in before and name != "_":
                order.setdefault(name, None)
    if len(order) > 1:
        names = list(order)
        lines.insert(at, "    # the loop's own names first: the first 256 locals are the cheapest to read")
        rows = [" = ".join(names[k:k + 12]) for k in range(0, len(names), 12)]
        lines.insert(at + 1, "    " + " = \\\n        ".join(rows) + " = 0.0")


def _sum(terms: list[Expr], guses: int, q: int, body: list[str], new: Any) -> Expr:
    """A value's gradient: its users' terms summed in the eager engine's order; a line when needed."""
    total = terms[0]
    if len(terms) == 1 and (total[2] == 0 or (guses <= 1 and total[2] <= MAX_DEPTH)):
        return total
    name = new(f"g{q}")
    parts = [total[0] if total[1] >= 10 else "(" + total[0] + ")"]
    for k, term in enumerate(terms[1:], 1):
        parts.append(term[0] if term[1] >= 11 else "(" + term[0] + ")")
        if k % MAX_DEPTH == 0:  # a long sum: a line every MAX_DEPTH terms
            body.append(f"{name} = {' + '.join(parts)}")
            parts = [name]
    body.append(f"{name} = {' + '.join(parts)}")
    return (name, ATOM, 0, ())


# ---------------------------------------------------------------- the rest of the graph, and the driver
class Rest:
    """The straight-line part of a looped graph, as a :class:`Graph` the :class:`Writer` reads.

    Each region's output is a leaf here (``holders``, set by the driver before it
    runs); a parameter the loops also read gets one leaf per use (``edges``), so
    that its terms come back one by one and the driver adds them in order.
    """

    def __init__(self, g: Graph, groups: list[Group], aux: Sequence[int]) -> None:
        n = g.n_walked
        nodes, inputs, ops = g.nodes, g.inputs, g.ops
        member = bytearray(n)
        self.root_of: dict[int, tuple[int, int]] = {}  # region output -> (group, region)
        for gi, grp in enumerate(groups):
            for k, (s, i) in enumerate(grp.regions):
                member[s:i + 1] = b"\x01" * (i + 1 - s)
                self.root_of[i] = (gi, k)
        ext = {j for grp in groups for j in grp.ext}
        rest = list(outside(n, groups))  # the nodes the straight-line part computes or reads
        referenced = set(aux)
        for i in rest:
            referenced.update(inputs[i])
        new_nodes: list[Value] = []
        new_inputs: list[tuple[int, ...]] = []
        new_ops: list[Any] = []
        new_live: list[bool] = []
        old2new: dict[int, int] = {}
        self.edges: list[tuple[int, int, int]] = []  # (new leaf, the parameter's walked index, its user)
        self.holders: dict[int, Value] = {}  # region output -> its leaf here
        held: list[int] = []
        later: list[tuple[int, int, int]] = []  # (new node, input position, old constant) to fill in
        # leaves that sit inside a region but are read outside it come first (they have no inputs)
        for j in sorted(referenced):
            if j < n and member[j] and ops[j].arity == 0 and j not in ext:
                old2new[j] = len(new_nodes)
                new_nodes.append(nodes[j])
                new_inputs.append(())
                new_ops.append(ops[j])
                new_live.append(g.live[j])
        order = sorted([*rest, *self.root_of])
        for i in order:
            op = ops[i]
            if i in self.root_of:
                h = Value(0.0)
                self.holders[i] = h
                old2new[i] = len(new_nodes)
                held.append(len(new_nodes))
                new_nodes.append(h)
                new_inputs.append(())
                new_ops.append(LEAF)
                new_live.append(True)  # an entry: its gradient is handed back
                continue
            if op.arity == 0:
                if i in referenced and i not in ext:
                    old2new[i] = len(new_nodes)
                    new_nodes.append(nodes[i])
                    new_inputs.append(())
                    new_ops.append(op)
                    new_live.append(g.live[i])
                continue
            ins = []
            pending = []
            for pos, j in enumerate(inputs[i]):
                if j in ext:  # a parameter the loops read too: a leaf of its own for this use
                    self.edges.append((len(new_nodes), j, i))
                    ins.append(len(new_nodes))
                    new_nodes.append(nodes[j])
                    new_inputs.append(())
                    new_ops.append(LEAF)
                    new_live.append(True)
                elif j >= n:  # a constant: placed after the walked nodes
                    pending.append((pos, j))
                    ins.append(-1)
                else:
                    ins.append(old2new[j])
            at = old2new[i] = len(new_nodes)
            later.extend((at, pos, j) for pos, j in pending)
            new_nodes.append(nodes[i])
            new_inputs.append(tuple(ins))
            new_ops.append(op)
            new_live.append(any(new_live[j] for j in ins if j >= 0) and not op.extra.get("stop_gradient"))
        walked = len(new_nodes)
        for at, pos, j in later:
            k = old2new.get(j)
            if k is None:
                k = old2new[j] = len(new_nodes)
                new_nodes.append(nodes[j])
                new_live.append(False)
            ins = list(new_inputs[at])
            ins[pos] = k
            new_inputs[at] = tuple(ins)
        rest = Graph.__new__(Graph)
        rest.out = g.out
        rest.nodes = new_nodes
        rest.inputs = new_inputs
        rest.ops = new_ops
        rest.live = new_live
        rest.n_walked = walked
        rest.n_ops = sum(1 for op in new_ops if op.arity != 0)
        rest.root = old2new[g.root]
        rest.index = {}
        rest._labels = None
        # its "parameters": the graph's own ones it reads, then each use of a looped one, then the outputs
        self.plain: dict[int, int] = {}  # a parameter's walked index -> its entry here
        entries: list[int] = []
        for k, i in enumerate(g.entry_node):
            if i is not None and i not in ext and i in old2new and i not in self.plain:
                self.plain[i] = len(entries)
                entries.append(old2new[i])
        self.edge_entry = len(entries)
        entries.extend(at for at, _, _ in self.edges)
        self.held_entry = len(entries)
        entries.extend(held)
        rest.entry_node = list(entries)
        rest.param_at = {}
        for k, i in enumerate(entries):
            rest.param_at.setdefault(i, k)
        self.graph = rest
        self.aux = [old2new[i] for i in aux]


class LoopedProgram:
    """Runs a looped graph: the loops forward, the rest, then the loops backward between the rest's terms.

    Called like the straight-line program: ``(backward, into_grad)``; returns the
    output, or ``(output, gradients)`` with ``into_grad=False``.  Not re-entrant:
    the regions' outputs pass through leaves it owns (one call at a time, as a
    training loop makes them).
    """

    def __init__(self, g: Graph, params: Sequence[Value], groups: list[Group], rest: Rest,
                 namespace: dict[str, Any], code: Any, functions: list[tuple[str, str]]) -> None:
        self.namespace = namespace
        self.code = code
        self.functions = functions
        self.params = list(params)
        self.entry_node = list(g.entry_node)
        slot: dict[int, int] = {}  # a looped parameter's walked index -> its running sum
        for grp in groups:
            for j in grp.ext:
                slot.setdefault(j, len(slot))
        self.n_acc = len(slot)
        self.loops = []
        for gi, grp in enumerate(groups):
            holders = [rest.holders[i] for _, i in grp.regions]
            root_entries = [rest.held_entry + k for k in range(sum(len(x.regions) for x in groups[:gi]),
                                                             sum(len(x.regions) for x in groups[:gi + 1]))]
            self.loops.append([grp.rows, [g.nodes[j] for j in grp.ext], holders, root_entries,
                               [slot[j] for j in grp.ext], g.live[grp.regions[0][1]]])
        # the order backward() adds into a looped parameter: its users from the last to the first
        events: list[tuple[int, int, int, int]] = []
        for k, (_, j, user) in enumerate(rest.edges):
            events.append((user, k, slot[j], rest.edge_entry + k))
        for gi, grp in enumerate(groups):
            events.append((grp.hi, 0, -1, gi))
        events.sort(key=lambda e: (-e[0], e[1]))
        self.events = [(a, b) for _, _, a, b in events]
        self.final: list[tuple[int, int]] = []  # per entry of params: (0: rest's entry, 1: sum, 2: none)
        for i in self.entry_node:
            if i is None:
                self.final.append((2, 0))
            elif i in slot:
                self.final.append((1, slot[i]))
            else:
                self.final.append((0, rest.plain[i]))
        firsts: dict[int, int] = {}
        for k, i in enumerate(self.entry_node):
            if i is not None:
                firsts.setdefault(i, k)
        self.firsts = sorted(firsts.values())
        self._bind()

    def _bind(self) -> None:
        ns = self.namespace
        self.rest = ns["step"]
        self.fns = [(ns[f], ns[b]) for f, b in self.functions]

    def __call__(self, backward: bool = True, into_grad: bool = True) -> Any:
        kept = []
        for (forward, _), (rows, ext, holders, _, _, _) in zip(self.fns, self.loops):
            pdata = [v.data for v in ext]
            outs, saved = forward(rows, pdata)
            for h, o in zip(holders, outs):
                h.data = o
            kept.append((pdata, saved))
        if not backward:
            return self.rest(False, True)
        out, fg = self.rest(True, False)
        acc = [0.0] * self.n_acc
        for a, b in self.events:
            if a >= 0:
                acc[a] += fg[b]
                continue
            _, bwd = self.fns[b]
            rows, ext, holders, root_entries, slots, is_live = self.loops[b]
            if not is_live:
                continue
            pdata, saved = kept[b]
            new = bwd(saved, [fg[e] for e in root_entries], pdata, [acc[s] for s in slots])
            for s, x in zip(slots, new):
                acc[s] = x
        grads = [fg[k] if how == 0 else acc[k] if how == 1 else 0.0 for how, k in self.final]
        if not into_grad:
            return out, tuple(grads)
        params = self.params
        for k in self.firsts:
            params[k].grad += grads[k]
        return out

    def copy(self, memo: dict[int, Any], aux: list[float]) -> LoopedProgram:
        """A twin bound to the copied Values (``copy.deepcopy`` of a compiled step)."""
        twin = LoopedProgram.__new__(LoopedProgram)
        twin.__dict__.update(self.__dict__)
        twin.params = [copy.deepcopy(p, memo) for p in self.params]
        twin.loops = [[[tuple(copy.deepcopy(x, memo) if isinstance(x, Value) else x for x in row) for row in rows],
                       [copy.deepcopy(v, memo) for v in ext], [copy.deepcopy(h, memo) for h in holders],
                       entries, slots, is_live]
                      for rows, ext, holders, entries, slots, is_live in self.loops]
        ns = dict(self.namespace)
        ns["LEAVES"] = tuple(copy.deepcopy(v, memo) for v in self.namespace["LEAVES"])
        ns["PARAMS"] = ()
        ns["AUX"] = aux
        exec(self.code, ns)
        twin.namespace = ns
        twin._bind()
        return twin


def build(g: Graph, params: Sequence[Value], groups: list[Group], aux: Sequence[int],
          aux_values: list[float]) -> tuple[LoopedProgram, str]:
    """The looped program of ``g`` and its source."""
    import builtins

    rest = Rest(g, groups, aux)
    w = Writer(rest.graph, [], rest.aux)
    w.values_only = True
    w.terse = True
    counts = dict(rest.graph.op_counts())
    for grp in groups:
        for wk in grp.members:
            name = g.ops[wk].name
            counts[name] = counts.get(name, 0) + len(grp.regions)
    w.header_counts = (g.n_ops, dict(sorted(counts.items())))
    looped = sum(len(grp.regions) for grp in groups)
    w.header_notes = ["# " + f"{looped} regions of the graph repeat one shape; each shape is written once, as a "
                      "loop (loopN_forward / loopN_backward below)"]
    parts = []
    functions = []
    for gi, grp in enumerate(groups):
        text, f, b = write_loop(w, g, grp, gi)
        parts.append(text)
        functions.append((f, b))
    source = w.write() + "\n\n" + "\n\n".join(parts)
    namespace = w.globals
    namespace["LEAVES"] = tuple(rest.graph.nodes[i] for i in w.leaves)
    namespace["PARAMS"] = ()
    namespace["AUX"] = aux_values
    code = builtins.compile(source, "<tinygrad_edu.compile>", "exec")
    exec(code, namespace)
    return LoopedProgram(g, params, groups, rest, namespace, code, functions), source
