"""The ``graphviz.Digraph`` that :func:`~tinygrad_edu.viz.draw_graph` and
:func:`~tinygrad_edu.viz.draw_dot` return: graphviz's own class, displayed in a
notebook scaled to the output's width.

graphviz's ``Digraph`` shows itself in Jupyter as a bare SVG, which JupyterLab
draws at its full size: a graph 1900 px wide in a 970 px output has its output
node cut off at the right edge.  :class:`FittedDigraph` changes only that
display (the same forms as a Value's, :func:`~tinygrad_edu.viz.jupyter.digraph_bundle`);
its ``source``, ``render()``, ``pipe()`` and ``view()`` are graphviz's.  This
module imports graphviz, so it is imported only when a Digraph is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import graphviz

#: The ``text/plain`` form (and the image's alt text) of the notebook display.
PLAIN_TEXT = "graphviz.Digraph (draw_graph's picture; .source is its DOT text)"


class FittedDigraph(graphviz.Digraph):  # type: ignore[misc]  # graphviz has no type hints
    """A ``graphviz.Digraph`` whose notebook display shrinks a wide picture to the output's width.

    >>> g = FittedDigraph(name="graph")
    >>> g.edge("a", "b")
    >>> isinstance(g, graphviz.Digraph), g.source.splitlines()[1].strip()
    (True, 'a -> b')
    >>> sorted(g._repr_mimebundle_(include=["text/html", "image/jpeg"]))
    ['text/html']
    """

    def _repr_mimebundle_(self, include: Iterable[str] | None = None,
                          exclude: Iterable[str] | None = None, **_: Any) -> dict[str, str]:
        """``text/html`` (the SVG in an ``<img>`` no wider than the output), ``image/svg+xml``,
        ``image/png`` and ``text/plain``; ``include`` / ``exclude`` pick among them as in graphviz."""
        from tinygrad_edu.viz.jupyter import digraph_bundle

        bundle = digraph_bundle(self.source, PLAIN_TEXT)
        if include is not None:
            wanted = set(include)
            bundle = {k: v for k, v in bundle.items() if k in wanted}
        if exclude is not None:
            unwanted = set(exclude)
            bundle = {k: v for k, v in bundle.items() if k not in unwanted}
        return bundle
