"""Activation functions and their derivatives, and where the gradient vanishes.

Every derivative printed and drawn here comes from the engine: a Value goes
through the activation and ``backward()`` fills its ``.grad``.  The printed
table gives f'(0), the largest |f'| on [-6, 6], and the stretches where
|f'| < 0.05 - inputs there pass almost no gradient back (vanishing gradient).
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.plots import activation_curve, plot_activations, value_and_derivative
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = "Activation functions and their derivatives"
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "silu", "gelu")
THRESHOLD = 0.05


def run(out: Path) -> list[Picture]:
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
    fig = plot_activations(NAMES, (-6.0, 6.0), shade_vanishing=THRESHOLD)
    return [save_picture(
        fig, out, "activations", "Activations f(x) and their derivatives f'(x) from backward()",
        "Blue: the activation f(x) (活性值 a = f(z) of the net input z, 净活性值). Red dashes: f'(x), "
        "computed by backward() at every sample, not typed in. Yellow: where |f'(x)| < 0.05. "
        "Sigmoid's derivative is at most 0.25 (at x = 0) and vanishes for |x| > 2.9; tanh's is at most 1 "
        "and vanishes for |x| > 2.2 (梯度消失, vanishing gradient). ReLU passes the gradient unchanged "
        "for x > 0 but blocks it completely for x <= 0: a neuron stuck there is a dead ReLU (死亡ReLU). "
        "Leaky ReLU keeps a small slope (0.01) on the left.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
