"""The replay loop: the recorded tape run by a loop over the registry's forwards and vjps, no code written.

Used for graphs too large to compile quickly (see ``MAX_GENERATED_COST`` in
:mod:`tinygrad_edu.engine.compiled`).  Same numbers as the generated program.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tinygrad_edu.engine.compiler.trace import Graph, is_function, param_of
from tinygrad_edu.engine.function import Context
from tinygrad_edu.engine.value import Value, to_float


class Replay:
    """The recorded tape run by a loop: registry forwards, then registry vjps (no code generated)."""

    def __init__(self, graph: Graph, aux: Sequence[int], aux_values: list[float]) -> None:
        self.g = graph
        self.aux = list(aux)
        self.aux_values = aux_values
        self.nodes: list[Value] = graph.nodes  # a deep copy of the step swaps in the copied leaves

    def __call__(self, backward: bool = True, into_grad: bool = True) -> Any:
        g = self.g
        nodes, inputs, live = self.nodes, g.inputs, g.live
        vals = [v.data for v in nodes]  # leaves and constants: current data; ops: computed below
        ctxs: dict[int, Context] = {}
        for i in range(g.n_walked):
            v = nodes[i]
            op = v._node_op
            if op.arity == 0:
                continue
            xs = [vals[j] for j in inputs[i]]
            if is_function(v):
                ctx = ctxs[i] = Context()
                vals[i] = to_float(op.forward(ctx, *xs), f"{op.name}.forward result")
            else:
                vals[i] = op.call_forward(tuple(xs), param_of(v))
        out = vals[g.root]
        if self.aux:
            self.aux_values[:] = [vals[i] for i in self.aux]
        if not backward:
            return out
        grads = [0.0] * len(nodes)
        grads[g.root] = 1.0
        for i in range(g.n_walked - 1, -1, -1):
            v = nodes[i]
            op = v._node_op
            ins = inputs[i]
            if op.arity == 0 or not live[i]:
                continue
            xs = [vals[j] for j in ins]
            p = ctxs[i] if is_function(v) else param_of(v)
            local = op.vjp(grads[i], vals[i], *xs) if p is None else op.vjp(grads[i], vals[i], *xs, p)
            for j, gj in zip(ins, local):
                if live[j]:
                    grads[j] += gj
        if not into_grad:
            return out, tuple(0.0 if i is None else grads[i] for i in g.entry_node)
        for i in sorted(g.param_at, key=g.param_at.__getitem__):  # once per parameter, as backward()
            self.nodes[i].grad += grads[i]
        return out
