"""Grad mode: whether new ops record the graph.  Per thread, like PyTorch's.

``no_grad()`` switches recording off (for evaluation, or for the parameter
update of gradient descent); ``enable_grad()`` switches it back on inside a
``no_grad`` block.  Both work as context managers and as decorators.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    enabled = True  # class attribute: the default for every new thread


MODE = _Mode()


class _AllThreads:
    """A fast path for the common case: no thread has recording switched off.

    Reading a thread-local attribute costs about twice a plain one, and every
    op asks.  So ops first read ``ALL.on`` (True while no thread is inside
    ``no_grad``) and only look at their own thread's ``MODE`` when it is False.
    """

    on = True
    _off_threads = 0
    _lock = threading.Lock()


ALL = _AllThreads()


def _set_enabled(enabled: bool) -> bool:
    """Switch recording in this thread; return the previous setting."""
    previous = MODE.enabled
    if previous != enabled:
        with _AllThreads._lock:
            MODE.enabled = enabled
            ALL._off_threads += -1 if enabled else 1
            ALL.on = ALL._off_threads == 0
    return previous


def is_grad_enabled() -> bool:
    """True when ops record the graph in this thread."""
    return MODE.enabled


class _SetGradMode:
    _target = True

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_set_enabled(self._target))

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._saved.pop())

    def __call__(self, func: F) -> F:
        target = self._target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = _set_enabled(target)
            try:
                return func(*args, **kwargs)
            finally:
                _set_enabled(previous)

        return wrapper  # type: ignore[return-value]


class no_grad(_SetGradMode):  # noqa: N801 - named like the PyTorch API learners know
    """Context manager and decorator: inside it, ops record no graph.

    >>> from tinygrad_edu import Value, no_grad
    >>> w = Value(2.0)
    >>> with no_grad():
    ...     y = w * 3
    >>> y.requires_grad, y.op
    (False, '')
    """

    _target = False


class enable_grad(_SetGradMode):  # noqa: N801
    """Context manager and decorator: record the graph again, even inside ``no_grad``."""

    _target = True
