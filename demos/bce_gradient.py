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
from tinygrad_edu.plots import plot_bce_logit_gradient, plot_texts
from tinygrad_edu.strings import text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.bce_gradient.title")


def run(out: Path, lang: str = "en") -> list[Picture]:
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
    fig = plot_bce_logit_gradient(lang=lang)
    return [save_picture(fig, out, "bce_gradient", *plot_texts(lang).picture("bce_gradient"))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
