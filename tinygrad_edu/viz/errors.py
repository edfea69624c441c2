"""Errors of the viz layer: a graph too large to draw, and Graphviz's ``dot`` not installed."""

from __future__ import annotations

from tinygrad_edu.errors import TinygradEduError

#: How to get Graphviz's ``dot`` program, for error messages.
INSTALL_GRAPHVIZ = (
    "install Graphviz's `dot` program: Debian/Ubuntu `apt-get install graphviz`, "
    "macOS `brew install graphviz`, conda `conda install -c conda-forge graphviz` "
    "(the Python package `graphviz` alone is not enough: it calls the `dot` program)"
)


class GraphTooLargeError(TinygradEduError, ValueError):
    """The graph has more Values than ``max_nodes``; the message says how to proceed."""


class GraphvizNotFoundError(TinygradEduError, RuntimeError):
    """Graphviz's ``dot`` program is not on PATH; the message says how to install it."""


DRAWING_COST = ("Graphviz needs seconds for thousands of nodes and minutes beyond, and such a picture "
                "is unreadable anyway")


def check_size(n: int, max_nodes: int, what: str = "drawing", cost: str = DRAWING_COST) -> None:
    """Raise :class:`GraphTooLargeError` when ``n`` Values exceed ``max_nodes``.

    >>> check_size(10, 500)
    >>> check_size(501, 500)
    Traceback (most recent call last):
    ...
    tinygrad_edu.viz.errors.GraphTooLargeError: the graph has 501 Values, more than max_nodes=500 ...
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if n > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {n} Values, more than max_nodes={max_nodes} for {what}. "
            f"{cost}. To proceed: pass max_nodes={n} to take it all; or take a part - "
            f"call it on an intermediate Value, whose graph is smaller; or collapse the graph - "
            f"build sums and neurons with tinygrad_edu.sum / tinygrad_edu.dot, one node each "
            f"instead of a chain of + and ×"
        )
