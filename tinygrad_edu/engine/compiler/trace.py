"""The recorded graph as flat lists, the form the code writer and the replay loop read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from tinygrad_edu.engine.autograd import topological_order
from tinygrad_edu.engine.function import Context
from tinygrad_edu.engine.value import CONSTANT, Value
from tinygrad_edu.ops.registry import Op


class Graph:
    """The graph of ``out`` as flat lists: nodes in topological order, then the constants they use."""

    def __init__(self, out: Value, params: Sequence[Value]) -> None:
        order = topological_order(out)
        self.out = out
        nodes: list[Value] = list(order)
        self.nodes = nodes
        n = len(order)
        index: dict[int, int] = dict(zip(map(id, order), range(n)))
        self.param_at: dict[int, int] = {}  # node -> its first position in params
        self.entry_node: list[int | None] = []  # params[k] -> its node (None: the output does not use it)
        for k, p in enumerate(params):
            i = index.get(id(p))  # (a constant is not walked: no gradient)
            self.entry_node.append(i)
            if i is not None and i not in self.param_at:
                self.param_at[i] = k
        live = [False] * n  # the gradient is needed: the node leads to a parameter
        for i in self.param_at:
            live[i] = True
        inputs: list[tuple[int, ...]] = []  # tuples: the cache key holds them as they are
        append = inputs.append
        get = index.get
        n_ops = 0
        ops: list[Op] = []  # each walked node's op
        add_op = ops.append
        # one pass, a branch per arity (this runs once per node of large graphs); a node is live when an
        # input is, unless its op passes no gradient (max_shift: a derivative of 0)
        for i, v in enumerate(order):
            op = v._node_op
            add_op(op)
            arity = op.arity
            if arity == 0:
                append(())
                continue
            n_ops += 1
            if arity == 2:
                ja = get(id(v._a))
                jb = get(id(v._b))
                if ja is not None and jb is not None:
                    append((ja, jb))
                    if (live[ja] or live[jb]) and not op.extra.get("stop_gradient"):
                        live[i] = True
                    continue
                raw: Any = (v._a, v._b)
            elif arity == 1:
                ja = get(id(v._a))
                if ja is not None:
                    append((ja,))
                    if live[ja] and not op.extra.get("stop_gradient"):
                        live[i] = True
                    continue
                raw = (v._a,)
            else:
                raw = v._a
            ids = []
            reaches = False
            for x in raw:
                j = get(id(x))
                if j is None:  # a constant: not walked
                    j = index[id(x)] = len(nodes)
                    nodes.append(x)
                    live.append(False)  # (constants hold no gradient)
                elif live[j]:
                    reaches = True
                ids.append(j)
            append(tuple(ids))
            if reaches and not op.extra.get("stop_gradient"):
                live[i] = True
        self.inputs = inputs
        self.n_ops = n_ops
        self.n_walked = n
        self.root = n - 1
        self.live = live
        self.index = index
        self.ops = ops
        self._labels: list[str | None] | None = None

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

    def cache_key(self, aux: Sequence[int]) -> Any:
        """Everything the generated program depends on, as one hashable value (None: do not cache).

        The ops (by identity) and how they connect, each node's label, each constant's
        value, the parameters' places and the auxiliary outputs: two graphs with the
        same key get the same program, bound to their own Values.
        """
        n_walked = self.n_walked
        walked = self.nodes[:n_walked]
        ops = self.ops
        labels = self.labels()
        params: list[Any] = []  # each walked node's parameter (None for most)
        for v, op in zip(walked, ops):
            arity = op.arity
            if arity == 2 or arity == 0:
                params.append(None)
                continue
            p = None if is_function(v) else v._b
            if p is not None and not isinstance(p, (float, int, tuple)):
                return None
            params.append(p)
        constants: list[Any] = []
        for v in self.nodes[n_walked:]:
            if is_read(v):
                constants.append((id(v._node_op), v._label))
            else:
                constants.append(repr(v.data))  # a literal of the program (repr: -0.0 and nan are told apart)
        return (tuple(map(id, ops)), tuple(labels), tuple(params), tuple(constants), tuple(self.inputs),
                tuple(self.entry_node), tuple(aux))

    def labels(self) -> list[str | None]:
        """Each walked node's label as given (None: never set; "": none), found once."""
        if self._labels is None:
            self._labels = [getattr(v, "_label", None) for v in self.nodes[:self.n_walked]]
        return self._labels

    def op_counts(self) -> dict[str, int]:
        by_id = dict(zip(map(id, self.ops), self.ops))
        counts: Counter[str] = Counter()
        for key, k in Counter(map(id, self.ops)).items():  # by identity first: one pass in C
            op = by_id[key]
            if op.arity != 0:
                counts[op.name] += k
        return dict(sorted(counts.items()))

    def signature(self) -> list[str]:
        return [op.name for op in self.ops]


def is_function(v: Value) -> bool:
    return v._node_op.arity == -1 and isinstance(v._b, Context)


def param_of(v: Value) -> Any:
    arity = v._node_op.arity
    return None if arity in (0, 2) else v._b


def labelled(v: Value) -> bool:
    """True when the user gave the node a label: it keeps a line of its own, under that name."""
    return bool(getattr(v, "_label", ""))  # unset until a label is given


def is_read(v: Value) -> bool:
    """A leaf whose .data is read on every call: it requires grad, or the user made it with Value(...)."""
    if v._node_op is not CONSTANT:
        return True
    try:
        v._label  # noqa: B018 - set by Value(); constants made from numbers have none
    except AttributeError:
        return False
    return True

