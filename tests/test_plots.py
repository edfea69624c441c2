"""The figures of tinygrad_edu.plots, checked by the data they draw (never by pixels).

Expected numbers come from hand derivations or from an independent float
computation written here (central differences, closed-form recursions), not
from the code under test.
"""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("matplotlib", reason="the plots need the viz extra")

import tinygrad_edu as tg
from tinygrad_edu import plots
from tinygrad_edu.plots import activations as act_mod


def _line(ax, key):
    """The data of the line whose gid (or, failing that, label) is ``key``."""
    for line in ax.get_lines():
        if key in (line.get_gid(), line.get_label()):
            return [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]
    have = [(ln.get_gid(), ln.get_label()) for ln in ax.get_lines()]
    raise AssertionError(f"no line with gid or label {key!r}; have {have}")


def _spans(ax, name):
    out = []
    for patch in ax.patches:
        if patch.get_gid() == f"vanishing:{name}":
            out.append((patch.get_x(), patch.get_x() + patch.get_width()))
    return sorted(out)


def _central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


FORWARDS = {  # plain-float forwards, written independently of the engine
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "tanh": math.tanh,
    "relu": lambda x: max(0.0, x),
    "leaky_relu": lambda x: x if x > 0 else 0.1 * x,  # the notes' slope, as drawn
    "silu": lambda x: x / (1.0 + math.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))),
}


# ------------------------------------------------------------------ activations
@pytest.fixture(scope="module")
def activation_figure():
    return plots.plot_activations(list(FORWARDS), x_range=(-6, 6), shade_vanishing=0.05, n=121)


def test_plotted_derivative_is_the_engine_grad(activation_figure):
    axes = activation_figure.axes
    assert len(axes) == len(FORWARDS)
    for ax, name in zip(axes, FORWARDS):
        xs, dys = _line(ax, f"derivative:{name}")
        _, ys = _line(ax, f"function:{name}")
        assert len(xs) == 121
        for x, y, d in list(zip(xs, ys, dys))[::7]:
            v = tg.Value(x)
            out = v.leaky_relu(0.1) if name == "leaky_relu" else getattr(v, name)()
            out.backward()
            assert d == v.grad  # the very number backward() gives
            assert y == pytest.approx(FORWARDS[name](x), abs=1e-12)
            if abs(x) > 1e-3:  # away from the kinks of relu / leaky_relu
                assert d == pytest.approx(_central(FORWARDS[name], x), abs=1e-7)


def test_shaded_spans_match_hand_derived_thresholds(activation_figure):
    by_name = dict(zip(FORWARDS, activation_figure.axes))
    # sigmoid: σ(1 − σ) = 0.05  ->  σ = (1 − √0.8)/2, x = ln(σ/(1 − σ))
    s = (1 - math.sqrt(0.8)) / 2
    xs = math.log(s / (1 - s))
    got = _spans(by_name["sigmoid"], "sigmoid")
    assert got[0][0] == -6 and got[1][1] == 6
    assert got[0][1] == pytest.approx(xs, abs=1e-9) and got[1][0] == pytest.approx(-xs, abs=1e-9)
    # tanh: 1 − tanh² x = 0.05  ->  x = atanh(√0.95)
    xt = math.atanh(math.sqrt(0.95))
    got = _spans(by_name["tanh"], "tanh")
    expected = [pytest.approx(v, abs=1e-9) for v in (-6, -xt, xt, 6)]
    assert expected == [got[0][0], got[0][1], got[1][0], got[1][1]]
    # relu: the whole left half (f' = 0: the dead ReLU region)
    (span,) = _spans(by_name["relu"], "relu")
    assert span[0] == -6 and span[1] == pytest.approx(0.0, abs=1e-9)
    # leaky relu with the notes' slope 0.1 > 0.05: the gradient never vanishes
    assert _spans(by_name["leaky_relu"], "leaky_relu") == []
    # silu and gelu: the far left tail only; not the dips of |f'| at their minima, where f' crosses 0
    for name, minimum in (("silu", -1.2785), ("gelu", -0.7518)):
        assert abs(_central(FORWARDS[name], minimum)) < 1e-3  # it is a stationary point
        (span,) = _spans(by_name[name], name)
        assert span[0] == -6 and span[1] < minimum - 1.0


