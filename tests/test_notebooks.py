"""The notebooks: English in ``notebooks/``, their Chinese twins in ``notebooks/zh/``, stored with outputs.

One test per notebook executes it, once, with nbclient in a new kernel (see
``tools/refresh_notebooks.py``: no ``MPLBACKEND``, as a learner's kernel has
none, in a temporary folder), and checks on that one run: no cell fails or
writes to stderr, the pictures display (a cell ending in a ``plots`` Figure
gives ``image/png``, a Value its graph as ``image/svg+xml``), and the outputs
stored in the file are the ones the notebook makes now (text exactly,
pictures by number and kind), so what the hosting page shows cannot go stale.
The other tests read the committed files only: outputs stored, small, with no
path or memory address; no magics; headings; and the twins' code cells are the
English ones apart from ``lang``.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("refresh_notebooks", ROOT / "tools" / "refresh_notebooks.py")
assert _spec is not None and _spec.loader is not None
tool = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("refresh_notebooks", tool)
_spec.loader.exec_module(tool)

NOTEBOOKS_DIR = tool.NOTEBOOKS_DIR
ZH_DIR = tool.ZH_DIR
ENGLISH = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
CHINESE = sorted(ZH_DIR.glob("*.ipynb"))
ALL = tool.notebooks()
IN_ORDER = [
    "01_activations.ipynb", "02_neuron_dead_relu.ipynb", "03_binary_cross_entropy.ipynb",
    "04_softmax_jacobian.ipynb", "05_backprop_vs_gradient_descent.ipynb", "06_custom_function.ipynb",
    "07_compiled_tape.ipynb", "08_micrograd_lecture.ipynb",
]
#: Cells whose last line of code is one of these expressions must display as this MIME type.
DISPLAYS = {"fig": "image/png"}
EXTRA_DISPLAYS = {
    "05_backprop_vs_gradient_descent.ipynb": {"L": "image/svg+xml", "viz.explain(L, wrt=w)": "text/markdown",
                                              "steps": "text/html"},
    "07_compiled_tape.ipynb": {"neuron_loss()": "image/svg+xml"},
    "08_micrograd_lecture.ipynb": {"draw_dot(L)": "image/svg+xml", "draw_dot(o)": "image/svg+xml",
                                   "viz.draw_graph(o)": "image/svg+xml"},
}
#: Files a notebook writes into its working folder.
WRITES = {"05_backprop_vs_gradient_descent.ipynb": ["neuron_backward.html"]}
#: The notes' own Chinese terms: the twins use them.
TERMS = ["净活性值", "激活函数", "梯度消失", "死亡ReLU", "二分类交叉熵", "误差反向传播", "梯度下降",
         "链式法则"]
#: All notebooks together stay below this many bytes (the pictures are PNGs at 100 dpi and SVGs).
MAX_FOLDER_BYTES = 3_000_000
#: A stored PNG at most this many dots per inch (the plots' figures are drawn at 100 dpi) ...
MAX_PNG_DPI = 100
#: ... and at most this wide (the widest figure, 13 inches, is 1300 pixels at 100 dpi).
MAX_PNG_WIDTH = 1400
#: A graph's PNG (the fallback a Value's display carries) at most this wide (Graphviz draws at 96 dpi).
MAX_GRAPH_PNG_WIDTH = 2000
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Text that must never be stored: an absolute path of the machine that ran it, a memory address, a timing.
LEAKS = re.compile(r"((?<![\w.])/(tmp|home|root|work|Users|var|opt|usr)/|\b0x[0-9a-fA-F]{8,}\b"
                   r"|\d ms\b|perf_counter)")


def _load(path: Path) -> dict[str, Any]:
    nb: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return nb


def _source(cell: dict[str, Any]) -> str:
    return str(tool.source(cell))


def _code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _last_line(cell: dict[str, Any]) -> str:
    """The cell's last line of code, without a trailing comment."""
    lines = [ln.split("  #")[0].strip() for ln in _source(cell).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}" if path.parent == ZH_DIR else path.stem


