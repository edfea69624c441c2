"""Whether Graphviz can draw Chinese words: a picture in ``lang="zh"`` needs a CJK font.

Graphviz finds its fonts through fontconfig.  When fontconfig knows no font
for Chinese, a zh picture would show empty boxes for every Chinese character;
instead :func:`picture_lang` warns once (a :class:`CJKFontWarning` naming the
package to install) and the picture is drawn in English - the same rule as for
the plots.  Where fontconfig's ``fc-list`` is missing nothing can be told, and
the picture is drawn as asked.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings

#: The Debian/Ubuntu package the warning suggests (a small CJK font).
FONT_PACKAGE = "fonts-wqy-microhei"


class CJKFontWarning(UserWarning):
    """``lang="zh"`` was asked for a picture but no CJK font is installed: it is drawn in English."""


_installed: list[bool] = []  # the answer, once asked
_warned: list[bool] = []


def cjk_font_installed() -> bool:
    """True when fontconfig knows a font for Chinese (or when there is no ``fc-list`` to ask)."""
    if not _installed:
        exe = shutil.which("fc-list")
        if exe is None:
            found = True  # cannot tell: draw as asked
        else:
            try:
                out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True,
                                     timeout=20).stdout
            except (OSError, subprocess.SubprocessError):
                out = "?"  # fontconfig did not answer: draw as asked
            found = bool(out.strip())
        _installed.append(found)
    return _installed[0]


def picture_lang(lang: str) -> str:
    """The language a picture is drawn in: ``lang``, or "en" (one warning) for "zh" without a CJK font."""
    if lang == "zh" and not cjk_font_installed():
        if not _warned:
            _warned.append(True)
            warnings.warn(
                f'lang="zh": no CJK font is installed, so the graph pictures are drawn in English '
                f"(Debian/Ubuntu: apt-get install {FONT_PACKAGE}; then restart Python)",
                CJKFontWarning, stacklevel=3)
        return "en"
    return lang