def _saturated_mask(name, thr=0.05, lo=-110.0, hi=110.0, step=0.01):
    """For points z_k = lo + k·step: whether |f'| < thr at z_k and everywhere beyond it, on either side."""
    zs = [lo + k * step for k in range(round((hi - lo) / step) + 1)]
    small = [abs(_central(FORWARDS[name], z)) < thr if abs(z) > 1e-3 else False for z in zs]
    left, right = [False] * len(zs), [False] * len(zs)
    run = True
    for k, flag in enumerate(small):
        run = run and flag
        left[k] = run
    run = True
    for k in range(len(zs) - 1, -1, -1):
        run = run and small[k]
        right[k] = run
    return lambda x: (lambda k: left[k] or right[k])(round((x - lo) / step))


def test_shaded_spans_hold_exactly_the_saturated_derivatives(activation_figure):
    for ax, name in zip(activation_figure.axes, FORWARDS):
        spans = _spans(ax, name)
        saturated = _saturated_mask(name)
        for k in range(241):
            x = -6 + 12 * k / 240 + 1e-4  # off the grid of the plot
            if abs(x) < 1e-3 or x > 6:
                continue
            slope = _central(FORWARDS[name], x)
            if abs(abs(slope) - 0.05) < 1e-3:
                continue  # too close to a span's end to tell
            inside = any(a <= x <= b for a, b in spans)
            assert inside == saturated(x), (name, x, slope, spans)


@given(name=st.sampled_from(sorted(FORWARDS)),
       x=st.floats(-8.0, 8.0, allow_nan=False).filter(lambda v: abs(v) > 1e-4))
def test_value_and_derivative_matches_central_differences(name, x):
    y, d = plots.value_and_derivative(name, x)
    assert y == pytest.approx(FORWARDS[name](x), rel=1e-12, abs=1e-15)
    assert d == pytest.approx(_central(FORWARDS[name], x), rel=1e-6, abs=1e-8)


def test_no_shading_and_bad_arguments():
    fig = plots.plot_activations(["tanh"], shade_vanishing=None, derivatives=False, n=11)
    (ax,) = fig.axes
    assert not ax.patches
    assert [ln.get_gid() for ln in ax.get_lines() if not ln.get_label().startswith("_")] == ["function:tanh"]
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*sigmoid"):
        plots.plot_activations(["swish"])
    with pytest.raises(TypeError, match="sequence of activation names"):
        plots.plot_activations("relu")
    with pytest.raises(ValueError, match="low < high"):
        plots.plot_activations(["relu"], x_range=(3, -3))
    with pytest.raises(ValueError, match="shade_vanishing must be >= 0"):
        act_mod.activation_curve("relu", threshold=-1.0)


# ------------------------------------------------------------------ one-neuron experiment
def _float_descent(grad, loss, w=-2.0, lr=0.1, steps=30):
    for _ in range(steps):
        w -= lr * grad(w)
    return w, loss(w)


def test_activation_loss_experiment_final_losses():
    runs = {r.title: r for r in plots.activation_loss_experiment()}
    sig = lambda w: 1.0 / (1.0 + math.exp(-w))
    # sigmoid + BCE with x = y = 1: L = −ln σ(w), dL/dw = σ(w) − 1
    w, loss = _float_descent(lambda w: sig(w) - 1.0, lambda w: -math.log(sig(w)))
    r = runs["sigmoid + BCE"]
    assert r.ws[-1] == pytest.approx(w, abs=1e-12) and r.losses[-1] == pytest.approx(loss, abs=1e-12)
    assert r.losses[0] == pytest.approx(-math.log(sig(-2.0)))  # 2.1269
    assert r.losses[-1] < 0.35 * r.losses[0]  # it learns
    # tanh + MSE: L = (tanh w − 1)², dL/dw = 2(tanh w − 1)(1 − tanh² w)
    w, loss = _float_descent(lambda w: 2 * (math.tanh(w) - 1) * (1 - math.tanh(w) ** 2),
                             lambda w: (math.tanh(w) - 1) ** 2)
    r = runs["tanh + MSE"]
    assert r.ws[-1] == pytest.approx(w, abs=1e-12) and r.losses[-1] == pytest.approx(loss, abs=1e-12)
    # relu + MSE: relu(−2) = 0 and relu'(−2) = 0: never moves, loss (0 − 1)² = 1 throughout
    r = runs["relu + MSE"]
    assert set(r.ws) == {-2.0} and set(r.losses) == {1.0} and set(r.grads) == {0.0}
    assert len(r.losses) == 31 and len(r.grads) == 30