def test_the_notebooks_are_there_in_order_with_a_chinese_twin_each():
    assert [p.name for p in ENGLISH] == IN_ORDER
    assert [p.name for p in CHINESE] == IN_ORDER


def test_the_refresh_tools_own_examples():
    import doctest

    result = doctest.testmod(tool, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


def test_without_lang_takes_out_only_the_lang_argument():
    assert tool.without_lang('plots.plot_bce_eps(lang="zh")') == "plots.plot_bce_eps()"
    assert tool.without_lang("f(x, lang='zh', title=t)") == "f(x, title=t)"
    assert tool.without_lang('f(x, lang="en")') == "f(x)"
    assert tool.without_lang('f(x, lang="fr")') == 'f(x, lang="fr")'  # only the two languages
    assert tool.without_lang('g(slang="zh")') == 'g(slang="zh")'
    assert tool.without_lang('import tinygrad_edu as tg\ntg.set_language("zh")   # 中文\nx = 1\n') == (
        "import tinygrad_edu as tg\nx = 1\n")
    assert tool.without_lang('tg.set_language("fr")\n') == 'tg.set_language("fr")\n'


def test_pictures_inside_html_compare_by_kind_and_the_text_around_them_exactly():
    def html(svg: str, words: str) -> dict[str, Any]:
        page = f"&lt;h1&gt;{words}&lt;/h1&gt;&lt;svg width=&quot;{svg}pt&quot;&gt;&lt;g/&gt;&lt;/svg&gt;"
        return {"outputs": [{"output_type": "display_data", "data": {"text/html": page}}]}

    title = "L 的误差反向传播"
    assert tool.text_outputs(html("155", title)) == tool.text_outputs(html("160", title))
    assert tool.text_outputs(html("155", title)) != tool.text_outputs(html("155", "backward pass"))
    img = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert tool.without_pictures(img) == '<img src="data:image/png;…">'


def test_stdout_in_pieces_compares_equal_to_stdout_in_one_piece():
    one = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "db/da = 2.0\n"}]}
    pieces = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "db/da = 2.0"},
                          {"output_type": "stream", "name": "stdout", "text": "\n"}]}
    other = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "db/da = 1.0\n"}]}
    assert tool.text_outputs(pieces) == tool.text_outputs(one) != tool.text_outputs(other)
    assert len(pieces["outputs"]) == 2  # the cell itself is left as it was


@pytest.mark.parametrize("path", ENGLISH, ids=_ids)
def test_the_chinese_twin_has_the_same_code_cells(path):
    en, zh = _load(path), _load(ZH_DIR / path.name)
    en_code = [tool.without_lang(_source(c)) for c in _code_cells(en)]
    zh_code = [tool.without_lang(_source(c)) for c in _code_cells(zh)]
    assert len(zh_code) == len(en_code), f"zh/{path.name}: {len(zh_code)} code cells, English {len(en_code)}"
    for i, (a, b) in enumerate(zip(en_code, zh_code), start=1):
        assert a == b, f"zh/{path.name} code cell {i} differs from the English one (apart from lang):\n{b}"



@pytest.mark.parametrize("path", ENGLISH, ids=_ids)
def test_every_call_that_takes_lang_draws_in_chinese_in_the_twin(path):
    pytest.importorskip("matplotlib", reason="reading the plots' signatures needs the viz extra")
    en, zh = _load(path), _load(ZH_DIR / path.name)
    for i, (a, b) in enumerate(zip(_code_cells(en), _code_cells(zh)), start=1):
        assert _source(b) == tool.twin_code(_source(a)), (
            f"zh/{path.name} code cell {i}: every plots.*/viz.* call that takes lang should say lang=\"zh\", "
            "and tg.set_language(\"zh\") follows the import (python3 tools/refresh_notebooks.py --sync-code)")


