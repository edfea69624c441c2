"""Jupyter display of a Value: its graph (scaled to the output's width, SVG and PNG), or its text repr
plus a one-line note saying why not.

The engine's ``Value._repr_mimebundle_`` calls the display hook that
``tinygrad_edu/__init__.py`` installs, which imports this module on first use
and calls :func:`mimebundle`; so evaluating a Value in a notebook cell shows the
picture of :func:`~tinygrad_edu.viz.draw_graph`, in the language set by
``tinygrad_edu.set_language`` (``tg.set_language("zh")`` once, and every Value
shows 数据 / 梯度).  Graphviz's layout is given
at most :data:`JUPYTER_DOT_TIMEOUT` seconds, so a display never blocks the
kernel for long.  When the picture cannot be made - the graph has more Values
than the cap, the layout runs out of time, or Graphviz's ``dot`` program is
missing - the bundle holds the text repr and a short note (``text/markdown``)
saying why and what to do (in Chinese too, after ``tg.set_language("zh")``: a
text for the learner, not an error message), so displaying a Value never
fails silently.
"""

from __future__ import annotations

import base64
import html

from tinygrad_edu import strings
from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.dot import DotFailedError, DotTimeoutError, run_dot
from tinygrad_edu.viz.errors import GraphTooLargeError, GraphvizNotFoundError
from tinygrad_edu.viz.graph import graph_source
from tinygrad_edu.viz.walk import walk

#: Largest graph drawn inline in a notebook.
JUPYTER_MAX_NODES = 500
#: Seconds Graphviz may spend on an inline picture.
JUPYTER_DOT_TIMEOUT = 4.0


def _note(text: str, lang: str, key: str, **fields: object) -> dict[str, str]:
    why = strings.text(lang, f"jupyter.{key}", **fields)
    note = strings.text(lang, "jupyter.not_drawn", why=why)
    return {"text/plain": text, "text/markdown": f"`{text}`\n\n*{note}*"}


def mimebundle(value: Value, max_nodes: int = JUPYTER_MAX_NODES,
               timeout: float = JUPYTER_DOT_TIMEOUT) -> dict[str, str]:
    """The graph for Jupyter: ``text/html`` (the SVG scaled to the output's width), ``image/svg+xml``,
    ``image/png`` and ``text/plain`` (``repr(value)``); or the text with a note saying why not drawn.

    The picture and the note are in the language set by
    ``tinygrad_edu.set_language`` (the note is Chinese in "zh" even without a
    CJK font for the picture: a notebook shows it with its own fonts).

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(2.0, label="x")
    >>> bundle = mimebundle(x * x, max_nodes=1)     # 2 Values: over the cap
    >>> bundle["text/plain"]
    "Value(data=4, op='mul')"
    >>> print(bundle["text/markdown"].splitlines()[-1])   # doctest: +ELLIPSIS
    *(graph not drawn: it has 2 Values, more than the 1 drawn inline; call ...max_nodes=2) ...
    """
    lang = strings.get_language()
    text = repr(value)
    n = len(walk(value))
    if n > max_nodes:
        return _note(text, lang, "too_many", n=n, cap=max_nodes,
                     code=f'tinygrad_edu.viz.render_graph(v, "g.svg", max_nodes={n})')
    try:
        source = graph_source(value, max_nodes=max_nodes, lang=None)
        svg = run_dot(source, "svg", timeout=timeout, what=f"{n} Values").decode("utf-8")
    except DotTimeoutError:
        return _note(text, lang, "timeout", n=n, seconds=f"{timeout:g}",
                     code='tinygrad_edu.viz.render_graph(v, "g.svg", show_local_grads=False)')
    except GraphvizNotFoundError:
        return _note(text, lang, "no_dot")
    except (GraphTooLargeError, DotFailedError, OSError) as exc:
        return _note(text, lang, "failed", error=" ".join(str(exc).split()))
    return _picture_bundle(source, svg, text, timeout=timeout, what=f"{n} Values")


def _picture_bundle(source: str, svg: str, text: str, *, timeout: float | None, what: str) -> dict[str, str]:
    """``svg`` as fitted ``text/html`` and ``image/svg+xml``, the PNG of ``source`` when ``dot`` makes one."""
    bundle = {"text/html": _fitted_html(svg, text), "image/svg+xml": svg, "text/plain": text}
    try:  # a PNG too: JupyterLab shows no SVG of an untrusted notebook (one run elsewhere)
        png = run_dot(source, "png", timeout=timeout, what=what)
    except (DotTimeoutError, GraphvizNotFoundError, GraphTooLargeError, DotFailedError, OSError):
        return bundle
    bundle["image/png"] = base64.b64encode(png).decode("ascii")
    return bundle


def digraph_bundle(source: str, text: str, timeout: float | None = None) -> dict[str, str]:
    """The picture of a DOT ``source`` for Jupyter, scaled to the output's width like a Value's.

    What :func:`~tinygrad_edu.viz.draw_graph` and :func:`~tinygrad_edu.viz.draw_dot`
    return displays through this: ``text/html`` (the SVG in an ``<img>`` no wider
    than the output), ``image/svg+xml``, ``image/png`` and ``text/plain``
    (``text``).  When ``dot`` is missing or fails, the bundle holds ``text`` and a
    note saying why.  ``timeout`` is the usual bound on ``dot`` (None: the default
    one, see :func:`~tinygrad_edu.viz.dot.dot_timeout`).

    >>> bundle = digraph_bundle('digraph "graph" { a -> b }', "a -> b")
    >>> sorted(bundle)
    ['image/png', 'image/svg+xml', 'text/html', 'text/plain']
    >>> 'style="max-width: 100%; height: auto;"' in bundle["text/html"]
    True
    """
    lang = strings.get_language()
    try:
        svg = run_dot(source, "svg", timeout=timeout, what="the graph").decode("utf-8")
    except GraphvizNotFoundError:
        return _note(text, lang, "no_dot")
    except (DotTimeoutError, DotFailedError, OSError) as exc:
        return _note(text, lang, "failed", error=" ".join(str(exc).split()))
    return _picture_bundle(source, svg, text, timeout=timeout, what="the graph")


def _fitted_html(svg: str, text: str) -> str:
    """The SVG as an ``<img>`` that shrinks to the output's width (JupyterLab draws SVG at full size).

    A graph 1863 px wide stays 1863 px wide in a 968 px output, its output
    node off screen; ``max-width: 100%`` scales it down (never up), keeping its
    proportions.  The text repr is the image's alt text.
    """
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(text)}" '
            'style="max-width: 100%; height: auto;">')
