"""The notebooks in ``notebooks/`` run top to bottom in a fresh Jupyter kernel.

Each notebook is executed with nbclient, in a new kernel, with no
``MPLBACKEND`` set (as a learner's kernel has none), in a temporary folder (so
the files a notebook writes land there).  A test fails on any cell error, and
checks that the pictures display: a cell ending in a ``plots`` Figure gives an
``image/png`` output, a cell ending in a Value gives its graph as
``image/svg+xml``.  Other tests read the committed files only: no outputs, no
``%matplotlib`` magic, bilingual headings, the notebooks in their order.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
IN_ORDER = [
    "01_activations.ipynb", "02_neuron_dead_relu.ipynb", "03_binary_cross_entropy.ipynb",
    "04_softmax_jacobian.ipynb", "05_backprop_vs_gradient_descent.ipynb", "06_custom_function.ipynb",
    "07_compiled_tape.ipynb",
]
#: Cells whose last line of code is one of these expressions must display as this MIME type.
DISPLAYS = {"fig": "image/png"}
EXTRA_DISPLAYS = {
    "05_backprop_vs_gradient_descent.ipynb": {"L": "image/svg+xml", "viz.explain(L, wrt=w)": "text/markdown",
                                              "steps": "text/html"},
    "07_compiled_tape.ipynb": {"neuron_loss()": "image/svg+xml"},
}
#: Files a notebook writes into its working folder.
WRITES = {"05_backprop_vs_gradient_descent.ipynb": ["neuron_backward.html"]}
CELL_TIMEOUT = 180  # seconds, per cell (the slowest cell trains a small MLP in a few seconds)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _load(path: Path) -> dict[str, Any]:
    nb: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return nb


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else str(src)


def _last_line(cell: dict[str, Any]) -> str:
    """The cell's last line of code, without a trailing comment."""
    lines = [ln.split("  #")[0].strip() for ln in _source(cell).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def test_the_notebooks_of_the_notes_are_there_in_order():
    assert [p.name for p in NOTEBOOKS] == IN_ORDER


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = _load(path)
    assert nb["nbformat"] == 4
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} was committed with outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_magics_and_bilingual_headings(path):
    nb = _load(path)
    for i, cell in enumerate(nb["cells"]):
        src = _source(cell)
        assert "%matplotlib" not in src, f"{path.name} cell {i}: figures must display without a magic"
        if cell["cell_type"] == "code":
            assert not re.search(r"^\s*[%!]", src, re.M), f"{path.name} cell {i}: no magics or shell lines"
        for heading in re.findall(r"^#{1,2} (.+)$", src, re.M) if cell["cell_type"] == "markdown" else []:
            english, sep, chinese = heading.partition(" · ")
            assert sep and re.search("[A-Za-z]", english) and CJK.search(chinese), (
                f"{path.name}: heading {heading!r} should read 'English · 中文'")
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and _source(first).startswith("# ")


def _benign(text: str) -> bool:
    """stderr that is not the notebook's doing: matplotlib's one-time font cache on a fresh machine."""
    return all("building the font cache" in line for line in text.splitlines() if line.strip())


def _execute(path: Path, cwd: Path) -> tuple[dict[str, Any], float]:
    nbformat = pytest.importorskip("nbformat", reason="running the notebooks needs the notebook extra")
    nbclient = pytest.importorskip("nbclient", reason="running the notebooks needs the notebook extra")
    pytest.importorskip("ipykernel", reason="running the notebooks needs the notebook extra")
    pytest.importorskip("matplotlib", reason="the notebooks need the viz extra")
    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} failed in a fresh kernel:\n{exc}")
    return nb, time.perf_counter() - start


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom_in_a_fresh_kernel(path, tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # a learner's kernel has none
    nb, seconds = _execute(path, tmp_path)
    print(f"{path.name}: {seconds:.1f} s")
    expected = {**DISPLAYS, **EXTRA_DISPLAYS.get(path.name, {})}
    checked = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        assert not [o for o in outputs if o.get("output_type") == "error"], f"{path.name} cell {i} raised"
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


#: Notebooks whose prose numbers are checked against the printout of the cells before them.
PROSE_CHECKED = ["02_neuron_dead_relu.ipynb"]
RESULT = re.compile(r"[−-]?\d+\.\d{3,}")  # a computed result (0.8808), not a setting (0.1) or a step (30)


@pytest.mark.parametrize("name", PROSE_CHECKED)
def test_a_number_in_the_prose_is_printed_by_the_cell_just_before(name, tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb, _ = _execute(NOTEBOOKS_DIR / name, tmp_path)
    printed = ""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
            printed = "".join(o.get("text", "") for o in streams)
            continue
        for number in RESULT.findall(_source(cell)):
            assert number.replace("−", "-") in printed, f"{name} cell {i}: {number} is not printed just above"


def test_notebook_02_table_and_picture_are_one_experiment(tmp_path, monkeypatch):
    """The table printed "loss at step 30" before the last update; the picture showed the loss after it."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb, _ = _execute(NOTEBOOKS_DIR / "02_neuron_dead_relu.ipynb", tmp_path)
    out = {i: "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream")
           for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    table = next(t for t in out.values() if "L at step 30" in t)
    box = next(t for t in out.values() if "-> step 30" in t)
    from tinygrad_edu.plots import activation_loss_experiment

    for run in activation_loss_experiment(x=1.0, y=1.0, w0=-2.0, lr=0.1, steps=30):
        row = re.search(rf"^{re.escape(run.title)}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", table, re.M)
        assert row and float(row[2]) == float(f"{run.losses[0]:.4g}") and float(row[3]) == float(
            f"{run.losses[-1]:.4g}"), run.title
        assert f"{run.title:14} L: step 0 {run.losses[0]:.4g} -> step 30 {run.losses[-1]:.4g}" in box
