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


def _line(ax, label):
    for line in ax.get_lines():
        if line.get_label() == label:
            return [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]
    raise AssertionError(f"no line labelled {label!r}; have {[ln.get_label() for ln in ax.get_lines()]}")


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
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
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
        xs, dys = _line(ax, "f'(x) engine")
        _, ys = _line(ax, "f(x)")
        assert len(xs) == 121
        for x, y, d in list(zip(xs, ys, dys))[::7]:
            v = tg.Value(x)
            out = getattr(v, name)()
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
    # relu and leaky relu (slope 0.01 < 0.05): the whole left half
    for name in ("relu", "leaky_relu"):
        (span,) = _spans(by_name[name], name)
        assert span[0] == -6 and span[1] == pytest.approx(0.0, abs=1e-9)


def test_shaded_spans_hold_exactly_the_small_derivatives(activation_figure):
    for ax, name in zip(activation_figure.axes, FORWARDS):
        spans = _spans(ax, name)
        for k in range(241):
            x = -6 + 12 * k / 240 + 1e-4  # off the grid of the plot
            if abs(x) < 1e-3 or x > 6:
                continue
            slope = _central(FORWARDS[name], x)
            if abs(abs(slope) - 0.05) < 1e-4:
                continue  # too close to a span's end to tell
            inside = any(a <= x <= b for a, b in spans)
            assert inside == (abs(slope) < 0.05), (name, x, slope, spans)


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
    assert [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")] == ["f(x)"]
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
    top = [ax for ax in fig.axes if ax.get_ylabel() == "loss L"]
    assert [ax.get_title() for ax in top] == ["sigmoid + BCE", "tanh + MSE", "relu + MSE"]
    for ax, run in zip(top, runs):
        xs, ys = _line(ax, run.title)
        assert xs == list(range(31)) and ys == list(run.losses)
    texts = " ".join(t.get_text() for ax in top for t in ax.texts)
    assert "dead neuron" in texts


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
    loss_left, loss_right, grad_left, grad_right = fig.axes[0], fig.axes[1], fig.axes[2], fig.axes[3]
    for e in eps:
        d, loss = _line(loss_left, f"eps={e:g}")  # y = 1, p = d
        _, grad = _line(grad_left, f"eps={e:g}")
        for p, lo, g in zip(d, loss, grad):
            assert lo == pytest.approx(-math.log(p + e), rel=1e-12)
            assert g == pytest.approx(1.0 / (p + e), rel=1e-9)
        d, loss = _line(loss_right, f"eps={e:g}")  # y = 0, p = 1 − d
        for dist, lo in zip(d, loss):
            assert lo == pytest.approx(-math.log(1.0 - (1.0 - dist) + e), rel=1e-9)
        _, grad = _line(grad_right, f"eps={e:g}")
        assert max(grad) == pytest.approx(1.0 / e, rel=1e-3)  # capped at 1/ε at the wrong end
    notes = loss_left.texts[0].get_text()
    assert "L = 18.4" in notes and "dL/dp = -1e+08" in notes  # −ln 1e-8 = 18.42, −1/ε
    with pytest.raises(ValueError, match="positive numbers"):
        plots.plot_bce_eps((0.0,))


def test_bce_logit_gradient_is_prediction_minus_target():
    fig = plots.plot_bce_logit_gradient((-5, 5), n=21)
    (ax,) = fig.axes
    for y in (0.0, 1.0):
        zs, grads = _line(ax, f"engine dL/dz, y={y:g}")
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
    assert _line(loss_ax, "loss (last 0.2)") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.2])
    assert _line(acc_ax, "accuracy (last 1)")[1] == [0.5, 0.75, 1.0]
    assert loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"
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
    assert "accuracy 75.0%" in ax.get_title()
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
    fig = plots.plot_decision_boundary(model, [[-1.0, 0.0], [1.0, 0.0]], [0, 1], resolution=4)
    assert "accuracy 100.0%" in fig.axes[0].get_title()


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
    assert data["text/plain"].startswith("<PlotFigure size 420x390")
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
