"""User-defined primitives: write the forward and the backward by hand.

Subclass :class:`Function` when an op is not (or should not be) built from the
registry's ops - for a numerically better formula, a fused step, or to learn
what a backward really has to compute.  ``forward`` sees plain floats and
returns a float; ``backward`` gets the upstream gradient and returns one
gradient per input.  ``MyOp.apply(*values)`` returns a Value in the graph.

>>> from tinygrad_edu import Function, Value
>>> class Cube(Function):
...     @staticmethod
...     def forward(ctx, x):          # f(x) = x³
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, grad_output):  # f'(x) = 3x²
...         (x,) = ctx.saved_values
...         return (grad_output * 3 * x * x,)
>>> x = Value(2.0)
>>> y = Cube.apply(x); y.backward()
>>> y.data, x.grad, y.op
(8.0, 12.0, 'Cube')
"""

from __future__ import annotations

from typing import Any

from tinygrad_edu.engine.value import Value, const, nary, to_float
from tinygrad_edu.errors import TinygradEduError
from tinygrad_edu.ops.registry import Domain, Op


class Context:
    """Scratch space shared by one call's ``forward`` and ``backward``."""

    def __init__(self) -> None:
        self.saved_values: tuple[Any, ...] = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep numbers for ``backward`` (Values are stored as their data)."""
        self.saved_values = tuple(v.data if isinstance(v, Value) else v for v in values)


class Function:
    """Base class of a user-defined primitive (see the module docstring)."""

    _ops: dict[type, Op] = {}

    @staticmethod
    def forward(ctx: Context, *xs: float) -> float:
        raise NotImplementedError("a Function subclass must define forward(ctx, *xs) -> float")

    @staticmethod
    def backward(ctx: Context, grad_output: float) -> tuple[float, ...]:
        raise NotImplementedError(
            "a Function subclass must define backward(ctx, grad_output) -> tuple of floats"
        )

    @classmethod
    def _op(cls) -> Op:
        op = Function._ops.get(cls)
        if op is None:
            name = cls.__name__

            def vjp(g: Any, out: Any, *xs_and_ctx: Any) -> tuple[float, ...]:
                ctx = xs_and_ctx[-1]
                n = len(xs_and_ctx) - 1
                if not isinstance(g, float):
                    raise TinygradEduError(
                        f"{name}.backward works on floats, so it cannot be differentiated again "
                        "(create_graph=True); build the op from Value operations instead"
                    )
                res = cls.backward(ctx, g)
                if not isinstance(res, (tuple, list)):
                    res = (res,)
                if len(res) != n:
                    raise TinygradEduError(
                        f"{name}.backward returned {len(res)} gradient(s) but {name} has {n} input(s); "
                        "return a tuple with one float per input"
                    )
                return tuple(0.0 if r is None else to_float(r, f"{name}.backward result") for r in res)

            op = Op(name, name, -1, cls.forward, vjp, f"{name}.forward", f"{name}.backward",
                    "apply", Domain(()), param="ctx", extra={"function": cls})
            Function._ops[cls] = op
        return op

    @classmethod
    def apply(cls, *inputs: Any) -> Value:
        """Run ``forward`` on the inputs' data and return the result as a node of the graph."""
        ins = tuple(x if isinstance(x, Value) else const(x, f"input of {cls.__name__}") for x in inputs)
        ctx = Context()
        out = cls.forward(ctx, *[x.data for x in ins])
        data = to_float(out, f"{cls.__name__}.forward result")
        return nary(cls._op(), data, ins, ctx)
