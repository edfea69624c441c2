"""Writing a group of regions (:mod:`.regions`) as two loops: one body, run once per region.

``loopN_forward`` runs the body for every region and keeps the values its
backward reads; ``loopN_backward`` runs the regions backwards, the last first,
and adds each parameter's terms into its running sum at the moment the eager
engine would.  The body is the registry's template text, pasted as the
straight-line writer (:mod:`.codegen`) pastes it; its names come from the
program's one :class:`~tinygrad_edu.engine.compiler.naming.Names`.
"""

from __future__ import annotations

import re
from typing import Any

from tinygrad_edu.engine.compiler.codegen import MAX_DEPTH, OpPlan, Writer, _render
from tinygrad_edu.engine.compiler.expr import ATOM, Expr
from tinygrad_edu.engine.compiler.naming import literal
from tinygrad_edu.engine.compiler.regions import Group
from tinygrad_edu.engine.compiler.trace import Graph, param_of


class Body:
    """One shape's loop body, its lines unindented."""

    def __init__(self, m: int, targets: list[str], forward: list[str], backward: list[str]) -> None:
        self.m = m  # ops
        self.targets = targets  # the names a region's row unpacks into
        self.forward = forward  # reads the row's Values, computes, appends to outs and saved
        self.backward = backward  # unpacks saved, reads the output's gradient, adds into the sums


def write_loop(w: Writer, g: Graph, grp: Group, gi: int) -> tuple[str, str, str]:
    """The source of ``loopN_forward`` and ``loopN_backward`` for group ``grp``; and their names.

    ``loopN_forward(ROWS, P)`` takes each region's data inputs (a row of Values
    and floats) and the parameters' values; it returns each region's output and
    what its backward reads.  ``loopN_backward(SAVED, G, P, ACC)`` takes those,
    each region's output gradient and the parameters' gradients so far, and
    returns the parameters' gradients after adding every region's terms, the
    last region first.
    """
    new = w.names.new
    ext_at = {j: k for k, j in enumerate(grp.ext)}
    pnames = [new(f"p{k}") for k in range(len(grp.ext))]
    fname = new(f"loop{gi}_forward")
    bname = new(f"loop{gi}_backward")
    outs, saved, sample = new("outs"), new("saved"), new("sample")
    parts = grp.parts or [grp]
    acc = [new("d_" + name) for name in pnames]
    bodies = [_write_body(w, g, part, ext_at, pnames, acc, outs, saved, sample) for part in parts]
    sizes = " and ".join(f"{len(part.regions)} of {body.m} ops" for part, body in zip(parts, bodies))
    if len(parts) > 1:
        what = f"    # {len(grp.regions)} regions ({sizes}), each shape written once: forward"
    else:
        what = f"    # {len(grp.regions)} regions of {bodies[0].m} ops each, written once: forward"
    fwd = [f"def {fname}(ROWS, P):",
           what,
           f"    {w._unpack(pnames)} = P",
           f"    {outs} = []",
           f"    {saved} = []"]
    bwd = [f"def {bname}(SAVED, G, P, ACC{', TAGS' if len(parts) > 1 else ''}):",
           "    # the same ops backward, the last region first (as backward() visits them)"
           if len(parts) > 1 else
           f"    # the same {bodies[0].m} ops backward, the last region first (as backward() visits them)",
           f"    {w._unpack(pnames)} = P",
           f"    {w._unpack(acc)} = ACC"]
    if len(parts) == 1:
        body = bodies[0]
        fwd.append(f"    for {w._unpack(body.targets) if body.targets else '_'} in ROWS:")
        fwd.extend("        " + line for line in body.forward)
        bwd.append(f"    for {sample} in range(len(G) - 1, -1, -1):")
        bwd.extend("        " + line for line in body.backward)
    else:  # several shapes, interleaved: each region's row starts with its shape's number
        tag, row = new("shape"), new("row")
        fwd.append(f"    for {tag}, {row} in ROWS:")
        bwd.append(f"    for {sample} in range(len(G) - 1, -1, -1):")
        bwd.append(f"        {tag} = TAGS[{sample}]")
        for k, body in enumerate(bodies):
            word = "if" if k == 0 else "elif"
            fwd.append(f"        {word} {tag} == {k}:")
            if body.targets:
                fwd.append(f"            {w._unpack(body.targets, 12)} = {row}")
            fwd.extend("            " + line for line in body.forward)
            bwd.append(f"        {word} {tag} == {k}:")
            bwd.extend("            " + line for line in body.backward)
    fwd.append(f"    return {outs}, {saved}")
    bwd.append(f"    return [{', '.join(acc)}]")
    _hoist(fwd, 2)
    _hoist(bwd, 2)
    return "\n".join(fwd) + "\n\n\n" + "\n".join(bwd) + "\n", fname, bname


