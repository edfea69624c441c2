"""tinygrad_edu.training: models really learn the toy problems, runs are reproducible, accuracy scores.

Each training run is sized to take well under a second on one core
(the engine builds about 10k nodes per 100-sample forward pass of MLP(2, [16, 16, 1])).
"""

from __future__ import annotations

import io
import math
import sys
import types

import pytest

import tinygrad_edu.functional as F
from tinygrad_edu import Value, data
from tinygrad_edu.nn import MLP, Linear, ReLU, Sequential, Sigmoid, Tanh
from tinygrad_edu.optim import SGD, Adam
from tinygrad_edu.training import accuracy, fit, predict, scores


# ---------------------------------------------------------------- models learn
def test_mlp_learns_two_moons():
    X, y = data.make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=1)
    hist = fit(model, X, y, loss="bce_with_logits", optimizer=Adam(model.parameters(), lr=0.03),
               epochs=15, batch_size=20, progress=False, seed=0)
    assert accuracy(predict(model, X), y) >= 0.97
    assert hist["loss"][-1] < 0.25 * hist["loss"][0]


def test_two_layer_sigmoid_net_with_bce_converges():
    # the notes' Model_MLP_L2: a sigmoid hidden layer, a sigmoid output, binary cross-entropy
    X, y = data.make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    hist = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=1.0, momentum=0.9),
               epochs=40, batch_size=20, progress=False, seed=0)
    assert hist["loss"][-1] < 0.1 < 0.5 < hist["loss"][0]
    tail = hist["loss"][-5:]
    assert max(tail) - min(tail) < 0.05                          # settled, not oscillating
    assert accuracy(predict(model, X), y) >= 0.95                # a sigmoid output: threshold 0.5
    assert predict(model, X) == predict(model, X, threshold=0.5) != predict(model, X, threshold=0.0)


def test_softmax_classifier_learns_a_three_arm_spiral():
    X, y = data.make_spiral(90, n_classes=3, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 3], seed=0)
    fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
        epochs=20, batch_size=30, progress=False, seed=0)
    assert accuracy(predict(model, X), y) > 0.90
    linear = MLP(2, [3], seed=0)                                 # no hidden layer: a straight-line classifier
    fit(linear, X, y, loss="cross_entropy", optimizer=Adam(linear.parameters(), lr=0.05),
        epochs=20, batch_size=30, progress=False, seed=0)
    assert accuracy(predict(linear, X), y) < 0.7


def test_hinge_loss_with_plus_minus_one_labels_as_in_micrograd():
    X, y01 = data.make_moons(60, noise=0.1, seed=2)
    y = [2 * t - 1 for t in y01]                                 # labels −1 / +1

    def hinge(scores, targets):
        return sum((1 - t * s).relu() for s, t in zip(scores, targets)) / len(scores)

    model = MLP(2, [8, 8, 1], seed=3)
    hist = fit(model, X, y, loss=hinge, optimizer=Adam(model.parameters(), lr=0.05), epochs=25,
               batch_size=20, progress=False, seed=0)
    assert hist["accuracy"][-1] >= 0.9 and accuracy(predict(model, X), y01) >= 0.9


# ---------------------------------------------------------------- reproducibility and bookkeeping
def _run(seed_model: int, seed_fit: int):
    X, y = data.make_moons(40, noise=0.2, seed=0)
    model = MLP(2, [6, 1], seed=seed_model)
    hist = fit(model, X, y, optimizer=Adam(model.parameters(), lr=0.05), epochs=5, batch_size=8,
               progress=False, seed=seed_fit)
    return hist, model.state_dict()


def test_same_seeds_give_identical_runs():
    h1, s1 = _run(1, 7)
    h2, s2 = _run(1, 7)
    assert h1 == h2 and s1 == s2
    h3, _ = _run(1, 8)                                           # another batch order
    assert h3["loss"] != h1["loss"]


def test_history_bookkeeping_and_callback():
    X, y = data.make_blobs(12, centers=[[-2.0, 0.0], [2.0, 0.0]], cluster_std=0.3, seed=0)
    model = MLP(2, [1], seed=0)
    seen = []
    hist = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=3, batch_size=5,
               progress=False, seed=0, callback=lambda epoch, h: seen.append((epoch, len(h["loss"]))))
    assert seen == [(0, 1), (1, 2), (2, 3)]
    assert set(hist) == {"loss", "accuracy"} and len(hist["loss"]) == len(hist["accuracy"]) == 3
    assert all(0.0 <= a <= 1.0 for a in hist["accuracy"])


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    X, y = [[0.0], [1.0], [2.0]], [1, 0, 1]
    model = MLP(1, [1], seed=0)
    w, b = model.parameters()
    before = (w.data, b.data)
    hist = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.0), epochs=1, batch_size=2,
               progress=False, shuffle=False)
    w.data, b.data = before
    per_sample = [F.binary_cross_entropy_with_logits(model(x), t).data for x, t in zip(X, y)]
    assert hist["loss"][0] == pytest.approx(sum(per_sample) / 3, rel=1e-14)


