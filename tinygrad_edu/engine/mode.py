"""Grad mode and anomaly mode: per-thread switches that ops read.  Like PyTorch's.

``no_grad()`` switches recording off (for evaluation, or for the parameter
update of gradient descent); ``enable_grad()`` switches it back on inside a
``no_grad`` block; ``set_grad_enabled(mode)`` sets it either way.
``detect_anomaly()`` makes the first op whose result or gradient is NaN or
±inf raise :class:`~tinygrad_edu.errors.AnomalyError`.  All of them work as
context managers and as decorators (bare ``@no_grad`` too, and on generator
functions, whose body then runs in that mode at every resumption).

Each switch is per thread: one thread's ``no_grad`` never changes what another
thread records, even when both use the same ``no_grad()`` instance.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    """This thread's switches (class attributes are the defaults of every new thread)."""

    enabled = True  # ops record the graph
    anomaly = False  # ops check their results for NaN / inf

    def __init__(self) -> None:
        self.off_guard: _OffGuard | None = None  # set while this thread is off the fast path
        # Inside detect_anomaly: id(node) -> (node, "file:line" of the user code that made it),
        # so a backward anomaly can say where its node came from.  Emptied on leaving.
        self.sites: dict[int, tuple[Any, str]] = {}


MODE = _Mode()


class _AllThreads:
    """A fast path for the common case: every thread records, no thread checks anomalies.

    Reading a thread-local attribute costs about twice a plain one, and every
    op asks.  So ops first read ``ALL.on`` (True while no thread is inside
    ``no_grad`` or ``detect_anomaly``) and only look at their own thread's
    ``MODE`` when it is False.
    """

    on = True
    _off_threads = 0
    _lock = threading.Lock()


ALL = _AllThreads()


class _OffGuard:
    """Held by a thread while it is off the fast path.

    When the thread ends while still inside ``no_grad`` (or ``detect_anomaly``),
    its thread-local storage is dropped and this guard with it: ``__del__``
    gives the fast path back to every other thread.
    """

    def __init__(self) -> None:
        self.active = True
        with _AllThreads._lock:
            ALL._off_threads += 1
            ALL.on = False

    def release(self) -> None:
        if self.active:
            self.active = False
            with _AllThreads._lock:
                ALL._off_threads -= 1
                ALL.on = ALL._off_threads == 0

    def __del__(self) -> None:
        self.release()


def _update_fast_path() -> None:
    """Take this thread off the fast path when it records nothing or checks anomalies."""
    off = (not MODE.enabled) or MODE.anomaly
    guard = MODE.off_guard
    if off and guard is None:
        MODE.off_guard = _OffGuard()
    elif not off and guard is not None:
        MODE.off_guard = None
        guard.release()


def _set_enabled(enabled: bool) -> bool:
    """Switch recording in this thread; return the previous setting."""
    previous = MODE.enabled
    if previous != enabled:
        MODE.enabled = enabled
        _update_fast_path()
    return previous


def _set_anomaly(on: bool) -> bool:
    """Switch anomaly detection in this thread; return the previous setting."""
    previous = MODE.anomaly
    if previous != on:
        MODE.anomaly = on
        MODE.sites = {}
        _update_fast_path()
    return previous


