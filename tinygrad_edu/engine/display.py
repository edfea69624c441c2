"""The notebook display hook of a Value: a slot the engine calls, filled by a layer above it.

The engine cannot draw (drawing is the viz layer's job, and the engine imports
nothing above itself), yet a Value evaluated in a Jupyter cell should show its
graph.  So ``Value._repr_mimebundle_`` calls :data:`hook` when it is set and
falls back to the text repr when it is None (the default).
``tinygrad_edu/__init__.py``, which sits above every layer, installs a hook
that imports :mod:`tinygrad_edu.viz.jupyter` on first display.

>>> import tinygrad_edu.engine.display as display
>>> callable(display.hook)          # installed by ``import tinygrad_edu``
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``hook(value) -> {mime type: data}``; None: Values display as their text repr.
hook: Callable[[Any], dict[str, str]] | None = None
