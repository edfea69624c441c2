"""The recorded graph as flat lists, the form the code writer and the replay loop read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tinygrad_edu.engine.autograd import topological_order
from tinygrad_edu.engine.function import Context
from tinygrad_edu.engine.value import CONSTANT, Value


class Graph:
    """The graph of ``out`` as flat lists: nodes in topological order, then the constants they use."""

    def __init__(self, out: Value, params: Sequence[Value]) -> None:
        order = topological_order(out)
        self.out = out
        self.nodes: list[Value] = list(order)
        self.n_ops = sum(1 for v in order if v._node_op.arity != 0)
        index: dict[int, int] = {id(v): i for i, v in enumerate(order)}
        self.inputs: list[list[int]] = []
        for v in order:
            arity = v._node_op.arity
            raw = () if arity == 0 else (v._a, v._b) if arity == 2 else (v._a,) if arity == 1 else v._a
            ids = []
            for x in raw:
                j = index.get(id(x))
                if j is None:  # a constant: not walked
                    j = index[id(x)] = len(self.nodes)
                    self.nodes.append(x)
                ids.append(j)
            self.inputs.append(ids)
        self.n_walked = len(order)
        self.root = len(order) - 1
        self.param_at: dict[int, int] = {}  # node -> its first position in params
        self.entry_node: list[int | None] = []  # params[k] -> its node (None: the output does not use it)
        for k, p in enumerate(params):
            i = index.get(id(p))
            if i is not None and i >= self.n_walked:
                i = None  # a constant input: no gradient
            self.entry_node.append(i)
            if i is not None and i not in self.param_at:
                self.param_at[i] = k
        live = [False] * len(self.nodes)  # the gradient is needed: the node leads to a parameter
        for i in range(self.n_walked):
            op = order[i]._node_op
            if op.extra.get("stop_gradient"):  # a derivative of 0 (max_shift): no gradient flows through
                continue
            live[i] = i in self.param_at or any(live[j] for j in self.inputs[i])
        self.live = live
        self.index = index

    def aux_nodes(self, aux: Sequence[Value]) -> list[int]:
        """Where each auxiliary output sits in the graph (it must be a node the output depends on)."""
        at = []
        for k, a in enumerate(aux):
            i = self.index.get(id(a)) if isinstance(a, Value) else None
            if i is None:
                raise ValueError(f"compile(has_aux=True): aux[{k}] is not a Value of the output's graph; "
                                 "the program only computes what the output depends on")
            at.append(i)
        return at

    def op_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for v in self.nodes[: self.n_walked]:
            if v._node_op.arity != 0:
                counts[v._node_op.name] = counts.get(v._node_op.name, 0) + 1
        return dict(sorted(counts.items()))

    def signature(self) -> list[str]:
        return [v._node_op.name for v in self.nodes[: self.n_walked]]


def is_function(v: Value) -> bool:
    return v._node_op.arity == -1 and isinstance(v._b, Context)


def param_of(v: Value) -> Any:
    arity = v._node_op.arity
    return None if arity in (0, 2) else v._b


def labelled(v: Value) -> bool:
    """True when the user gave the node a label: it keeps a line of its own, under that name."""
    try:
        return bool(v._label)
    except AttributeError:
        return False


def is_read(v: Value) -> bool:
    """A leaf whose .data is read on every call: it requires grad, or the user made it with Value(...)."""
    if v._node_op is not CONSTANT:
        return True
    try:
        v._label  # noqa: B018 - set by Value(); constants made from numbers have none
    except AttributeError:
        return False
    return True

