"""A looped program: the groups' loops, and the rest of the graph as straight-line Python.

The rest (:class:`Rest`) is the graph with every region cut out: each region's
output becomes a leaf the loops fill, and each use of a looped parameter a leaf
of its own, so that the rest hands back that use's term alone.  The driver
(:class:`LoopedProgram`) runs the loops' forward, the rest, then adds each
looped parameter's terms - the rest's ones and each loop's - from its last
user to its first, as ``backward()`` does.
"""

from __future__ import annotations

import builtins
import copy
import threading
from collections.abc import Sequence
from typing import Any

from tinygrad_edu.engine.compiler.codegen import Writer
from tinygrad_edu.engine.compiler.loops import write_loop
from tinygrad_edu.engine.compiler.regions import Group, outside
from tinygrad_edu.engine.compiler.trace import Graph
from tinygrad_edu.engine.value import LEAF, Value


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
        outputs: set[int] = set()
        for grp in groups:
            for s, i in grp.regions:
                member[s:i + 1] = b"\x01" * (i + 1 - s)
                outputs.add(i)
        ext = {j for grp in groups for j in grp.ext}
        kept = list(outside(n, groups))  # the nodes the straight-line part computes or reads
        referenced = set(aux)
        for i in kept:
            referenced.update(inputs[i])
        new_nodes: list[Value] = []
        new_inputs: list[tuple[int, ...]] = []
        new_ops: list[Any] = []
        new_live: list[bool] = []
        old2new: dict[int, int] = {}
        self.edges: list[tuple[int, int, int]] = []  # (new leaf, the parameter's walked index, its user)
        self.holders: dict[int, Value] = {}  # region output -> its leaf here
        later: list[tuple[int, int, int]] = []  # (new node, input position, old constant) to fill in

        def leaf(v: Value, op: Any, live: bool) -> int:
            new_nodes.append(v)
            new_inputs.append(())
            new_ops.append(op)
            new_live.append(live)
            return len(new_nodes) - 1

        # leaves that sit inside a region but are read outside it come first (they have no inputs)
        for j in sorted(referenced):
            if j < n and member[j] and ops[j].arity == 0 and j not in ext:
                old2new[j] = leaf(nodes[j], ops[j], g.live[j])
        for i in sorted([*kept, *outputs]):
            op = ops[i]
            if i in outputs:  # an entry: its gradient is handed back to the loop
                h = self.holders[i] = Value(0.0)
                old2new[i] = leaf(h, LEAF, True)
                continue
            if op.arity == 0:
                if i in referenced and i not in ext:
                    old2new[i] = leaf(nodes[i], op, g.live[i])
                continue
            ins = []
            pending = []
            for pos, j in enumerate(inputs[i]):
                if j in ext:  # a parameter the loops read too: a leaf of its own for this use
                    at = leaf(nodes[j], LEAF, True)
                    self.edges.append((at, j, i))
                    ins.append(at)
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
        graph = Graph.__new__(Graph)
        graph.out = g.out
        graph.nodes = new_nodes
        graph.inputs = new_inputs
        graph.ops = new_ops
        graph.live = new_live
        graph.n_walked = walked
        graph.n_ops = sum(1 for op in new_ops if op.arity != 0)
        graph.root = old2new[g.root]
        graph._index = {}
        graph._labels = None
        # its "parameters": the graph's own ones it reads, then each use of a looped one, then the outputs
        self.plain: dict[int, int] = {}  # a parameter's walked index -> its entry here
        entries: list[int] = []
        for entry in g.entry_node:
            if entry is not None and entry not in ext and entry in old2new and entry not in self.plain:
                self.plain[entry] = len(entries)
                entries.append(old2new[entry])
        self.edge_entry = len(entries)
        entries.extend(at for at, _, _ in self.edges)
        self.output_entry: dict[int, int] = {}  # region output -> its entry here
        for i in sorted(outputs):
            self.output_entry[i] = len(entries)
            entries.append(old2new[i])
        graph.entry_node = list(entries)
        graph.param_at = {}
        for k, i in enumerate(entries):
            graph.param_at.setdefault(i, k)
        self.graph = graph
        self.aux = [old2new[i] for i in aux]