def test_with_lang_adds_lang_only_where_the_function_takes_it():
    pytest.importorskip("matplotlib", reason="reading the plots' signatures needs the viz extra")
    code = "fig = plots.plot_training(h)\nfig = plots.new_figure(10, 3.8)\nplots.plot_bce_eps(lang='zh')\n"
    assert tool.with_lang(code) == ('fig = plots.plot_training(h, lang="zh")\n'
                                    "fig = plots.new_figure(10, 3.8)\nplots.plot_bce_eps(lang='zh')\n")


@pytest.mark.parametrize("path", ENGLISH, ids=_ids)
def test_the_chinese_twin_is_written_in_chinese(path):
    en, zh = _load(path), _load(ZH_DIR / path.name)
    en_md = [_source(c) for c in en["cells"] if c["cell_type"] == "markdown"]
    zh_md = [_source(c) for c in zh["cells"] if c["cell_type"] == "markdown"]
    assert len(zh_md) == len(en_md), f"zh/{path.name}: one Chinese text cell per English one"
    for i, (a, b) in enumerate(zip(en_md, zh_md), start=1):
        prose = re.sub(r"`[^`]*`|```.*?```", "", b, flags=re.S)
        cjk, latin = len(CJK.findall(prose)), len(re.findall(r"[A-Za-z]", prose))
        assert cjk >= 10 and cjk >= latin / 2, f"zh/{path.name} text cell {i} is not written in Chinese:\n{b}"
        # a soft line break between two Chinese characters shows as a space on the page
        assert not re.search(r"[\u4e00-\u9fff]\n[\u4e00-\u9fff]", b), f"zh/{path.name} text cell {i}: 字\\n字"
        # a translation, not a summary: Chinese runs at about a third of the English letters
        assert len(b) >= len(a) / 4, f"zh/{path.name} text cell {i} is much shorter than the English one"


def test_the_twins_use_the_notes_terms():
    text = "".join(_source(c) for p in CHINESE for c in _load(p)["cells"] if c["cell_type"] == "markdown")
    missing = [t for t in TERMS if t not in text]
    assert not missing, f"the Chinese notebooks never say {missing}"


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_no_magics_and_headings_in_the_notebooks_language(path):
    nb = _load(path)
    for i, cell in enumerate(nb["cells"]):
        src = _source(cell)
        assert "%matplotlib" not in src, f"{path.name} cell {i}: figures must display without a magic"
        if cell["cell_type"] == "code":
            assert not re.search(r"^\s*[%!]", src, re.M), f"{path.name} cell {i}: no magics or shell lines"
        for heading in re.findall(r"^#{1,2} (.+)$", src, re.M) if cell["cell_type"] == "markdown" else []:
            if path.parent == ZH_DIR:
                assert CJK.search(heading), f"zh/{path.name}: heading {heading!r} should be Chinese"
            else:
                english, sep, chinese = heading.partition(" · ")
                assert sep and re.search("[A-Za-z]", english) and CJK.search(chinese), (
                    f"{path.name}: heading {heading!r} should read 'English · 中文'")
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and _source(first).startswith("# ")


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_committed_with_outputs_from_one_run_top_to_bottom(path):
    nb = _load(path)
    assert nb["nbformat"] == 4
    assert nb["metadata"].get("language_info") == tool.LANGUAGE_INFO, "run tools/refresh_notebooks.py"
    code = _code_cells(nb)
    counts = [c.get("execution_count") for c in code if _source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}: not one run top to bottom; "
        "refresh with python3 tools/refresh_notebooks.py")
    for i, cell in enumerate(code, start=1):
        assert "execution" not in cell["metadata"], f"{path.name} code cell {i} stores timings"
        outputs = cell.get("outputs", [])
        assert not [o for o in outputs if o["output_type"] == "error"], f"{path.name} code cell {i}: an error"
        if "print(" in _source(cell) or _last_line(cell) in {**DISPLAYS, **EXTRA_DISPLAYS.get(path.name, {})}:
            assert outputs, f"{path.name} code cell {i} was committed without its outputs"
        for out in outputs:
            texts = [out.get("text", "")] + [v for k, v in out.get("data", {}).items()
                                            if k.startswith("text/") and k != "text/html"]
            for text in texts:
                leak = LEAKS.search("".join(text))
                assert not leak, f"{path.name} code cell {i} stores {leak.group(0)!r} (path, address, timing)"


