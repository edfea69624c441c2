"""Pictures and text of the chain rule: graph renderer, ``explain``, step-through page.

* :func:`graph_source` / :func:`render_graph` - the graph behind a Value with
  the local derivative where each edge enters its op (DOT source with the
  standard library only; svg/png/pdf need Graphviz's ``dot`` program);
  :func:`draw_graph` - the same as a ``graphviz.Digraph`` (needs the
  ``graphviz`` Python package); :func:`draw_dot` - the micrograd lecture's name
  and keywords for it (``format=``, ``rankdir=``);
* :func:`explain` - the chain rule as text, path by path (standard library only); the
  :class:`Explanation` it returns is a ``str`` that a notebook shows as LaTeX math;
* :func:`render_backward_html` - one offline HTML page stepping through the
  backward pass node by node; :func:`backward_steps` - the same page shown
  inline in a notebook (an ``<iframe>``), with ``.save(path)``.

Each of them takes ``lang="en" | "zh"``: in Chinese the boxes read 数据 / 梯度 and
every word is Chinese (names, symbols, numbers and code stay as they are);
``lang=None``, the default, is the language set by ``tinygrad_edu.set_language``.

Every ``dot`` run has a time bound (``timeout=`` seconds, default 30, or the
``TINYGRAD_EDU_DOT_TIMEOUT`` environment variable): past it ``dot`` is killed
and :class:`DotTimeoutError` says what to do.
"""

from tinygrad_edu.viz.dot import DotTimeoutError
from tinygrad_edu.viz.errors import GraphTooLargeError, GraphvizNotFoundError
from tinygrad_edu.viz.explain import Explanation, explain
from tinygrad_edu.viz.files import OutputPathError
from tinygrad_edu.viz.graph import draw_dot, draw_graph, graph_source, render_graph
from tinygrad_edu.viz.html import BackwardSteps, backward_steps, render_backward_html

__all__ = [
    "BackwardSteps", "DotTimeoutError", "Explanation", "GraphTooLargeError", "GraphvizNotFoundError",
    "OutputPathError", "backward_steps", "draw_dot", "draw_graph", "explain", "graph_source",
    "render_backward_html", "render_graph",
]