def _write_body(w: Writer, g: Graph, grp: Group, ext_at: dict[int, int], pnames: list[str], acc: list[str],
                outs: str, saved: str, sample: str) -> Body:
    """One shape's loop body: forward and backward lines (unindented), its row's names, what it keeps."""
    nodes, live, ops = g.nodes, g.live, g.ops
    members = grp.members
    m = len(members)
    shape = grp.shape
    names = w.names
    new = names.new
    plan_of: dict[tuple[int, bool], OpPlan] = {}
    plans: list[OpPlan] = []
    for q, wk in enumerate(members):
        op = ops[wk]
        called = False
        plan = plan_of.get((id(op), called))
        if plan is None:
            plan = plan_of[(id(op), called)] = OpPlan(op, False)
        if plan.kind == "nary" and (len(shape[q]) - 2) % plan.nblocks:  # blocks of unequal length: a call
            called = True
            plan = plan_of.get((id(op), called)) or plan_of.setdefault((id(op), called), OpPlan(op, True))
        w.legend.setdefault(op.name, op)
        if plan.kind != "fixed":  # the program's names for the registry functions, before any local name
            w._call_name(op, "forward")
            if plan.kind == "call":
                w._call_name(op, "vjp")
        plans.append(plan)
    # every input of every member: ("m", q) a member, ("p", k) the k-th parameter, ("x", c) a data slot
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
        pk = shape[q][1]
        if type(pk) is tuple and pk[0] == "x":  # a parameter that differs between samples: the vjp reads it
            keep_x.add(pk[1])
        back: list[tuple[str, int]] = []
        if plan.kind == "fixed":
            for pos, ref in enumerate(row):
                if is_live(ref):
                    ng, no, at = plan.vjp_reads[pos]
                    guses[q] += ng
                    if no:
                        keep[q] = True
                    back.extend(row[k] for k in at)
        elif plan.kind == "nary":  # sum, dot: each input's derivative from its block's template
            per = len(row) // plan.nblocks
            for pos, ref in enumerate(row):
                if is_live(ref):
                    block, first = divmod(pos, per)
                    sub = row[first::per]
                    for arg_at in plan.vjps[block][1]:  # 0: the gradient, 1: the output, 2...: inputs
                        if arg_at == 0:
                            guses[q] += 1
                        elif arg_at == 1:
                            keep[q] = True
                        elif arg_at - 2 < len(sub):
                            back.append(sub[arg_at - 2])
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
    xexpr: dict[int, Expr] = {}
    loop_targets: list[str] = []
    data_lines: list[str] = []  # each data input read from its Value, once per region
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
            data_lines.append(f"{name} = {row_name}.data")
        else:
            loop_targets.append(name)
    pexpr = [(name, ATOM, 0, ()) for name in pnames]

    def param_expr(q: int, v: Any) -> Any:
        """The op parameter of member q: a literal, or the data input it is read from."""
        pk = shape[q][1]
        if type(pk) is tuple and pk[0] == "x":
            return xexpr[pk[1]]
        return w._param_text(v._b)

    def arg(ref: tuple[str, int], expr: list[Any]) -> Expr:
        kind, k = ref
        if kind == "m":
            e: Expr = expr[k]
            return e
        return pexpr[k] if kind == "p" else xexpr[k]

    fwd: list[str] = []
    fwd.extend(data_lines)
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
                args.append(param_expr(q, v))
            text = _render(plan.fwd, args)
            prec = plan.fwd[3] if plan.fwd[3] >= 0 else deps[0][1]
        else:
            texts = [Writer._arg(e) for e in deps]
            p = param_of(v)
            if p is not None and op.param:
                texts.append(param_expr(q, v)[0])
            text = f"{w._call_name(op, 'forward')}({', '.join(texts)})"
            prec = ATOM
        if uses[q] == 1 and not keep[q] and q != root and depth <= MAX_DEPTH:
            expr[q] = (text, prec, depth, ())
        else:
            name = vnames[q] = new(f"t{q}")
            fwd.append(f"{name} = {text}")
            expr[q] = (name, ATOM, 0, ())
    kept_names = ([vnames[q] for q in range(m) if keep[q]]
                  + [xexpr[c][0] for c in sorted(keep_x) if grp.kinds[c] != "literal"])
    fwd.append(f"{outs}.append({expr[root][0]})")
    fwd.append(f"{saved}.append(({', '.join(kept_names)}{',' if len(kept_names) == 1 else ''}))")

    # backward: the regions from the last to the first, each from its output back
    gout = new("d_" + expr[root][0])  # the output's gradient, named after the output (as every d_ is)
    bwd: list[str] = []
    if kept_names:
        bwd.append(f"{w._unpack(kept_names, 8)} = SAVED[{sample}]")
    bwd.append(f"{gout} = G[{sample}]")
    contribs: list[Any] = [None] * m
    body: list[str] = []
    adds: dict[int, tuple[str, str | None] | None] = {}  # body line -> (gradient, other factor) of its term
    grad_names = {gout}
    value_names = set(pnames) | {name for name in vnames if name} | {xexpr[c][0] for c in keep_x
                                                                     if grp.kinds[c] != "literal"}
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
            grad_names.add(gexpr[0])
        wk = members[q]
        v = nodes[wk]
        op = ops[wk]
        plan = plans[q]
        row = refs[q]
        if plan.kind == "fixed":
            a: list[Any] = [gexpr, expr[q], *[arg(ref, expr) for ref in row]]
            if op.arity == 1 and v._b is not None:
                a.append(param_expr(q, v))
            terms_out: list[tuple[tuple[str, int], Expr]] = []
            for pos, ref in enumerate(row):
                if not is_live(ref):
                    continue
                bound = plan.vjps[pos]
                term = gexpr if bound[3] < 0 else (_render(bound, a), bound[3], gexpr[2] + 1, ())
                terms_out.append((ref, term))
        elif plan.kind == "nary":
            per = len(row) // plan.nblocks
            terms_out = []
            for pos, ref in enumerate(row):
                if not is_live(ref):
                    continue
                block, first = divmod(pos, per)
                bound = plan.vjps[block]
                if bound[3] < 0:
                    term = gexpr
                else:
                    a = [gexpr, expr[q], *[arg(r, expr) for r in row[first::per]]]
                    term = (_render(bound, a), bound[3], gexpr[2] + 1, ())
                terms_out.append((ref, term))
        else:
            if not any(is_live(ref) for ref in row):
                continue
            targets = []
            terms_out = []
            for pos, ref in enumerate(row):
                if is_live(ref):
                    target = new(f"c{q}_{pos}")
                    targets.append(target)
                    terms_out.append((ref, (target, ATOM, 0, ())))
                else:
                    targets.append("_")
            args_text = [Writer._arg(gexpr), expr[q][0]] + [Writer._arg(arg(ref, expr)) for ref in row]
            p = param_of(v)
            if p is not None and op.param:
                args_text.append(param_expr(q, v)[0])
            lhs = targets[0] + "," if len(targets) == 1 else ", ".join(targets)
            body.append(f"{lhs} = {w._call_name(op, 'vjp')}({', '.join(args_text)})")
        for ref, term in terms_out:
            if ref[0] == "p":  # into the parameter's sum, now: backward() adds in this order
                name = acc[ref[1]]
                body.append(f"{name} = {name} + {term[0] if term[1] >= 11 else '(' + term[0] + ')'}")
                adds[len(body) - 1] = _factors(term, gexpr, grad_names, value_names)
            else:
                terms = contribs[ref[1]]
                if terms is None:
                    contribs[ref[1]] = [term]
                else:
                    terms.append(term)
    bwd.extend(_skip_zero_terms(body, adds, new))
    return Body(m, loop_targets, fwd, bwd)


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