def test_activation_loss_figure_draws_the_runs():
    runs = plots.activation_loss_experiment()
    fig = plots.plot_activation_loss_experiment(runs)
    top = fig.axes[:3]  # the first row: one loss panel per run
    assert [ax.get_title() for ax in top] == ["sigmoid + BCE", "tanh + MSE", "relu + MSE"]
    for ax, run in zip(top, runs):
        xs, ys = _line(ax, f"loss:{run.title}")
        assert xs == list(range(31)) and ys == list(run.losses)
    texts = " ".join(t.get_text() for ax in top for t in ax.texts)
    assert "stuck: dL/dw = 0 (dead ReLU)" in texts


def test_neuron_loss_errors():
    from tinygrad_edu.plots.neuron_experiment import neuron_loss, run_neuron

    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        neuron_loss(tg.Value(1.0), 1.0, 1.0, "relu", "hinge")
    with pytest.raises(ValueError, match="unknown activation 'step'"):
        neuron_loss(tg.Value(1.0), 1.0, 1.0, "step", "mse")
    with pytest.raises(ValueError, match="steps must be >= 0"):
        run_neuron("relu", "mse", steps=-1)


# ------------------------------------------------------------------ BCE
def test_bce_eps_figure_data():
    eps = (1e-4, 1e-8, 1e-12)
    fig = plots.plot_bce_eps(eps, n=31)
    loss_ax, grad_ax = fig.axes  # one column: y = 0 near p = 1 is its mirror image, said in the title
    assert "1 − p" in fig.get_suptitle()
    for e, name in zip(eps, ("1e-4", "1e-8", "1e-12")):
        d, loss = _line(loss_ax, f"ε = {name}")  # y = 1, p = d
        _, grad = _line(grad_ax, f"ε = {name}")
        for p, lo, g in zip(d, loss, grad):
            assert lo == pytest.approx(-math.log(p + e), rel=1e-12)
            assert g == pytest.approx(1.0 / (p + e), rel=1e-9)
        assert max(grad) == pytest.approx(1.0 / e, rel=1e-3)  # capped at 1/ε at the wrong end
    (legend,) = fig.legends  # one legend for both panels, the same spelling of ε everywhere
    assert [t.get_text() for t in legend.get_texts()] == ["no ε (exact −ln p)", "ε = 1e-4", "ε = 1e-8",
                                                          "ε = 1e-12"]
    notes = loss_ax.texts[0].get_text()
    assert "ε = 1e-8:  L = 18.4" in notes and "dL/dp = -1e+08" in notes  # −ln 1e-8 = 18.42, −1/ε
    assert "eps=" not in notes
    with pytest.raises(ValueError, match="positive numbers"):
        plots.plot_bce_eps((0.0,))


def test_bce_logit_gradient_is_prediction_minus_target():
    fig = plots.plot_bce_logit_gradient((-5, 5), n=21)
    (ax,) = fig.axes
    for y in (0.0, 1.0):
        zs, grads = _line(ax, f"engine:{y:g}")
        assert len(zs) == 21
        for z, g in zip(zs, grads):
            assert g == pytest.approx(1.0 / (1.0 + math.exp(-z)) - y, abs=1e-12)


# ------------------------------------------------------------------ softmax
def test_softmax_jacobian_heatmap_matches_formula():
    xs = (0.7066, 0.4845, 0.3603)
    fig = plots.plot_softmax_jacobian(xs)
    image = fig.axes[0].images[0]
    jac = image.get_array().tolist()
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    s = [v / sum(e) for v in e]
    for i in range(3):
        for j in range(3):
            assert jac[i][j] == pytest.approx(s[i] * ((i == j) - s[j]), abs=1e-12)
        assert sum(jac[i]) == pytest.approx(0.0, abs=1e-15)
    assert [round(v, 4) for v in jac[1]] == [-0.1273, 0.2173, -0.0900]  # the notes' d p[1] / d a
    cells = sorted(t.get_text() for t in fig.axes[0].texts)
    assert "0.2173" in cells and len(cells) == 9
    ax, bar = fig.axes  # the input is a (as in the notes) on the axis, with its values
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a₀ = 0.7066", "a₁ = 0.4845", "a₂ = 0.3603"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["s₀ = 0.399", "s₁ = 0.319", "s₂ = 0.282"]
    assert ax.get_xlabel() == "input aⱼ" and "sᵢ(δᵢⱼ − sⱼ)" in ax.get_title()
    assert bar.get_ylabel() == "∂sᵢ/∂aⱼ"  # the colour bar says what its colours are
    with pytest.raises(ValueError, match="at least 2 finite numbers"):
        plots.softmax_jacobian([1.0])


