"""Reverse-mode differentiation: topological order, ``backward`` and ``grad``.

The chain rule, applied to a graph: walk the nodes from the output back to the
inputs in reverse topological order (every node after all nodes that use it),
and hand each node's gradient to its inputs through the op's local derivative
from the registry: ``grad(input) += grad(out) * d(out)/d(input)``.

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

from collections.abc import Container, Sequence
from typing import Any, Union, overload

from tinygrad_edu.engine.mode import enable_grad
from tinygrad_edu.engine.value import CONSTANT, Value, const, to_float

Number = Union[int, float]


def topological_order(root: Value) -> list[Value]:
    """Nodes that ``root`` depends on (and that require grad), inputs before users.

    >>> x = Value(2.0, label="x")
    >>> y = (x * x).relu()
    >>> [v.op or v.label for v in topological_order(y)]
    ['x', 'mul', 'relu']
    """
    return _walk(root, None, [])


Saved = list[tuple[Value, float]]  # (node, its .grad before a pass)


def _walk(root: Value, set_aside: Saved | None, constants: list[Value]) -> list[Value]:
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
    if root._op is CONSTANT:
        return order
    emit = order.append
    met = constants.append
    opened = object()
    emitted = object()
    stack = [root]
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
        arity = node._op.arity
        if arity == 2:
            a = node._a
            b = node._b
            if a._op is CONSTANT:
                met(a)
            elif a._mark is not emitted:
                push(a)
            if b._op is CONSTANT:
                met(b)
            elif b._mark is not emitted:
                push(b)
        elif arity == 1:
            a = node._a
            if a._op is CONSTANT:
                met(a)
            elif a._mark is not emitted:
                push(a)
        elif arity < 0:
            for x in node._a:
                if x._op is CONSTANT:
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
        op = node._op
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


def _float_pass(root: Value, seed: float, set_aside: Saved) -> list[Value]:
    """Walk from ``root`` and run one float pass; returns the walk's order.

    Afterwards each reached node's ``.grad`` holds this pass's gradient only, and
    ``set_aside`` what was there before; constants keep their ``.grad``.  A pass
    that raises puts everything back.
    """
    constants: list[Value] = []
    try:
        order = _walk(root, set_aside, constants)
    except BaseException:  # a KeyboardInterrupt, say: put back what was set aside
        _restore([], set_aside)
        raise
    kept = [(c, c.grad) for c in constants if c.grad]  # a constant's .grad is normally 0
    root.grad = seed
    try:
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


def _propagate_values(order: list[Value], seed: Value) -> dict[Value, Value]:
    """One backward pass on Values (records a graph): node -> d(root)/d(node)."""
    grads: dict[Value, Value] = {order[-1]: seed}
    with enable_grad():
        for node in reversed(order):
            g = grads.get(node)
            op = node._op
            if g is None or op.arity == 0:
                continue
            ins = node.inputs
            p = node.param
            local = op.vjp(g, node, *ins) if p is None else op.vjp(g, node, *ins, p)
            for x, gx in zip(ins, local):
                if not x.requires_grad:
                    continue
                if not isinstance(gx, Value):
                    gx = const(gx)
                prev = grads.get(x)
                grads[x] = gx if prev is None else prev + gx
    return grads


def backward(root: Value, grad_output: Any = 1.0) -> None:
    """Fill ``.grad`` of every node ``root`` depends on (see :meth:`Value.backward`)."""
    if not isinstance(root, Value):
        raise TypeError(f"backward() needs a Value, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError(
            "backward() called on a Value that does not require grad: it was made from "
            "constants, detached values or under no_grad(), so there is nothing to differentiate"
        )
    seed = to_float(grad_output, "backward(grad_output)")
    set_aside: Saved = []
    _float_pass(root, seed, set_aside)
    for node, old in set_aside:
        node.grad += old


def node_gradients(root: Value, grad_output: Any = 1.0) -> dict[Value, float]:
    """d(root)/d(node) * grad_output for every node ``root`` depends on that requires grad.

    One float backward pass that leaves every ``.grad`` as it was (the renderer
    and ``explain`` use it to show gradients without changing them).

    >>> x = Value(3.0)
    >>> y = x * x + x                      # dy/dx = 2x + 1 = 7
    >>> node_gradients(y)[x], x.grad
    (7.0, 0.0)
    """
    seed = to_float(grad_output, "grad_output")
    if not root.requires_grad:
        return {}
    set_aside: Saved = []
    order = _float_pass(root, seed, set_aside)
    grads = {node: node.grad for node in order}
    _restore(order, set_aside)
    return grads


def _describe(i: int, v: Value) -> str:
    return f"input {i}" + (f" ({v.label!r})" if v.label else "") + f" = {v!r}"


@overload
def grad(output: Value, inputs: Value, *, grad_output: Any = ..., create_graph: bool = ...,
         allow_unused: bool = ...) -> Value: ...
@overload
def grad(output: Value, inputs: Sequence[Value], *, grad_output: Any = ..., create_graph: bool = ...,
         allow_unused: bool = ...) -> tuple[Value, ...]: ...
def grad(output: Value, inputs: Value | Sequence[Value], *, grad_output: Any = 1.0,
         create_graph: bool = False, allow_unused: bool = False) -> Value | tuple[Value, ...]:
    """d(output)/d(input) for each input, like ``torch.autograd.grad``; never touches ``.grad``.

    ``inputs`` is one Value (one Value is returned) or a sequence (a tuple is returned).
    With ``create_graph=True`` the results are Values recorded in a graph, so they
    can be differentiated again (second derivatives).

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0, label="x")
    >>> y = x ** 3
    >>> dy = tg.grad(y, x, create_graph=True)   # 3x² = 27
    >>> d2y = tg.grad(dy, x)                    # 6x  = 18
    >>> dy.data, d2y.data, x.grad
    (27.0, 18.0, 0.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}")
    single = isinstance(inputs, Value)
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
    if not output.requires_grad:
        if allow_unused:
            return _pack([const(0.0) for _ in xs], single)
        raise ValueError(
            "grad(): the output does not require grad - it does not depend on any input that "
            "requires grad (for example the derivative of a linear function is a constant, so its "
            "own derivative is 0); pass allow_unused=True to get 0"
        )
    if create_graph:
        order = topological_order(output)
        _check_used(xs, set(order), allow_unused)
        seed = grad_output if isinstance(grad_output, Value) else const(grad_output, "grad_output")
        table = _propagate_values(order, seed)
        results = [table.get(x) or const(0.0) for x in xs]
    else:
        grads = node_gradients(output, grad_output.data if isinstance(grad_output, Value) else grad_output)
        _check_used(xs, grads, allow_unused)
        results = [const(grads.get(x, 0.0)) for x in xs]
    return _pack(results, single)


def _check_used(xs: tuple[Value, ...], reached: Container[Value], allow_unused: bool) -> None:
    for i, x in enumerate(xs):
        if x not in reached and not allow_unused:
            raise ValueError(
                f"grad(): {_describe(i, x)} was not used to compute the output, so its gradient "
                "is undefined; pass allow_unused=True to get 0 for it"
            )


def _pack(results: list[Value], single: bool) -> Value | tuple[Value, ...]:
    return results[0] if single else tuple(results)
