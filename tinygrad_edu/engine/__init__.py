"""The autograd engine: Value, backward, grad, no_grad and custom Functions (standard library only)."""

from tinygrad_edu.engine.autograd import backward, grad, node_gradients, topological_order
from tinygrad_edu.engine.function import Context, Function
from tinygrad_edu.engine.mode import (
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from tinygrad_edu.engine.value import Value, apply_op, dot, maximum, minimum, sum

__all__ = ["Value", "apply_op", "backward", "grad", "node_gradients", "topological_order",
           "Function", "Context", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
           "detect_anomaly", "is_anomaly_enabled", "sum", "dot", "maximum", "minimum"]
