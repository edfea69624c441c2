"""Every demo runs as its own process (``python demos/NAME.py --out DIR``) and writes its files.

One session fixture runs the whole tour with ``jobs=2``: each demo in a fresh
interpreter, two at a time.  The tests then read what each demo printed and
wrote.  Expected numbers are hand-derived (see each test).  A second fixture
runs the tour in this process with ``lang="zh"``, keeping every figure, to
check that each has a title and axis labels and is drawn in Chinese.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the demos need the viz extra")

from tinygrad_edu import tour

# Under pytest-xdist (-n auto) each worker builds its own module fixtures: the tests of one tour
# share a group, so one worker runs them all and builds that tour once.
TOUR_EN = pytest.mark.xdist_group("tour_en")
TOUR_ZH = pytest.mark.xdist_group("tour_zh")

DEMOS_DIR = Path(__file__).resolve().parent.parent / "demos"
EXPECTED = {"activations", "activation_loss", "bce_gradient", "bce_eps", "softmax_jacobian", "autograd_grad",
            "backprop_vs_gd", "chain_rule_graph", "custom_function", "gradient_flow", "two_moons",
            "circles_spiral"}


#: Every demo of the folder, in tour order: the caption checks below walk all of them.
ORDERED = [p.stem for p in tour.find_demos(DEMOS_DIR)]


@pytest.fixture(scope="session")
def tour_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    results = tour.run(out, demos=ORDERED, jobs=2, progress=False)
    return out, {r.name: r for r in results}


@pytest.fixture(scope="session")
def zh_tour(tmp_path_factory):
    """The tour in Chinese, in this process, with every figure the demos saved."""
    import warnings

    out = tmp_path_factory.mktemp("tour_zh")
    figures = {}
    real = tour.save_picture

    def keep(fig, out_dir, name, title, caption, facts=None):
        figures[name] = fig
        return real(fig, out_dir, name, title, caption, facts)

    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mp.setattr(tour, "save_picture", keep)  # the demos import it when the tour loads them
        results = tour.run(out, demos=ORDERED, progress=False, lang="zh")
    return out, {r.name: r for r in results}, figures, [str(w.message) for w in caught]


def _output(tour_run, name):
    _, results = tour_run
    result = results[name]
    assert result.error is None, f"demo {name} failed:\n{result.error}"
    return result.output


def test_every_demo_script_is_in_the_tour():
    assert {p.stem for p in DEMOS_DIR.glob("*.py") if not p.name.startswith("_")} >= EXPECTED
    assert set(tour.DEMO_ORDER) >= EXPECTED
    order = [p.stem for p in tour.find_demos(DEMOS_DIR)]
    assert order[:3] == ["activations", "activation_loss", "bce_gradient"]


@TOUR_EN
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_ran_in_a_subprocess_and_wrote_png_and_svg(tour_run, name):
    out, results = tour_run
    _output(tour_run, name)
    pictures = results[name].pictures
    assert pictures, f"demo {name} reported no pictures"
    for pic in pictures:
        png, svg = out / f"{pic.name}.png", out / f"{pic.name}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 5_000
        assert "<svg" in svg.read_text(encoding="utf-8")[:3000]
        assert len(pic.caption) > 80, f"{pic.name}: a caption should explain what to look at"


@TOUR_EN
def test_activations_numbers(tour_run):
    text = _output(tour_run, "activations")
    # σ(0) = 1/2, σ'(0) = 1/4; |σ'| < 0.05 beyond ln(s/(1 − s)) with s = (1 − √0.8)/2: 2.887
    assert re.search(r"sigmoid\s+0\.5000\s+0\.2500\s+0\.2500\s+"
                     r"\[-6\.000, -2\.887\], \[2\.887, 6\.000\]", text)
    assert re.search(r"tanh\s+0\.0000\s+1\.0000\s+1\.0000\s+\[-6\.000, -2\.178\]", text)  # atanh(√0.95)
    assert re.search(r"relu\s+0\.0000\s+0\.0000\s+1\.0000\s+\[-6\.000, 0\.000\]", text)
    # leaky relu with slope 0.1: its derivative never drops below 0.05; silu saturates on the left only
    assert re.search(r"leaky_relu\s+0\.0000\s+0\.1000\s+1\.0000\s+nowhere", text)  # f'(0) = slope
    assert re.search(r"silu\s+0\.0000\s+0\.5000\s+1\.0998\s+\[-6\.000, -4\.0\d\d\]$", text, re.M)


@TOUR_EN
def test_activation_loss_numbers(tour_run):
    text = _output(tour_run, "activation_loss")
    # sigmoid + BCE: dL/dw at w = −2 is σ(−2) − 1 = −0.8808, loss −ln σ(−2) = 2.1269
    assert re.search(r"sigmoid \+ BCE\s+-0\.8808\s+2\.1269", text)
    # relu + MSE: relu'(−2) = 0, so loss 1 and w = −2 for ever
    assert re.search(r"relu \+ MSE\s+0\.0000\s+1\.0000\s+1\.0000\s+-2\.0000", text)
    assert "stuck (zero gradient at every step): relu + MSE" in text


@TOUR_EN
def test_bce_numbers(tour_run):
    text = _output(tour_run, "bce_gradient")
    worst = float(re.search(r"largest difference from y_hat - y: (\S+)", text).group(1))
    assert worst < 1e-12
    text = _output(tour_run, "bce_eps")
    for eps in (1e-4, 1e-8, 1e-12):  # loss −ln ε, gradient −1/ε at p = 0, y = 1
        row = [re.escape(f"{eps:.0e}"), re.escape(f"{-math.log(eps):.4f}"), re.escape(f"{-1 / eps:.4g}")]
        assert re.search(r"\s+".join(row), text), eps
    assert "eps = 0: DomainError" in text


@TOUR_EN
def test_softmax_numbers(tour_run):
    text = _output(tour_run, "softmax_jacobian")
    assert "softmax(a) = [0.3987, 0.3193, 0.282]" in text  # the notes' values
    assert "row 1: [-0.1273,  0.2173, -0.0900]" in text
    assert "softmax([1000, 0]) = [1.0, 0.0]" in text


@TOUR_EN
def test_autograd_grad_numbers(tour_run):
    text = _output(tour_run, "autograd_grad")
    # L = (x·w − y)² with x = 1, w = 2, y = 1: L = 1, dL/dw = 2(xw − y)x = 2, d²L/dw² = 2x² = 2
    assert "L = 1.0" in text and "dL/dw = 2.0   (w.grad is still 0.0)" in text
    assert "w.grad = 2.0" in text and "w.grad = 4.0" in text
    assert "d2L/dw2 = 2.0" in text
    assert "grad w.r.t. a constant: ValueError: grad(): input 0 ('x')" in text
    assert "grad of a constant output: ValueError" in text


@TOUR_EN
def test_backprop_vs_gd_numbers(tour_run):
    text = _output(tour_run, "backprop_vs_gd")
    pairs = re.findall(r"dL/d(\w+)\s*=\s*(\S+)\s*\|\s*(\S+)", text)
    assert {p[0] for p in pairs} == {"z2", "h", "z1", "w2", "w1"}
    for _, engine, by_hand in pairs:
        assert float(engine) == pytest.approx(float(by_hand), abs=1e-6)
    before, after = map(float, re.search(r"loss (\S+) -> (\S+)", text).groups())
    assert after < before


@TOUR_EN
def test_chain_rule_graph_numbers(tour_run):
    text = _output(tour_run, "chain_rule_graph")
    # σ(2) = 0.8808; dy/dw = σ(2)(1 − σ(2))·x = 0.1050; dy/dx = 0.1050·w = 0.2100
    assert "y = sigmoid(w*x + b) = 0.8808" in text
    assert "dy/dw = dy/dz * x = 0.1050" in text and "dy/dx = dy/dz * w = 0.2100" in text


@TOUR_EN
def test_custom_function_numbers(tour_run):
    text = _output(tour_run, "custom_function")
    # softplus(800) ≈ 800, σ(800) = 1; the naive graph overflows (an error, or inf under IEEE rules)
    assert re.search(r"800\s+800\s+1\s+(NumericOverflowError|inf)", text)
    assert "gradcheck(Softplus) at -3, 0.5, 4: True" in text
    assert "dq/dw = 4.0 (true derivative: 0)" in text  # straight-through: d(4w)/dw = 4


@TOUR_EN
def test_gradient_flow_numbers(tour_run):
    text = _output(tour_run, "gradient_flow")
    ratio = {name: float(r) for name, r in re.findall(r"^(\w+, \w+)\s.*first/last = (\S+)$", text, re.M)}
    assert ratio["sigmoid, xavier"] < 1e-4  # vanishes
    assert ratio["tanh, xavier"] > 1e-2
    means = re.search(r"^relu, uniform\s+(\S+)", text, re.M)
    assert float(means.group(1)) > 100 * float(re.search(r"^relu, he\s+(\S+)", text, re.M).group(1))


@TOUR_EN
def test_two_moons_learns(tour_run):
    text = _output(tour_run, "two_moons")
    acc = float(re.search(r"final training accuracy: (\S+)%", text).group(1))
    assert acc >= 97.0


@TOUR_EN
def test_circles_and_spiral_learn_with_the_settings_shown(tour_run):
    text = _output(tour_run, "circles_spiral")
    accs = [float(a) for a in re.findall(r"training accuracy (\S+)%", text)]
    obvious, working, spiral = accs
    assert obvious < 90.0  # uniform init, lr 0.01, 30 epochs: the default circles are not learned
    assert working == 100.0  # He init, lr 0.05, 40 epochs
    assert spiral >= 95.0


@TOUR_EN
def test_gallery_links_every_picture_and_works_offline(tour_run):
    out, results = tour_run
    page = (out / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'(?:src|href)="([^"]+)"', page))
    on_disk = {p.name for p in out.iterdir()}
    pictures = {f.name for r in results.values() for pic in r.pictures for f in pic.files(out)}
    assert pictures <= on_disk and pictures <= linked
    assert {f for f in linked if "://" not in f and not f.startswith("#")} <= on_disk  # every link works
    remote = [u for u in linked if "://" in u or u.startswith("//")]
    assert not remote, "the gallery must not load anything remote"
    for r in results.values():
        for pic in r.pictures:
            assert f'<img src="{pic.name}.png"' in page
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert f"{len(ORDERED)} demos" in summary and "all succeeded" in summary


def test_a_demo_runs_alone_from_the_command_line(tmp_path):
    proc = subprocess.run([sys.executable, str(DEMOS_DIR / "autograd_grad.py"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "tg.grad(L, [w])  -> dL/dw = 2.0" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["autograd_grad.png", "autograd_grad.svg"]


# ------------------------------------------------------------------ the tour in Chinese
@TOUR_ZH
def test_every_figure_has_a_title_and_axis_labels(zh_tour):
    _, results, figures, _ = zh_tour
    assert all(r.error is None for r in results.values()), [r.error for r in results.values() if r.error]
    graphviz = {"sigmoid_neuron_graph", "backprop_written_out_graph"}
    drawn = {pic.name for r in results.values() for pic in r.pictures} - graphviz
    assert set(figures) == drawn
    for name, fig in figures.items():
        plots_ = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
        assert plots_, name
        assert fig.get_suptitle() or all(ax.get_title() for ax in plots_), f"{name}: no title"
        for ax in plots_:
            shared = ax.get_shared_x_axes().get_siblings(ax)  # a column sharing x is labelled once, below
            assert any(a.get_xlabel().strip() for a in shared), f"{name}: a panel without an x-axis label"
            assert ax.get_ylabel().strip(), f"{name}: a panel without a y-axis label"


@TOUR_ZH
def test_the_chinese_gallery_uses_the_notes_terms_and_a_cjk_font(zh_tour):
    out, results, figures, caught = zh_tour
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<h1>tinygrad_edu：导览图集</h1>" in page
    for term in ("激活函数", "死亡ReLU", "二分类交叉熵", "误差反向传播", "梯度下降", "梯度消失"):
        assert term in page, term
    assert "激活函数及其导数" in page  # a demo's title
    assert "--lang zh" in page
    fonts = {tuple(t.get_fontproperties().get_family()) for fig in figures.values()
             for t in fig.findobj(__import__("matplotlib").text.Text) if t.get_text()}
    from tinygrad_edu.plots.fonts import find_cjk_font

    assert (find_cjk_font(), "DejaVu Sans") in fonts
    assert not [m for m in caught if "missing from font" in m], caught[:3]
    for r in results.values():
        for pic in r.pictures:
            assert (out / f"{pic.name}.png").stat().st_size > 5_000
    # the computation graphs are drawn in Chinese too: 数据 / 梯度 in the boxes, a Chinese footnote
    graphs = [n for n in ("sigmoid_neuron_graph", "backprop_written_out_graph", "backprop_written_out_mlp")
              if (out / f"{n}.svg").exists()]
    assert "sigmoid_neuron_graph" in graphs
    for name in graphs:
        svg = (out / f"{name}.svg").read_text(encoding="utf-8")
        assert "数据" in svg and "梯度" in svg and "局部导数" in svg, name
        assert ">data " not in svg and ">grad " not in svg, name


# ------------------------------------------------------------------ every number in a caption is computed
#: Numbers that are part of a formula or a name, not a result: "1 − y", "x > 0", "ŷ = σ(z) = 0.5",
#: "uniform(−1, 1)", "√(6/n_in)", "target 1".  Anything else in a caption is a {field}.
FORMULA_NUMBERS = {"0", "1", "−1", "±1", "0.5", "6"}
NUMBER = re.compile(r"(?<![\w.])[−±-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?%?")
#: Texts of the tables that the gallery, its pictures and the backprop page show around computed numbers.
CHECKED_PREFIXES = ("pic.", "page.", "code.", "nan.", "cf.", "neuron.", "torch.", "flow.", "ag.", "gd.")


def _literal_numbers(template):
    return NUMBER.findall(re.sub(r"\{[^}]*\}", " ", template))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_caption_carries_a_hand_typed_number(lang):
    from tinygrad_edu.strings import table

    typed = {key: nums for key, value in table(lang).items() if key.startswith(CHECKED_PREFIXES)
             for nums in [[n for n in _literal_numbers(value) if n not in FORMULA_NUMBERS]] if nums}
    assert typed == {}, "format these from the computed values ({field}s), do not type them"


def _pictures(results):
    return {pic.name: pic for r in results.values() for pic in r.pictures}


def test_every_caption_is_its_template_filled_with_what_the_demo_computed(tour_run, zh_tour):
    from tinygrad_edu.strings import text

    _, en_results = tour_run
    _, zh_results, _, _ = zh_tour
    en, zh = _pictures(en_results), _pictures(zh_results)
    assert set(en) == set(zh) and len(en) >= 17  # every demo, both languages
    for name, pic in en.items():
        for lang, shown in (("en", pic), ("zh", zh[name])):
            assert shown.caption == text(lang, f"pic.{name}.caption", **shown.facts), (lang, name)
            # each number shown is one the demo computed (a fact) or part of a formula
            facts = " ".join(shown.facts.values())
            stray = [n for n in NUMBER.findall(shown.caption)
                     if n not in FORMULA_NUMBERS and n.lstrip("±") not in facts]
            assert not stray, (lang, name, stray)
        assert zh[name].facts == pic.facts, name  # the same numbers in both languages


def _number(s):
    return float(s.replace("−", "-").rstrip("%"))


def test_the_gradient_flow_caption_states_the_printed_ratio(tour_run):
    """The caption said "thousands of times less" while the printout said first/last = 4.1e-07."""
    text = _output(tour_run, "gradient_flow")
    printed = {name: float(r) for name, r in re.findall(r"^(\w+), xavier\s.*first/last = (\S+)$", text, re.M)}
    facts = _pictures(tour_run[1])["gradient_flow_depth"].facts
    assert _number(facts["sig_ratio"]) == pytest.approx(printed["sigmoid"], rel=0.05)
    assert _number(facts["tanh_ratio"]) == pytest.approx(printed["tanh"], rel=0.05)
    assert _number(facts["relu_ratio"]) == pytest.approx(printed["relu"], rel=0.05)
    cells = re.search(r"^relu, uniform\s+(.*?)\s+first/last", text, re.M)[1]
    relu_uniform = [float(v) for v in cells.split()]
    peak = _pictures(tour_run[1])["gradient_flow_init"].facts["relu_peak"]
    assert _number(peak) == pytest.approx(max(relu_uniform), rel=0.5)  # "about 1e4"


def test_the_activation_loss_caption_and_picture_name_their_steps(tour_run):
    text = _output(tour_run, "activation_loss")
    row = re.search(r"^sigmoid \+ BCE\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", text, re.M)
    assert "L at step 0  L at step 30" in text  # the columns say which step
    facts = _pictures(tour_run[1])["activation_loss"].facts
    assert facts["last"] == "30"
    assert _number(facts["sig_first"]) == pytest.approx(float(row[2]), abs=1e-3)
    assert _number(facts["sig_last"]) == pytest.approx(float(row[3]), abs=1e-4)


def test_the_gallery_links_the_backprop_page_and_its_graph_fits_the_page(tour_run):
    out, _ = tour_run
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="backprop_written_out.html">backprop_written_out.html</a>' in page
    assert (out / "backprop_written_out.html").exists()
    png = (out / "backprop_written_out_graph.png").read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width <= 1000 and height > width  # top to bottom: it was 2191 x 171, unreadable at page width


def test_where_nan_starts_shows_the_drop_near_18_and_spells_e_to_the_z_once(zh_tour):
    _, _, figures, _ = zh_tour
    (ax,) = figures["where_nan_starts"].axes
    assert ax.get_xscale() == "log"
    lo, hi = ax.get_xlim()
    share = (math.log(37) - math.log(18)) / (math.log(hi) - math.log(lo))
    assert share > 0.1  # the eps curve's drop from z ≈ 18 to 37 takes a tenth of the width (it was 3 %)
    words = [t.get_text() for t in figures["where_nan_starts"].findobj(__import__("matplotlib").text.Text)]
    assert not [w for w in words if "e^z" in w] and any("eᶻ" in w for w in words)