def test_auto_loss_picks_cross_entropy_for_vector_outputs():
    X, y = data.make_blobs(12, centers=3, seed=0)
    runs = []
    for loss in ("auto", "cross_entropy"):
        model = MLP(2, [3], seed=0)
        runs.append(fit(model, X, y, loss=loss, optimizer=Adam(model.parameters(), lr=0.1), epochs=3,
                        progress=False, seed=0))
    assert runs[0] == runs[1]


def test_default_optimizer_is_adam():
    X, y = data.make_moons(10, seed=0)
    a, b = MLP(2, [1], seed=0), MLP(2, [1], seed=0)
    fit(a, X, y, epochs=2, progress=False, seed=0)
    fit(b, X, y, optimizer=Adam(b.parameters(), lr=0.01), epochs=2, progress=False, seed=0)
    assert a.state_dict() == b.state_dict()


def test_regression_onto_vectors_with_mse_has_no_accuracy():
    X = [[x / 10] for x in range(10)]
    Y = [[2 * x[0], -x[0]] for x in X]                           # two linear targets
    model = MLP(1, [2], seed=0)
    hist = fit(model, X, Y, loss="mse", optimizer=Adam(model.parameters(), lr=0.1), epochs=60,
               progress=False, seed=0)
    assert set(hist) == {"loss"} and hist["loss"][-1] < 1e-3 < hist["loss"][0]


# ---------------------------------------------------------------- progress bar
class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_with_the_real_tqdm_on_a_terminal(monkeypatch):
    import tqdm  # noqa: F401 - in the viz extra, which the test set-up installs

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)
    text = terminal.getvalue()
    assert "fit" in text and "2/2" in text and "epoch" in text and "loss=" in text


def test_no_bar_when_stderr_is_not_a_terminal(capsys):
    import tqdm  # noqa: F401

    X, y = data.make_moons(10, seed=0)
    hist = fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)  # capsys: not a tty
    assert len(hist["loss"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


class FakeBar:
    calls: list = []

    def __init__(self, iterable, **kwargs):
        self.iterable = iterable
        FakeBar.calls.append(("new", len(iterable), kwargs.get("desc")))

    def __iter__(self):
        return iter(self.iterable)

    def set_postfix(self, **kwargs):
        FakeBar.calls.append(("postfix", sorted(kwargs)))

    def close(self):
        FakeBar.calls.append(("close",))


def _fake_notebook(monkeypatch):
    class ZMQInteractiveShell:  # the class name of a Jupyter kernel's shell
        pass

    shell = ZMQInteractiveShell()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


def test_in_a_notebook_the_tqdm_auto_bar_is_driven_per_epoch(monkeypatch, capsys):
    import tqdm  # noqa: F401

    _fake_notebook(monkeypatch)
    monkeypatch.setitem(sys.modules, "tqdm.auto", types.SimpleNamespace(tqdm=FakeBar))
    FakeBar.calls = []
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=3, progress=True, seed=0)   # stderr is not a tty here
    assert FakeBar.calls == [("new", 3, "fit")] + [("postfix", ["acc", "loss"])] * 3 + [("close",)]
    FakeBar.calls = []
    fit(MLP(2, [1], seed=0), X, y, epochs=3, progress=False, seed=0)
    assert FakeBar.calls == []


def test_an_ipython_terminal_shell_is_not_a_notebook(monkeypatch, capsys):
    class TerminalInteractiveShell:
        pass

    shell = TerminalInteractiveShell()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.setitem(sys.modules, "tqdm.auto", types.SimpleNamespace(tqdm=FakeBar))
    FakeBar.calls = []
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)
    assert FakeBar.calls == []


def test_silent_without_tqdm_or_without_progress(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=False, seed=0)
    assert sys.stderr.getvalue() == ""
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)          # import tqdm.auto now raises ImportError
    hist = fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)
    assert len(hist["loss"]) == 2
    assert sys.stderr.getvalue() == "" and capsys.readouterr().out == ""


