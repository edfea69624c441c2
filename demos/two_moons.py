"""A small MLP learns the two-moons data set: training curves and decision boundary.

MLP(2, [16, 16, 1]) with relu hidden layers and a linear output (a logit),
trained full-batch with Adam (lr = 0.08) on binary cross-entropy with logits
for 40 epochs: ``fit`` runs forward, ``backward()`` and the optimizer step
each epoch.  All randomness is seeded, so every run prints the same numbers.
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.data import make_moons
from tinygrad_edu.nn import MLP
from tinygrad_edu.optim import Adam
from tinygrad_edu.plots.training import plot_decision_boundary, plot_training
from tinygrad_edu.tour import Picture, demo_main, save_picture
from tinygrad_edu.training import accuracy, fit, predict

TITLE = "Two moons: an MLP learns a curved decision boundary"
EPOCHS = 40


def run(out: Path) -> list[Picture]:
    points, labels = make_moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], activation="relu", seed=1337)
    print(f"data: {len(points)} points, model: {model!r}, {len(model.parameters())} parameters")
    history = fit(model, points, labels, loss="bce_with_logits", optimizer=Adam(model.parameters(), lr=0.08),
                  epochs=EPOCHS, progress=False, seed=0)
    for epoch in (1, 10, 30, EPOCHS):
        print(f"epoch {epoch:>3}: loss {history['loss'][epoch - 1]:.4f}, "
              f"accuracy {history['accuracy'][epoch - 1]:.2f}")
    final = accuracy(predict(model, points), labels)
    print(f"final training accuracy: {final:.2%}")
    training_fig = plot_training(history, title="Training MLP(2, [16, 16, 1]) on two moons, Adam lr = 0.08")
    boundary_fig = plot_decision_boundary(model, points, labels, threshold=0.0, title="Two moons")
    return [
        save_picture(training_fig, out, "two_moons_training", "Training curves",
                     "Left: the binary cross-entropy per epoch (log scale); right: the fraction of points "
                     "classified right. Each epoch is one forward pass over all 100 points, one "
                     "backward() (back-propagation, 误差反向传播) and one Adam step (a refined gradient "
                     "descent, 梯度下降)."),
        save_picture(boundary_fig, out, "two_moons_boundary", "The learned decision boundary",
                     "Background: the class the trained network predicts at each point of the plane (the "
                     "black curve is where its output logit crosses 0, i.e. ŷ = σ(z) = 0.5). Two relu "
                     "layers bend the boundary around the interleaving half-moons; misclassified points "
                     "would be circled."),
    ]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
