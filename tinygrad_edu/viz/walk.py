"""Walking a graph for drawing: every node, constants included, in a fixed order.

The engine's own :func:`~tinygrad_edu.engine.autograd.topological_order` only
visits nodes that require grad (constants need no gradient) and keeps its
bookkeeping in the nodes themselves.  A picture needs every node, and must not
disturb a backward pass, so this module has its own iterative walk:
depth-first, inputs in argument order, each node emitted after all of its
inputs.  The order - and so every node id in a picture - depends only on the
graph's shape, never on memory addresses.

It also computes, without touching ``.grad``, the two numbers a picture of the
chain rule is made of:

* the *local derivative* on each edge, ∂out/∂input at this point, asked from
  the ops registry (the single place where derivative formulas live);
* the *adjoint* of each node, d(root)/d(node) = Σ over the node's users of
  adjoint(user) × ∂user/∂node - taken from the engine's own backward pass
  (without touching ``.grad``); :func:`explain` prints the same sum term by term.
"""

from __future__ import annotations

from tinygrad_edu.engine.autograd import node_gradients
from tinygrad_edu.engine.value import Value


def walk(root: Value) -> list[Value]:
    """Every Value ``root`` depends on (constants included), inputs before users, ``root`` last.

    Iterative, so a graph of any depth works.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(2.0, label="x")
    >>> y = x * 3 + x
    >>> [v.label or v.op or v.data for v in walk(y)]
    ['x', 3.0, 'mul', 'add']
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value to draw or explain, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for x in reversed(node.inputs):  # reversed: the first input is emitted first
            if id(x) not in seen:
                stack.append((x, False))
    return order


def local_derivatives(node: Value) -> tuple[float, ...]:
    """∂node/∂input for each input of ``node`` at this point, from the registry (``()`` for a leaf).

    >>> import tinygrad_edu as tg
    >>> w, x = tg.Value(2.0), tg.Value(5.0)
    >>> local_derivatives(w * x)       # ∂(wx)/∂w = x, ∂(wx)/∂x = w
    (5.0, 2.0)
    """
    spec = node.op_spec
    if spec is None:
        return ()
    grads = spec.local_grads(node.data, tuple(x.data for x in node.inputs), node.param)
    return tuple(float(g) for g in grads)


def adjoints(order: list[Value], seed: float = 1.0) -> dict[int, float]:
    """d(root)/d(node) for every node of ``order`` that requires grad, keyed by ``id``.

    ``order`` is a :func:`walk` (root last).  The numbers come from the engine's
    own backward pass (:func:`~tinygrad_edu.engine.autograd.node_gradients`), so
    a picture shows exactly what ``backward()`` would give; ``.grad`` is neither
    read nor written.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0)
    >>> y = x * x + x                      # dy/dx = 2x + 1 = 7
    >>> adjoints(walk(y))[id(x)]
    7.0
    """
    adj: dict[int, float] = {id(v): 0.0 for v in order if v.requires_grad}
    if order and order[-1].requires_grad:
        adj.update((id(v), g) for v, g in node_gradients(order[-1], seed).items())
    return adj
