"""Pictures and text of the chain rule: graph renderer, ``explain``, step-through page.

* :func:`draw_graph` / :func:`render_graph` - the graph behind a Value, with
  each edge labelled by its local derivative (needs the ``graphviz`` Python
  package and Graphviz's ``dot`` program);
* :func:`explain` - the chain rule as text, path by path (standard library only);
* :func:`render_backward_html` - one offline HTML page stepping through the
  backward pass node by node.
"""

from tinygrad_edu.viz.errors import GraphTooLargeError, GraphvizNotFoundError
from tinygrad_edu.viz.explain import explain
from tinygrad_edu.viz.graph import draw_graph, render_graph
from tinygrad_edu.viz.html import render_backward_html

__all__ = [
    "GraphTooLargeError", "GraphvizNotFoundError", "draw_graph", "explain", "render_backward_html",
    "render_graph",
]
