"""Writing the program: the straight-line Python of a recorded graph, from the registry's templates.

Every name in the program comes from :mod:`.naming`; every expression is the
registry's template text (:mod:`.expr`) or a call of a registry function.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import Any

from tinygrad_edu.engine.compiler.expr import ATOM, Bound, Expr, form
from tinygrad_edu.engine.compiler.naming import IDENTIFIER, Names, comment_text, label_comment, literal
from tinygrad_edu.engine.compiler.trace import Graph, is_function, is_read, labelled, param_of
from tinygrad_edu.engine.function import Context
from tinygrad_edu.engine.value import Value, to_float
from tinygrad_edu.ops.registry import Op

MAX_DEPTH = 40  # ops nested in one expression at most (Python's compiler recurses on nesting)
COMMENTED_OPS = 2_000  # graphs up to this size get each line's formula as a comment
MAX_RENAMED = 60  # small programs list which label each generated leaf name stands for
WIDE = 32  # an n-ary node with this many inputs, all leaves read nowhere else, reads them as one slice


class OpPlan:
    """How the program writes one op: its forms bound to argument positions, or a call."""

    __slots__ = ("fwd", "fwd_reads", "kind", "nblocks", "uses", "vjp_reads", "vjps")

    def __init__(self, op: Op, function: bool) -> None:
        t = op.template
        self.kind = "call"
        self.fwd: Bound | None = None
        self.vjps: list[Bound] = []
        self.nblocks = 1
        if t is None or function:
            return
        names = t.input_names(op.arity)
        order = ("g", "out", *names, "p")
        self.vjps = [form(e).bind(order) for e in t.vjp]
        if op.arity == -1:
            self.kind = "nary"
            self.nblocks = len(names)
        else:
            self.kind = "fixed"
            if t.forward:
                self.fwd = form(t.forward).bind(order)
            # what each line reads, for counting uses: input positions the forward reads, and for each
            # input's vjp how often it reads the gradient, the output, and which input positions
            n = op.arity
            self.fwd_reads = (tuple(j - 2 for j in self.fwd[1] if 2 <= j < n + 2) if self.fwd is not None
                              else tuple(range(n)))
            self.vjp_reads = [(b[1].count(0), b[1].count(1), tuple(j - 2 for j in b[1] if 2 <= j < n + 2))
                              for b in self.vjps]


def _render(bound: Bound, args: list[Any]) -> str:
    pieces, idx, needs, _ = bound
    if len(idx) == 2:  # most templates: two slots
        e0 = args[idx[0]]
        e1 = args[idx[1]]
        text: str = (pieces[0] + (e0[0] if e0[1] >= needs[0] else "(" + e0[0] + ")") + pieces[1]
                     + (e1[0] if e1[1] >= needs[1] else "(" + e1[0] + ")") + pieces[2])
        return text
    parts: list[str] = [pieces[0]]
    for k, j in enumerate(idx):
        e = args[j]
        parts.append(e[0] if e[1] >= needs[k] else "(" + e[0] + ")")
        parts.append(pieces[k + 1])
    return "".join(parts)


def _checked_forward(forward: Callable[..., Any], what: str) -> Callable[..., float]:
    """A Function's forward whose result is checked to be a float (the message is ours, not code)."""

    def call(ctx: Context, *xs: float) -> float:
        return to_float(forward(ctx, *xs), what)

    return call