class Loop:
    """One group at run time: its rows of data, parameters, output leaves and where its sums go."""

    __slots__ = ("backward", "entries", "ext", "forward", "holders", "live", "rows", "slots", "tags")

    def __init__(self, rows: list[tuple[Any, ...]], ext: list[Value], holders: list[Value],
                 entries: list[int], slots: list[int], live: bool, tags: list[int]) -> None:
        self.rows = rows  # per region: its data inputs (Values read each call, or floats); (shape, row)
        self.tags = tags  # per region: its shape, when the loop runs several (else empty)
        self.ext = ext  # the parameters the body reads
        self.holders = holders  # per region: the rest's leaf that holds its output
        self.entries = entries  # per region: where the rest hands back its output's gradient
        self.slots = slots  # per parameter of the body: its running sum
        self.live = live  # False: no parameter is reached, no backward
        self.forward: Any = None
        self.backward: Any = None

    def copied(self, memo: dict[int, Any]) -> Loop:
        def row_copy(row: tuple[Any, ...]) -> tuple[Any, ...]:  # (a row of several shapes: (shape, row))
            return tuple(copy.deepcopy(x, memo) if isinstance(x, Value)
                         else row_copy(x) if isinstance(x, tuple) else x for x in row)

        return Loop([row_copy(row) for row in self.rows], [copy.deepcopy(v, memo) for v in self.ext],
                    [copy.deepcopy(h, memo) for h in self.holders], self.entries, self.slots, self.live,
                    self.tags)


class LoopedProgram:
    """Runs a looped graph: the loops forward, the rest, then the loops backward between the rest's terms.

    Called like the straight-line program: ``(backward, into_grad)``; returns the
    output, or ``(output, gradients)`` with ``into_grad=False``.  The regions'
    outputs pass through leaves it owns, so calls from several threads take turns.
    """

    def __init__(self, g: Graph, params: Sequence[Value], groups: list[Group], rest: Rest,
                 namespace: dict[str, Any], code: Any, functions: list[tuple[str, str]]) -> None:
        self.namespace = namespace
        self.code = code
        self.functions = functions
        self.params = list(params)
        slot: dict[int, int] = {}  # a looped parameter's walked index -> its running sum
        for grp in groups:
            for j in grp.ext:
                slot.setdefault(j, len(slot))
        self.n_sums = len(slot)
        self.loops = [Loop(grp.rows, [g.nodes[j] for j in grp.ext], [rest.holders[i] for _, i in grp.regions],
                           [rest.output_entry[i] for _, i in grp.regions], [slot[j] for j in grp.ext],
                           g.live[grp.hi], grp.tags)
                      for grp in groups]
        # the order backward() adds into a looped parameter: its users from the last to the first (two
        # uses by one node: its first input first); (sum, rest's entry) for a term, (-1, loop) for a loop
        events = [(user, k, slot[j], rest.edge_entry + k) for k, (_, j, user) in enumerate(rest.edges)]
        events.extend((grp.hi, 0, -1, gi) for gi, grp in enumerate(groups))
        events.sort(key=lambda e: (-e[0], e[1]))
        self.events = [(a, b) for _, _, a, b in events]
        self.final: list[tuple[int, int]] = []  # per entry of params: (0, rest's entry), (1, sum), (2, 0)
        firsts: dict[int, int] = {}
        for k, i in enumerate(g.entry_node):
            if i is None:
                self.final.append((2, 0))
                continue
            self.final.append((1, slot[i]) if i in slot else (0, rest.plain[i]))
            firsts.setdefault(i, k)
        self.firsts = sorted(firsts.values())  # each parameter once, as backward() adds into .grad
        self.lock = threading.Lock()
        self._bind()

    def _bind(self) -> None:
        ns = self.namespace
        self.rest = ns["step"]
        for loop, (f, b) in zip(self.loops, self.functions):
            loop.forward, loop.backward = ns[f], ns[b]

    def __call__(self, backward: bool = True, into_grad: bool = True) -> Any:
        with self.lock:
            return self._run(backward, into_grad)

    def _run(self, backward: bool, into_grad: bool) -> Any:
        kept = []
        for loop in self.loops:
            pdata = [v.data for v in loop.ext]
            outs, saved = loop.forward(loop.rows, pdata)
            for h, o in zip(loop.holders, outs):
                h.data = o
            kept.append((pdata, saved))
        if not backward:
            return self.rest(False, True)
        out, fg = self.rest(True, False)
        sums = [0.0] * self.n_sums
        for a, b in self.events:
            if a >= 0:
                sums[a] += fg[b]
                continue
            loop = self.loops[b]
            if loop.live:
                pdata, saved = kept[b]
                slots = loop.slots
                grads = [fg[e] for e in loop.entries]
                new = (loop.backward(saved, grads, pdata, [sums[s] for s in slots], loop.tags) if loop.tags
                       else loop.backward(saved, grads, pdata, [sums[s] for s in slots]))
                for s, x in zip(slots, new):
                    sums[s] = x
        grads = [fg[k] if how == 0 else sums[k] if how == 1 else 0.0 for how, k in self.final]
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
        twin.loops = [loop.copied(memo) for loop in self.loops]
        twin.lock = threading.Lock()
        ns = dict(self.namespace)
        ns["LEAVES"] = tuple(copy.deepcopy(v, memo) for v in self.namespace["LEAVES"])
        ns["AUX"] = aux
        exec(self.code, ns)
        twin.namespace = ns
        twin._bind()
        return twin


