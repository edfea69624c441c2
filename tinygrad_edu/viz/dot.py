"""DOT text, written without any third-party package, and Graphviz's ``dot`` program run with a time bound.

Two jobs:

* **writing DOT** - :func:`quote` and :func:`attr_list` turn names and
  attributes into DOT syntax; :class:`Html` marks a Graphviz HTML-like label
  (written between ``<`` and ``>``), every other value is written bare when it
  is a plain identifier or number and double-quoted otherwise.  The renderer
  builds its whole source with these, so ``-o graph.dot`` and ``--explain`` need
  neither the ``graphviz`` Python package nor the ``dot`` program;
* **running dot** - :func:`run_dot` pipes a source through ``dot -T<fmt>`` in a
  process group of its own.  Past ``timeout`` seconds (default
  :data:`DEFAULT_DOT_TIMEOUT`, or the ``TINYGRAD_EDU_DOT_TIMEOUT`` environment
  variable) the whole group is killed and :class:`DotTimeoutError` says why and
  what to do.  The process is waited for in every case - success, error,
  timeout, Ctrl-C - so no ``dot`` outlives the call.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping

from tinygrad_edu.errors import TinygradEduError
from tinygrad_edu.viz.errors import INSTALL_GRAPHVIZ, GraphvizNotFoundError

#: Seconds a ``dot`` layout may take before it is stopped, unless told otherwise.
DEFAULT_DOT_TIMEOUT = 30.0
#: Environment variable that overrides :data:`DEFAULT_DOT_TIMEOUT` (seconds, a positive number).
DOT_TIMEOUT_ENV = "TINYGRAD_EDU_DOT_TIMEOUT"

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


class DotTimeoutError(TinygradEduError, RuntimeError):
    """Graphviz's ``dot`` ran past its time bound and was stopped; the message says what to do."""


class DotFailedError(TinygradEduError, RuntimeError):
    """Graphviz's ``dot`` exited with an error; the message carries its first lines of stderr."""


class Html(str):
    """A Graphviz HTML-like label: written as ``<...>`` (its text must already be escaped)."""

    __slots__ = ()


def quote(value: str) -> str:
    """``value`` as a DOT ID: bare when it can be, an HTML label for :class:`Html`, else double-quoted.

    >>> quote("v0"), quote("0.5"), quote("graph"), quote('say "hi"'), quote(Html("<B>x</B>"))
    ('v0', '0.5', '"graph"', '"say \\\\"hi\\\\""', '<<B>x</B>>')
    """
    if isinstance(value, Html):
        return f"<{value}>"
    if _BARE.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attr_list(attrs: Mapping[str, str]) -> str:
    """``key=value`` pairs separated by spaces: ``label`` first, then by name (a stable source).

    >>> attr_list({"shape": "plain", "id": "v0", "label": Html("x")})
    'label=<x> id=v0 shape=plain'
    """
    keys = sorted(attrs, key=lambda k: (k != "label", k))
    return " ".join(f"{quote(k)}={quote(attrs[k])}" for k in keys)


def dot_timeout(timeout: float | None = None) -> float:
    """The time bound to use: ``timeout`` if given, else ``$TINYGRAD_EDU_DOT_TIMEOUT``, else 30 s.

    >>> dot_timeout(5)
    5.0
    >>> dot_timeout(0)
    Traceback (most recent call last):
    ...
    ValueError: the dot timeout must be a positive number of seconds, got 0
    """
    where = "the dot timeout"
    if timeout is None:
        text = os.environ.get(DOT_TIMEOUT_ENV, "").strip()
        if not text:
            return DEFAULT_DOT_TIMEOUT
        where = f"{DOT_TIMEOUT_ENV}={text!r}"
        try:
            timeout = float(text)
        except ValueError:
            raise ValueError(f"{where} is not a number of seconds; set it to e.g. 60") from None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"the dot timeout must be a number of seconds, got {type(timeout).__name__}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"{where} must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc`` and everything it started, then reap it."""
    if proc.poll() is None:
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait()


def find_dot() -> str | None:
    """Path of Graphviz's ``dot`` program on PATH, or None."""
    return shutil.which("dot")


def run_dot(source: str, fmt: str, *, timeout: float | None = None, what: str = "the graph") -> bytes:
    """Lay out DOT ``source`` with ``dot -T<fmt>``; returns the picture's bytes.

    Raises :class:`GraphvizNotFoundError` when ``dot`` is not on PATH,
    :class:`DotTimeoutError` past ``timeout`` seconds (see :func:`dot_timeout`;
    the process group is killed first) and :class:`DotFailedError` when ``dot``
    exits with an error.  ``what`` names the graph in the timeout message.
    """
    limit = dot_timeout(timeout)
    exe = find_dot()
    if exe is None:
        raise GraphvizNotFoundError(
            f"Graphviz's `dot` program was not found on PATH, so no {fmt} could be made. "
            f"To fix: {INSTALL_GRAPHVIZ}")
    proc = subprocess.Popen([exe, f"-T{fmt}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=(os.name == "posix"))
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=limit)
    except subprocess.TimeoutExpired:
        _stop(proc)
        proc.communicate()  # close the pipes
        raise DotTimeoutError(
            f"Graphviz's dot did not finish laying out {what} within {limit:g} s and was stopped. "
            f"To fix: draw without the local derivatives (--no-local-grads, show_local_grads=False), "
            f"draw a smaller part of the graph, or allow more time (render_graph(..., "
            f"timeout=SECONDS) or the environment variable {DOT_TIMEOUT_ENV})") from None
    finally:
        _stop(proc)
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        detail = " ".join(lines[:3]) or "no message"
        raise DotFailedError(f"Graphviz's dot failed (exit {proc.returncode}): {detail}")
    return out
