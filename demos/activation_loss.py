"""One neuron, three activation + loss pairs: sigmoid + BCE learns, relu + MSE is dead.

The learners' notes' experiment: x = 1, target y = 1, a single weight w that
starts at -2, gradient descent with lr = 0.1 for 30 steps.  relu(-2) = 0 and
relu'(-2) = 0, so the relu neuron gets a zero gradient at every step and never
moves: a dead neuron.
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.plots import (
    activation_loss_experiment,
    plot_activation_loss_experiment,
    plot_texts,
    value_and_derivative,
)
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.activation_loss.title")
X, Y, W0, LR, STEPS = 1.0, 1.0, -2.0, 0.1, 30


def run(out: Path, lang: str = "en") -> list[Picture]:
    runs = activation_loss_experiment(x=X, y=Y, w0=W0, lr=LR, steps=STEPS)
    # column k of the run is step k: w and L before the k-th update; step STEPS is after the last one
    print(f"{'set-up':<14} {f'dL/dw at w={W0:g}':>13} {'L at step 0':>13} {f'L at step {STEPS}':>13} "
          f"{f'w at step {STEPS}':>12}")
    for r in runs:
        print(f"{r.title:<14} {r.grads[0]:>13.4f} {r.losses[0]:>13.4f} {r.losses[-1]:>13.4f} "
              f"{r.ws[-1]:>12.4f}")
    dead = [r.title for r in runs if all(g == 0.0 for g in r.grads)]
    print(f"stuck (zero gradient at every step): {', '.join(dead) or 'none'}")
    fig = plot_activation_loss_experiment(runs, x=X, y=Y, lr=LR, lang=lang)
    sig, tanh, relu = runs
    z0 = W0 * X
    with tg.no_grad():
        relu_out = tg.Value(z0).relu().data
    relu_d = value_and_derivative("relu", z0)[1]
    tanh_d = value_and_derivative("tanh", z0)[1]
    facts = {"x": number(X), "y": number(Y), "w0": number(W0), "lr": number(LR), "last": STEPS,
             "z0": number(z0), "g_sig": number(sig.grads[0] / X, ".2f"),
             "sig_first": number(sig.losses[0], ".4g"), "sig_last": number(sig.losses[-1], ".4g"),
             "tanh_d": number(tanh_d, ".2f"), "tanh_first": number(tanh.losses[0], ".4g"),
             "tanh_last": number(tanh.losses[-1], ".4g"), "relu_out": number(relu_out),
             "relu_d": number(relu_d), "relu_loss": number(relu.losses[-1], ".4g")}
    return [save_picture(fig, out, "activation_loss", *plot_texts(lang).picture("activation_loss", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