def write(g: Graph, groups: list[Group], aux: Sequence[int],
          limit: float = float("inf")) -> tuple[str, Rest, Writer, list[tuple[str, str]]] | None:
    """The looped program's source: the rest, straight-line, then each group's two loop functions.

    None when it would hold more than ``limit`` names (the rest can be most of a graph).
    """
    rest = Rest(g, groups, aux)
    w = Writer(rest.graph, [], rest.aux)
    bodies = sum(len(part.members) + sum(len(enc) - 2 for enc in part.shape)
                 for grp in groups for part in grp.parts or [grp])
    if w.cost() + bodies > limit:
        return None
    w.values_only = True
    w.terse = True
    counts = dict(rest.graph.op_counts())
    for grp in groups:
        for part in grp.parts or [grp]:
            for wk in part.members:
                name = g.ops[wk].name
                counts[name] = counts.get(name, 0) + len(part.regions)
    w.header_counts = (g.n_ops, dict(sorted(counts.items())))
    looped = sum(len(grp.regions) for grp in groups)
    shapes = sum(len(grp.parts) or 1 for grp in groups)
    what = "one shape" if shapes == 1 else f"{shapes} shapes"
    w.header_notes = [f"# {looped} regions of the graph repeat {what}; each shape is written once, "
                      "as a loop (loopN_forward / loopN_backward below)"]
    parts = []
    functions = []
    for gi, grp in enumerate(groups):
        text, f, b = write_loop(w, g, grp, gi)
        parts.append(text)
        functions.append((f, b))
    return w.write() + "\n\n" + "\n\n".join(parts), rest, w, functions


def build(g: Graph, params: Sequence[Value], groups: list[Group], aux: Sequence[int],
          aux_values: list[float], limit: float = float("inf")) -> tuple[LoopedProgram, str] | None:
    """The looped program of ``g`` and its source; None when it would hold more than ``limit`` names."""
    written = write(g, groups, aux, limit)
    if written is None:
        return None
    source, rest, w, functions = written
    namespace = w.globals
    namespace["LEAVES"] = tuple(rest.graph.nodes[i] for i in w.leaves)
    namespace["PARAMS"] = ()
    namespace["AUX"] = aux_values
    code = builtins.compile(source, "<tinygrad_edu.compile>", "exec")
    exec(code, namespace)
    return LoopedProgram(g, params, groups, rest, namespace, code, functions), source
