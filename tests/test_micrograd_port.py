"""micrograd's ``demo.ipynb``, with only the import changed, reproduces micrograd's numbers.

The code below is the training part of micrograd's demo notebook: an
``MLP(2, [16, 16, 1])`` on 100 two-moons points with labels ±1, the SVM
max-margin loss plus 1e-4 L2 regularisation, and SGD with the learning rate
``1.0 - 0.9*k/100``.  After ``random.seed(1337)`` both engines draw the same
initial weights from Python's global ``random`` (micrograd's ``random.uniform(-1, 1)``
per weight, biases 0), so each step's loss and accuracy must agree; only the
order of floating-point additions inside a neuron may differ, hence a relative
tolerance of 1e-9.  (scikit-learn's ``make_moons`` is replaced by the
engine's own, given to both engines: the data set is not what is compared.)
"""

from __future__ import annotations

import gc
import random
import textwrap
from typing import Any

import pytest

from tinygrad_edu import data

pytest.importorskip("micrograd", reason="the comparison needs micrograd 0.1.0 (the bench extra)")
np = pytest.importorskip("numpy", reason="micrograd's demo code uses numpy (matplotlib brings it)")
pytestmark = pytest.mark.xdist_group("micrograd_port")  # one pytest-xdist worker runs the demo once

IMPORTS = {
    "micrograd": "from micrograd.engine import Value\nfrom micrograd.nn import Neuron, Layer, MLP\n",
    "tinygrad_edu": "from tinygrad_edu import Value\nfrom tinygrad_edu.nn import Neuron, Layer, MLP\n",
}

# micrograd's demo.ipynb as published, without its data and plotting cells; STEPS instead of 100
# steps, and each step's numbers also appended to history.
DEMO_MODEL = textwrap.dedent('''
    np.random.seed(1337)
    random.seed(1337)

    model = MLP(2, [16, 16, 1]) # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))
''')

DEMO_TRAIN = textwrap.dedent('''
    # loss function
    def loss(batch_size=None):

        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum((p*p for p in model.parameters()))
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    total_loss, acc = loss()
    print(total_loss, acc)

    # optimization
    for k in range(STEPS):

        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9*k/100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 1 == 0:
            print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
            history.append((total_loss.data, acc))
''')

STEPS = 3


def _run_demo(engine: str) -> dict[str, Any]:
    X, labels = data.make_moons(100, noise=0.1, seed=0)
    namespace: dict[str, Any] = {
        "np": np, "random": random, "X": np.array(X), "y": np.array(labels) * 2 - 1,
        "STEPS": STEPS, "history": [],
    }
    state = random.getstate()
    # micrograd's graphs are reference cycles, and CPython's cyclic collector spends most of micrograd's
    # step on them; the numbers do not depend on when garbage is collected, so it waits until the end
    collecting = gc.isenabled()
    gc.disable()
    try:
        exec(IMPORTS[engine] + DEMO_MODEL, namespace)
        namespace["initial"] = [p.data for p in namespace["model"].parameters()]
        exec(DEMO_TRAIN, namespace)
    finally:
        random.setstate(state)
        if collecting:
            gc.enable()
    return namespace


@pytest.fixture(scope="module")
def runs():
    return {engine: _run_demo(engine) for engine in IMPORTS}


def test_the_same_initial_weights_after_random_seed(runs):
    ours, theirs = runs["tinygrad_edu"]["initial"], runs["micrograd"]["initial"]
    assert len(ours) == len(theirs) == 337
    assert ours == theirs
    assert len(set(ours)) > 300, "random weights (and 33 zero biases)"


def test_the_weights_after_training_agree(runs):
    ours = [p.data for p in runs["tinygrad_edu"]["model"].parameters()]
    theirs = [p.data for p in runs["micrograd"]["model"].parameters()]
    assert ours != runs["tinygrad_edu"]["initial"]
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_every_step_has_micrograds_loss_and_accuracy(runs):
    ours, theirs = runs["tinygrad_edu"]["history"], runs["micrograd"]["history"]
    assert len(ours) == len(theirs) == STEPS
    for k, ((loss_a, acc_a), (loss_b, acc_b)) in enumerate(zip(ours, theirs)):
        assert loss_a == pytest.approx(loss_b, rel=1e-9), f"step {k}"
        assert acc_a == acc_b, f"step {k}"
    assert ours[-1][0] < ours[0][0], "the demo's SGD lowers the loss"


def test_the_import_is_the_only_difference():
    a, b = (IMPORTS[e].splitlines() for e in IMPORTS)
    assert [x.split(" import ")[1] for x in a] == [x.split(" import ")[1] for x in b]