def is_grad_enabled() -> bool:
    """True when ops record the graph in this thread."""
    return MODE.enabled


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` in this thread."""
    return MODE.anomaly


class _ModeSwitch:
    """A context manager and decorator that sets one per-thread switch.

    The value to restore is kept on a per-thread stack, so one instance can be
    entered by several threads at once, and nested.
    """

    _target = True
    _setter: Callable[[bool], bool] = staticmethod(_set_enabled)

    def __init__(self) -> None:
        self._stacks = threading.local()

    def _stack(self) -> list[bool]:
        stack: list[bool] | None = getattr(self._stacks, "stack", None)
        if stack is None:
            stack = self._stacks.stack = []
        return stack

    def __enter__(self) -> None:
        self._stack().append(self._setter(self._target))

    def __exit__(self, *exc: object) -> None:
        self._setter(self._stack().pop())

    def __call__(self, func: F) -> F:
        if not callable(func):
            raise TypeError(
                f"{type(self).__name__}() used as a decorator needs a function, got {type(func).__name__}"
            )
        target = self._target
        setter = self._setter
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
                # The body runs in the mode at every resumption, not just at the first call:
                # each next(), send() or throw() is passed on with the mode switched around it.
                gen = func(*args, **kwargs)
                resume: Callable[[], Any] = functools.partial(gen.send, None)
                while True:
                    previous = setter(target)
                    try:
                        value = resume()
                    except StopIteration as stop:
                        return stop.value
                    finally:
                        setter(previous)
                    try:
                        sent = yield value
                    except GeneratorExit:  # closed (or collected): its finally blocks run in the mode too
                        previous = setter(target)
                        try:
                            gen.close()
                        finally:
                            setter(previous)
                        raise
                    except BaseException as exc:  # thrown in: hand it to the body
                        resume = functools.partial(gen.throw, exc)
                    else:
                        resume = functools.partial(gen.send, sent)

            return gen_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = setter(target)
            try:
                return func(*args, **kwargs)
            finally:
                setter(previous)

        return wrapper  # type: ignore[return-value]


class _BareDecorator(_ModeSwitch):
    """Allows ``@no_grad`` without parentheses, as PyTorch does."""

    def __new__(cls, orig_func: Callable[..., Any] | None = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func: Callable[..., Any] | None = None) -> None:
        super().__init__()


class no_grad(_BareDecorator):  # noqa: N801 - named like the PyTorch API learners know
    """Context manager and decorator: inside it, ops record no graph.

    >>> from tinygrad_edu import Value, no_grad
    >>> w = Value(2.0)
    >>> with no_grad():
    ...     y = w * 3
    >>> y.requires_grad, y.op
    (False, '')
    >>> @no_grad                      # bare, as in PyTorch; no_grad() works too
    ... def evaluate(v):
    ...     return v * 2
    >>> evaluate(w).requires_grad
    False
    """

    _target = False


class enable_grad(_BareDecorator):  # noqa: N801
    """Context manager and decorator: record the graph again, even inside ``no_grad``."""

    _target = True


class set_grad_enabled(_ModeSwitch):  # noqa: N801
    """Set recording on or off in this thread: a function call, or a context manager that restores it.

    >>> from tinygrad_edu import Value, set_grad_enabled, is_grad_enabled
    >>> with set_grad_enabled(False):
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
    >>> @set_grad_enabled(False)       # a decorator: only the calls run without recording
    ... def evaluate(v):
    ...     return v * 2
    >>> is_grad_enabled(), evaluate(Value(1.0)).requires_grad
    (True, False)
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(mode) takes True or False, got {type(mode).__name__}")
        super().__init__()
        self._target = mode
        self._previous = _set_enabled(mode)  # takes effect at once, like torch.set_grad_enabled

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._previous)

    def __call__(self, func: F) -> F:
        """As a decorator: the mode set at construction is undone, and the function runs in it at each call.

        ``@set_grad_enabled(False)`` therefore leaves the thread recording, as PyTorch does.
        """
        _set_enabled(self._previous)
        return super().__call__(func)


class detect_anomaly(_BareDecorator):  # noqa: N801
    """Context manager and decorator: the first NaN or ±inf raises :class:`AnomalyError`.

    Inside it, every op checks its forward result and every backward pass the
    gradients it sends to each input; the error names the op, its inputs, the
    pass (forward or backward) and the file:line of your code that created the
    node.  Outside it nothing is checked and nothing is slower.

    >>> import tinygrad_edu as tg
    >>> p = tg.Value(0.0, label="p")
    >>> with tg.detect_anomaly():
    ...     r = p.sqrt()             # forward: √0 = 0 is fine
    ...     r.backward()             # backward: d√p/dp = 1/(2√p) = inf at 0
    Traceback (most recent call last):
    ...
    tinygrad_edu.errors.AnomalyError: backward: sqrt sent the gradient inf to its input 0 (p) ...
    >>> p.grad                       # a failed pass changes no .grad
    0.0
    """

    _target = True
    _setter = staticmethod(_set_anomaly)
