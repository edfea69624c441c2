"""The eps inside the log of binary cross-entropy: 1e-4, 1e-8 or 1e-12?

L = −[y ln(p + ε) + (1 − y) ln(1 − p + ε)].  Without ε a confidently wrong
prediction (p = 0 for y = 1) gives ln 0.  With ε the loss there is −ln ε and
dL/dp = −1/ε: finite, but the smaller ε, the larger the step it causes.
"""

from __future__ import annotations

import math
from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import plot_bce_eps, plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.bce_eps.title")
EPS = (1e-4, 1e-8, 1e-12)


def run(out: Path, lang: str = "en") -> list[Picture]:
    print("target y = 1, prediction p = 0 (confidently wrong):")
    print(f"{'eps':>8} {'loss = -ln(eps)':>16} {'dL/dp = -1/eps':>15}")
    caps, grad_caps = [], []
    for eps in EPS:
        p = tg.Value(0.0, label="p")
        loss = F.binary_cross_entropy(p, 1.0, eps=eps)
        loss.backward()
        print(f"{eps:>8.0e} {loss.data:>16.4f} {p.grad:>15.4g}")
        caps.append(number(loss.data, ".1f"))
        grad_caps.append(number(abs(p.grad), ".0e").replace("e+", "e").replace("e0", "e"))
    try:
        F.binary_cross_entropy(tg.Value(0.0), 1.0, eps=0.0)
    except tg.DomainError as exc:
        print(f"eps = 0: {type(exc).__name__}: {exc}")
    print("target y = 1, prediction p = 1 (right): loss = -ln(1 + eps), slightly below 0:")
    for eps in EPS:
        print(f"{eps:>8.0e} {-math.log1p(eps):>16.3g}")
    print("eps = 1e-16 is below the spacing of floats near 1 (2.2e-16): 1.0 + 1e-16 == 1.0 is",
          1.0 + 1e-16 == 1.0)
    fig = plot_bce_eps(EPS, lang=lang)
    facts = {"caps": ", ".join(caps), "grad_caps": ", ".join(grad_caps)}
    return [save_picture(fig, out, "bce_eps", *plot_texts(lang).picture("bce_eps", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
