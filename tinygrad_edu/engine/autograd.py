"""Reverse-mode differentiation: topological order, ``backward`` and ``grad``.

The chain rule, applied to a graph: walk the nodes from the output back to the
inputs in reverse topological order (every node after all nodes that use it),
and hand each node's gradient to its inputs through the op's local derivative
from the registry: ``grad(input) += grad(out) * d(out)/d(input)``.

Everything here is iterative (an explicit stack, no recursion), so a graph of
any depth works.  Gradients of one pass are summed in a per-node scratch slot
first and added to ``.grad`` once at the end of the pass, so calling
``backward()`` twice adds exactly one more pass and no node is counted twice.
With ``create_graph=True`` the same registry rules are evaluated on Values
instead of floats, which records the backward pass as a new graph that can be
differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union, overload

from tinygrad_edu.engine.mode import enable_grad
from tinygrad_edu.engine.value import Value, const, to_float

Number = Union[int, float]


def topological_order(root: Value) -> list[Value]:
    """Nodes that ``root`` depends on (and that require grad), inputs before users.

    Iterative depth-first search.  A node is pushed to be opened; when opened it
    is pushed again, under its inputs, so it comes back - and is emitted - only
    after all of them.  Each walk marks nodes with two fresh tokens ("opened",
    "emitted") in the node's ``_mark`` slot, which is cheaper than two sets.
    Also resets each node's per-pass gradient ``_g`` to 0.
    """
    order: list[Value] = []
    if not root.requires_grad:
        return order
    emit = order.append
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
        elif mark is not emitted:  # first visit: open it
            node._mark = opened
            node._g = 0.0
            push(node)
            op = node._op
            if op is None:
                continue
            if op.arity == 2:
                a = node._a
                b = node._b
                if a.requires_grad and a._mark is not emitted:
                    push(a)
                if b.requires_grad and b._mark is not emitted:
                    push(b)
            elif op.arity == 1:
                a = node._a
                if a.requires_grad and a._mark is not emitted:
                    push(a)
            else:
                for x in node._a:
                    if x.requires_grad and x._mark is not emitted:
                        push(x)
    return order


def _propagate_floats(order: list[Value], write_grad: bool) -> None:
    """One backward pass on floats over ``order`` (root last, its ``_g`` seeded).

    For each node, from the output back: ``grad(input) += g * d(node)/d(input)``,
    the product coming from the op's ``vjp`` rule in the registry.  With
    ``write_grad`` each node's total for this pass is then added to ``.grad``.
    """
    for node in reversed(order):
        g = node._g
        op = node._op
        if op is not None:
            arity = op.arity
            if arity == 2:
                a = node._a
                b = node._b
                ga, gb = op.vjp(g, node.data, a.data, b.data)
                a._g += ga
                b._g += gb
            elif arity == 1:
                x = node._a
                p = node._b
                if p is None:
                    (gx,) = op.vjp(g, node.data, x.data)
                else:
                    (gx,) = op.vjp(g, node.data, x.data, p)
                x._g += gx
            else:
                ins = node._a
                p = node._b
                datas = [x.data for x in ins]
                grads = op.vjp(g, node.data, *datas) if p is None else op.vjp(g, node.data, *datas, p)
                for x, gx in zip(ins, grads):
                    x._g += gx
        if write_grad:
            node.grad += g


def _propagate_values(order: list[Value], seed: Value) -> dict[Value, Value]:
    """One backward pass on Values (records a graph): node -> d(root)/d(node)."""
    grads: dict[Value, Value] = {order[-1]: seed}
    with enable_grad():
        for node in reversed(order):
            g = grads.get(node)
            op = node._op
            if g is None or op is None:
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
    order = topological_order(root)
    root._g = seed
    _propagate_floats(order, write_grad=True)


def node_gradients(root: Value, grad_output: Any = 1.0) -> dict[Value, float]:
    """d(root)/d(node) * grad_output for every node ``root`` depends on that requires grad.

    One float backward pass that touches no ``.grad`` (the renderer and ``explain``
    use it to show gradients without changing them).

    >>> x = Value(3.0)
    >>> y = x * x + x                      # dy/dx = 2x + 1 = 7
    >>> node_gradients(y)[x], x.grad
    (7.0, 0.0)
    """
    order = topological_order(root)
    if not order:
        return {}
    root._g = to_float(grad_output, "grad_output")
    _propagate_floats(order, write_grad=False)
    return {node: node._g for node in order}


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
    order = topological_order(output)
    reached = set(order)
    for i, x in enumerate(xs):
        if x not in reached and not allow_unused:
            raise ValueError(
                f"grad(): {_describe(i, x)} was not used to compute the output, so its gradient "
                "is undefined; pass allow_unused=True to get 0 for it"
            )
    if create_graph:
        seed = grad_output if isinstance(grad_output, Value) else const(grad_output, "grad_output")
        table = _propagate_values(order, seed)
        results = [table.get(x) or const(0.0) for x in xs]
    else:
        output._g = to_float(grad_output.data if isinstance(grad_output, Value) else grad_output,
                             "grad(grad_output)")
        _propagate_floats(order, write_grad=False)
        results = [const(x._g if x in reached else 0.0) for x in xs]
    return _pack(results, single)


def _pack(results: list[Value], single: bool) -> Value | tuple[Value, ...]:
    return results[0] if single else tuple(results)