#: A number written with a decimal point or an exponent: 0.8808, −0.1850, 1.5e-05, 1e-8.
PROSE_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?:e[−-]?\d+)?|(?<![\w.])\d+e[−-]?\d+")


def _rounds_to(written: str, numbers: set[float]) -> bool:
    """Whether some number of ``numbers`` is ``written`` when rounded to the digits ``written`` shows."""
    written = written.replace("−", "-").lstrip("-")
    if "e" in written:
        mantissa = written.split("e")[0]
        digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return any(f"{abs(x):.{digits}e}" == f"{float(written):.{digits}e}" for x in numbers)
    digits = len(written.split(".")[1])
    return any(f"{abs(x):.{digits}f}" == written for x in numbers)


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_every_number_in_the_prose_is_one_the_notebook_computes(path):
    """A decimal in a text cell is, rounded, a number in the notebook's code or stored outputs.

    Quotes of other programs' printouts (the notes' PyTorch output) are in backticks and not checked.
    """
    nb = _load(path)
    shown = []
    for cell in _code_cells(nb):
        shown.append(_source(cell))
        for out in cell.get("outputs", []):
            shown.append("".join(out.get("text", "")))
            data = out.get("data", {})
            shown += ["".join(data[k]) for k in ("text/plain", "text/markdown") if k in data]
    numbers = {abs(float(n.replace("−", "-"))) for n in PROSE_NUMBER.findall("\n".join(shown))}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            prose = re.sub(r"```.*?```|`[^`]*`", "", _source(cell), flags=re.S)
            wrong = [n for n in PROSE_NUMBER.findall(prose) if not _rounds_to(n, numbers)]
            assert not wrong, f"{_ids(path)} text cell {i} states {wrong}, which no cell computes or prints"


def _png_size(data: str | list[str]) -> tuple[int, float | None]:
    """(width in pixels, dots per inch or None) of a base64 PNG, from its IHDR and pHYs chunks."""
    raw = base64.b64decode("".join(data))
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    width: int = struct.unpack(">I", raw[16:20])[0]
    at = raw.find(b"pHYs")
    if at < 0:
        return width, None  # Graphviz writes none (it draws at 96 dpi)
    per_metre, unit = struct.unpack(">I", raw[at + 4:at + 8])[0], raw[at + 12]
    assert unit == 1, "pHYs in unknown units"
    return width, per_metre * 0.0254


def test_the_stored_outputs_are_small():
    total = sum(p.stat().st_size for p in NOTEBOOKS_DIR.rglob("*") if p.is_file())
    assert total < MAX_FOLDER_BYTES, f"notebooks/ holds {total} bytes"
    plots, graphs = [], []
    for p in ALL:
        for cell in _code_cells(_load(p)):
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png:
                    (plots if _last_line(cell) == "fig" else graphs).append(_png_size(png))
    assert len(plots) >= 2 * 8, "the notebooks' plots are stored as PNGs"
    assert all(dpi is not None and round(dpi) <= MAX_PNG_DPI for _, dpi in plots), plots
    assert max(w for w, _ in plots) <= MAX_PNG_WIDTH, f"a plot is stored {max(plots)} (pixels, dpi)"
    assert max((w for w, _ in graphs), default=0) <= MAX_GRAPH_PNG_WIDTH, f"a graph is stored {max(graphs)}"