# ------------------------------------------------------------------ gradient flow
class _Layer:
    def __init__(self, grads):
        self.params = []
        for g in grads:
            v = tg.Value(0.0)
            v.grad = g
            self.params.append(v)

    def parameters(self):
        return self.params


class _Model:
    def __init__(self, *layers):
        self.layers = [_Layer(g) for g in layers]


def test_layer_grad_means_by_hand():
    assert plots.layer_grad_means(_Model([1.0, -3.0], [0.5, 0.5, -0.5, 0.0])) == [2.0, 0.375]
    with pytest.raises(TypeError, match=r"needs a model with \.layers"):
        plots.layer_grad_means(object())


def test_gradient_flow_figure_draws_given_numbers_and_models():
    fig = plots.plot_gradient_flow({"a": [1e-3, 1e-2, 1e-1], "model": _Model([2.0], [0.0], [4.0])})
    (ax,) = fig.axes
    assert _line(ax, "a") == ([1.0, 2.0, 3.0], [1e-3, 1e-2, 1e-1])
    xs, ys = _line(ax, "model")
    assert xs == [1.0, 2.0, 3.0] and ys[0] == 2.0 and math.isnan(ys[1]) and ys[2] == 4.0
    assert ax.get_yscale() == "log"
    two = plots.plot_gradient_flow([{"x": [1.0]}, {"y": [2.0]}], titles=["left", "right"])
    assert [a.get_title() for a in two.axes] == ["left", "right"]
    with pytest.raises(ValueError, match="non-empty mapping"):
        plots.plot_gradient_flow({})
    with pytest.raises(ValueError, match="finite and >= 0"):
        plots.plot_gradient_flow({"bad": [1.0, -1.0]})
    with pytest.raises(TypeError, match="series 'bad'"):
        plots.plot_gradient_flow({"bad": 3.0})


def test_sigmoid_gradient_vanishes_within_five_layers():
    sig = plots.gradient_flow("sigmoid", "xavier", depth=6, width=8, n_samples=4)
    tanh = plots.gradient_flow("tanh", "xavier", depth=6, width=8, n_samples=4)
    assert len(sig) == 7
    # five hidden layers back from the last hidden one, sigmoid has lost > 2 orders of magnitude
    assert sig[0] < 1e-2 * sig[5]
    assert all(a < b for a, b in itertools.pairwise(sig[:6]))
    assert tanh[0] > 1e-1 * tanh[5]  # tanh keeps it within one order


# ------------------------------------------------------------------ training and decision boundary
def test_plot_training_draws_the_history():
    history = {"loss": [0.9, 0.5, 0.2], "accuracy": [0.5, 0.75, 1.0]}
    fig = plots.plot_training(history)
    loss_ax, acc_ax = fig.axes
    assert _line(loss_ax, "loss") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.2])
    assert _line(acc_ax, "accuracy")[1] == [0.5, 0.75, 1.0]
    labels = [ln.get_label() for ax in fig.axes for ln in ax.get_lines()]
    assert labels == ["loss (final 0.2)", "accuracy (final 100.0%)"]
    assert loss_ax.get_xlabel() == "epoch" and "accuracy" in acc_ax.get_title()
    with pytest.raises(ValueError, match="history mapping"):
        plots.plot_training({})
    with pytest.raises(ValueError, match=r"history\['loss'\] must be a non-empty list"):
        plots.plot_training({"loss": []})


