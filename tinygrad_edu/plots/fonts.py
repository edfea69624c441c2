"""Labels in the learner's language: ``lang="en" | "zh"`` and the font that can draw it.

Every ``plots.*`` function takes ``lang``; None, the default, is the language
set by ``tinygrad_edu.set_language`` ("en" unless set), and an explicit
``lang=`` wins over it.  For ``"zh"`` the labels come from
the Chinese table of :mod:`tinygrad_edu.strings` and are drawn with a CJK font
that matplotlib's font manager knows (Noto Sans CJK, Source Han Sans,
WenQuanYi Micro/Zen Hei, SimHei, Microsoft YaHei, PingFang, ...), with DejaVu
Sans behind it for the symbols a CJK font lacks.  When no CJK font is
installed, ``lang="zh"`` warns once, in one line naming the Debian package to
install (:data:`FONT_PACKAGE`), and draws English labels: never boxes for
missing glyphs.

The font is chosen per figure, not by changing matplotlib's global settings:
the figure is built inside :meth:`PlotTexts.fonts` and keeps that font when it
is drawn later (see :class:`~tinygrad_edu.plots.figure.PlotFigure`).
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager

from tinygrad_edu import strings

#: The Debian/Ubuntu package the warning suggests (5 MB installed; fonts-noto-cjk is 91 MB).
FONT_PACKAGE = "fonts-wqy-microhei"

#: CJK font families looked for, in order of preference.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback", "AR PL UMing CN", "AR PL KaitiM GB",
)

#: Parts of font file names that hold CJK fonts, for a font installed after
#: matplotlib built its font cache (the cache would not list it).
_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "notosanssc", "sourcehan", "simhei", "msyh",
               "pingfang", "droidsansfallback", "uming", "ukai")

#: Fonts put behind the CJK one, for symbols it has no glyph for (∂, ŷ, subscripts ...).
FALLBACK_FAMILIES = ("DejaVu Sans",)


class CJKFontWarning(UserWarning):
    """``lang="zh"`` was asked for but no CJK font is installed: the labels are in English."""


_found: list[str | None] = []  # the lookup's result, once made
_warned: list[bool] = []


def _known_cjk_family() -> str | None:
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def find_cjk_font() -> str | None:
    """The family name of an installed CJK font matplotlib can use, or None.

    Looks in matplotlib's font list first, then among the system's font files
    for known CJK file names (a font installed after the cache was built).
    The answer is remembered for the rest of the process.
    """
    if _found:
        return _found[0]
    family = _known_cjk_family()
    if family is None:
        for path in font_manager.findSystemFonts():
            squashed = Path(path).name.lower().replace("-", "").replace("_", "")
            if any(hint in squashed for hint in _FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
                    continue
        family = _known_cjk_family()
    _found.append(family)
    return family


@dataclass(frozen=True)
class PlotTexts:
    """The labels of one figure: ``t("key", field=...)`` looks ``key`` up in the table of :attr:`lang`.

    ``lang`` is the language actually drawn, ``requested`` the one asked for
    (they differ when ``"zh"`` fell back to English), ``font`` the CJK family used.
    """

    lang: str
    requested: str
    font: str | None = None

    def __call__(self, key: str, **fields: Any) -> str:
        return strings.text(self.lang, key, **fields)

    def picture(self, name: str, **facts: Any) -> tuple[str, str, dict[str, str]]:
        """(title, caption, facts) of the gallery picture ``name``.

        ``facts`` fill the caption's ``{fields}``: the numbers the demo computed,
        formatted by the demo (``f"{ratio:.1e}"``), never typed into the table.
        """
        shown = {k: str(v) for k, v in facts.items()}
        return self(f"pic.{name}.title", **shown), self(f"pic.{name}.caption", **shown), shown

    def fonts(self) -> AbstractContextManager[Any]:
        """A context to build the figure in: its texts get the CJK font (nothing changes for English)."""
        if self.font is None:
            return matplotlib.rc_context()
        return matplotlib.rc_context({"font.family": [self.font, *FALLBACK_FAMILIES]})


def plot_texts(lang: str | None = None) -> PlotTexts:
    """The labels for ``lang`` ("en" or "zh"), falling back to English (one warning) without a CJK font.

    None means the language set by ``tinygrad_edu.set_language``.

    >>> t = plot_texts("en")
    >>> t("act.xlabel")
    'x  (net input z)'
    >>> plot_texts("de")
    Traceback (most recent call last):
    ...
    ValueError: lang must be "en" or "zh", got 'de'
    """
    lang = strings.resolve(lang)
    if lang == "en":
        return PlotTexts("en", "en")
    font = find_cjk_font()
    if font is None:
        if not _warned:
            _warned.append(True)
            warnings.warn(f'lang="zh": matplotlib finds no Chinese (CJK) font, so the labels are in English; '
                          f"install one (Debian/Ubuntu: apt-get install {FONT_PACKAGE}) and restart Python",
                          CJKFontWarning, stacklevel=3)
        return PlotTexts("en", "zh")
    return PlotTexts("zh", "zh", font)
