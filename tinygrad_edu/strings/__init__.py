"""The words of the pictures and of the gallery, one table per language.

Every title, axis label, legend entry and caption that :mod:`tinygrad_edu.plots`,
the demos and the tour's ``index.html`` show comes from a table here:
:mod:`tinygrad_edu.strings.en` (English) and :mod:`tinygrad_edu.strings.zh`
(Chinese, in the terms of the learners' notes: 激活函数, 净活性值, 梯度消失,
死亡ReLU, 二分类交叉熵, 误差反向传播, 梯度下降, 导数, ...).  Both tables have
the same keys and the same ``{fields}`` in each entry (a test checks it).
Standard library only, so the tour can read its page texts without matplotlib.

>>> text("zh", "term.vanishing")
'梯度消失'
>>> text("en", "act.band", thr="0.05")
"saturated: |f'| < 0.05"
>>> text("fr", "term.vanishing")
Traceback (most recent call last):
...
ValueError: lang must be "en" or "zh", got 'fr'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinygrad_edu.strings import en, zh

#: The languages of the pictures and the gallery.
LANGS: tuple[str, ...] = ("en", "zh")

_TABLES: dict[str, Mapping[str, str]] = {"en": en.TABLE, "zh": zh.TABLE}


def check_lang(lang: object) -> str:
    """``lang`` itself if it is one of :data:`LANGS`, else a ValueError saying what is allowed."""
    if not isinstance(lang, str) or lang not in _TABLES:
        raise ValueError(f'lang must be "en" or "zh", got {lang!r}')
    return lang


# The process's default language of the graph pictures, explain, the step-through page and the
# plots: what ``lang=None`` means, and what a Value shows in a notebook (set_language).
_default: list[str] = ["en"]


def set_language(lang: str) -> None:
    """Make ``lang`` ("en" or "zh") the default of every ``lang=None`` in ``viz`` and ``plots``.

    Says it once for a whole notebook: the picture a Value displays in a
    notebook (and the note it shows when the graph is not drawn),
    ``draw_graph``, ``render_graph``, ``explain``, ``backward_steps``,
    ``render_backward_html``, every ``plots.*`` figure and ``tour.run`` then
    speak ``lang`` unless given another.  The command line does not read it
    (``--lang``).  One setting per process (all threads); error messages stay
    English.

    >>> set_language("zh"); get_language()
    'zh'
    >>> set_language("en")
    """
    _default[0] = check_lang(lang)


def get_language() -> str:
    """The default language set by :func:`set_language` ("en" until it is called)."""
    return _default[0]


def resolve(lang: str | None) -> str:
    """``lang`` checked, or the default language (:func:`get_language`) for None."""
    return _default[0] if lang is None else check_lang(lang)


def table(lang: str) -> Mapping[str, str]:
    """The whole table of ``lang`` (key -> text with ``{fields}``)."""
    return _TABLES[check_lang(lang)]


def has(lang: str, key: str) -> bool:
    """Whether the table of ``lang`` has ``key`` (demos added later may have no entry)."""
    return key in table(lang)


def number(x: float, spec: str = "g") -> str:
    """``x`` formatted for a caption, with a typographic minus (as the tables write −2).

    Captions carry no hand-typed number: a demo formats what it computed with
    this and passes it as a ``{field}`` (a test checks every caption).

    >>> number(-0.8807970779778823, ".2f"), number(-4.1e-07, ".1e"), number(0.25)
    ('−0.88', '−4.1e-07', '0.25')
    """
    s = format(x, spec)
    return "−" + s[1:] if s.startswith("-") else s


def text(lang: str, key: str, **fields: Any) -> str:
    """The entry ``key`` of the table of ``lang``, with ``{fields}`` filled in."""
    try:
        template = table(lang)[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the {lang!r} table of tinygrad_edu.strings") from None
    return template.format(**fields) if fields else template
