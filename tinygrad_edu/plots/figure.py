"""Figures without a window: creating, styling and saving them.

Every plot of :mod:`tinygrad_edu.plots` is a :class:`matplotlib.figure.Figure`
made directly, never through ``pyplot``.  A Figure built this way has no GUI
canvas, so no window can open whatever backend is configured, and nothing is
left in a global list of open figures: the figure is freed when it is no longer
referenced.  ``savefig`` picks the right file writer (Agg for PNG, the SVG
writer for ``.svg``) by the suffix.

In Jupyter such a figure would show only as ``<Figure size ... with 3 Axes>``
(the notebook's inline display hooks into ``pyplot``, which these figures
never meet), so the plots return a :class:`PlotFigure`: a Figure that knows how
to display itself.  IPython asks any object for ``_repr_png_``; a PlotFigure
answers with its PNG drawn by Agg in memory, so a figure left as a cell's last
expression shows as an image in a fresh kernel with no ``%matplotlib`` line,
and still no window can open.

A PlotFigure also keeps the font it was built with (the CJK font of
``lang="zh"``, see :mod:`tinygrad_edu.plots.fonts`) and draws with it, whatever
matplotlib's global settings are when it is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.graph import write_atomic

# Colours used across the plots, so one idea keeps one colour everywhere.
FUNCTION_COLOR = "#1f77b4"  # f(x)
DERIVATIVE_COLOR = "#d62728"  # f'(x), as computed by the engine
VANISHING_COLOR = "#ffbf00"  # shading where |f'| is small
SERIES_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")

#: File formats written by :func:`save_figure`.
FORMATS = ("png", "svg")


class PlotFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that displays itself as a PNG in Jupyter/IPython.

    >>> fig = new_figure(2, 1)
    >>> fig._repr_png_()[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_family = list(matplotlib.rcParams["font.family"])  # the fonts it is built with

    def draw(self, renderer: RendererBase) -> None:
        """Draw with the fonts of the figure's creation (ticks made at draw time get them too)."""
        with matplotlib.rc_context({"font.family": self._font_family}):
            super().draw(renderer)

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes at its own dpi, drawn by Agg in memory (IPython's display hook)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_figure(width: float = 8.0, height: float = 5.0, *, dpi: int = 100) -> PlotFigure:
    """A blank :class:`PlotFigure` of ``width`` x ``height`` inches with a constrained layout."""
    return PlotFigure(figsize=(width, height), dpi=dpi, layout="constrained")


def save_figure(fig: Figure, out_dir: str | Path, name: str,
                formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``out_dir/name.<fmt>`` for each format; returns the paths written.

    The folder is created when missing (a parent that is a file is a
    NotADirectoryError).  ``name`` is a file stem such as ``"activations"``:
    it must not contain a path separator or a suffix.  Each file is drawn in
    memory and written through :func:`write_file`: atomically, and a symlink
    in its place is replaced, never written through.

    >>> import tempfile
    >>> fig = new_figure(2, 2)
    >>> _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in save_figure(fig, d, "line")]
    ['line.png', 'line.svg']
    """
    if not name or "/" in name or "\\" in name or "." in name:
        raise ValueError(f"save_figure: name must be a plain file stem like 'activations', got {name!r}")
    unknown = [f for f in formats if f not in ("png", "svg", "pdf")]
    if unknown:
        raise ValueError(f"save_figure: unsupported format(s) {unknown}; use 'png', 'svg' or 'pdf'")
    out = check_folder(out_dir)
    paths = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        # no timestamp in the svg, so the same figure gives the same file
        meta: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=meta)
        paths.append(write_file(path, buffer.getvalue()))
    return paths


def check_folder(folder: str | Path, what: str = "output folder") -> Path:
    """``folder`` as a Path, after checking it can be a folder: not empty, not a file, no file as a parent.

    Nothing is created.  Errors name the path the user gave:

    >>> check_folder("")
    Traceback (most recent call last):
    ...
    ValueError: the output folder is empty (""): name a folder, e.g. "gallery"
    """
    text = str(folder)
    if not text.strip():
        raise ValueError(f'the {what} is empty ("{text}"): name a folder, e.g. "gallery"')
    path = Path(folder)
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            where = "it is a file" if part == path else f"{part} is a file"
            raise NotADirectoryError(f"the {what} {text} is not a directory ({where})")
    return path


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (the renderer's ``write_atomic``); returns ``path``.

    Missing folders are created.  A symlink at ``path`` is replaced by the new
    file, never written through, the one rule for every file the project writes.
    An error names ``path``, never the temporary file.
    """
    check_folder(path.parent)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def number(x: Any) -> float:
    """A number for drawing: ``x.data`` of a Value (even one that requires grad), else ``float(x)``.

    A learner's history list may hold the loss Values themselves; drawing them
    is not part of any graph, so their numbers are taken on purpose.
    """
    return x.data if isinstance(x, Value) else float(x)


def linspace(lo: float, hi: float, n: int) -> list[float]:
    """``n`` evenly spaced floats from ``lo`` to ``hi`` inclusive (``n >= 2``)."""
    if n < 2:
        raise ValueError(f"linspace needs n >= 2 points, got {n}")
    step = (hi - lo) / (n - 1)
    return [lo + i * step for i in range(n - 1)] + [hi]


def logspace(lo_exp: float, hi_exp: float, n: int) -> list[float]:
    """``n`` floats from ``10**lo_exp`` to ``10**hi_exp``, evenly spaced on a log scale."""
    return [10.0**e for e in linspace(lo_exp, hi_exp, n)]


def tidy_log_axis(ax: Axes, which: str = "y") -> None:
    """Readable ticks on a log axis: plain numbers at 1, 2, 5 × 10ᵏ when the axis spans
    fewer than three decades (else the decades alone), and no labels on minor ticks."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if which == "y" else ax.get_xlim()
    if lo > 0.0 and hi / lo < 1e3:
        axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