# ---------------------------------------------------------------- accuracy, scores and predict
def test_accuracy_compares_labels():
    assert accuracy([1, 0, 0, 0], [1, 0, 1, 0]) == 0.75
    assert accuracy([2, 0, 1], [2, 1, 1]) == 2 / 3
    assert accuracy([1.0, 0.0], [1, 0]) == 1.0                   # integral floats are labels too
    with pytest.raises(ValueError, match="must match"):
        accuracy([1], [1, 0])
    with pytest.raises(ValueError, match="no predictions"):
        accuracy([], [])


@pytest.mark.parametrize("bad", [[0.3, 1], [[0.1, 0.9], 1], [Value(1.0), 0]])
def test_accuracy_refuses_scores_and_points_to_predict(bad):
    with pytest.raises(ValueError, match=r"y_pred\[0\] is .*not a class label.*predict\(model, X\)"):
        accuracy(bad, [1, 0])


def test_scores_gives_floats_without_recording_a_graph():
    model = MLP(2, [3, 2], seed=0)
    out = scores(model, [[0.0, 1.0], [1.0, 0.0]])
    assert len(out) == 2 and all(isinstance(v, float) for row in out for v in row)
    assert out[0] == [v.data for v in model([0.0, 1.0])]
    assert scores(MLP(2, [1], seed=0), [[0.5, 0.5]])[0] == MLP(2, [1], seed=0)([0.5, 0.5]).data
    seq = Sequential(Linear(2, 1, seed=0))                       # a one-element list is one output
    assert scores(seq, [[0.5, 0.5]]) == [seq([0.5, 0.5])[0].data]


def test_predict_gives_labels_by_sign_argmax_or_probability():
    X = [[0.0, 1.0], [1.0, 0.0], [-1.0, -2.0], [2.0, -0.5]]
    model = MLP(2, [4, 1], seed=1)
    raw = scores(model, X)
    assert predict(model, X) == [int(s > 0) for s in raw] and all(type(t) is int for t in predict(model, X))
    assert predict(model, X, threshold=min(raw)) == [int(s > min(raw)) for s in raw]
    multi = MLP(2, [4, 3], seed=2)
    rows = scores(multi, X)
    assert predict(multi, X) == [r.index(max(r)) for r in rows]
    assert predict(lambda x: [1.0, 3.0, 3.0], [[0.0]]) == [1]     # the first maximum on a tie
    prob = MLP(2, [4, 1], output_activation="sigmoid", seed=1)
    assert predict(prob, X) == [int(p > 0.5) for p in scores(prob, X)]
    seq = Sequential(Linear(2, 4, seed=1), ReLU(), Linear(4, 1, seed=2), Sigmoid())
    assert predict(seq, X) == [int(p > 0.5) for p in scores(seq, X)]
    assert predict(lambda x: math.nan, [[0.0]]) == [0]
    with pytest.raises(ValueError, match="threshold"):
        predict(model, X, threshold="half")


def test_fit_trains_a_sequential_whose_output_is_a_one_element_list():
    X, y = data.make_moons(60, noise=0.1, seed=0)
    net = Sequential(Linear(2, 16, seed=1), ReLU(), Linear(16, 1, seed=2))
    hist = fit(net, X, y, optimizer=Adam(net.parameters(), lr=0.05), epochs=20, batch_size=20,
               progress=False, seed=0)
    assert hist["loss"][-1] < 0.5 * hist["loss"][0] and accuracy(predict(net, X), y) >= 0.85
    probs = Sequential(Linear(2, 8, seed=1), Tanh(), Linear(8, 1, seed=2), Sigmoid())
    auto = fit(probs, X, y, optimizer=SGD(probs.parameters(), lr=0.0), epochs=1, progress=False)
    p = [probs(x)[0] for x in X]
    assert auto["loss"][0] == pytest.approx(F.binary_cross_entropy(p, y).data, rel=1e-12)   # "auto" picks bce


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"loss": "hinge"}, ValueError, "fit\\(loss\\)"),
    ({"epochs": -1}, ValueError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"optimizer": "adam"}, TypeError, "optimizer"),
    ({"seed": "s"}, TypeError, "seed"),
])
def test_fit_argument_errors(kwargs, error, match):
    X, y = data.make_moons(10, seed=0)
    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, X, y, progress=False, **kwargs)
    assert model.state_dict() == before


def test_fit_data_errors():
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="must match"):
        fit(model, [[0.0, 0.0]], [1, 0], progress=False)
    with pytest.raises(ValueError, match="empty"):
        fit(model, [], [], progress=False)
    with pytest.raises(TypeError, match="one Value"):
        fit(model, [[0.0, 0.0]], [1], loss=lambda p, t: 1.0, progress=False)
