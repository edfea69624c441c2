"""training.fit(..., compile=True): the traced full-batch program trains exactly as eager does."""

from __future__ import annotations

import pytest

import tinygrad_edu.functional as F
from tinygrad_edu import data
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import SGD, Adam
from tinygrad_edu.training import accuracy, fit, predict


def _run(make_model, make_opt, X, y, **kw):
    model = make_model()
    hist = fit(model, X, y, optimizer=make_opt(model), progress=False, seed=0, **kw)
    return hist, [p.data for p in model.parameters()]


@pytest.mark.parametrize("loss, out_act, make_opt", [
    ("bce_with_logits", None, lambda m: Adam(m.parameters(), lr=0.05)),
    ("bce", "sigmoid", lambda m: SGD(m.parameters(), lr=0.5, momentum=0.9)),
])
def test_compiled_fit_gives_eager_losses_and_parameters_bit_for_bit(loss, out_act, make_opt):
    X, y = data.make_moons(40, noise=0.1, seed=0)

    def make_model():
        return MLP(2, [8, 8, 1], output_activation=out_act, seed=3)

    eager, eager_params = _run(make_model, make_opt, X, y, loss=loss, epochs=12, shuffle=False)
    compiled, compiled_params = _run(make_model, make_opt, X, y, loss=loss, epochs=12, compile=True)
    assert compiled["loss"] == eager["loss"]  # every epoch, to the last bit
    assert compiled["accuracy"] == eager["accuracy"]
    assert compiled_params == eager_params
    assert eager["loss"][-1] < eager["loss"][0]  # it trained: the comparison is not of a still model


def test_compiled_fit_with_cross_entropy_a_custom_loss_and_batch_size_equal_to_the_data():
    X, y = data.make_spiral(30, n_classes=3, noise=0.1, seed=0)

    def make_model():
        return MLP(2, [6, 3], seed=1)

    def opt(m):
        return Adam(m.parameters(), lr=0.05)

    # cross_entropy subtracts the row's largest logit: a max_shift node, so the program computes it
    # from the current logits, as eager does, and every epoch is the same bit for bit
    eager, pe = _run(make_model, opt, X, y, loss="cross_entropy", epochs=6, shuffle=False)
    compiled, pc = _run(make_model, opt, X, y, loss="cross_entropy", epochs=6, batch_size=len(X),
                        compile=True)
    assert compiled["loss"] == eager["loss"]
    assert pc == pe
    assert compiled["accuracy"] == eager["accuracy"]

    def hinge(preds, targets):
        return sum((1 + -(2 * t - 1) * p).relu() for p, t in zip(preds, targets)) * (1.0 / len(preds))

    Xm, ym = data.make_moons(30, noise=0.1, seed=1)
    eager, pe = _run(lambda: MLP(2, [8, 1], seed=0), opt, Xm, ym, loss=hinge, epochs=8, shuffle=False)
    compiled, pc = _run(lambda: MLP(2, [8, 1], seed=0), opt, Xm, ym, loss=hinge, epochs=8, compile=True)
    assert compiled["loss"] == eager["loss"] and pc == pe


def test_compiled_fit_learns_the_moons():
    X, y = data.make_moons(60, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=1)
    hist = fit(model, X, y, loss=F.binary_cross_entropy_with_logits,
               optimizer=Adam(model.parameters(), lr=0.05), epochs=60, progress=False, compile=True)
    assert accuracy(predict(model, X), y) >= 0.95
    assert hist["loss"][-1] < 0.3 * hist["loss"][0]


def test_compile_with_mini_batches_is_refused_with_the_fix():
    X, y = data.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"compile=True\) needs full-batch training.*batch_size=5.*"
                                         r"batch_size=None"):
        fit(model, X, y, batch_size=5, epochs=2, progress=False, compile=True)
    assert [p.data for p in model.parameters()] == before  # refused before any step