class Writer:
    """Writes the straight-line program of a :class:`Graph` (see the module docstring)."""

    def __init__(self, graph: Graph, params: Sequence[Value], aux: Sequence[int] = ()) -> None:
        self.g = graph
        self.params = params
        self.aux = list(aux)
        self.globals: dict[str, Any] = {"inf": math.inf, "nan": math.nan, "to_float": to_float,
                                        "Context": Context, "__builtins__": builtins}
        self.names = Names(self.globals)
        self.calls: dict[tuple[int, str], str] = {}  # (id(op), "forward" | "vjp") -> global name
        self.lines: list[str] = []
        self.legend: dict[str, Op] = {}
        self.comments: dict[tuple[tuple[str, ...], bool], str] = {}
        self.n_functions = 0
        # a large program has the legend at its top and no comment per line: comments are a fifth of
        # its text, and Python's compiler reads every character
        self.terse = graph.n_ops > COMMENTED_OPS
        self.wide: list[int] | None = None
        self.n_params = 0
        self.values_only = False  # write only the path that returns the gradients (a looped program's rest)
        self.header_counts: tuple[int, dict[str, int]] | None = None  # (ops, by name) if not the graph's
        self.header_notes: list[str] = []

    # ---- helpers
    def _call_name(self, op: Op, which: str, function: bool = False) -> str:
        """The global name the program calls ``op``'s forward or vjp by (a Function: fn0, fn0_vjp)."""
        key = (id(op), which)
        name = self.calls.get(key)
        if name is None:
            if function:  # a user's class name is never code
                base = self.calls.get((id(op), "base")) or ""
                if not base:
                    base = self.calls[(id(op), "base")] = self.names.new(f"fn{self.n_functions}")
                    self.n_functions += 1
            else:
                base = op.name if IDENTIFIER.match(op.name) else "op"
            if function and which == "forward":
                name = base
                self.globals[name] = _checked_forward(op.forward, f"{op.name}.forward result")
            else:
                name = self.names.new(base if which == "forward" else base + "_vjp")
                self.globals[name] = op.forward if which == "forward" else op.vjp
            self.calls[key] = name
        return name

    def _param_text(self, p: Any) -> tuple[str, int]:
        if type(p) is float:
            return literal(p)
        name = self.names.new(f"param{self.n_params}")  # any other parameter: an object, never text
        self.n_params += 1
        self.globals[name] = p
        return name, ATOM

    def _comment(self, ops: tuple[str, ...], derivative: bool) -> str:
        if self.terse:
            return ""
        key = (ops, derivative)
        text = self.comments.get(key)
        if text is None:
            legend = self.legend
            parts = [comment_text(f"{n}: {legend[n].derivative if derivative else legend[n].formula}")
                     for n in ops if n in legend]
            text = self.comments[key] = "  # " + "; ".join(parts) if parts else ""
        return text

    def _count_uses(self, plans: list[OpPlan | None]) -> tuple[list[int], list[int]]:
        """How often each value (and each gradient) is read by the program: once means it can be inlined."""
        g = self.g
        nodes, inputs, live = g.nodes, g.inputs, g.live
        uses = [0] * len(nodes)
        guses = [0] * len(nodes)
        for i in range(g.n_walked):
            plan = plans[i]
            if plan is None:
                continue
            ins = inputs[i]
            if plan.kind == "fixed":  # the reads foreseen per op (most nodes)
                for k in plan.fwd_reads:
                    uses[ins[k]] += 1
                if live[i]:
                    reads = plan.vjp_reads
                    for pos, j in enumerate(ins):
                        if live[j]:
                            ng, no, at = reads[pos]
                            guses[i] += ng
                            uses[i] += no
                            for k in at:
                                uses[ins[k]] += 1
                continue
            fwd = plan.fwd
            if fwd is not None:
                for j in fwd[1]:
                    if j >= 2 and j - 2 < len(ins):
                        uses[ins[j - 2]] += 1
            else:
                for j in ins:
                    uses[j] += 1
            if not live[i]:
                continue
            if plan.kind == "call":
                if any(live[j] for j in ins):  # the vjp call reads out, the inputs and the gradient
                    uses[i] += 1
                    guses[i] += 1
                    for j in ins:
                        uses[j] += 1
                continue
            per = len(ins) // plan.nblocks
            for pos, j in enumerate(ins):
                if not live[j]:
                    continue
                if plan.kind == "nary":
                    block, m = divmod(pos, per)
                    row = ins[m::per]
                else:
                    block, row = pos, ins
                for a in plan.vjps[block][1]:
                    if a == 0:
                        guses[i] += 1
                    elif a == 1:
                        uses[i] += 1
                    elif a - 2 < len(row):
                        uses[row[a - 2]] += 1
        uses[g.root] += 1
        for i in g.param_at:
            guses[i] += 2  # the line into .grad, and the tuple of gradients
        return uses, guses

    def write(self) -> str:
        g = self.g
        nodes, inputs, n_walked = g.nodes, g.inputs, g.n_walked
        plan_of: dict[int, OpPlan] = {}
        plans: list[OpPlan | None] = [None] * n_walked
        for i, op in enumerate(g.ops):
            if op.arity == 0:
                continue
            plan = plan_of.get(id(op))
            if plan is None:
                plan = plan_of[id(op)] = OpPlan(op, is_function(nodes[i]))
                self.legend.setdefault(op.name, op)
            if plan.kind == "nary" and len(inputs[i]) % plan.nblocks:
                plan = OpPlan(op, True)  # blocks of unequal length: call the registry
            plans[i] = plan
        self.plans = plans
        uses, guses = self._count_uses(plans)
        self.guses = guses
        grad_line = self._gradient_lines(plans, guses)

        lines = self.lines
        expr: list[Any] = [None] * len(nodes)
        base: list[str] = [""] * len(nodes)
        wide = self._wide_nodes()
        in_wide: dict[int, int] = {}  # leaf -> the wide node that reads it
        for i in wide:
            for j in inputs[i]:
                in_wide[j] = i
        self.in_wide = in_wide
        self.wide_pos = {j: pos for i in wide for pos, j in enumerate(inputs[i])}
        self.wide_grads: dict[int, str] = {}
        # ---- leaves and constants
        leaves: list[int] = []
        n_inputs = 0
        at_leaves = [i for i, op in enumerate(g.ops) if op.arity == 0]
        at_leaves.extend(range(n_walked, len(nodes)))  # the constants
        for i in at_leaves:
            v = nodes[i]
            if i >= n_walked and not is_read(v):
                text, prec = literal(v.data)
                expr[i] = (text, prec, 0, ())
                continue
            if i in in_wide:
                continue
            if i in g.param_at:
                fallback = f"p{g.param_at[i]}"
            else:
                fallback = f"x{n_inputs}"
                n_inputs += 1
            name = self.names.from_label(v.label, fallback)
            base[i] = name
            expr[i] = (name, ATOM, 0, ())
            leaves.append(i)
        leaves.sort(key=lambda i: (0, g.param_at[i]) if i in g.param_at else (1, i))  # params first
        n_named = len(leaves)
        slices: dict[int, tuple[int, int]] = {}  # wide node -> its inputs' slice of LEAF_DATA
        for i in wide:
            slices[i] = (len(leaves), len(leaves) + len(inputs[i]))
            leaves.extend(inputs[i])
        self.leaves = leaves
        self.slices = slices
        if wide:
            lines.append("    # the leaves: the current .data of every parameter and input")
            lines.append("    LEAF_DATA = [leaf.data for leaf in LEAVES]")
            if n_named:
                targets = self._unpack([base[i] for i in leaves[:n_named]])
                lines.append(f"    {targets} = LEAF_DATA[:{n_named}]")
        elif leaves:
            lines.append("    # the leaves: the current .data of every parameter and input")
            targets = self._unpack([base[i] for i in leaves])
            lines.append(f"    {targets} = [leaf.data for leaf in LEAVES]")
            renamed = [(base[i], nodes[i].label) for i in leaves if nodes[i].label not in ("", base[i])]
            if renamed and not self.terse and len(renamed) <= MAX_RENAMED:  # which label each name stands for
                for k in range(0, len(renamed), 3):
                    row = ", ".join(f"{n} = {label_comment(lab, 30)}" for n, lab in renamed[k:k + 3])
                    lines.append("    #   " + row)
        lines.append("    # forward")
        ctx_names: dict[int, str] = {}
        root = g.root
        names = self.names
        new_name = names.new
        used = names.used
        kept = set(self.aux)
        track = not self.terse
        append = lines.append
        comment = self._comment
        # a value gets a line of its own when it is read more than once, is the output, a Function's
        # result, labelled, an auxiliary output, has a gradient line, or is a wide node
        inline = [u == 1 and not gl for u, gl in zip(uses, grad_line)]
        labels = g.labels()
        inline[root] = False
        for i in kept:
            inline[i] = False
        for i in slices:
            inline[i] = False
        for i in range(n_walked):
            plan = plans[i]
            if plan is None:
                continue
            v = nodes[i]
            fwd = plan.fwd
            if fwd is not None and not track:  # the common case of a large program: a template, no comment
                pieces, idx, needs, prec = fwd
                ins = inputs[i]
                if len(idx) == 2 and len(ins) == 2:  # a binary op's template: most of a graph
                    e0 = expr[ins[idx[0] - 2]]
                    e1 = expr[ins[idx[1] - 2]]
                    t0 = e0[0] if e0[1] >= needs[0] else "(" + e0[0] + ")"
                    t1 = e1[0] if e1[1] >= needs[1] else "(" + e1[0] + ")"
                    text = pieces[0] + t0 + pieces[1] + t1 + pieces[2]
                    d0 = expr[ins[0]][2]
                    d1 = expr[ins[1]][2]
                    depth = (d0 if d0 > d1 else d1) + 1
                    if prec < 0:
                        prec = expr[ins[0]][1]
                else:
                    deps = [expr[j] for j in ins]
                    args: list[Any] = [None, None, *deps]
                    if v._node_op.arity == 1 and v._b is not None:
                        args.append(self._param_text(v._b))
                    text = _render(fwd, args)
                    depth = max(e[2] for e in deps) + 1
                    if prec < 0:
                        prec = deps[0][1]
                label = labels[i]
                if inline[i] and depth <= MAX_DEPTH and not label:
                    expr[i] = (text, prec, depth, ())  # inlined into its one user
                else:
                    if label:
                        name = names.from_label(label, f"t{i}")
                    else:
                        name = f"t{i}"
                        if name in used:
                            name = new_name(name)
                        else:
                            used.add(name)
                    base[i] = name
                    append(f"    {name} = {text}")
                    expr[i] = (name, ATOM, 0, ())
                continue
            op = v._node_op
            deps = [expr[j] for j in inputs[i]] if i not in slices else []
            depth = 1
            ops: tuple[str, ...] = ()
            for e in deps:
                if e[2] >= depth:
                    depth = e[2] + 1
                if track and e[3]:  # the ops of the line, for its comment
                    ops = ops + tuple(o for o in e[3] if o not in ops) if ops else e[3]
            if track and op.name not in ops:
                ops = (*ops, op.name)
            function = plan.kind == "call" and is_function(v)
            if i in slices:  # a wide node over leaves read nowhere else: one slice, no name per input
                a, b = slices[i]
                if function:
                    ctx = ctx_names[i] = new_name(f"ctx{i}")
                    append(f"    {ctx} = Context()")
                    text = f"{self._call_name(op, 'forward', True)}({ctx}, *LEAF_DATA[{a}:{b}])"
                else:
                    text = f"{self._call_name(op, 'forward')}(*LEAF_DATA[{a}:{b}])"
                prec = ATOM
            elif fwd is not None:
                args = [None, None, *deps]
                p = v._b if op.arity == 1 else None
                if p is not None:
                    args.append(self._param_text(p))
                text = _render(fwd, args)
                prec = fwd[3] if fwd[3] >= 0 else deps[0][1]
            elif function:
                ctx = ctx_names[i] = new_name(f"ctx{i}")
                append(f"    {ctx} = Context()")
                args_text = ", ".join(self._arg(e) for e in deps)
                text = f"{self._call_name(op, 'forward', True)}({ctx}, {args_text})"
                prec = ATOM
            else:
                arg_texts = [self._arg(e) for e in deps]
                p = param_of(v)
                if p is not None and op.param:
                    arg_texts.append(self._param_text(p)[0])
                text = f"{self._call_name(op, 'forward')}({', '.join(arg_texts)})"
                prec = ATOM
            if inline[i] and depth <= MAX_DEPTH and not function and not labelled(v):
                expr[i] = (text, prec, depth, ops)  # inlined into its one user
            else:  # a line of its own (a gradient read twice needs a name: d_<this name>)
                name = base[i] = names.from_label(v._label if labelled(v) else "", f"t{i}")
                append(f"    {name} = {text}{comment(ops, False)}")
                expr[i] = (name, ATOM, 0, ())
        out_name = expr[root][0]
        if self.aux:
            lines.append("    # the auxiliary outputs (has_aux=True), kept for step.aux")
            lines.append(f"    AUX[:] = {self._unpack([expr[i][0] for i in self.aux])}")
        lines.append("    if not backward:")
        lines.append(f"        return {out_name}")
        self.base = base
        self.expr = expr
        self.ctx_names = ctx_names
        grads = self._backward()
        self._returns(out_name, grads)
        return self._header() + "\n".join(lines) + "\n"

    def _gradient_lines(self, plans: list[OpPlan | None], guses: list[int]) -> list[bool]:
        """Which values get a gradient line ``d_<name> = ...``, foreseen as :meth:`_backward` decides.

        The forward pass then gives each of them a line of its own, so that every
        gradient in the program belongs to a value the reader has seen named.
        """
        g = self.g
        live, inputs = g.live, g.inputs
        count = [0] * len(g.nodes)  # contributions to each gradient
        plain = [True] * len(g.nodes)  # ... each of them a bare name
        line = [False] * len(g.nodes)
        spread = self._spread
        root = g.root
        for i in range(g.n_walked - 1, -1, -1):
            if not live[i]:
                continue
            gplain = True
            if i != root:
                c = count[i]
                if c == 0:
                    continue
                if not (c == 1 and plain[i]):
                    if guses[i] > 1:
                        line[i] = True
                    else:  # written into its one user: not a bare name
                        gplain = False
            plan = plans[i]
            if plan is not None and plan.kind == "fixed":  # most nodes: as _spread, without the call
                vjps = plan.vjps
                for pos, j in enumerate(inputs[i]):
                    if live[j]:
                        count[j] += 1
                        if not (gplain and vjps[pos][3] < 0):
                            plain[j] = False
                continue
            spread(plan, inputs[i], live, count, plain, gplain)
        return line

    @staticmethod
    def _spread(plan: OpPlan | None, ins: Sequence[int], live: list[bool], count: list[int],
                plain: list[bool], gplain: bool) -> None:
        if plan is None:
            return
        if plan.kind == "call":
            for j in ins:
                if live[j]:
                    count[j] += 1  # a vjp call's result: a bare name
            return
        per = len(ins) // plan.nblocks
        nary = plan.kind == "nary"
        vjps = plan.vjps
        for pos, j in enumerate(ins):
            if live[j]:
                count[j] += 1
                bound = vjps[pos // per] if nary else vjps[pos]
                if not (gplain and bound[3] < 0):
                    plain[j] = False

    def cost(self) -> int:
        """About how many names the program would hold: what Python's compiler pays for."""
        g = self.g
        wide = set(self._wide_nodes())
        if not wide:
            return len(g.nodes) + sum(map(len, g.inputs))
        return len(g.nodes) + sum(len(ins) for i, ins in enumerate(g.inputs) if i not in wide)

    def _wide_nodes(self) -> list[int]:
        """The n-ary nodes with at least WIDE inputs, all of them leaves that nothing else reads."""
        if self.wide is not None:
            return self.wide
        g = self.g
        nodes, inputs, n_walked = g.nodes, g.inputs, g.n_walked
        if max(map(len, inputs[:n_walked]), default=0) < WIDE:  # no node is that wide (most graphs)
            self.wide = []
            return self.wide
        refs = [0] * len(nodes)
        for ins in inputs:
            for j in ins:
                refs[j] += 1
        kept = set(self.aux)
        wide = []
        for i in range(n_walked):
            ins = inputs[i]
            if len(ins) < WIDE or nodes[i]._node_op.arity != -1:
                continue
            if all(refs[j] == 1 and j not in kept and (nodes[j]._node_op.arity == 0 if j < n_walked
                                                        else is_read(nodes[j])) for j in ins):
                wide.append(i)
        self.wide = wide
        return wide

    def _returns(self, out_name: str, grads: dict[int, str]) -> None:
        """The lines after the backward pass: one gradient per entry of params, and the adds into .grad."""
        g, lines = self.g, self.lines
        entries = g.entry_node
        wide_entries: dict[int, list[tuple[int, int]]] = {}  # wide node -> (entry, position) pairs
        for k, i in enumerate(entries):
            if i is not None and i in self.in_wide:
                w = self.in_wide[i]
                wide_entries.setdefault(w, []).append((k, self.wide_pos[i]))
        lines.append("    if not into_grad:")
        if not wide_entries:
            texts = ["0.0" if i is None else grads[i] for i in entries]
            lines.append(f"        return {out_name}, ({', '.join(texts)}{',' if len(texts) == 1 else ''})")
        else:
            lines.append(f"        grads = [0.0] * {len(entries)}")
            for k, i in enumerate(entries):
                if i is not None and i not in self.in_wide:
                    lines.append(f"        grads[{k}] = {grads[i]}")
            for w, pairs in wide_entries.items():
                table = self.names.new(f"ix{w}")
                self.globals[table] = tuple(pairs)
                lines.append(f"        for k, j in {table}:")
                lines.append(f"            grads[k] = {self.wide_grads[w]}[j]")
            lines.append(f"        return {out_name}, tuple(grads)")
        if self.values_only:
            lines.append(f"    return {out_name}")
            return
        order = sorted(g.param_at, key=g.param_at.__getitem__)  # each parameter once, as backward()
        if order:
            lines.append("    # into .grad, adding to what is there (as backward() does)")
        for i in order:
            k = g.param_at[i]
            if i in self.in_wide:
                continue
            label = self.params[k].label
            note = f"  # {label_comment(label)}" if label else ""
            lines.append(f"    PARAMS[{k}].grad += {grads[i]}{note}")
        for w, pairs in wide_entries.items():
            firsts = tuple((k, j) for k, j in pairs if g.param_at[entries[k]] == k)  # type: ignore[index]
            table = self.names.new(f"ix{w}")
            self.globals[table] = firsts
            lines.append(f"    for k, j in {table}:")
            lines.append(f"        PARAMS[k].grad += {self.wide_grads[w]}[j]")
        lines.append(f"    return {out_name}")

    @staticmethod
    def _arg(e: Expr) -> str:
        return e[0] if e[1] >= 1 else "(" + e[0] + ")"

    @staticmethod
    def _unpack(names: list[str], indent: int = 4) -> str:
        """Assignment targets on a line indented ``indent`` spaces (a long list continues in parentheses)."""
        if len(names) == 1:
            return names[0] + ","
        rows = [", ".join(names[k:k + 12]) for k in range(0, len(names), 12)]
        if len(rows) == 1:
            return rows[0]
        return "(" + (",\n" + " " * (indent + 1)).join(rows) + ")"

    def _header(self) -> str:
        n_ops, counts = self.header_counts or (self.g.n_ops, self.g.op_counts())
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        first = f"generated by tinygrad_edu.compile from a graph of {n_ops} ops: {summary}"
        head = ["# " + comment_text(first),
                *self.header_notes,
                "# each op's formula and local derivative (from the ops registry):"]
        width = max((len(k) for k in self.legend), default=0)
        for name, op in self.legend.items():
            head.append("#   " + comment_text(f"{name:<{width}}  {op.formula:<34}  {op.derivative}"))
        if self.terse:
            head.append(f"# (over {COMMENTED_OPS:,} ops: the lines below carry no comments)")
        head.append("def step(backward=True, into_grad=True):")
        return "\n".join(head) + "\n"

    def _backward(self) -> dict[int, str]:
        """Emit the backward lines; returns the text of each parameter's gradient."""
        g = self.g
        nodes, inputs, live, expr, base = g.nodes, g.inputs, g.live, self.expr, self.base
        plans, lines, guses = self.plans, self.lines, self.guses
        lines.append("    # backward: d_v = d(output)/dv, each node after all of its users")
        contribs: list[Any] = [None] * len(nodes)
        finals: dict[int, str] = {}
        param_at = g.param_at
        in_wide = self.in_wide
        terse = self.terse
        slices = self.slices
        root = g.root
        for i in range(g.n_walked - 1, -1, -1):
            if not live[i] or (in_wide and i in in_wide):  # a leaf of a wide node: its gradient is in a tuple
                continue
            if i == root:
                name = self._grad_name(i)
                lines.append(f"    {name} = 1.0")
                gexpr: Expr = (name, ATOM, 0, ())
            else:
                terms = contribs[i]
                if terms is None:  # only reached through a derivative of 0 (max_shift)
                    if i in param_at:
                        finals[i] = "0.0"
                    continue
                contribs[i] = None
                gexpr = terms[0]
                if len(terms) > 1 or not (gexpr[2] == 0 or (guses[i] == 1 and gexpr[2] <= MAX_DEPTH)):
                    gexpr = self._gradient(i, terms)
            if i in param_at:
                own = "d_" + base[i]
                if gexpr[0] != own and not gexpr[0].startswith(own + "_"):
                    name = self.names.new(own)  # its own name, so that the lines into .grad read d_w, d_b
                    lines.append(f"    {name} = {gexpr[0]}")
                    gexpr = (name, ATOM, 0, ())
                finals[i] = gexpr[0]
            plan = plans[i]
            if plan is None:
                continue
            ins = inputs[i]
            if slices and i in slices:
                self._wide_vjp(i, gexpr)
                continue
            if plan.kind == "call":
                if any(live[j] for j in ins):
                    self._vjp_call(i, gexpr, contribs)
                continue
            v = nodes[i]
            op = v._node_op
            gdepth = gexpr[2] + 1
            if terse and plan.kind == "fixed":  # most nodes of a large program: each term from its form
                if len(ins) == 2:
                    a = [gexpr, expr[i], expr[ins[0]], expr[ins[1]]]
                else:
                    a = [gexpr, expr[i], *[expr[k] for k in ins]]
                if op.arity == 1 and v._b is not None:
                    a.append(self._param_text(v._b))
                for pos, j in enumerate(ins):
                    if not live[j]:
                        continue
                    bound = plan.vjps[pos]
                    prec = bound[3]
                    if prec < 0:  # the gradient passes through: no op, no line
                        term = gexpr
                    else:
                        pieces, idx, needs, _ = bound
                        if len(idx) == 2:
                            e0 = a[idx[0]]
                            e1 = a[idx[1]]
                            t0 = e0[0] if e0[1] >= needs[0] else "(" + e0[0] + ")"
                            t1 = e1[0] if e1[1] >= needs[1] else "(" + e1[0] + ")"
                            term = (pieces[0] + t0 + pieces[1] + t1 + pieces[2], prec, gdepth, ())
                        else:
                            term = (_render(bound, a), prec, gdepth, ())
                    c = contribs[j]
                    if c is None:
                        contribs[j] = [term]
                    else:
                        c.append(term)
                continue
            p = param_of(v)
            gops = gexpr[3] if terse or op.name in gexpr[3] else (*gexpr[3], op.name)
            nary = plan.kind == "nary"
            if not nary:
                a = [gexpr, expr[i], *[expr[k] for k in ins]]
                if p is not None:
                    a.append(self._param_text(p))
            per = len(ins) // plan.nblocks
            vjps = plan.vjps
            for pos, j in enumerate(ins):
                if not live[j]:
                    continue
                if nary:
                    block, m = divmod(pos, per)
                    bound = vjps[block]
                    a = [gexpr, expr[i], *[expr[k] for k in ins[m::per]]]
                else:
                    bound = vjps[pos]
                if bound[3] < 0:  # the gradient passes through: no op, no line
                    term = gexpr
                else:
                    term = (_render(bound, a), bound[3], gdepth, gops)
                c = contribs[j]
                if c is None:
                    contribs[j] = [term]
                else:
                    c.append(term)
        return finals

    def _gradient(self, i: int, terms: list[Expr]) -> Expr:
        """d_i as the sum of its users' contributions, in the eager engine's order; a line when needed."""
        name = None
        total = terms[0]
        if len(terms) > 1:
            parts = [total[0] if total[1] >= 10 else "(" + total[0] + ")"]
            depth = total[2]
            ops = total[3]
            for term in terms[1:]:
                parts.append(term[0] if term[1] >= 11 else "(" + term[0] + ")")
                if term[3] is not ops and term[3]:
                    ops = ops + tuple(o for o in term[3] if o not in ops)
                depth = (depth if depth > term[2] else term[2]) + 1
                if depth > MAX_DEPTH:  # a long sum: a line every MAX_DEPTH terms
                    name = name or self._grad_name(i)
                    self.lines.append(f"    {name} = {' + '.join(parts)}{self._comment(ops, True)}")
                    parts = [name]
                    depth = 0
            total = (" + ".join(parts), 10, depth, ops) if len(parts) > 1 else (parts[0], ATOM, 0, ())
        if total[1] == ATOM and total[2] == 0:
            return total
        if self.guses[i] == 1 and total[2] <= MAX_DEPTH:
            return total
        name = name or self._grad_name(i)
        self.lines.append(f"    {name} = {total[0]}{self._comment(total[3], True)}")
        return (name, ATOM, 0, ())

    def _grad_name(self, i: int) -> str:
        """d_<name> for a value the forward pass names; g<i> for a partial sum of an inlined one's."""
        return self.names.new("d_" + self.base[i] if self.base[i] else f"g{i}")

    def _wide_vjp(self, i: int, gexpr: Expr) -> None:
        """The gradients of a wide node's leaves, as one tuple from the registry's vjp."""
        v = self.g.nodes[i]
        op = v._node_op
        a, b = self.slices[i]
        function = is_function(v)
        name = self.wide_grads[i] = self.names.new(f"g{i}")
        args = f"{self._arg(gexpr)}, {self.expr[i][0]}, *LEAF_DATA[{a}:{b}]"
        if function:
            args += f", {self.ctx_names[i]}"
        comment = comment_text(f"  # {op.name}: {op.derivative}, for each of its {b - a} leaves")
        self.lines.append(f"    {name} = {self._call_name(op, 'vjp', function)}({args}){comment}")

    def _vjp_call(self, i: int, gexpr: Expr, contribs: list[Any]) -> None:
        g = self.g
        v = g.nodes[i]
        op = v._node_op
        ins = g.inputs[i]
        targets = []
        for k, j in enumerate(ins):
            if g.live[j]:
                c = self.names.new(f"c{i}_{k}")
                targets.append(c)
                if contribs[j] is None:
                    contribs[j] = []
                contribs[j].append((c, ATOM, 0, ()))
            else:
                targets.append("_")
        args = [self._arg(gexpr), self.expr[i][0]] + [self._arg(self.expr[j]) for j in ins]
        p = param_of(v)
        if is_function(v):
            args.append(self.ctx_names[i])
        elif p is not None and op.param:
            args.append(self._param_text(p)[0])
        lhs = targets[0] + "," if len(targets) == 1 else ", ".join(targets)
        comment = "" if self.terse else "  # " + comment_text(f"{op.name}: {op.derivative}")
        call = self._call_name(op, "vjp", is_function(v))
        self.lines.append(f"    {lhs} = {call}({', '.join(args)}){comment}")

