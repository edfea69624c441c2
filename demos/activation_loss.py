"""One neuron, three activation + loss pairs: sigmoid + BCE learns, relu + MSE is dead.

The learners' notes' experiment: x = 1, target y = 1, a single weight w that
starts at -2, gradient descent with lr = 0.1 for 30 steps.  relu(-2) = 0 and
relu'(-2) = 0, so the relu neuron gets a zero gradient at every step and never
moves: a dead neuron.
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.plots import activation_loss_experiment, plot_activation_loss_experiment, plot_texts
from tinygrad_edu.strings import text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.activation_loss.title")


def run(out: Path, lang: str = "en") -> list[Picture]:
    runs = activation_loss_experiment(x=1.0, y=1.0, w0=-2.0, lr=0.1, steps=30)
    print(f"{'set-up':<14} {'dL/dw at w=-2':>13} {'loss at start':>13} {'loss after 30':>13} {'final w':>8}")
    for r in runs:
        print(f"{r.title:<14} {r.grads[0]:>13.4f} {r.losses[0]:>13.4f} {r.losses[-1]:>13.4f} "
              f"{r.ws[-1]:>8.4f}")
    dead = [r.title for r in runs if all(g == 0.0 for g in r.grads)]
    print(f"stuck (zero gradient at every step): {', '.join(dead) or 'none'}")
    fig = plot_activation_loss_experiment(runs, lr=0.1, lang=lang)
    return [save_picture(fig, out, "activation_loss", *plot_texts(lang).picture("activation_loss"))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
