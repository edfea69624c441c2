"""tinygrad_edu.training: models really learn the toy problems, runs are reproducible, accuracy scores.

Each training run is sized to take well under a second on one core
(the engine builds about 10k nodes per 100-sample forward pass of MLP(2, [16, 16, 1])).
"""

from __future__ import annotations

import sys
import types

import pytest

import tinygrad_edu.functional as F
from tinygrad_edu import data
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import SGD, Adam
from tinygrad_edu.training import accuracy, fit, predict


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
    assert accuracy(predict(model, X), y, threshold=0.5) >= 0.95


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
    assert hist["accuracy"][-1] >= 0.9 and accuracy(predict(model, X), y) >= 0.9


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
def test_progress_bar_with_the_real_tqdm(capsys):
    import tqdm  # noqa: F401 - in the viz extra, which the test set-up installs

    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)
    err = capsys.readouterr().err
    assert "fit" in err and "epoch" in err


def test_progress_bar_is_driven_per_epoch(monkeypatch):
    calls = []

    class FakeBar:
        def __init__(self, iterable, **kwargs):
            self.iterable = iterable
            calls.append(("new", len(iterable)))

        def __iter__(self):
            return iter(self.iterable)

        def set_postfix(self, **kwargs):
            calls.append(("postfix", sorted(kwargs)))

        def close(self):
            calls.append(("close",))

    monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeBar))
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=3, progress=True, seed=0)
    assert calls == [("new", 3)] + [("postfix", ["acc", "loss"])] * 3 + [("close",)]


def test_silent_without_tqdm_or_without_progress(capsys, monkeypatch):
    X, y = data.make_moons(10, seed=0)
    fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=False, seed=0)
    monkeypatch.setitem(sys.modules, "tqdm", None)               # import tqdm now raises ImportError
    hist = fit(MLP(2, [1], seed=0), X, y, epochs=2, progress=True, seed=0)
    assert len(hist["loss"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ---------------------------------------------------------------- accuracy and predict
def test_accuracy_rules():
    assert accuracy([0.3, -2.0, 1.5, -0.1], [1, 0, 0, 0]) == 0.75               # logits: > 0 is class 1
    assert accuracy([0.3, -2.0, 1.5], [1, -1, 1]) == 1.0                         # ±1 labels
    assert accuracy([0.7, 0.4, 0.6], [1, 0, 0], threshold=0.5) == 2 / 3         # probabilities
    assert accuracy([[0.1, 0.7, 0.2], [0.9, 0.0, 0.1], [0.2, 0.3, 0.5]], [1, 2, 2]) == 2 / 3
    with pytest.raises(ValueError, match="must match"):
        accuracy([1.0], [1, 0])
    with pytest.raises(ValueError, match="no predictions"):
        accuracy([], [])


def test_predict_gives_floats_without_recording_a_graph():
    model = MLP(2, [3, 2], seed=0)
    out = predict(model, [[0.0, 1.0], [1.0, 0.0]])
    assert len(out) == 2 and all(isinstance(v, float) for row in out for v in row)
    assert out[0] == [v.data for v in model([0.0, 1.0])]
    assert predict(MLP(2, [1], seed=0), [[0.5, 0.5]])[0] == MLP(2, [1], seed=0)([0.5, 0.5]).data


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
