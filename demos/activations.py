"""Activation functions and their derivatives, and where the gradient vanishes.

Every derivative printed and drawn here comes from the engine: a Value goes
through the activation and ``backward()`` fills its ``.grad``.  The printed
table gives f'(0), the largest |f'| on [-6, 6], and the stretches where the
activation saturates: |f'| < 0.05 from there outward, so inputs there pass
almost no gradient back (vanishing gradient).  Leaky relu uses slope 0.1.
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.plots import activation_curve, plot_activations, plot_texts, value_and_derivative
from tinygrad_edu.plots.activations import LEAKY_SLOPE
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.activations.title")
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "silu", "gelu")
THRESHOLD = 0.05


def run(out: Path, lang: str = "en") -> list[Picture]:
    d0_head, peak_head = "f'(0)", "max |f'|"
    print(f"{'activation':<11} {'f(0)':>7} {d0_head:>7} {peak_head:>9}   where |f'| < {THRESHOLD}")
    for name in NAMES:
        f0, d0 = value_and_derivative(name, 0.0)
        curve = activation_curve(name, (-6.0, 6.0), 241, THRESHOLD)
        peak = max(abs(d) for d in curve.dys)
        spans = ", ".join(f"[{a:.3f}, {b:.3f}]" for a, b in curve.spans) or "nowhere"
        print(f"{name:<11} {f0:>7.4f} {d0:>7.4f} {peak:>9.4f}   {spans}")
    print("sigmoid: f'(x) <= 0.25 everywhere: each sigmoid layer multiplies the gradient by at most")
    print("0.25 times its weights, so deep sigmoid nets lose the gradient fast.")
    fig = plot_activations(NAMES, (-6.0, 6.0), shade_vanishing=THRESHOLD, lang=lang)
    sig = activation_curve("sigmoid", (-6.0, 6.0), 241, THRESHOLD)
    tanh = activation_curve("tanh", (-6.0, 6.0), 241, THRESHOLD)
    sig_peak = max(range(len(sig.dys)), key=lambda i: sig.dys[i])
    facts = {"thr": number(THRESHOLD), "sig_max": number(sig.dys[sig_peak], ".2f"),
             "sig_at": number(sig.xs[sig_peak]), "sig_edge": number(sig.spans[-1][0], ".1f"),
             "tanh_max": number(max(tanh.dys), ".2g"), "tanh_edge": number(tanh.spans[-1][0], ".1f"),
             "leaky": number(LEAKY_SLOPE)}
    return [save_picture(fig, out, "activations", *plot_texts(lang).picture("activations", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
