"""Reverse-mode differentiation: topological order, ``backward`` and ``grad``.

The chain rule, applied to a graph: walk the nodes from the output back to the
inputs in reverse topological order (every node after all nodes that use it),
and hand each node's gradient to its inputs through the op's local derivative
from the registry: ``grad(input) += grad(out) * d(out)/d(input)``.

Passes are serialised by one lock (re-entrant, so a ``Function``'s backward
may differentiate again): threads that differentiate shared graphs at once
get exactly the single-thread results.  ``grad()`` and :func:`node_gradients`
keep their sums in a table and never write any ``.grad``, not even for a moment.

Everything here is iterative (an explicit stack, no recursion), so a graph of
any depth works.  A pass sums each node's gradient in its ``.grad``: gradients
left there by earlier passes are set aside when the walk reaches a node and
added back at the end, so calling ``backward()`` twice adds exactly one more
pass, no node is counted twice, and a pass that fails (a user's ``Function``
raising, say) leaves every ``.grad`` as it was.
With ``create_graph=True`` the same registry rules are evaluated on Values
instead of floats, which records the backward pass as a new graph that can be
differentiated again.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Container, Iterable, Sequence
from typing import Any, Union, overload

from tinygrad_edu.engine.mode import MODE, enable_grad
from tinygrad_edu.engine.value import CONSTANT, DEFAULT_SEED, Value, binary, const, node_inputs, to_float
from tinygrad_edu.errors import AnomalyError, printable
from tinygrad_edu.ops.definitions import TIE

Number = Union[int, float]


#: Held during every graph walk and backward pass (they use the nodes' ``_mark`` slots).
PASS_LOCK = threading.RLock()


def topological_order(root: Value | Sequence[Value]) -> list[Value]:
    """Nodes that ``root`` (or several roots) depends on and that require grad, inputs before users.

    >>> x = Value(2.0, label="x")
    >>> y = (x * x).relu()
    >>> [v.op or v.label for v in topological_order(y)]
    ['x', 'mul', 'relu']
    """
    roots = [root] if isinstance(root, Value) else list(root)
    with PASS_LOCK:
        return _walk(roots, None, [])


Saved = list[tuple[Value, float]]  # (node, its .grad before a pass)


def _walk(roots: list[Value], set_aside: Saved | None, constants: list[Value]) -> list[Value]:
    """The topological order of :func:`topological_order`, found by depth-first search.

    A node is pushed to be opened; when opened it is pushed again, under its
    inputs, so it comes back - and is emitted - only after all of them.  Each
    walk marks nodes with two fresh tokens ("opened", "emitted") in the node's
    ``_mark`` slot, which is cheaper than two sets.  With a ``set_aside`` list,
    each node's nonzero ``.grad`` is moved there (and ``.grad`` set to 0) as the
    node is opened, so that the pass can sum its own gradients in ``.grad``.
    Constant inputs are not walked; they are appended to ``constants``.
    """
    order: list[Value] = []
    emit = order.append
    met = constants.append
    opened = object()
    emitted = object()
    stack = [r for r in reversed(roots) if r._node_op is not CONSTANT]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark is opened:  # back again: all its inputs are emitted
            node._mark = emitted
            emit(node)
            # (CPython 3.11 specialises a function's bytecode after a few calls or
            # backward jumps; this ``continue`` is a backward jump, taken once per node.)
            continue
        if mark is emitted:
            continue
        node._mark = opened  # first visit: open it
        if node.grad and set_aside is not None:
            set_aside.append((node, node.grad))
            node.grad = 0.0
        push(node)
        arity = node._node_op.arity
        if arity == 2:
            a = node._a
            b = node._b
            if a._node_op is CONSTANT:
                met(a)
            elif a._mark is not emitted:
                push(a)
            if b._node_op is CONSTANT:
                met(b)
            elif b._mark is not emitted:
                push(b)
        elif arity == 1:
            a = node._a
            if a._node_op is CONSTANT:
                met(a)
            elif a._mark is not emitted:
                push(a)
        elif arity < 0:
            for x in node._a:
                if x._node_op is CONSTANT:
                    met(x)
                elif x._mark is not emitted:
                    push(x)
    return order


def _propagate_floats(order: list[Value]) -> None:
    """One backward pass on floats over ``order`` (root last, its ``.grad`` seeded).

    For each node, from the output back: ``grad(input) += g * d(node)/d(input)``,
    the product coming from the op's ``vjp`` rule in the registry.  Every node's
    ``.grad`` must hold only this pass's sum (see :func:`_walk`).  Constant
    inputs receive gradients too; the caller puts their ``.grad`` back.
    """
    for node in reversed(order):
        op = node._node_op
        arity = op.arity
        if arity == 2:
            a = node._a
            b = node._b
            ga, gb = op.vjp(node.grad, node.data, a.data, b.data)
            a.grad += ga
            b.grad += gb
        elif arity == 1:
            x = node._a
            p = node._b
            if p is None:
                (gx,) = op.vjp(node.grad, node.data, x.data)
            else:
                (gx,) = op.vjp(node.grad, node.data, x.data, p)
            x.grad += gx
        elif arity < 0:
            ins = node._a
            p = node._b
            datas = [x.data for x in ins]
            g = node.grad
            grads = op.vjp(g, node.data, *datas) if p is None else op.vjp(g, node.data, *datas, p)
            for x, gx in zip(ins, grads):
                x.grad += gx


def _float_pass(roots: list[Value], seeds: list[float], set_aside: Saved) -> list[Value]:
    """Walk from ``roots`` and run one float pass; returns the walk's order.

    Afterwards each reached node's ``.grad`` holds this pass's gradient only, and
    ``set_aside`` what was there before; constants keep their ``.grad``.  A pass
    that raises puts everything back.  The caller holds :data:`PASS_LOCK`.
    """
    constants: list[Value] = []
    try:
        order = _walk(roots, set_aside, constants)
    except BaseException:  # a KeyboardInterrupt, say: put back what was set aside
        _restore([], set_aside)
        raise
    kept = [(c, c.grad) for c in constants if c.grad]  # a constant's .grad is normally 0
    for root, seed in zip(roots, seeds):
        root.grad += seed
    try:
        if MODE.anomaly:
            _propagate_checked(order)
        else:
            _propagate_floats(order)
    except BaseException:
        _restore(order, set_aside)
        raise
    finally:
        for c in constants:
            c.grad = 0.0
        for c, old in kept:
            c.grad = old
    return order


def _restore(order: list[Value], set_aside: Saved) -> None:
    """Put back the ``.grad`` of every node of ``order`` as it was before the pass."""
    for node in order:
        node.grad = 0.0
    for node, old in set_aside:
        node.grad = old


def _local(node: Value, g: Any) -> tuple[tuple[Value, ...], tuple[Any, ...]]:
    """The node's inputs and the gradients ``g`` sends them through the op's registry rule."""
    op = node._node_op
    ins = node_inputs(op, node._a, node._b)
    p = None if op.arity == 2 else node._b
    datas = [x.data for x in ins]
    local = op.vjp(g, node.data, *datas) if p is None else op.vjp(g, node.data, *datas, p)
    return ins, local


def local_step(node: Value) -> None:
    """One node's chain-rule step (``Value._backward``): its ``.grad`` times the local
    derivative, added into the ``.grad`` of each input that requires grad."""
    with PASS_LOCK:
        g = node.grad
        ins, local = _local(node, g)
        if MODE.anomaly:
            _check_backward(node, g, ins, local)
        for x, gx in zip(ins, local):
            if x._node_op is not CONSTANT:
                x.grad += gx


def _check_backward(node: Value, g: float, ins: tuple[Value, ...], local: tuple[float, ...]) -> None:
    """Inside detect_anomaly: raise at the first gradient that is NaN or ±inf."""
    for i, (x, gx) in enumerate(zip(ins, local)):
        if x._node_op is not CONSTANT and not math.isfinite(gx):
            site = MODE.sites.get(id(node))
            made_inside = site is not None and site[0] is node
            where = site[1] if site is not None and made_inside else "a node made outside detect_anomaly()"
            values = ", ".join(repr(v.data) for v in ins)
            raise AnomalyError(
                f"backward: {printable(node._node_op.name)} sent the gradient {gx!r} to its input {i}"
                + (f" ({printable(x.label)})" if x.label else "")
                + f" (inputs {values}, upstream gradient {g!r}), for the node made at {where}; "
                "this is the first gradient of the pass that is not finite"
            )


def _propagate_checked(order: list[Value]) -> None:
    """:func:`_propagate_floats` with every gradient checked (inside ``detect_anomaly()``)."""
    for node in reversed(order):
        if node._node_op.arity == 0:
            continue
        g = node.grad
        ins, local = _local(node, g)
        _check_backward(node, g, ins, local)
        for x, gx in zip(ins, local):
            x.grad += gx


def _float_table(order: list[Value], roots: list[Value], seeds: list[float]) -> dict[Value, float]:
    """One float pass that keeps its sums in a table: node -> d(roots)/d(node); no ``.grad`` is written.

    The sums are formed in the same order as :func:`_propagate_floats` forms them
    in ``.grad``, so both give the same bits.
    """
    table: dict[Value, float] = {}
    for root, seed in zip(roots, seeds):
        if root._node_op is not CONSTANT:
            table[root] = table.get(root, 0.0) + seed
    check = MODE.anomaly
    get = table.get
    for node in reversed(order):
        if node._node_op.arity == 0:
            continue
        g = get(node, 0.0)
        ins, local = _local(node, g)
        if check:
            _check_backward(node, g, ins, local)
        for x, gx in zip(ins, local):
            if x._node_op is not CONSTANT:
                table[x] = get(x, 0.0) + gx
    return table


def _uses_any(gx: Value, g: Value, targets: tuple[Value, ...]) -> bool:
    """True when the recorded ``gx`` was computed from one of ``targets`` (not only from ``g`` and numbers).

    A registry rule sees only ``g``, the node and its inputs, so the part of
    ``gx``'s graph it made is small: the walk stops at ``g``, at the targets
    and at constants.
    """
    stack = [gx]
    seen: set[int] = set()
    while stack:
        v = stack.pop()
        if v is g or v._node_op is CONSTANT or id(v) in seen:
            continue
        seen.add(id(v))
        if any(v is t for t in targets) or v._node_op.arity == 0:
            return True
        stack.extend(node_inputs(v._node_op, v._a, v._b))
    return False


def _reached(roots: list[Value], targets: Sequence[Value]) -> list[int]:
    """For each root, a bit mask of the ``targets`` its graph contains (bit k: ``targets[k]``).

    One walk over all the roots' graphs, inputs before users, each node's mask
    the union of its inputs' masks.
    """
    bit: dict[int, int] = {}
    for k, t in enumerate(targets):
        bit.setdefault(id(t), 1 << k)
    masks: dict[int, int] = {}
    with PASS_LOCK:
        order = _walk([r for r in roots if r.requires_grad], None, [])
    for v in order:
        m = bit.get(id(v), 0)
        op = v._node_op
        if op.arity:
            for x in node_inputs(op, v._a, v._b):
                m |= masks.get(id(x), 0)
        masks[id(v)] = m
    return [masks.get(id(r), 0) for r in roots]


def _propagate_values(order: list[Value], roots: list[Value], seeds: list[Value]) -> dict[Value, Value]:
    """One backward pass on Values (records a graph): node -> d(roots)/d(node).

    Where a rule's result does not use the node at all - a locally constant
    derivative, ``g · 1`` for relu at x > 0 - it is recorded as
    ``tie(g · 1, node)``: the same number, now a function of the node's inputs
    with derivative 0, so that differentiating it again gives 0 (as PyTorch does).
    """
    grads: dict[Value, Value] = {}
    for root, seed in zip(roots, seeds):
        if root._node_op is not CONSTANT:
            prev = grads.get(root)
            grads[root] = seed if prev is None else prev + seed
    with enable_grad():
        for node in reversed(order):
            g = grads.get(node)
            op = node._node_op
            if g is None or op.arity == 0:
                continue
            ins = node.inputs
            p = node.param
            local = op.vjp(g, node, *ins) if p is None else op.vjp(g, node, *ins, p)
            tied: dict[int, Value] = {}  # one tie per distinct result (sum sends g to every input)
            for x, gx in zip(ins, local):
                if not x.requires_grad:
                    continue  # its rule's result is not needed (it may be nan: never used)
                if not isinstance(gx, Value):
                    gx = const(gx)
                if not _uses_any(gx, g, (node, *ins)):
                    t = tied.get(id(gx))
                    if t is None:
                        t = tied[id(gx)] = binary(TIE, gx.data, gx, node)
                    gx = t
                prev = grads.get(x)
                grads[x] = gx if prev is None else prev + gx
    return grads


def _tie_to_inputs(results: list[Value], xs: tuple[Value, ...]) -> list[Value]:
    """Each result d(out)/d(xs[k]) recorded as depending on ``xs[k]`` (derivative 0 where it did not).

    d(3x + 1)/dx = 3 uses no x: recorded as ``tie(3, x)``, its derivative in x is 0.
    """
    masks = _reached(results, xs)
    first: dict[int, int] = {}  # an input listed twice has the bit of its first place
    for k, x in enumerate(xs):
        first.setdefault(id(x), k)
    out = []
    with enable_grad():
        for result, mask, x in zip(results, masks, xs):
            if not mask >> first[id(x)] & 1:
                result = binary(TIE, result.data, result, x)
            out.append(result)
    return out


def _outputs(outputs: Any, who: str) -> list[Value]:
    if isinstance(outputs, Value):
        return [outputs]
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Iterable):
        raise TypeError(
            f"{who} needs a Value or a sequence of Values as outputs, got {type(outputs).__name__}"
        )
    outs = list(outputs)
    if not outs:
        raise ValueError(f"{who} got no outputs: pass a Value or a non-empty sequence of Values")
    for i, y in enumerate(outs):
        if not isinstance(y, Value):
            raise TypeError(f"{who}: output {i} must be a Value, got {type(y).__name__}")
    return outs


def _seeds(grad_outputs: Any, n: int, who: str, *, values: bool = False) -> list[Any]:
    """One seed per output: 1.0 by default, a number for a single output, else one per output."""
    if grad_outputs is None:
        return [1.0] * n
    if isinstance(grad_outputs, (int, float, Value)) or not isinstance(grad_outputs, Iterable):
        items = [grad_outputs]
    else:
        items = list(grad_outputs)
    if len(items) != n:
        raise ValueError(f"{who}: got {len(items)} grad_outputs for {n} output(s); give one per output")
    seeds = []
    for i, g in enumerate(items):
        if g is None:
            g = 1.0
        if isinstance(g, Value):
            seeds.append(g if values else g.data)
        else:
            seeds.append(to_float(g, f"{who}: grad_outputs[{i}]"))
    return seeds


def backward(outputs: Value | Sequence[Value], grad_outputs: Any = None, *,
             retain_graph: bool | None = None) -> None:
    """One backward pass from one or several outputs, each seeded with its weight (default 1.0).

    ``tg.backward([p0, p1, p2])`` is the scalar form of PyTorch's
    ``p.backward(torch.ones_like(p))``: it adds d(p0 + p1 + p2)/d(node) to every
    ``.grad`` in one pass.  ``retain_graph`` is accepted and has no effect:
    graphs are always kept.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0)
    >>> tg.backward([x * x, 2 * x], [1.0, 10.0])   # d/dx (x² + 10·2x) = 2x + 20
    >>> x.grad
    26.0
    """
    roots = _outputs(outputs, "backward()")
    for i, root in enumerate(roots):
        if not root.requires_grad:
            which = "" if len(roots) == 1 else f" (output {i})"
            raise ValueError(
                f"backward() called on a Value{which} that does not require grad: it was made from "
                "constants, detached values or under no_grad(), so there is nothing to differentiate"
            )
    seeds = _seeds(grad_outputs, len(roots), "backward()")
    set_aside: Saved = []
    with PASS_LOCK:
        _float_pass(roots, seeds, set_aside)
        for node, old in set_aside:
            node.grad += old


def node_gradients(root: Value | Sequence[Value], grad_output: Any = 1.0) -> dict[Value, float]:
    """d(root)/d(node) * grad_output for every node ``root`` depends on that requires grad.

    One float backward pass that writes no ``.grad`` at all (the renderer and
    ``explain`` use it to show gradients without changing them).  ``root`` may
    be a sequence of outputs, with one ``grad_output`` each.

    >>> x = Value(3.0)
    >>> y = x * x + x                      # dy/dx = 2x + 1 = 7
    >>> node_gradients(y)[x], x.grad
    (7.0, 0.0)
    """
    roots = [root] if isinstance(root, Value) else list(root)
    if isinstance(root, Value):
        seeds = [to_float(grad_output, "grad_output")]
    else:
        seeds = _seeds(None if grad_output == 1.0 else grad_output, len(roots), "node_gradients()")
    with PASS_LOCK:
        order = _walk(roots, None, [])
        return _float_table(order, roots, seeds)


def _describe(i: int, v: Value) -> str:
    return f"input {i}" + (f" ({v.label!r})" if v.label else "") + f" = {v!r}"


@overload
def grad(outputs: Value | Sequence[Value], inputs: Value, grad_outputs: Any = ..., *, grad_output: Any = ...,
         retain_graph: bool | None = ..., create_graph: bool = ..., allow_unused: bool = ...) -> Value: ...
@overload
def grad(outputs: Value | Sequence[Value], inputs: Sequence[Value], grad_outputs: Any = ..., *,
         grad_output: Any = ..., retain_graph: bool | None = ..., create_graph: bool = ...,
         allow_unused: bool = ...) -> tuple[Value, ...]: ...
def grad(outputs: Value | Sequence[Value], inputs: Value | Sequence[Value], grad_outputs: Any = None, *,
         grad_output: Any = DEFAULT_SEED, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> Value | tuple[Value, ...]:
    """d(outputs)/d(input) for each input, like ``torch.autograd.grad``; never touches ``.grad``.

    ``outputs`` is one Value or a sequence (their weighted sum is differentiated,
    each weighted by its entry of ``grad_outputs``, 1.0 by default; for one
    output ``grad_output`` says the same).  ``inputs`` is one Value (one Value
    is returned) or a sequence (a tuple is returned).  With
    ``create_graph=True`` the results are Values recorded in a graph, so they can
    be differentiated again (second derivatives); each depends on its input even
    where it is locally constant (relu'(x) = 1), so differentiating it again
    there gives 0.  ``retain_graph`` is accepted
    and has no effect: graphs are always kept, so the same graph can be
    differentiated any number of times.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0, label="x")
    >>> y = x ** 3
    >>> dy = tg.grad(y, x, create_graph=True)   # 3x² = 27
    >>> d2y = tg.grad(dy, x)                    # 6x  = 18
    >>> dy.data, d2y.data, x.grad
    (27.0, 18.0, 0.0)
    """
    roots = _outputs(outputs, "grad()")
    if grad_output is not DEFAULT_SEED:
        if grad_outputs is not None:
            raise TypeError("grad() got both grad_outputs and grad_output; they are the same, give one")
        grad_outputs = grad_output
    single = isinstance(inputs, Value)
    if not single and (isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable)):
        raise TypeError(
            f"grad() needs a Value or a sequence of Values as inputs, got {type(inputs).__name__}"
        )
    xs: tuple[Any, ...] = (inputs,) if single else tuple(inputs)  # type: ignore[arg-type]
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"grad(): input {i} must be a Value, got {type(x).__name__}")
        if not x.requires_grad:
            raise ValueError(
                f"grad(): {_describe(i, x)} does not require grad (a constant, a detached value or "
                "one made under no_grad()); create it as Value(..., requires_grad=True) "
                "or leave it out of inputs"
            )
    seeds = _seeds(grad_outputs, len(roots), "grad()", values=create_graph)
    if not any(r.requires_grad for r in roots):
        if allow_unused:
            return _pack([const(0.0) for _ in xs], single)
        raise ValueError(_no_graph_message(roots, xs))
    if create_graph:
        with PASS_LOCK:
            order = _walk(roots, None, [])
        _check_used(xs, set(order), allow_unused)
        values = [g if isinstance(g, Value) else const(g, "grad_output") for g in seeds]
        table = _propagate_values(order, roots, values)
        # each derivative depends on the input it was taken for (which requires grad): where it
        # is locally constant there, differentiating it again gives 0, not "not used"
        results = _tie_to_inputs([table.get(x) or const(0.0) for x in xs], xs)
    else:
        with PASS_LOCK:
            order = _walk(roots, None, [])
            grads = _float_table(order, roots, seeds)
        _check_used(xs, grads, allow_unused)
        results = [const(grads.get(x, 0.0)) for x in xs]
    return _pack(results, single)


def _no_graph_message(roots: list[Value], xs: tuple[Value, ...]) -> str:
    """Why ``grad()`` has nothing to differentiate: no output recorded a graph.

    An output that requires no grad was computed while nothing it used required
    grad (constants, detached values, or under ``no_grad()``), so no graph was
    recorded.  The usual cause is switching ``requires_grad`` on after the
    output was computed; the fix is to compute the output again.  (The other
    case, an output with a graph that does not use an input, is
    :func:`_check_used`'s, where ``allow_unused`` is the answer.)
    """
    one = len(roots) == 1
    subject = "the output does not require grad: it was" if one else "no output requires grad: they were"
    it = "it" if one else "them"
    names = ", ".join(repr(x.label) if x.label else f"input {i}" for i, x in enumerate(xs))
    example = xs[0].label if xs and xs[0].label.isidentifier() else "w"
    return (
        f"grad(): {subject} computed while nothing they used required grad (constants, detached "
        "values, or inside no_grad()), so no graph was recorded and no gradient can reach "
        f"{names}. If you switched requires_grad on after computing {it} "
        f"({example}.requires_grad_()), compute {it} again now: only ops run while an input "
        "requires grad are recorded"
    ).replace("nothing they used", "nothing it used" if one else "nothing they used")


def _check_used(xs: tuple[Value, ...], reached: Container[Value], allow_unused: bool) -> None:
    for i, x in enumerate(xs):
        if x not in reached and not allow_unused:
            raise ValueError(
                f"grad(): {_describe(i, x)} was not used to compute the output, so its gradient "
                "is undefined; pass allow_unused=True to get 0 for it"
            )


def _pack(results: list[Value], single: bool) -> Value | tuple[Value, ...]:
    return results[0] if single else tuple(results)
