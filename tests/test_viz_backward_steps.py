"""The step-through page shown inline in a notebook (viz.backward_steps), and explain's math display.

One small notebook is executed in a fresh Jupyter kernel (nbclient); its
outputs are then checked as a notebook front end would get them: the step
page as ``text/html`` holding an ``<iframe srcdoc=...>``, loaded into headless
Chromium (Debian's chromium driven by playwright) and stepped; ``explain`` as
``text/markdown`` with the chain rule's fractions beside its plain text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

import tinygrad_edu as tg
from tinygrad_edu.viz import BackwardSteps, backward_steps, explain, render_backward_html
from tinygrad_edu.viz.html import backward_frames, backward_page
from tinygrad_edu.viz.walk import walk

GRAPH_CODE = """\
import tinygrad_edu as tg
from tinygrad_edu import viz
w, x, b = tg.Value(2.0, label="w"), tg.Value(-1.0, label="x"), tg.Value(0.5, label="b")
y = (w * x + b + w * 3.0).tanh(); y.label = "y"
"""


def graph() -> tg.Value:
    namespace: dict[str, Any] = {}
    exec(GRAPH_CODE, namespace)
    y: tg.Value = namespace["y"]
    return y


def n_steps(y: tg.Value) -> int:
    return len(backward_frames(walk(y))) - 2


# ---------------------------------------------------------------- the object (no kernel, no browser)
def test_the_inline_page_is_the_file_page(tmp_path):
    y = graph()
    steps = backward_steps(y)
    assert isinstance(steps, BackwardSteps)
    assert steps.html == backward_page(y)
    saved = steps.save(tmp_path / "sub" / "steps.html")
    assert saved == tmp_path / "sub" / "steps.html"
    written = render_backward_html(y, tmp_path / "f.html")
    assert saved.read_text(encoding="utf-8") == written.read_text(encoding="utf-8")
    assert steps.n_frames == n_steps(y) + 2
    assert "BackwardSteps of y" in repr(steps) and ".save(path)" in repr(steps)


def test_iframe_is_escaped_and_sandboxed():
    v = tg.Value(1.0, label='"><script>alert(1)</script>')
    steps = backward_steps((v * 2.0).exp())
    frame = steps._repr_html_()
    m = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" title="[^"<>]*" '
                     r'style="[^"<>]*height: (\d+)px;[^"<>]*"[^<>]*></iframe>', frame)
    assert m, frame[:300]
    assert "<" not in m.group(1) and '"' not in m.group(1)     # the whole page is one attribute value
    assert html.unescape(m.group(1)) == steps.html              # and decodes to exactly the page
    assert "allow-same-origin" not in frame                     # its scripts cannot reach the notebook
    assert 320 <= int(m.group(2)) <= 900 and int(m.group(2)) == steps.height


def test_height_follows_the_graph_and_can_be_set():
    small = backward_steps(tg.Value(1.0, label="a") * 2.0)
    h = tg.Value(0.5, label="h")
    for _ in range(12):
        h = (h * 1.1).tanh()
    tall = backward_steps(h, rankdir="TB")
    assert small.height < tall.height <= 900
    assert backward_steps(tg.Value(1.0) * 2, height=480).height == 480
    for bad in (0, 10, 2.5, True, "400"):
        with pytest.raises(ValueError, match="height"):
            backward_steps(tg.Value(1.0) * 2, height=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="requires grad"):
        backward_steps(tg.Value(1.0, requires_grad=False) * 2)


def test_grads_are_left_alone():
    y = graph()
    backward_steps(y)
    assert all(v.grad == 0.0 for v in walk(y))


# ---------------------------------------------------------------- in a fresh kernel, then in a browser
KERNEL = pytest.mark.xdist_group("backward_steps_kernel")  # one pytest-xdist worker starts the kernel


@pytest.fixture(scope="module")
def notebook_outputs(tmp_path_factory) -> list[list[dict[str, Any]]]:
    nbformat = pytest.importorskip("nbformat", reason="running a notebook needs the notebook extra")
    nbclient = pytest.importorskip("nbclient", reason="running a notebook needs the notebook extra")
    pytest.importorskip("ipykernel", reason="running a notebook needs the notebook extra")
    cwd = tmp_path_factory.mktemp("kernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(GRAPH_CODE),
                nbformat.v4.new_code_cell("viz.backward_steps(y)"),
                nbformat.v4.new_code_cell("viz.explain(y, wrt=b)"),
                nbformat.v4.new_code_cell("print(viz.explain(y, wrt=b))")]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    assert list(cwd.iterdir()) == []                             # showing the page writes no file
    return [list(cell.outputs) for cell in nb.cells]


def _result(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    shown = [o for o in outputs if o["output_type"] in ("execute_result", "display_data")]
    assert len(shown) == 1, outputs
    data: dict[str, Any] = shown[0]["data"]
    return data


@KERNEL
def test_kernel_displays_the_page_as_an_iframe(notebook_outputs):
    data = _result(notebook_outputs[1])
    assert data["text/html"].startswith("<iframe srcdoc=")
    assert 'sandbox="allow-scripts"' in data["text/html"]
    assert html.unescape(data["text/html"].split('srcdoc="', 1)[1].split('"', 1)[0]) == backward_page(graph())
    assert data["text/plain"].startswith("<BackwardSteps of y")


@KERNEL
def test_kernel_displays_explain_as_math_and_prints_plain_text(notebook_outputs):
    y = graph()
    b = walk(y)[3]
    assert b.label == "b"
    expected = explain(y, wrt=b)
    data = _result(notebook_outputs[2])
    assert data["text/markdown"] == expected.markdown
    assert r"\frac{\partial y}{\partial b}" in data["text/markdown"]
    assert data["text/plain"] == str(expected)
    printed = "".join(o["text"] for o in notebook_outputs[3] if o.get("name") == "stdout")
    assert printed == str(expected) + "\n"


def _watch(page: Any) -> tuple[list[str], list[str]]:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return requests, errors


def _check_stepping(frame: Any, steps: int) -> None:
    """Frame 0 first (the counter says so, prev disabled), then next advances to step 1, then 2."""
    assert frame.get_attribute("body", "data-frame") == "0"
    assert frame.inner_text("#counter") == f"start, before step 1 of {steps}"
    assert frame.is_disabled("#prev") and not frame.is_disabled("#next")
    frame.click("#next")
    assert frame.get_attribute("body", "data-frame") == "1"
    assert frame.inner_text("#counter") == f"step 1 of {steps}"
    assert frame.inner_text("#step-title").startswith(f"Step 1 of {steps}: visit y = ")
    frame.click("#next")
    assert frame.inner_text("#counter") == f"step 2 of {steps}"
    frame.click("#last")
    assert frame.inner_text("#counter") == f"done: all {steps} steps"


@KERNEL
@pytest.mark.browser
def test_the_iframe_from_the_kernel_steps_in_chromium(notebook_outputs, browser, tmp_path):
    frame_html = _result(notebook_outputs[1])["text/html"]
    height = int(re.search(r"height: (\d+)px", frame_html).group(1))
    page = browser.new_page(viewport={"width": 1100, "height": height + 40})
    requests, errors = _watch(page)
    # a notebook's output area, reduced to the essentials: the output's HTML in a page
    page.set_content(f"<!DOCTYPE html><html><body>{frame_html}</body></html>")
    handle = page.wait_for_selector("iframe")
    # the frame, border included, fits the output's width (no sideways scroll bar under it)
    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().right") <= \
        page.evaluate("document.body.getBoundingClientRect().right")
    inner = handle.content_frame()
    assert inner is not None
    inner.wait_for_selector("#counter:not(:empty)")
    _check_stepping(inner, n_steps(graph()))
    inner.click("#first")
    page.screenshot(path=str(tmp_path / "inline.png"))
    assert (tmp_path / "inline.png").stat().st_size > 10_000
    assert errors == []
    assert all(not u.startswith(("http:", "https:")) for u in requests)   # nothing from the network
    page.close()


@pytest.mark.browser
def test_the_file_page_counter_starts_at_frame_0(browser, tmp_path):
    y = graph()
    path = render_backward_html(y, tmp_path / "steps.html")
    page = browser.new_page()
    requests, errors = _watch(page)
    page.goto(Path(path).resolve().as_uri())
    _check_stepping(page, n_steps(y))
    assert errors == []
    assert requests and all(u.startswith("file://") for u in requests)
    page.close()
