"""tinygrad_edu: a scalar automatic-differentiation engine for learning backpropagation.

>>> import tinygrad_edu as tg
>>> w, x, b = tg.Value(2.0, label="w"), tg.Value(1.0, label="x"), tg.Value(0.0, label="b")
>>> y = (w * x + b).sigmoid()
>>> y.backward()
>>> round(y.data, 4), round(w.grad, 4)
(0.8808, 0.105)
"""

import importlib as _importlib
import importlib.util as _importlib_util
import typing as _typing
from types import ModuleType as _ModuleType

from tinygrad_edu import checking, data, engine, functional, nn, optim, training
from tinygrad_edu.checking import finite_difference, gradcheck, hessian, jacobian
from tinygrad_edu.engine import (
    Context,
    Function,
    Value,
    backward,
    detect_anomaly,
    dot,
    enable_grad,
    grad,
    is_anomaly_enabled,
    is_grad_enabled,
    maximum,
    minimum,
    no_grad,
    set_grad_enabled,
)
from tinygrad_edu.engine import display as _engine_display
from tinygrad_edu.engine import sum as sum  # public as tg.sum, not in __all__ (shadows the builtin)
from tinygrad_edu.engine.compiled import compile as compile  # tg.compile, not in __all__ either
from tinygrad_edu.errors import (
    AnomalyError,
    DomainError,
    GradcheckError,
    NumericOverflowError,
    TinygradEduError,
)
from tinygrad_edu.strings import get_language, set_language

# The one place the version is written: pyproject.toml reads it from here (hatch's dynamic version).
__version__ = "0.1.0"

# Submodules imported on first use (``tg.plots``), never by ``import tinygrad_edu``: the upper layers
# (viz, plots, testing) are not needed to build and differentiate Values. The value names the package a
# submodule cannot be imported without (plots needs matplotlib, from the ``viz`` extra), or None when it
# imports with the standard library alone (viz loads graphviz only to draw, testing hypothesis only
# for its strategies).
_LAZY_SUBMODULES: dict[str, str | None] = {
    "viz": None, "plots": "matplotlib", "testing": None, "interop": None,
}

# Names that shadow a builtin (``sum``; ``compile`` too) stay public as ``tg.sum`` but are left out of
# ``__all__``, so ``from tinygrad_edu import *`` never replaces the builtin.
__all__ = [
    "Value", "dot", "grad", "backward", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "maximum", "minimum", "Function", "Context", "AnomalyError",
    "gradcheck", "jacobian", "hessian", "finite_difference", "set_language", "get_language",
    "TinygradEduError", "DomainError", "NumericOverflowError", "GradcheckError", "__version__",
    "engine", "checking", "data", "functional", "nn", "optim", "training",
]
# A lazy submodule is listed when what it needs is installed, so ``import *`` works on an engine-only
# install (without matplotlib it would fail on "plots"), and API-doc tools still find every submodule.
__all__ += [
    name for name, needs in _LAZY_SUBMODULES.items() if needs is None or _importlib_util.find_spec(needs)
]


def _display_value(value: Value) -> dict[str, str]:
    """Notebook display of a Value: its graph, from the viz layer (imported on first display)."""
    from tinygrad_edu.viz.jupyter import mimebundle

    return mimebundle(value)


_engine_display.hook = _display_value  # the engine's display slot (it imports nothing above itself)


if _typing.TYPE_CHECKING:  # checkers see the lazy submodules as imports, and no catch-all __getattr__
    from tinygrad_edu import interop as interop
    from tinygrad_edu import plots as plots
    from tinygrad_edu import testing as testing
    from tinygrad_edu import viz as viz
else:

    def __getattr__(name: str) -> _ModuleType:
        """Import a lazy submodule (``tg.viz``, ``tg.plots``, ``tg.testing``) the first time it is used."""
        if name in _LAZY_SUBMODULES:
            module = _importlib.import_module(f"{__name__}.{name}")
            globals()[name] = module
            return module
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_LAZY_SUBMODULES))
