"""The autograd engine: Value, backward, grad, no_grad and custom Functions (standard library only)."""

from tinygrad_edu.engine.autograd import backward, grad, node_gradients, topological_order
from tinygrad_edu.engine.function import Context, Function
from tinygrad_edu.engine.mode import enable_grad, is_grad_enabled, no_grad
from tinygrad_edu.engine.value import Value, apply_op, dot, sum

__all__ = ["Value", "apply_op", "backward", "grad", "node_gradients", "topological_order",
           "Function", "Context", "no_grad", "enable_grad", "is_grad_enabled", "sum", "dot"]
