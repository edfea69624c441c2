"""The recorded graph as flat lists, the form the code writer and the replay loop read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from tinygrad_edu.engine.autograd import PASS_LOCK, topological_order
from tinygrad_edu.engine.function import Context
from tinygrad_edu.engine.value import CONSTANT, Value
from tinygrad_edu.ops.registry import Op


class Graph:
    """The graph of ``out`` as flat lists: nodes in topological order, then the constants they use."""

    def __init__(self, out: Value, params: Sequence[Value]) -> None:
        # Each node's position is written into its ``_mark`` slot (the backward walk's scratch slot), and a
        # position is trusted only where ``nodes[m] is x``: a read of the node itself, not a look-up in a
        # table of a million ids. The lock keeps a backward pass in another thread from walking meanwhile.
        with PASS_LOCK:
            self._build(out, params)

    def _build(self, out: Value, params: Sequence[Value]) -> None:
        order = topological_order(out)
        self.out = out
        nodes: list[Value] = list(order)
        self.nodes = nodes
        n = len(order)
        for i, v in enumerate(order):
            v._mark = i
        self.param_at: dict[int, int] = {}  # node -> its first position in params
        self.entry_node: list[int | None] = []  # params[k] -> its node (None: the output does not use it)
        for k, p in enumerate(params):
            at: Any = p._mark  # (a constant is not walked: no gradient)
            if not (at.__class__ is int and at < n and nodes[at] is p):
                self.entry_node.append(None)
                continue
            self.entry_node.append(at)
            if at not in self.param_at:
                self.param_at[at] = k
        live = [False] * n  # the gradient is needed: the node leads to a parameter
        for i in self.param_at:
            live[i] = True
        inputs: list[tuple[int, ...]] = []  # tuples: the cache key holds them as they are
        append = inputs.append
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
                a = v._a
                b = v._b
                ja: Any = a._mark
                jb: Any = b._mark
                if ja.__class__ is int and jb.__class__ is int and ja < n and jb < n and order[ja] is a \
                        and order[jb] is b:
                    append((ja, jb))
                    if (live[ja] or live[jb]) and not op.extra.get("stop_gradient"):
                        live[i] = True
                    continue
                raw: Any = (a, b)
            elif arity == 1:
                a = v._a
                ja = a._mark
                if ja.__class__ is int and ja < n and order[ja] is a:
                    append((ja,))
                    if live[ja] and not op.extra.get("stop_gradient"):
                        live[i] = True
                    continue
                raw = (a,)
            else:
                raw = v._a
            ids = []
            reaches = False
            for x in raw:
                j = x._mark
                if not (j.__class__ is int and j < len(nodes) and nodes[j] is x):  # a constant: not walked
                    j = x._mark = len(nodes)
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
        self._index: dict[int, int] | None = None
        self.ops = ops
        self._labels: list[str | None] | None = None

    @property
    def index(self) -> dict[int, int]:
        """Each node's position by ``id`` (made when first asked for)."""
        if self._index is None:
            self._index = dict(zip(map(id, self.nodes), range(len(self.nodes))))
        return self._index

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