def test_decision_boundary_of_a_hand_made_linear_model():
    # class 1 where x1 + x2 − 1 > 0: the boundary is the line x1 + x2 = 1
    model = lambda p: p[0] + p[1] - 1.0
    X = [[0.0, 0.0], [2.0, 1.0], [0.2, 0.3], [1.0, 1.0]]
    y = [0, 1, 1, 1]  # the third point is on the wrong side
    xs, ys, outputs = plots.decision_grid(model, X, resolution=5, margin=0.0)
    assert xs == [0.0, 0.5, 1.0, 1.5, 2.0] and ys == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert outputs[2][3] == pytest.approx(1.5 + 0.5 - 1.0)
    fig = plots.plot_decision_boundary(model, X, y, resolution=5, margin=0.0)
    (ax,) = fig.axes
    assert ax.get_title() == "Decision boundary  (accuracy on these points 75.0%)"
    scatter = {c.get_label(): c.get_offsets().tolist() for c in ax.collections if c.get_label()[0] != "_"}
    assert scatter["class 0"] == [[0.0, 0.0]]
    assert scatter["class 1"] == [[2.0, 1.0], [0.2, 0.3], [1.0, 1.0]]
    assert scatter["misclassified (1)"] == [[0.2, 0.3]]
    with pytest.raises(ValueError, match="2-D points"):
        plots.decision_grid(model, [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="4 points but y has 3 labels"):
        plots.plot_decision_boundary(model, X, y[:3])


def test_decision_boundary_of_a_vector_output_uses_argmax():
    model = lambda p: [tg.Value(-p[0]), tg.Value(p[0])]
    fig = plots.plot_decision_boundary(model, [[-1.0, 0.0], [1.0, 0.0]], [0, 1], resolution=4, split="train")
    assert "training accuracy 100.0%" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match='split must be "train", "test" or None'):
        plots.plot_decision_boundary(model, [[-1.0, 0.0]], [0], split="validation")


def test_three_classes_get_regions_without_a_band_of_the_third_along_a_border():
    # class 0 left of x1 = 0, class 2 right of it, class 1 only in the top band x2 > 1.5.
    # Contouring the labels 0, 1, 2 as numbers put a thin strip of class 1 along x1 = 0.
    def model(p):
        x1, x2 = p
        return [tg.Value(1.0 if x1 < 0 and x2 <= 1.5 else 0.0), tg.Value(1.0 if x2 > 1.5 else 0.0),
                tg.Value(1.0 if x1 >= 0 and x2 <= 1.5 else 0.0)]
    X = [[-1.0, -1.0], [1.0, -1.0], [0.0, 2.0]]
    fig = plots.plot_decision_boundary(model, X, [0, 2, 1], resolution=41, margin=0.0)
    (ax,) = fig.axes
    regions = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("region:")}
    assert sorted(regions) == ["region:0", "region:1", "region:2"]
    ys_of_class_1 = [y for path in regions["region:1"].get_paths() for _, y in path.vertices]
    assert min(ys_of_class_1) > 1.3  # class 1's region stays in its band: nothing along x1 = 0
    xs_of_class_0 = [x for path in regions["region:0"].get_paths() for x, _ in path.vertices]
    assert max(xs_of_class_0) <= 0.05


