"""Circles and a three-armed spiral: settings that learn them, and settings that do not.

``make_circles`` with its defaults (inner radius 0.8) and the obvious settings -
micrograd's uniform(-1, 1) init, Adam with lr = 0.01, 30 epochs - stays at
about 76 % on the training points.  Two changes fix it: He initialisation
(made for relu) and a larger step, lr = 0.05; 40 full-batch epochs then reach
100 %.  The same recipe learns the three spiral arms (a 3-class softmax
output trained with cross-entropy) to about 99 % in 60 epochs.  The pictures
are the two learned decision boundaries; the spiral's shows each class as its
own region.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from tinygrad_edu.data import make_circles, make_spiral
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import Adam
from tinygrad_edu.plots import plot_texts
from tinygrad_edu.plots.training import plot_decision_boundary
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture
from tinygrad_edu.training import accuracy, fit, predict

TITLE = text("en", "demo.circles_spiral.title")
#: (init, lr, epochs): the obvious settings, then the ones that work.
OBVIOUS, WORKING = ("uniform", 0.01, 30), ("he", 0.05, 40)
SPIRAL_EPOCHS = 60


def train(points: list[list[float]], labels: list[int], n_out: int, init: str, lr: float,
          epochs: int) -> tuple[MLP, float]:
    """MLP(2, [16, 16, n_out]), relu, trained full-batch with Adam; the model and its training accuracy."""
    model = MLP(2, [16, 16, n_out], activation="relu", init=init, seed=1)
    fit(model, points, labels, optimizer=Adam(model.parameters(), lr=lr), epochs=epochs, progress=False,
        seed=0)
    return model, accuracy(predict(model, points), labels)


def run(out: Path, lang: str = "en") -> list[Picture]:
    t = plot_texts(lang)
    points, labels = make_circles(100, noise=0.05, seed=0)  # default inner radius: factor = 0.8
    print("make_circles(100, noise=0.05, seed=0), MLP(2, [16, 16, 1]) relu, Adam, full batch:")
    accs = []
    for init, lr, epochs in (OBVIOUS, WORKING):
        model, acc = train(points, labels, 1, init, lr, epochs)
        accs.append(acc)
        print(f"  init={init:<8} lr={lr:<5} epochs={epochs}: training accuracy {acc:.1%}")
    circles_title = t("cs.circles_title", init="He", lr=WORKING[1], epochs=WORKING[2])
    circles_fig = plot_decision_boundary(model, points, labels, resolution=50, split="train", lang=lang,
                                         title=circles_title)
    arms, arm_labels = make_spiral(150, n_classes=3, noise=0.2, seed=0)
    spiral, acc = train(arms, arm_labels, 3, "he", WORKING[1], SPIRAL_EPOCHS)
    print(f"make_spiral(150, n_classes=3, noise=0.2, seed=0), MLP(2, [16, 16, 3]) relu, He init, "
          f"Adam lr={WORKING[1]}, {SPIRAL_EPOCHS} epochs,")
    print(f"  cross-entropy: training accuracy {acc:.1%}")
    spiral_fig = plot_decision_boundary(spiral, arms, arm_labels, resolution=50, split="train", lang=lang,
                                        title=t("cs.spiral_title", lr=WORKING[1], epochs=SPIRAL_EPOCHS))
    factor = inspect.signature(make_circles).parameters["factor"].default  # the default inner radius
    circles = {"factor": number(factor), "lr0": number(OBVIOUS[1]), "epochs0": OBVIOUS[2],
               "acc0": f"{accs[0]:.1%}", "lr1": number(WORKING[1]), "epochs1": WORKING[2],
               "acc1": f"{accs[1]:.1%}"}
    at_origin = [(p, c) for p, c in zip(arms, arm_labels) if p[0] == 0.0 and p[1] == 0.0]
    wrong_there = sum(q != c for (_, c), q in zip(at_origin, predict(spiral, [p for p, _ in at_origin])))
    print(f"  {len(at_origin)} points at (0, 0), classes {sorted(c for _, c in at_origin)}: "
          f"{wrong_there} misclassified there")
    spiral_facts = {"k": spiral.nouts[-1], "lr": number(WORKING[1]), "epochs": SPIRAL_EPOCHS,
                    "acc": f"{acc:.1%}", "n_origin": wrong_there}
    return [save_picture(circles_fig, out, "circles_boundary", *t.picture("circles_boundary", **circles)),
            save_picture(spiral_fig, out, "spiral_boundary", *t.picture("spiral_boundary", **spiral_facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
