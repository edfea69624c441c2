"""A small MLP learns the two-moons data set: training curves and decision boundary.

MLP(2, [16, 16, 1]) with relu hidden layers and a linear output (a logit),
trained full-batch with Adam (lr = 0.05) on binary cross-entropy with logits
for 30 epochs - the example of the training guide (docs/training.md): ``fit`` runs forward,
``backward()`` and the optimizer step each epoch.  All randomness is seeded, so every run prints
the same numbers.
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.data import make_moons
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import Adam
from tinygrad_edu.plots import plot_texts
from tinygrad_edu.plots.training import plot_decision_boundary, plot_training
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture
from tinygrad_edu.training import accuracy, fit, predict

TITLE = text("en", "demo.two_moons.title")
EPOCHS, LR = 30, 0.05


def run(out: Path, lang: str = "en") -> list[Picture]:
    points, labels = make_moons(100, noise=0.1, seed=0)  # as in the training guide's example
    model = MLP(2, [16, 16, 1], activation="relu", seed=1)
    print(f"data: {len(points)} points, model: {model!r}, {len(model.parameters())} parameters")
    history = fit(model, points, labels, loss="bce_with_logits", optimizer=Adam(model.parameters(), lr=LR),
                  epochs=EPOCHS, progress=False, seed=0)
    for epoch in (1, 10, 20, EPOCHS):
        print(f"epoch {epoch:>3}: loss {history['loss'][epoch - 1]:.4f}, "
              f"accuracy {history['accuracy'][epoch - 1]:.2f}")
    final = accuracy(predict(model, points), labels)
    print(f"final training accuracy: {final:.2%}")
    t = plot_texts(lang)
    training_title = t("moons.train_title", lr=f"{LR:g}", epochs=EPOCHS)
    training_fig = plot_training(history, title=training_title, lang=lang)
    boundary_fig = plot_decision_boundary(model, points, labels, threshold=0.0, title=t("moons.title"),
                                          split="train", lang=lang)
    facts = {"model": f"MLP({model.nin}, {model.nouts})", "lr": number(LR), "epochs": EPOCHS,
             "n": len(points), "acc": f"{final:.2%}"}
    return [save_picture(training_fig, out, "two_moons_training", *t.picture("two_moons_training", **facts)),
            save_picture(boundary_fig, out, "two_moons_boundary", *t.picture("two_moons_boundary"))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