# ------------------------------------------------------------------ files and windows
def test_save_figure_writes_png_and_svg(tmp_path):
    fig = plots.plot_activations(["relu"], n=11)
    paths = plots.save_figure(fig, tmp_path / "sub", "relu")
    assert [p.name for p in paths] == ["relu.png", "relu.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in paths[1].read_text(encoding="utf-8")[:2000]
    for bad in ("a/b", "x.png", ""):
        with pytest.raises(ValueError, match="plain file stem"):
            plots.save_figure(fig, tmp_path, bad)
    with pytest.raises(ValueError, match="unsupported format"):
        plots.save_figure(fig, tmp_path, "x", formats=("bmp",))


def test_plots_never_import_pyplot_so_no_window_can_open(tmp_path):
    # An interactive backend is requested on purpose: it must not matter, because pyplot
    # (the only part of matplotlib that opens windows) is never imported.
    code = textwrap.dedent(f"""
        import sys
        import tinygrad_edu.plots as P
        figs = [P.plot_activations(n=21), P.plot_activation_loss_experiment(steps=3),
                P.plot_bce_eps(n=5), P.plot_bce_logit_gradient(n=5), P.plot_softmax_jacobian(),
                P.plot_gradient_flow({{"a": [1.0, 0.5]}}), P.plot_training({{"loss": [1.0, 0.5]}}),
                P.plot_decision_boundary(lambda p: p[0], [[0.0, 0.0], [1.0, 1.0]], [0, 1], resolution=4)]
        for i, fig in enumerate(figs):
            P.save_figure(fig, {str(tmp_path)!r}, f"fig{{i}}", formats=("png",))
            assert type(fig.canvas).__name__ in ("FigureCanvasBase", "FigureCanvasAgg"), type(fig.canvas)
        assert "matplotlib.pyplot" not in sys.modules
        print("ok", len(figs))
    """)
    env = dict(os.environ, MPLBACKEND="TkAgg", DISPLAY="")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok 8"
    assert len(list(tmp_path.glob("fig*.png"))) == 8


# ------------------------------------------------------------------ Jupyter display
def test_a_figure_displays_as_png_through_ipythons_formatter():
    pytest.importorskip("IPython", reason="the display check needs IPython (notebook extra)")
    from IPython.core.formatters import DisplayFormatter

    fig = plots.plot_activations(["relu"], n=11)
    data, _ = DisplayFormatter().format(fig)
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert data["text/plain"].startswith("<PlotFigure size 420x410 with 1 Axes>")
    assert type(fig.canvas).__name__ == "FigureCanvasBase"  # no GUI canvas was attached


def test_a_figure_is_an_image_in_a_fresh_kernel_without_magics(monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="needs the notebook extra")
    nbclient = pytest.importorskip("nbclient", reason="needs the notebook extra")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel chooses its backend, as for a learner
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from tinygrad_edu import plots"),
                nbformat.v4.new_code_cell('plots.plot_activations(["sigmoid"], n=11)'),
                nbformat.v4.new_code_cell('import sys; "matplotlib.pyplot" in sys.modules')]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (shown,) = nb.cells[1].outputs
    assert shown["output_type"] == "execute_result"
    assert shown["data"]["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "False"  # pyplot (windows) never imported


# ------------------------------------------------------------------ languages and fonts
from tinygrad_edu import strings  # noqa: E402
from tinygrad_edu.plots import fonts  # noqa: E402

DEFAULT = object()  # a call with no ``lang`` argument at all


def _lang(lang):
    return {} if lang is DEFAULT else {"lang": lang}


PLOT_CALLS = {  # every plots.plot_* function, with small arguments; call(DEFAULT) passes no lang
    "plot_activations": lambda lang: plots.plot_activations(["sigmoid", "silu"], n=21, **_lang(lang)),
    "plot_activation_loss_experiment":
        lambda lang: plots.plot_activation_loss_experiment(steps=3, **_lang(lang)),
    "plot_bce_eps": lambda lang: plots.plot_bce_eps(n=5, **_lang(lang)),
    "plot_bce_logit_gradient": lambda lang: plots.plot_bce_logit_gradient(n=5, **_lang(lang)),
    "plot_softmax_jacobian": lambda lang: plots.plot_softmax_jacobian(**_lang(lang)),
    "plot_gradient_flow": lambda lang: plots.plot_gradient_flow({"a": [1.0, 0.5]}, **_lang(lang)),
    "plot_training": lambda lang: plots.plot_training({"loss": [1.0, 0.5], "accuracy": [0.5, 1.0]},
                                                      **_lang(lang)),
    "plot_decision_boundary": lambda lang: plots.plot_decision_boundary(
        lambda p: p[0], [[0.0, 0.0], [1.0, 1.0]], [0, 1], resolution=4, split="train", **_lang(lang)),
}


@pytest.fixture
def language():
    """``tg.set_language`` for one test; the language before it is restored afterwards, even on failure."""
    import tinygrad_edu as tg

    before = tg.get_language()
    try:
        yield tg.set_language
    finally:
        tg.set_language(before)


def _all_text(fig):
    """Every string drawn on the figure (titles, labels, ticks, legends, annotations)."""
    import io

    from matplotlib.text import Text

    fig.savefig(io.BytesIO(), format="png")  # make the tick labels
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _has_cjk(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_plot_function_is_covered_and_refuses_a_bad_lang():
    assert {n for n in plots.__all__ if n.startswith("plot_") and n != "plot_texts"} == set(PLOT_CALLS)
    for _name, call in PLOT_CALLS.items():
        with pytest.raises(ValueError, match=r'lang must be "en" or "zh", got \'fr\''):
            call("fr")
        for bad in ("ZH", "", 1):
            with pytest.raises(ValueError, match="lang must be"):
                call(bad)


def test_the_tables_have_the_same_keys_and_fields_in_every_language():
    import string

    en, zh = strings.table("en"), strings.table("zh")
    assert set(en) == set(zh)

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    for key in en:
        assert fields(en[key]) == fields(zh[key]), key
        assert not _has_cjk(zh[key]) or _has_cjk(zh[key])  # (any text may be Chinese)
    # the notes' own terms, in the Chinese table
    chinese = " ".join(zh.values())
    for term in ("激活函数", "净活性值", "梯度消失", "死亡ReLU", "二分类交叉熵", "误差反向传播",
                 "梯度下降", "导数"):
        assert term in chinese, term


def test_zh_figures_are_chinese_and_drawn_with_a_cjk_font_without_missing_glyphs(recwarn, tmp_path):
    import warnings

    assert fonts.find_cjk_font() is not None, "needs a CJK font (Debian: apt-get install fonts-wqy-microhei)"
    warnings.simplefilter("always")
    for name, call in PLOT_CALLS.items():
        en_fig, zh_fig = call("en"), call("zh")
        en_text, zh_text = _all_text(en_fig), _all_text(zh_fig)
        assert not any(_has_cjk(t) for t in en_text), name
        assert any(_has_cjk(t) for t in zh_text), name
        from matplotlib.text import Text

        families = {tuple(t.get_fontproperties().get_family()) for t in zh_fig.findobj(Text)
                    if _has_cjk(t.get_text())}
        assert families == {(fonts.find_cjk_font(), "DejaVu Sans")}, (name, families)
        plots.save_figure(zh_fig, tmp_path, name)  # png and svg
    messages = [str(w.message) for w in recwarn]
    missing = [m for m in messages if "missing from font" in m or "Glyph" in m]
    assert not missing, missing[:3]


def test_zh_without_a_cjk_font_warns_once_in_one_line_and_draws_english(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", [])
    with pytest.warns(fonts.CJKFontWarning) as record:
        figs = {name: call("zh") for name, call in PLOT_CALLS.items()}
    assert len(record) == 1  # once, not once per figure
    message = str(record[0].message)
    assert "\n" not in message and "apt-get install fonts-wqy-microhei" in message
    for name, fig in figs.items():
        text = _all_text(fig)
        assert not any(_has_cjk(t) for t in text), name  # English labels: no boxes for missing glyphs
    assert _all_text(figs["plot_activations"]) == _all_text(PLOT_CALLS["plot_activations"]("en"))


def test_no_lang_means_the_language_set_by_set_language_and_an_explicit_lang_wins(language):
    import inspect

    from matplotlib.text import Text

    import tinygrad_edu as tg

    for name in PLOT_CALLS:
        assert inspect.signature(getattr(plots, name)).parameters["lang"].default is None, name
    assert fonts.find_cjk_font() is not None, "needs a CJK font (Debian: apt-get install fonts-wqy-microhei)"
    language("zh")
    assert tg.get_language() == "zh"
    for name, call in PLOT_CALLS.items():
        fig = call(DEFAULT)
        said_once = _all_text(fig)
        assert any(_has_cjk(t) for t in said_once), name  # Chinese labels without lang=
        assert said_once == _all_text(call("zh")), name  # (lang=None is the default: checked above)
        families = {tuple(t.get_fontproperties().get_family()) for t in fig.findobj(Text)
                    if _has_cjk(t.get_text())}
        assert families == {(fonts.find_cjk_font(), "DejaVu Sans")}, (name, families)
        assert not any(_has_cjk(t) for t in _all_text(call("en"))), name  # an explicit lang wins
        with pytest.raises(ValueError, match=r'lang must be "en" or "zh", got \'fr\''):
            call("fr")  # a bad lang is refused whatever the default
    language("en")
    english = _all_text(PLOT_CALLS["plot_bce_eps"](DEFAULT))
    assert english == _all_text(PLOT_CALLS["plot_bce_eps"]("en")) and not any(_has_cjk(t) for t in english)
    assert any(_has_cjk(t) for t in _all_text(PLOT_CALLS["plot_bce_eps"]("zh")))


def test_zh_by_default_without_a_cjk_font_still_warns_once_and_draws_english(monkeypatch, language):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", [])
    language("zh")
    with pytest.warns(fonts.CJKFontWarning) as record:
        figs = {name: call(DEFAULT) for name, call in PLOT_CALLS.items()}
    assert len(record) == 1
    for name, fig in figs.items():
        assert not any(_has_cjk(t) for t in _all_text(fig)), name
    assert _all_text(figs["plot_softmax_jacobian"]) == _all_text(PLOT_CALLS["plot_softmax_jacobian"]("en"))


def test_font_lookup_finds_a_font_installed_after_matplotlibs_cache(monkeypatch):
    from matplotlib import font_manager

    real = list(font_manager.fontManager.ttflist)
    cjk = fonts.CJK_FAMILIES
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in real if f.name not in cjk])
    monkeypatch.setattr(fonts, "_found", [])
    assert fonts.find_cjk_font() in cjk  # found again among the system's font files


def test_a_figure_keeps_its_font_whatever_the_global_settings_when_drawn():
    import matplotlib

    fig = plots.plot_bce_eps(n=5, lang="zh")
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig._font_family[0] == fonts.find_cjk_font()


def test_importing_plots_without_matplotlib_names_the_extra_in_one_line():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "try:\n    from tinygrad_edu import plots\n"
            "except ImportError as exc:\n    print(type(exc).__name__, '|', exc)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert "\n" not in line and line.startswith("ImportError | ")
    assert 'pip install "tinygrad_edu[viz]"' in line and "matplotlib" in line


def test_save_figure_replaces_a_symlink_instead_of_writing_through_it(tmp_path):
    target = tmp_path / "precious.png"
    target.write_bytes(b"the user's own file")
    (tmp_path / "fig.png").symlink_to(target)
    fig = plots.plot_activations(["relu"], n=11)
    plots.save_figure(fig, tmp_path, "fig", formats=("png",))
    assert target.read_bytes() == b"the user's own file"
    assert not (tmp_path / "fig.png").is_symlink()
    assert (tmp_path / "fig.png").read_bytes()[:4] == b"\x89PNG"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match=r"afile is not a directory \(it is a file\)"):
        plots.save_figure(fig, tmp_path / "afile", "fig")
    with pytest.raises(NotADirectoryError, match=r"afile is a file"):
        plots.save_figure(fig, tmp_path / "afile" / "sub", "fig")


