"""Jupyter display of a Value: its graph as SVG, or its text repr when that cannot be drawn.

``Value._repr_mimebundle_`` calls :func:`mimebundle`, so evaluating a Value in a
notebook cell shows the picture of :func:`~tinygrad_edu.viz.draw_graph`.  When
the picture cannot be made - the ``graphviz`` Python package or Graphviz's
``dot`` program is missing, or the graph has more Values than the cap - the
bundle holds only the text repr, so displaying a Value never fails.
"""

from __future__ import annotations

from tinygrad_edu.engine.value import Value

#: Largest graph drawn inline in a notebook.
JUPYTER_MAX_NODES = 500


def mimebundle(value: Value, max_nodes: int = JUPYTER_MAX_NODES) -> dict[str, str]:
    """``{"image/svg+xml": ..., "text/plain": repr(value)}``, or just the text when it cannot be drawn.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(2.0, label="x")
    >>> bundle = mimebundle(x * x, max_nodes=1)     # 3 Values: over the cap
    >>> bundle
    {'text/plain': "Value(data=4, op='mul')"}
    """
    text = repr(value)
    try:
        from tinygrad_edu.viz.errors import GraphTooLargeError, GraphvizNotFoundError
        from tinygrad_edu.viz.graph import draw_graph, run_dot

        source = draw_graph(value, max_nodes=max_nodes).source
        svg = run_dot(source, "svg").decode("utf-8")
    except (ImportError, GraphTooLargeError, GraphvizNotFoundError):
        return {"text/plain": text}
    return {"image/svg+xml": svg, "text/plain": text}