def _benign(text: str) -> bool:
    """stderr that is not the notebook's doing: matplotlib's one-time font cache on a fresh machine."""
    return all("building the font cache" in line for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_runs_in_a_fresh_kernel_and_its_stored_outputs_are_current(path, tmp_path):
    """One execution per notebook serves every check that needs a run."""
    pytest.importorskip("nbformat", reason="running the notebooks needs the notebook extra")
    nbclient = pytest.importorskip("nbclient", reason="running the notebooks needs the notebook extra")
    pytest.importorskip("ipykernel", reason="running the notebooks needs the notebook extra")
    pytest.importorskip("matplotlib", reason="the notebooks need the viz extra")
    import nbformat

    try:
        nb, seconds = tool.execute(path, tmp_path)
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} failed in a fresh kernel:\n{exc}")
    print(f"{_ids(path)}: {seconds:.1f} s")
    expected = {**DISPLAYS, **EXTRA_DISPLAYS.get(path.name, {})}
    checked = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        noise = [o["text"] for o in outputs if o.get("name") == "stderr" and not _benign(o["text"])]
        assert not noise, f"{path.name} cell {i} wrote to stderr: {noise}"
        mime = expected.get(_last_line(cell))
        if mime is not None:
            shown = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")]
            kinds = [sorted(o["data"]) for o in shown]
            assert any(mime in o["data"] for o in shown), f"{path.name} cell {i}: no {mime} in {kinds}"
            checked += 1
        elif _source(cell).strip() and "print(" in _source(cell):
            assert outputs, f"{path.name} cell {i} prints but produced no output"
    assert checked >= 1, f"{path.name}: no cell displays a picture"
    for name in WRITES.get(path.name, []):
        assert (tmp_path / name).stat().st_size > 1000, f"{path.name} should write {name}"
    stale = tool.differences(nbformat.read(str(path), as_version=4), nb)
    assert not stale, (f"{_ids(path)}: the stored outputs are stale; refresh them with "
                       f"python3 tools/refresh_notebooks.py {path.relative_to(ROOT)}\n" + "\n".join(stale))


# The checks below read the stored outputs: the fresh-kernel test above keeps them equal to a new run.

#: Notebooks whose prose numbers are checked against the printout of the cell just before them.
PROSE_CHECKED = ["02_neuron_dead_relu.ipynb"]
RESULT = re.compile(r"[−-]?\d+\.\d{3,}")  # a computed result (0.8808), not a setting (0.1) or a step (30)


def _stdout(cell: dict[str, Any]) -> str:
    streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
    return "".join("".join(o.get("text", "")) for o in streams)


@pytest.mark.parametrize("path", [d / n for n in PROSE_CHECKED for d in (NOTEBOOKS_DIR, ZH_DIR)], ids=_ids)
def test_a_number_in_the_prose_is_printed_by_the_cell_just_before(path):
    printed = ""
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] == "code":
            printed = _stdout(cell)
            continue
        for number in RESULT.findall(_source(cell)):
            assert number.replace("−", "-") in printed, f"{_ids(path)} cell {i}: {number} not printed above"


@pytest.mark.parametrize("path", [d / "02_neuron_dead_relu.ipynb" for d in (NOTEBOOKS_DIR, ZH_DIR)], ids=_ids)
def test_notebook_02_table_and_picture_are_one_experiment(path):
    """The table printed "loss at step 30" before the last update; the picture showed the loss after it."""
    pytest.importorskip("matplotlib", reason="the experiment lives in tinygrad_edu.plots (the viz extra)")
    from tinygrad_edu.plots import activation_loss_experiment

    out = [_stdout(c) for c in _code_cells(_load(path))]
    table = next(t for t in out if "L at step 30" in t)
    box = next(t for t in out if "-> step 30" in t)
    for run in activation_loss_experiment(x=1.0, y=1.0, w0=-2.0, lr=0.1, steps=30):
        row = re.search(rf"^{re.escape(run.title)}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", table, re.M)
        assert row and float(row[2]) == float(f"{run.losses[0]:.4g}") and float(row[3]) == float(
            f"{run.losses[-1]:.4g}"), run.title
        assert f"{run.title:14} L: step 0 {run.losses[0]:.4g} -> step 30 {run.losses[-1]:.4g}" in box