def _factors(term: Expr, gexpr: Expr, grad_names: set[str],
             value_names: set[str]) -> tuple[str, str | None] | None:
    """A parameter's term as (gradient, other factor): ``G`` or ``G * N``, both plain names; else None."""
    if gexpr[1] != ATOM or gexpr[0] not in grad_names:
        return None
    g = gexpr[0]
    if term[0] == g:
        return (g, None)
    m = _PRODUCT.fullmatch(term[0])
    if m is None or m[1] != g or m[2] not in value_names:
        return None
    return (g, m[2])


_PRODUCT = re.compile(r"([A-Za-z_]\w*) \* ([A-Za-z_]\w*)")


def _skip_zero_terms(body: list[str], adds: dict[int, tuple[str, str | None] | None], new: Any) -> list[str]:
    """Runs of parameter sums fed by one gradient G go under ``if G or not fin:``.

    A ReLU that is off for a sample makes G exactly ±0.0, and then each term
    ``G`` or ``G * N`` is ±0.0 as long as N is finite; adding ±0.0 to a running
    sum changes no bit (the sums start at +0.0 and so are never -0.0). ``fin``
    says that every N is finite for this sample; when one is not (inf, nan),
    every term is added, as the eager engine adds it.
    """
    out: list[str] = []
    factors: dict[str, None] = {}
    fin = ""
    k = 0
    while k < len(body):
        info = adds.get(k)
        if info is None:
            out.append(body[k])
            k += 1
            continue
        j = k
        while j < len(body) and adds.get(j) is not None and adds[j][0] == info[0]:  # type: ignore[index]
            j += 1
        if j - k < 2:  # one line: the test would cost what it saves
            out.extend(body[k:j])
            k = j
            continue
        ns = [adds[t][1] for t in range(k, j) if adds[t][1]]  # type: ignore[index]
        for name in ns:
            factors.setdefault(name, None)  # type: ignore[arg-type]
        if ns and not fin:
            fin = new("fin")
        out.append(f"if {info[0]} or not {fin}:" if ns else f"if {info[0]}:")
        out.extend("    " + line for line in body[k:j])
        k = j
    if factors:
        names = list(factors)
        total = new("fin_sum")
        head = [f"# {fin}: every factor below is finite (a ReLU that is off then adds exactly nothing)"]
        for at in range(0, len(names), MAX_DEPTH):
            part = " + ".join(names[at:at + MAX_DEPTH])
            head.append(f"{total} = {part}" if at == 0 else f"{total} = {total} + {part}")
        head.append(f"{fin} = {total} - {total} == 0.0")
        out = head + out
    return out


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
