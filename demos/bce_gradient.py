"""Why dL/dz = ŷ − y for a sigmoid output trained with binary cross-entropy.

With ŷ = σ(z) and L = −[y ln ŷ + (1 − y) ln(1 − ŷ)], the chain rule gives
dL/dz = dL/dŷ · dŷ/dz = [−y/ŷ + (1 − y)/(1 − ŷ)] · ŷ(1 − ŷ) = ŷ − y.
Here the engine computes it twice - through the graph log(sigmoid(z)), and
with the fused op of ``F.binary_cross_entropy_with_logits`` - and both are
compared with ŷ − y.
"""

from __future__ import annotations

import math
from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import plot_bce_logit_gradient
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = "Sigmoid + BCE: dL/dz = ŷ − y"


def run(out: Path) -> list[Picture]:
    print(f"{'z':>5} {'y':>3} {'y_hat':>8} {'y_hat - y':>10} {'graph dL/dz':>12} {'fused dL/dz':>12}")
    worst = 0.0
    for z in (-3.0, -0.5, 0.0, 1.0, 4.0):
        for y in (0.0, 1.0):
            zv = tg.Value(z, label="z")
            y_hat = zv.sigmoid()
            loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())  # the loss as a graph of ops
            loss.backward()
            zf = tg.Value(z, label="z")
            fused = F.binary_cross_entropy_with_logits(zf, y)
            fused.backward()
            expected = 1.0 / (1.0 + math.exp(-z)) - y
            worst = max(worst, abs(zv.grad - expected), abs(zf.grad - expected))
            print(f"{z:>5.1f} {y:>3.0f} {y_hat.data:>8.4f} {expected:>10.4f} {zv.grad:>12.4f} "
                  f"{zf.grad:>12.4f}")
    print(f"largest difference from y_hat - y: {worst:.2e}")
    fig = plot_bce_logit_gradient()
    return [save_picture(
        fig, out, "bce_gradient", "Sigmoid output + BCE: dL/dz = ŷ − y",
        "Circles: dL/dz computed by backward() through the graph −[y·log σ(z) + (1 − y)·log(1 − σ(z))]; "
        "lines: the formula ŷ − y. They coincide: the sigmoid's derivative ŷ(1 − ŷ) cancels the "
        "denominators of the binary cross-entropy (二分类交叉熵) derivative. The gradient is the error "
        "itself: near 0 when the prediction is right, near ±1 when it is confidently wrong, and it never "
        "vanishes for a wrong answer — unlike sigmoid + MSE.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
