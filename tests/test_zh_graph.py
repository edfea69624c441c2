"""lang="zh" for everything that draws or explains the graph, and tg.set_language as its default.

What a Chinese reader sees must be Chinese apart from symbols, names and code: each test collects the
words a picture, an explanation or a page shows, takes out the graph's own names, the numbers, the
registry's symbols and formulas and the code it quotes, and checks that no English word is left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import strings, viz
from tinygrad_edu.cli import main
from tinygrad_edu.ops import REGISTRY
from tinygrad_edu.viz.graph import FONTNAME, graph_source
from tinygrad_edu.viz.html import backward_frames, backward_page
from tinygrad_edu.viz.walk import walk

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")

EN, ZH = strings.table("en"), strings.table("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
# words that may stay in a Chinese picture: the ops' names, symbols and parameters, the functions and
# Python words of the registry's formulas (f'(x) = 1 if x > 0 else 0), and the code a text quotes -
# no English prose
CODE_WORDS = {"backward", "explain", "max_paths", "Value", "float", "if", "else", "lo", "hi", "sign", "ln",
              "exp", "log", "tanh", "sin", "cos", "erf", "max", "min"}
for _op in REGISTRY.values():
    CODE_WORDS.update(re.findall(r"[A-Za-z_]\w*", f"{_op.name} {_op.symbol} {_op.param}"))


def english_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """Words of two or more Latin letters in ``text`` that are no name of the graph (nor d + a name, as
    in dy/dx), no op's name, symbol or formula word, and no code the text quotes."""
    allowed = CODE_WORDS | set(names) | {"d" + n for n in names}
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_\u2080-\u209c]*", text)  # subscripts are part of a name
    return [w for w in tokens if w not in allowed and len(re.findall("[A-Za-z]", w)) >= 2]


def neuron():
    """The micrograd lecture's neuron, with subscripted labels and a constant."""
    x1, w1 = tg.Value(2.0, label="x₁"), tg.Value(-3.0, label="w₁")
    x0, w0 = tg.Value(0.0, label="x₀"), tg.Value(1.0, label="w₀")
    b = tg.Value(6.8813735870195432, label="b")
    s0 = x1 * w1
    s0.label = "s₀"
    s1 = x0 * w0
    s1.label = "s₁"
    n = s0 + s1 + b
    n.label = "n"
    o = (2.0 * n).tanh()
    o.label = "o"
    return o, {"x₁", "w₁", "x₀", "w₀", "b", "s₀", "s₁", "n", "o", "u1", "u2"}


def deep_reuse(depth: int = 12):
    """x used at every level of a deep chain: reference boxes appear in the picture."""
    x = tg.Value(0.5, label="x")
    h = x
    for _ in range(depth):
        h = (h * x).tanh()
    h.label = "h"
    return h, x


# ---------------------------------------------------------------- the picture
def test_zh_boxes_and_footnote_and_the_english_default_unchanged():
    o, _names = neuron()
    o.backward()
    zh = graph_source(o, lang="zh")
    en = graph_source(o)
    assert en == graph_source(o, lang="en")
    assert f"{ZH['graph.data']} 2" in zh and f"{ZH['graph.grad']} " in zh and "数据" in zh and "梯度" in zh
    assert ZH["graph.note_local"] in zh and EN["graph.note_local"] not in zh
    assert ">data " not in zh and ">grad " not in zh and ">const " not in zh
    assert ">data 2<" in en and ">grad " in en and EN["graph.note_local"] in en
    assert f"{ZH['graph.const']} 2" in zh  # the constant 2.0 of 2·n
    # the same graph otherwise: the same nodes, edges and numbers
    assert zh.count("->") == en.count("->")
    numbers = re.compile(r"-?\d+\.\d+")
    assert numbers.findall(zh) == numbers.findall(en)


def test_zh_every_note_and_tooltip_is_chinese():
    h, _x = deep_reuse()
    source = graph_source(h, lang="zh", color_by_grad=True)  # no backward yet: every grad is 0
    assert ZH["graph.note_no_backward"] in source
    assert ZH["graph.note_ref"] in source  # reference boxes
    assert "颜色" in source
    assert "局部导数 = " in source and "local derivative" not in source
    assert "与方框" in source and "the same Value" not in source
    texts = " ".join(re.findall(r'(?:label|tooltip)=("[^"]*"|<.*>)', source))
    assert english_words(re.sub(r"<[^>]+>", " ", texts), {"h", "x"}) == []


