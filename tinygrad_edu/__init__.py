"""tinygrad_edu: a scalar automatic-differentiation engine for learning backpropagation.

>>> import tinygrad_edu as tg
>>> w, x, b = tg.Value(2.0, label="w"), tg.Value(1.0, label="x"), tg.Value(0.0, label="b")
>>> y = (w * x + b).sigmoid()
>>> y.backward()
>>> round(y.data, 4), round(w.grad, 4)
(0.8808, 0.105)
"""

from tinygrad_edu import data, functional, nn, optim, training
from tinygrad_edu.checking import finite_difference, gradcheck, hessian, jacobian
from tinygrad_edu.engine import (
    Context,
    Function,
    Value,
    dot,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    sum,
)
from tinygrad_edu.errors import DomainError, GradcheckError, NumericOverflowError, TinygradEduError

__version__ = "0.1.0"

__all__ = [
    "Value", "sum", "dot", "grad", "no_grad", "enable_grad", "is_grad_enabled", "Function", "Context",
    "gradcheck", "jacobian", "hessian", "finite_difference",
    "TinygradEduError", "DomainError", "NumericOverflowError", "GradcheckError", "__version__",
    "data", "functional", "nn", "optim", "training",
]
