"""Python source as syntax-coloured, offline HTML - for the program ``tg.compile`` writes.

:func:`source_html` makes a whole page (no scripts, no fonts or styles from the
network, so it opens from disk); :func:`highlight` makes only the ``<pre>``
block, to put beside something else.  The colouring comes from the standard
library's :mod:`tokenize`: keywords, comments (where the compiled program
states each op's formula and derivative), numbers, strings, called functions,
and two kinds of names that matter for backpropagation - ``d_...`` gradients
and the forward values - so the two halves of the program read apart.
Source that does not tokenize (a fragment, a typo) is shown escaped and
uncoloured, never refused.

>>> block = highlight("d_z = p * (1.0 - p)  # sigmoid")
>>> block[:64]
'<pre class="code"><span class="ln"></span><span class="grad">d_z'
>>> '<span class="num">1.0</span>' in block, '<span class="com"># sigmoid</span>' in block
(True, True)
"""

from __future__ import annotations

import builtins
import html
import io
import keyword
import re
import tokenize
from collections.abc import Sequence

from tinygrad_edu.strings import text as string_text

__all__ = ["highlight", "source_html", "code_page", "STYLE"]

#: The page's styles: light background, one colour per kind of token.
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1d2430; background: #fbfbf8; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
p.note { max-width: 62em; color: #454c57; }
.pair { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
.pair > .left { flex: 1 1 34em; min-width: 0; }
.pair > .right { flex: 0 1 32em; }
.pair.below { display: block; }
.pair.below > .left, .pair.below > .right { width: 100%; margin-bottom: 1em; }
.pair.below > .right { overflow-x: auto; }  /* a graph too wide to read at the page's width scrolls */
.pair.below > .right svg { max-width: none; }
.pair > .right img, .pair > .right svg { box-sizing: border-box; max-width: 100%; height: auto;
  border: 1px solid #ddd; background: white; overflow: visible; }
pre.code { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  background: #ffffff; border: 1px solid #d8d8d0; border-radius: 4px; padding: 0.6em 0.8em;
  overflow: auto; max-height: 46em; counter-reset: line; tab-size: 4; }
pre.code .ln { counter-increment: line; }
pre.code .ln::before { content: counter(line); display: inline-block; width: 3.2em; margin-right: 1em;
  text-align: right; color: #a8acb3; user-select: none; }
.kw { color: #8a2be2; font-weight: 600; } .com { color: #6a7a3a; font-style: italic; }
.num { color: #b35c00; } .str { color: #0a7a5a; } .op { color: #59606b; }
.call { color: #0050b3; } .grad { color: #c0263b; font-weight: 600; } .name { color: #1d2430; }
.glob { color: #7a4a00; font-weight: 600; } .builtin { color: #0050b3; font-style: italic; }
"""

_GLOBALS = {"LEAVES", "PARAMS", "AUX"}  # the compiled program's module-level names


def _kind(tok: tokenize.TokenInfo, following: tokenize.TokenInfo | None) -> str | None:
    """The CSS class of a token, or None for plain text."""
    t = tok.type
    if t == tokenize.COMMENT:
        return "com"
    if t == tokenize.NUMBER:
        return "num"
    if t == tokenize.STRING:
        return "str"
    if t == tokenize.OP:
        return "op"
    if t == tokenize.NAME:
        s = tok.string
        if keyword.iskeyword(s):
            return "kw"
        if s in _GLOBALS:
            return "glob"
        if following is not None and following.type == tokenize.OP and following.string == "(":
            return "builtin" if hasattr(builtins, s) else "call"
        if s.startswith("d_"):
            return "grad"
        return "name"
    return None


def _segments(source: str) -> list[tuple[str | None, str]]:
    """(class, text) pieces that join back to ``source`` exactly."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(row: int, col: int) -> int:
        return starts[row - 1] + col if row - 1 < len(starts) else len(source)

    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
              if tok.type not in (tokenize.ENDMARKER,)]
    out: list[tuple[str | None, str]] = []
    at = 0
    for k, tok in enumerate(tokens):
        if not tok.string:  # DEDENT and a final NEWLINE carry no text
            continue
        begin, end = offset(*tok.start), offset(*tok.end)
        if begin < at:  # never write text twice
            continue
        if begin > at:
            out.append((None, source[at:begin]))
        following = next((t for t in tokens[k + 1:] if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
        out.append((_kind(tok, following), source[begin:end]))
        at = end
    if at < len(source):
        out.append((None, source[at:]))
    return out


def highlight(source: str) -> str:
    """``source`` as a ``<pre class="code">`` block: one span per coloured token, numbered lines.

    The text inside is exactly ``source`` (HTML-escaped); colours need the
    classes of :data:`STYLE`.
    """
    try:
        segments = _segments(source)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        segments = [(None, source)]
    if "".join(text for _, text in segments) != source:  # a tokenizer surprise: show it plain
        segments = [(None, source)]
    rows: list[str] = []
    current: list[str] = []
    for cls, text in segments:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:  # a line ends inside this segment
                rows.append("".join(current))
                current = []
            if piece:
                esc = html.escape(piece, quote=False)
                current.append(f'<span class="{cls}">{esc}</span>' if cls else esc)
    rows.append("".join(current))  # after the last newline: empty when the source ends with one
    last = rows.pop()
    body = "".join(f'<span class="ln"></span>{row}\n' for row in rows)
    if last:
        body += f'<span class="ln"></span>{last}'
    return f'<pre class="code">{body}</pre>'


def source_html(source: str, title: str, *, note: str = "", figure: str = "", lang: str = "en") -> str:
    """A whole offline page showing ``source`` coloured, under ``title``.

    ``note``: a paragraph of plain text above the code (escaped).  ``figure``:
    HTML placed to the right of the code (an inline ``<svg>`` or an ``<img>``,
    inserted as given - pass only markup you made).
    """
    return code_page(title, [("", note, source, figure)], lang=lang)


#: The smallest scale at which a wide graph below the code is drawn (a graph 4400 px wide at a page's
#: 1350 px would be drawn at 31 %, its 14 px labels 4 px high).
MIN_BELOW_SCALE = 0.75

_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)(pt|px)?"')
#: A graph below the code whose least drawn width passes this is wider than a page: the page says so.
SCROLL_HINT_WIDTH = 1200


def _natural_width(figure: str) -> float | None:
    """The width in px of ``figure``'s leading ``<svg>`` (None for anything else)."""
    m = _SVG_WIDTH.match(figure)
    if m is None:
        return None
    return float(m.group(1)) * (4 / 3 if m.group(2) in (None, "pt") else 1)


def _readable_width(figure: str) -> str:
    """``figure`` with its leading ``<svg>`` sized to fill the width, but never below
    MIN_BELOW_SCALE of its natural size nor above it.

    >>> _readable_width('<svg width="300pt" height="10pt"></svg>')
    '<svg style="width: min(400px, max(100%, 300px)); height: auto;" width="300pt" height="10pt"></svg>'
    >>> _readable_width('<img src="g.png">')
    '<img src="g.png">'
    """
    natural = _natural_width(figure)
    if natural is None:
        return figure
    least = natural * MIN_BELOW_SCALE
    style = f"width: min({natural:.0f}px, max(100%, {least:.0f}px)); height: auto;"
    return f'<svg style="{style}"' + figure[len("<svg"):]


def code_page(title: str, sections: Sequence[tuple[str, ...]], *, intro: str = "",
              lang: str = "en") -> str:
    """A page of several ``(heading, note, source, figure)`` sections, each as in :func:`source_html`.

    A fifth element ``"below"`` puts that section's figure under the code, full width
    (for a wide picture); the default, ``"beside"``, puts it to the right.  A wide
    ``<svg>`` below the code is shown at no less than :data:`MIN_BELOW_SCALE` of its
    size, so its text stays readable, and scrolls sideways when that is wider than the page.
    """
    e = html.escape
    parts = ["<!DOCTYPE html>", f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
             f"<title>{e(title)}</title>", f"<style>{STYLE}</style></head><body>", f"<h1>{e(title)}</h1>"]
    if intro:
        parts.append(f'<p class="note">{e(intro)}</p>')
    for heading, note, source, figure, *rest in sections:
        place = rest[0] if rest else "beside"
        if place not in ("beside", "below"):
            raise ValueError(f"code_page: a figure goes 'beside' or 'below' the code, not {place!r}")
        if heading:
            parts.append(f"<h2>{e(heading)}</h2>")
        if note:
            parts.append(f'<p class="note">{e(note)}</p>')
        code = highlight(source)
        hint = ""
        if figure and place == "below":
            natural = _natural_width(figure)
            figure = _readable_width(figure)
            if natural is not None and natural * MIN_BELOW_SCALE > SCROLL_HINT_WIDTH:
                hint = f'<p class="note">{e(string_text(lang, "code.scroll_hint"))}</p>'
        if figure:
            parts.append(f'<div class="pair {place}"><div class="left">{code}</div>'
                         f'<div class="right">{hint}{figure}</div></div>')
        else:
            parts.append(code)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
