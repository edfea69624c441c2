"""Run every notebook in a fresh kernel and store its outputs, so the hosting page shows them.

    python3 tools/refresh_notebooks.py                # all notebooks, English and Chinese
    python3 tools/refresh_notebooks.py notebooks/zh/01_activations.ipynb   # only these
    python3 tools/refresh_notebooks.py --check        # change nothing; exit 1 if a stored output is stale
    python3 tools/refresh_notebooks.py --sync-code    # first copy the English code cells into the twins

Each notebook runs top to bottom with nbclient in a new ``python3`` kernel that
imports this checkout's ``tinygrad_edu`` (the checkout is put first on the
kernel's ``PYTHONPATH``), with no ``MPLBACKEND`` (as a learner's kernel has
none), in a temporary folder (so the files a notebook writes do not land in
the checkout).  The outputs are then written into the ``.ipynb`` file with no
timing metadata and a machine-independent ``language_info``, so re-running on
an unchanged notebook changes nothing.

``--sync-code`` is for after an English notebook's code changed: each Chinese
twin in ``notebooks/zh/`` gets the English code cells, with ``lang="zh"`` added
to every ``plots.*`` / ``viz.*`` call whose function takes ``lang``; its
Chinese text cells are kept (translate any changed prose by hand).  The twins'
code cells are the English ones apart from ``lang``, and a test keeps them so.

``tests/test_notebooks.py`` imports this file: it executes each notebook once
with :func:`execute` and compares :func:`text_outputs` of the stored and the
new outputs (text exactly; pictures by number and kind), so what is stored
cannot go stale.  It needs the ``notebook`` and ``viz`` extras.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
#: The Chinese twins: one per English notebook, same file name.
ZH_DIR = NOTEBOOKS_DIR / "zh"
#: Seconds one cell may take (the slowest cell trains a small MLP in a few seconds).
CELL_TIMEOUT = 180
#: MIME types of pictures: compared by kind only (their bytes depend on the versions of matplotlib/Graphviz).
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")
#: ``language_info`` stored in every notebook, whatever Python ran it.
LANGUAGE_INFO = {"name": "python"}

#: Python's default repr, ``<module.Class object at 0x7f...>``: its address changes from run to run.
_DEFAULT_REPR = re.compile(r"^<[\w.]+( object)? at 0x[0-9a-fA-F]+>$")
#: The line a twin adds after ``import tinygrad_edu as tg``, so Values display their graphs in Chinese.
SET_LANGUAGE = 'tg.set_language("zh")                 # 计算图、explain 等都用中文'
_SET_LANGUAGE = re.compile(r"""^tg\.set_language\((["'])(?:zh|en)\1\)[^\n]*\n?""", re.M)
#: An inline SVG picture, as markup or escaped inside an iframe's srcdoc.
_SVG = re.compile(r"(?:<|&lt;)svg\b.*?(?:<|&lt;)/svg(?:>|&gt;)", re.S)
_DATA_URI = re.compile(r"data:(image/[\w+.-]+);base64,[A-Za-z0-9+/=\s]*")
_LANG_ARG = re.compile(r"""(,\s*lang\s*=\s*(["'])(?:zh|en)\2)|(\blang\s*=\s*(["'])(?:zh|en)\4\s*,\s*)|"""
                       r"""(\blang\s*=\s*(["'])(?:zh|en)\6)""")


def notebooks() -> list[Path]:
    """Every notebook: the English ones in ``notebooks/``, then their Chinese twins in ``notebooks/zh/``."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(ZH_DIR.glob("*.ipynb"))


def without_lang(code: str) -> str:
    """``code`` without ``lang="zh"`` / ``lang="en"`` arguments and ``tg.set_language(...)`` lines.

    That is how a twin's code may differ from the English code.

    >>> without_lang('plots.plot_bce_eps(lang="zh")')
    'plots.plot_bce_eps()'
    >>> without_lang("plots.plot_training(history, lang='zh', title=t)")
    'plots.plot_training(history, title=t)'
    """
    return _LANG_ARG.sub("", _SET_LANGUAGE.sub("", code))


def with_lang(code: str, lang: str = "zh") -> str:
    """``code`` with ``lang=...`` in every ``plots.f(...)`` / ``viz.f(...)`` call whose ``f`` takes it."""
    import importlib
    import inspect

    out, i = [], 0
    for m in re.finditer(r"\b(plots|viz)\.(\w+)\(", code):
        if m.start() < i:
            continue
        depth, k = 1, m.end()
        while depth:  # the matching parenthesis (the notebooks' calls hold no parenthesis inside strings)
            depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(code[k], 0)
            k += 1
        args = code[m.end():k - 1]
        module = importlib.import_module(f"tinygrad_edu.{m.group(1)}")
        function = getattr(module, m.group(2), None)
        takes = callable(function) and "lang" in inspect.signature(function).parameters
        if takes and not re.search(r"\blang\s*=", args):
            args = f'{args.rstrip()}, lang="{lang}"' if args.strip() else f'lang="{lang}"'
        out.append(code[i:m.end()] + args + ")")
        i = k
    return "".join(out) + code[i:]


def twin_code(code: str) -> str:
    """The Chinese twin's version of an English code cell: ``lang="zh"`` in, and after
    ``import tinygrad_edu as tg`` the line :data:`SET_LANGUAGE`."""
    code = with_lang(code)
    if re.search(r"^import tinygrad_edu as tg$", code, re.M):
        code = re.sub(r"^import tinygrad_edu as tg$", "import tinygrad_edu as tg\n" + SET_LANGUAGE, code,
                      count=1, flags=re.M)
    return code


def sync_code(english: Path, twin: Path) -> bool:
    """Give ``twin`` the code cells of ``english`` (with ``lang="zh"``); returns whether it changed."""
    import nbformat

    en, zh = nbformat.read(str(english), as_version=4), nbformat.read(str(twin), as_version=4)
    en_code = [c for c in en.cells if c.cell_type == "code"]
    zh_code = [c for c in zh.cells if c.cell_type == "code"]
    if len(en_code) != len(zh_code):
        raise SystemExit(f"{twin.name}: {len(zh_code)} code cells, the English notebook {len(en_code)}; "
                         "add or remove the twin's cells by hand (with their Chinese text)")
    changed = False
    for a, b in zip(en_code, zh_code):
        new = twin_code(source(a))
        if source(b) != new:
            b.source, b.outputs, b.execution_count, changed = new, [], None, True
    if changed:
        twin.write_text(nbformat.writes(zh) + "\n", encoding="utf-8")
    return changed


def source(cell: Any) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else str(src)


def kernel_env() -> dict[str, str]:
    """The kernel's environment: this checkout first on ``PYTHONPATH``, no ``MPLBACKEND``."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def execute(path: Path, cwd: Path) -> tuple[Any, float]:
    """Run the notebook at ``path`` in a fresh kernel working in ``cwd``; returns (notebook, seconds).

    Raises nbclient's ``CellExecutionError`` on the first cell that fails.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute(env=kernel_env())
    seconds = time.perf_counter() - start
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if any(mime in data for mime in IMAGE_TYPES) and _DEFAULT_REPR.match(data.get("text/plain", "")):
                del data["text/plain"]  # '<graphviz.graphs.Digraph at 0x7f...>' beside the picture
    return nb, seconds


def without_pictures(text: str) -> str:
    """``text`` (HTML) with each inline ``<svg>`` and each ``data:image/...`` URI replaced by a mark.

    Pictures inside HTML are compared like pictures: by being there, not by their
    bytes (which depend on the Graphviz and matplotlib versions).

    >>> without_pictures('<p>a</p><svg width="2pt"><g/></svg><img src="data:image/png;base64,iVBO=">')
    '<p>a</p><svg…/><img src="data:image/png;…">'
    >>> without_pictures('&lt;div&gt;&lt;svg viewBox=&quot;0 0 1 1&quot;&gt;&lt;/svg&gt;')
    '&lt;div&gt;<svg…/>'
    """
    text = _SVG.sub("<svg…/>", text)
    return _DATA_URI.sub(lambda m: f"data:{m.group(1)};…", text)


def coalesce_streams(outputs: list[Any]) -> list[Any]:
    """``outputs`` with each run of stdout (or stderr) pieces joined into one output.

    How a print reaches the notebook in pieces depends on timing ('2.0' and
    '\\n' may come as one message or two); the text does not.
    """
    joined: list[Any] = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")):
            last["text"] = "".join(last["text"]) + "".join(out["text"])
        else:
            joined.append(out)
    return joined


def text_outputs(cell: Any) -> list[tuple[str, ...]]:
    """What must stay the same in a code cell's outputs: each output's type, its text, its pictures' kinds."""
    shown: list[tuple[str, ...]] = []
    for out in coalesce_streams([dict(o) for o in cell.get("outputs", [])]):
        kind = out["output_type"]
        if kind == "stream":
            shown.append((kind, out["name"], out["text"]))
        elif kind == "error":
            shown.append((kind, out["ename"], out["evalue"]))
        else:
            data = out.get("data", {})
            texts = tuple(f"{mime}: {without_pictures(source({'source': data[mime]}))}"
                          for mime in sorted(data) if mime not in IMAGE_TYPES)
            images = tuple(mime for mime in sorted(data) if mime in IMAGE_TYPES)
            shown.append((kind, *images, *texts))
    return shown


def differences(stored: Any, fresh: Any) -> list[str]:
    """One line per code cell whose stored outputs differ from a fresh run's (empty when current)."""
    found = []
    old_cells = [c for c in stored.cells if c.cell_type == "code"]
    new_cells = [c for c in fresh.cells if c.cell_type == "code"]
    for i, (old, new) in enumerate(zip(old_cells, new_cells), start=1):
        a, b = text_outputs(old), text_outputs(new)
        if a != b:
            found.append(f"code cell {i} ({source(old).splitlines()[0] if source(old) else ''!r}):\n"
                         f"    stored: {a!r:.600}\n    now:    {b!r:.600}")
    return found


def refresh(path: Path, check: bool = False) -> tuple[float, list[str]]:
    """Execute ``path``; unless ``check``, write the outputs into it.  Returns (seconds, differences)."""
    import nbformat

    stored = nbformat.read(str(path), as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        fresh, seconds = execute(path, Path(tmp))
    diff = differences(stored, fresh)
    if not check:
        text = nbformat.writes(fresh) + "\n"
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
    return seconds, diff


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="notebooks to run (default: all, both languages)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if an output is stale")
    ap.add_argument("--sync-code", action="store_true",
                    help="first give each Chinese twin the English code cells (lang=\"zh\" added)")
    args = ap.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or notebooks()
    if args.sync_code:
        sys.path.insert(0, str(ROOT))
        for english in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
            if sync_code(english, ZH_DIR / english.name):
                print(f"{(ZH_DIR / english.name).relative_to(ROOT)}: code cells copied from {english.name}")
    stale = 0
    for path in paths:
        seconds, diff = refresh(path, check=args.check)
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if args.check:
            state = "stale" if diff else "current"
        else:
            state = "text outputs changed" if diff else "text outputs as before"
        print(f"{name}: {seconds:.1f} s, {state}")
        for line in diff if args.check else []:
            print("  " + line)
        stale += bool(diff)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