def test_zh_model_picture_names_its_inputs_box_in_chinese():
    from tinygrad_edu.nn import MLP

    model = MLP(2, [2, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    zh = graph_source(out, module=model, lang="zh")
    en = graph_source(out, module=model)
    # the box around the model's inputs, named in the picture's language
    assert f"label=<{ZH['graph.inputs']}>" in zh and "label=<inputs>" not in zh
    assert "label=<inputs>" in en
    # every plain label is Chinese, apart from the model's parameter names (layers.0.neurons.1 ...)
    labels = " ".join(re.findall(r"label=<([^<>]*)>", zh))
    assert english_words(re.sub(r"\blayers(\.\w+)*", " ", labels)) == []


@needs_dot
def test_zh_svg_shows_no_english_word(tmp_path):
    o, names = neuron()
    o.backward()
    svg = viz.render_graph(o, tmp_path / "o.svg", lang="zh").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    shown = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any("数据" in t for t in shown) and any("梯度" in t for t in shown)
    assert english_words(" ".join(shown), names) == []
    # one font list for every text: DejaVu Sans first (every subscript), then CJK fonts
    families = {t.get("font-family") for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert families == {FONTNAME}
    assert FONTNAME.startswith("DejaVu Sans,") and "WenQuanYi Micro Hei" in FONTNAME


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig's fc-list")
def test_subscripts_come_from_one_font():
    """Pango takes each character from the first font of FONTNAME that has it: the first installed one
    must have every subscript and superscript a label or a note uses, or s₀ and s₁ come from two fonts
    (a CJK font has ₁ but no ₀).  The CJK words come from a later font of the list."""
    def families(chars: str) -> set[str]:
        charset = " ".join(f"{ord(c):x}" for c in chars)
        out = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True, text=True,
                             check=True).stdout
        return {name.strip() for line in out.splitlines() for name in line.split(",")}

    installed = families("a")
    first = next((f for f in FONTNAME.split(",") if f in installed), None)
    if first is None:
        pytest.skip("none of the fonts of FONTNAME is installed")
    marks = "₀₁₂₃₄₅₆₇₈₉ₙᵢⱼ⁰¹²³⁻ᵖˣ∂σΣ×−·αβ"
    assert first in families(marks), f"{first} lacks some of {marks}"
    if families("数据梯度"):
        cjk = families("数据梯度")
        assert any(f in cjk for f in FONTNAME.split(",")), "no CJK font of FONTNAME is installed"


def test_without_a_cjk_font_a_zh_picture_warns_once_and_is_english(monkeypatch):
    import warnings

    from tinygrad_edu.viz import fonts

    monkeypatch.setattr(fonts, "_installed", [False])
    monkeypatch.setattr(fonts, "_warned", [])
    o, _ = neuron()
    with pytest.warns(fonts.CJKFontWarning, match="apt-get install fonts-wqy-microhei"):
        source = graph_source(o, lang="zh")
    assert source == graph_source(o, lang="en") and "数据" not in source
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per process: no second warning
        assert "数据" not in graph_source(o, lang="zh")
        assert "其中" in viz.explain(o, lang="zh")  # text needs no font of ours: still Chinese
    monkeypatch.setattr(fonts, "_installed", [])
    assert fonts.cjk_font_installed() is (shutil.which("fc-list") is None or bool(subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()))


def test_lang_is_checked():
    o, _ = neuron()
    for bad in ("fr", "ZH", 1):
        with pytest.raises(ValueError, match='lang must be "en" or "zh"'):
            graph_source(o, lang=bad)
        with pytest.raises(ValueError, match='lang must be "en" or "zh"'):
            viz.explain(o, lang=bad)
        with pytest.raises(ValueError, match='lang must be "en" or "zh"'):
            backward_page(o, lang=bad)


# ---------------------------------------------------------------- explain
def test_zh_explain_text_and_markdown():
    x = tg.Value(3.0, label="x")
    y = x * x + x
    y.label = "y"
    e = viz.explain(y, lang="zh")
    en = viz.explain(y, lang="en")
    assert "其中 x = 3.0000" in e and "局部导数（来自运算注册表）：" in e
    assert "dy/dx = 共 3 条路径之和，因为 x 被用到不止一次：" in e
    assert "dy/du1 · du1/dx（第 1 个参数） = 1.0000 × 3.0000 = 3.0000" in e
    assert e.splitlines()[-1] == en.splitlines()[-1] == "  dy/dx = 3.0000 + 3.0000 + 1.0000 = 7.0000"
    assert english_words(str(e), {"x", "y", "u1"}) == []
    md = e.markdown
    assert r"\text{第 }1\text{ 个参数}" in md and "局部导数（来自运算注册表）：" in md
    assert "$ = 共 3 条路径之和，因为 $x$ 被用到不止一次：" in md
    assert english_words(re.sub(r"\\[a-z]+(\{aligned\})?", " ", md), {"x", "y", "u1"}) == []


def test_zh_explain_elided_paths_constant_output_and_the_output_itself():
    x = tg.Value(1.1, label="x")
    h = x
    for _ in range(10):
        h = h * h
    h.label = "y"
    e = viz.explain(h, max_paths=5, lang="zh")
    assert "… 另有 1,019 条路径未列出（explain(..., max_paths=1024) 会全部列出）" in e
    assert "是全部 1,024 条路径之和（误差反向传播的结果：逐个节点把路径加起来）" in e
    assert "`explain(..., max_paths=1024)` 会全部列出" in e.markdown
    t = x
    for _ in range(12):
        t = t.tanh()
    long_path = viz.explain(t, lang="zh")
    assert "…（另有 2 个） · " in long_path and "…（另有 2 个） × " in long_path  # 12 factors: 2 elided
    assert r"\cdots\ (\text{另有 2 个})" in long_path.markdown
    c = tg.Value(2.0, requires_grad=False) * 3
    assert viz.explain(c, lang="zh") == "6 = 6.0000 是常数（不需要梯度）：没有链式法则可展示"
    leaf = tg.Value(2.0, label="w")
    assert viz.explain(leaf, lang="zh").endswith("dw/dw = 1.0000 （w 就是输出本身）")
    many = tg.sum([tg.Value(float(i), label=f"p{i}") for i in range(20)])
    text = viz.explain(many, lang="zh")
    assert "… 另有 15 个" in text and "（另有 8 个）" in text
    assert english_words(str(text), {f"p{i}" for i in range(20)} | {"out"}) == []


def test_zh_explain_of_every_registered_op_has_no_english_word():
    x = tg.Value(0.7, label="x")
    z = tg.Value(1.3, label="z")
    ys = [x + z, x - z, x * z, x / z, -x, x ** 2, x ** z, x.exp(), x.log(), x.sqrt(), abs(x), x.tanh(),
          x.sigmoid(), x.relu(), x.leaky_relu(0.1), x.silu(), x.erf(), x.gelu(), x.gelu("tanh"),
          tg.sum([x, z]), tg.dot([x], [z]), x.sin(), x.cos(), x.log1p(), x.expm1(), x.softplus(2),
          x.elu(0.5), tg.maximum(x, z), tg.minimum(x, z), x.clamp(0, 1),
          tg.grad(x * 3.0, x, create_graph=True),  # a tie node
          F.max_shift([x, z])]  # the softmax family's run-time shift
    seen = set()
    for y in ys:
        seen.add(y.op)
        text = viz.explain(y, lang="zh")
        assert english_words(str(text), {"x", "z", "out", "u1"}) == [], y.op
    assert seen >= set(REGISTRY) - {"bce_with_logits"}


# ---------------------------------------------------------------- the step-through page
def test_zh_frames_are_chinese():
    o, names = neuron()
    frames = backward_frames(walk(o), "zh")
    assert frames[0]["title"] == "开始：前向传播已算出每个值；设定初值 梯度(o) = do/do = 1"
    assert frames[1]["title"].startswith("第 1 步（共 ")
    assert frames[-1]["title"] == "完成：每个梯度都已是最终值"
    assert any("是常数：不需要梯度" in line for f in frames for line in f["lines"])
    h, _x = deep_reuse(2)
    reuse = backward_frames(walk(h), "zh")
    assert any("   → 梯度(x) = " in line for f in reuse for line in f["lines"])
    every = frames + reuse
    text = " ".join([f["title"] for f in every] + [line for f in every for line in f["lines"]])
    assert "grad(" not in text and "Step" not in text
    assert english_words(text, names | {"h", "x"}) == []
    # the numbers are the same as in English
    en = backward_frames(walk(o))
    assert [f["set"] for f in frames] == [f["set"] for f in en]


@needs_dot
def test_zh_page_words(tmp_path):
    o, names = neuron()
    page = viz.render_backward_html(o, tmp_path / "steps.html", lang="zh").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for key in ("steps.first", "steps.prev", "steps.play", "steps.next", "steps.last", "steps.speed",
                "steps.legend"):
        assert ZH[key] in page, key
    assert "o 的误差反向传播，逐个节点" in page
    body = re.sub(r"<script.*?</script>|<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    shown = re.sub(r"<[^>]+>", " ", body)
    assert english_words(shown, names) == []
    steps = viz.backward_steps(o, lang="zh")
    assert "误差反向传播逐步演示页" in steps._repr_html_()
    assert steps.html == backward_page(o, lang="zh")


@pytest.mark.browser
def test_zh_page_steps_in_chromium(browser, tmp_path):
    o, _ = neuron()
    path = viz.render_backward_html(o, tmp_path / "steps.html", lang="zh")
    order = walk(o)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    cells = page.eval_on_selector_all("text.grad-cell", "els => els.map(e => e.textContent)")
    assert len(cells) == sum(v.requires_grad for v in order)
    assert "梯度 1.0000" in cells and cells.count("梯度 \u2014") == len(cells) - 1
    steps = len(backward_frames(order)) - 2
    assert page.inner_text("#counter") == f"开始，第 1 步之前（共 {steps} 步）"
    page.click("#next")
    assert page.inner_text("#counter") == f"第 1 步（共 {steps} 步）"
    assert page.inner_text("#step-title").startswith("第 1 步")
    assert "梯度(" in page.inner_text("#lines")
    page.click("#last")
    assert page.inner_text("#counter") == f"完成：共 {steps} 步"
    o.backward()
    final = page.eval_on_selector_all("text.grad-cell", "els => els.map(e => e.textContent)")
    assert f"梯度 {tg.viz.labels.fixed_number(order[0].grad)}" in final
    page.click("#first")
    page.click("#play")
    assert page.inner_text("#play") == ZH["steps.pause"]
    page.click("#play")
    assert page.inner_text("#play") == ZH["steps.play"]
    page.screenshot(path=str(tmp_path / "zh_page.png"))
    assert errors == []
    page.close()


# ---------------------------------------------------------------- the default language
def test_set_language_is_the_default_of_every_lang_none():
    o, _ = neuron()
    o.backward()
    assert tg.get_language() == "en"
    try:
        tg.set_language("zh")
        assert tg.get_language() == "zh"
        assert graph_source(o) == graph_source(o, lang="zh")
        assert viz.explain(o) == viz.explain(o, lang="zh")
        assert backward_frames(walk(o), tg.get_language())[0]["title"].startswith("开始")
        assert graph_source(o, lang="en") != graph_source(o)  # an explicit lang wins
        if shutil.which("dot"):
            bundle = o._repr_mimebundle_()
            assert "数据" in bundle["image/svg+xml"] and "梯度" in bundle["image/svg+xml"]
            assert viz.draw_dot(o).source == viz.draw_graph(o, lang="zh").source
        with pytest.raises(ValueError, match='lang must be "en" or "zh"'):
            tg.set_language("fr")
        assert tg.get_language() == "zh"  # a refused language changes nothing
    finally:
        tg.set_language("en")
    assert graph_source(o) == graph_source(o, lang="en")


# ---------------------------------------------------------------- the command line and the tour
def test_cli_graph_lang_zh(tmp_path, capsys):
    out = tmp_path / "g.dot"
    html_path = tmp_path / "steps.html"
    code = main(["graph", "sigmoid(w*x + b)", "--set", "x=1", "w=2", "b=0", "--explain", "--lang", "zh",
                 "-o", str(out), "--html", str(html_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "其中 w = 2.0000, x = 1.0000, b = 0.0000" in printed and "局部导数" in printed
    assert "数据" in out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html_path.read_text(encoding="utf-8")
    assert main(["graph", "x*x", "--set", "x=3", "--explain"]) == 0
    assert "with x = 3.0000" in capsys.readouterr().out  # English without --lang
    bad = subprocess.run([sys.executable, "-m", "tinygrad_edu", "graph", "x", "--set", "x=1", "--lang", "fr"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--lang" in bad.stderr


@needs_dot
def test_tour_demo_draws_its_graph_in_chinese(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demo draws with plots: needs matplotlib, which is not "
                                             'installed (pip install -e ".[viz]")')
    from tinygrad_edu.tour import find_demos, run_demo

    (path,) = find_demos(names=["chain_rule_graph"])
    result = run_demo(path, tmp_path, lang="zh")
    assert result.error is None, result.error
    svg = (tmp_path / "sigmoid_neuron_graph.svg").read_text(encoding="utf-8")
    assert "数据" in svg and "梯度" in svg and ">data " not in svg
    assert "其中 w = 2.0000" in result.output
