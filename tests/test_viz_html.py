"""The step-through page of the backward pass: its frames, its offline HTML, and the page in a real
headless Chromium (Debian's chromium driven by playwright; no browser is downloaded)."""

from __future__ import annotations

import re

import pytest

import tinygrad_edu as tg
from tinygrad_edu.viz import GraphTooLargeError, render_backward_html
from tinygrad_edu.viz.html import backward_frames
from tinygrad_edu.viz.labels import fixed_number
from tinygrad_edu.viz.walk import walk


def graph():
    """A neuron whose weight is used twice, so one gradient is accumulated over two steps."""
    w, x, b = tg.Value(2.0, label="w"), tg.Value(-1.0, label="x"), tg.Value(0.5, label="b")
    y = (w * x + b + w * 3.0).tanh()
    y.label = "y"
    return y


# ---------------------------------------------------------------- frames (no browser)
def test_frames_visit_every_op_node_in_reverse_topological_order():
    y = graph()
    order = walk(y)
    frames = backward_frames(order)
    inner = [i for i, v in enumerate(order) if not v.is_leaf]
    assert len(frames) == len(inner) + 2
    assert [f["active"] for f in frames[1:-1]] == [[i] for i in reversed(inner)]
    assert frames[0]["set"] == [[len(order) - 1, "1.0000"]]


def test_final_gradients_equal_backward():
    y = graph()
    order = walk(y)
    frames = backward_frames(order)
    state = {}
    for f in frames:
        state.update(dict((i, t) for i, t in f["set"]))
    y.backward()
    for i, v in enumerate(order):
        if v.requires_grad:
            assert state[i] == fixed_number(v.grad)
    w = order[0]
    assert [ln for ln in frames[-1]["lines"] if ln.startswith("dy/dw")] == [
        f"dy/dw = grad(w) = {fixed_number(w.grad)}"]


def test_accumulation_is_written_out():
    y = graph()
    lines = [ln for f in backward_frames(walk(y)) for ln in f["lines"] if ln.startswith("grad(w)")]
    assert len(lines) == 2                              # w feeds two products
    assert "→ grad(w) = " in lines[1] and "→" not in lines[0]


def test_page_is_self_contained(tmp_path):
    page = render_backward_html(graph(), tmp_path / "steps.html").read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == [tmp_path / "steps.html"]
    assert page.count("<svg") == 1
    for pattern in (r"<script[^>]*\ssrc=", r"<link\b", r"<img\b", r"@import", r"url\("):
        assert not re.search(pattern, page, re.I), pattern
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}   # XML namespaces only


def test_labels_cannot_break_out_of_the_page(tmp_path):
    v = tg.Value(1.0, label="</script><script>alert(1)</script>")
    page = render_backward_html((v * 2.0).exp(), tmp_path / "p.html").read_text(encoding="utf-8")
    assert page.count("<script") == 2 and page.count("</script>") == 2


def test_cap_and_constant_output(tmp_path):
    x = tg.Value(1.0)
    h = x
    for _ in range(150):
        h = h * 1.5
    with pytest.raises(GraphTooLargeError, match="max_nodes=301"):
        render_backward_html(h, tmp_path / "big.html")
    with pytest.raises(ValueError, match="requires grad"):
        render_backward_html(tg.Value(1.0, requires_grad=False) * 2, tmp_path / "c.html")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- in a real browser
@pytest.mark.browser
def test_stepping_through_the_page_in_chromium(browser, tmp_path):
    y = graph()
    path = render_backward_html(y, tmp_path / "steps.html")
    order = walk(y)
    n_frames = len(backward_frames(order))
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())

    def grad_texts() -> dict[int, str]:
        return {int(k): t for k, t in page.eval_on_selector_all(
            "text.grad-cell", "els => els.map(e => [e.getAttribute('data-node'), e.textContent])")}

    grad_nodes = [i for i, v in enumerate(order) if v.requires_grad]
    # frame 0: only the seed grad(y) = 1 is known
    assert page.get_attribute("body", "data-frame") == "0"
    texts = grad_texts()
    assert sorted(texts) == grad_nodes
    assert texts[len(order) - 1] == "grad 1.0000"
    assert all(t == "grad \u2014" for i, t in texts.items() if i != len(order) - 1)
    assert page.is_disabled("#prev") and not page.is_disabled("#next")
    title0 = page.inner_text("#step-title")

    # next: the output's op is visited, its input gets a gradient and is highlighted
    page.click("#next")
    assert page.get_attribute("body", "data-frame") == "1"
    assert page.inner_text("#step-title") != title0
    assert page.inner_text("#step-title").startswith("Step 1 of")
    u = len(order) - 2                                    # the tanh's input
    assert grad_texts()[u] != "grad \u2014"
    assert page.eval_on_selector(f"#v{len(order) - 1}", "e => e.classList.contains('active')")
    assert page.eval_on_selector(f"#v{u}", "e => e.classList.contains('updated')")
    assert page.eval_on_selector(f"#e{len(order) - 1}_0", "e => e.classList.contains('hl')")
    assert "grad(" in page.inner_text("#lines") and "∂" in page.inner_text("#lines")

    # keyboard and previous go back
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("body", "data-frame") == "2"
    page.click("#prev")
    assert page.get_attribute("body", "data-frame") == "1"

    # last frame: every gradient, equal to what backward() computes
    page.click("#last")
    assert page.get_attribute("body", "data-frame") == str(n_frames - 1)
    assert page.is_disabled("#next")
    y.backward()
    final = grad_texts()
    for i in grad_nodes:
        assert final[i] == f"grad {fixed_number(order[i].grad)}"
    assert f"dy/dw = grad(w) = {fixed_number(order[0].grad)}" in page.inner_text("#lines")

    # play runs through the frames by itself
    page.click("#first")
    page.select_option("#speed", "400")
    page.click("#play")
    assert page.get_attribute("body", "data-playing") == "true"
    page.wait_for_function("document.body.getAttribute('data-frame') === '2'", timeout=5000)
    page.click("#play")   # pause
    assert page.get_attribute("body", "data-playing") == "false"

    assert errors == []
    assert requests and all(u.startswith("file://") for u in requests)   # nothing from the network
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1400, 968])
def test_a_wide_graph_fits_the_window_with_its_output_node_in_view(browser, tmp_path, width):
    x, w, b = tg.Value(1.0, label="x"), tg.Value(2.0, label="w"), tg.Value(0.0, label="b")
    loss = tg.functional.binary_cross_entropy((w * x + b).sigmoid(), 1.0)  # the notes' neuron, ~2400 px
    loss.label = "L"
    path = render_backward_html(loss, tmp_path / "steps.html")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.resolve().as_uri())
    output_box = page.eval_on_selector(f"#v{len(walk(loss)) - 1}", "e => e.getBoundingClientRect().right")
    graph = page.eval_on_selector("#graph",
                                  "e => [e.getBoundingClientRect().right, e.scrollWidth, e.clientWidth]")
    assert output_box <= graph[0] and graph[1] <= graph[2], (output_box, graph)  # nothing to scroll to
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("#graph")  # actual size on a click, to read the small print; another click fits again
    assert page.eval_on_selector("#graph", "e => e.scrollWidth > e.clientWidth")
    page.click("#graph")
    assert page.eval_on_selector("#graph", "e => e.scrollWidth <= e.clientWidth")
    page.close()