def test_region_borders_follow_the_scores_not_the_grid_staircase():
    # two classes whose scores cross on the line x1 + 0.5·x2 = 0.3: a slanted border between grid points
    def model(p):
        x1, x2 = p
        return [tg.Value(0.0), tg.Value(x1 + 0.5 * x2 - 0.3)]

    X = [[-1.0, -1.0], [1.0, 1.0]]
    fig = plots.plot_decision_boundary(model, X, [0, 1], resolution=11, margin=0.0)
    (ax,) = fig.axes
    region = next(c for c in ax.collections if c.get_gid() == "region:1")
    border = [(x, y) for path in region.get_paths() for x, y in path.vertices
              if -1.0 < x < 1.0 and -1.0 < y < 1.0]  # the vertices inside the frame lie on the border
    assert len(border) >= 5
    assert max(abs(x + 0.5 * y - 0.3) for x, y in border) < 1e-9  # on the line, not on grid steps of 0.2


def test_misclassified_points_on_one_spot_say_how_many_they_are():
    model = lambda p: [tg.Value(1.0), tg.Value(0.0), tg.Value(0.0)]  # always class 0
    X = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    fig = plots.plot_decision_boundary(model, X, [0, 1, 2, 0], resolution=5)
    (ax,) = fig.axes
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "stacked"]
    assert notes == ["2 points on one spot"]
    zh = plots.plot_decision_boundary(model, X, [0, 1, 2, 0], resolution=5, lang="zh")
    assert [t.get_text() for t in zh.axes[0].texts if t.get_gid() == "stacked"] == ["2 个点重合于此"]


def test_the_note_on_stacked_points_covers_no_data_point():
    model = lambda p: [tg.Value(1.0), tg.Value(0.0), tg.Value(0.0)]  # always class 0
    # two wrong points on one spot, and a crowd where a fixed place (right, below) would put the note
    crowd = [[0.05 + 0.05 * i, -0.05 - 0.04 * j] for i in range(8) for j in range(4)]
    X = [[0.0, 0.0], [0.0, 0.0], *crowd, [-1.5, -1.5], [1.5, 1.5]]
    y = [1, 2, *[0] * len(crowd), 0, 0]
    fig = plots.plot_decision_boundary(model, X, y, resolution=5)
    (ax,) = fig.axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    (note,) = [t for t in ax.texts if t.get_gid() == "stacked"]
    box = note.get_window_extent(renderer).padded(2)
    shown = ax.transData.transform([(p[0], p[1]) for p in X])
    assert not any(box.contains(u, v) for u, v in shown)
    assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)   # inside the frame
