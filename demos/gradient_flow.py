"""Gradient flow through deep nets: vanishing with sigmoid, and what the init does.

Ten hidden layers of 16 neurons and a linear output layer, one backward pass of
an MSE loss on 8 random samples; for each layer, the mean |dL/dp| of its
parameters.  Back-propagation multiplies by f'(z) once per layer, and sigmoid's
f' is at most 1/4: the gradient reaching the first layers of a sigmoid net is
thousands of times smaller than at the output (vanishing gradient).  The
initialisation sets the size of the weights that multiply in too.
"""

from __future__ import annotations

from pathlib import Path

from tinygrad_edu.plots import gradient_flow, plot_gradient_flow, plot_texts, value_and_derivative
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.gradient_flow.title")
INITS = ("uniform", "xavier", "he")
DEPTH, WIDTH = 10, 16


def _report(name: str, means: list[float]) -> None:
    ratio = means[0] / means[-1]
    cells = " ".join(f"{v:8.1e}" for v in means)
    print(f"{name:<15} {cells}   first/last = {ratio:.1e}")


def run(out: Path, lang: str = "en") -> list[Picture]:
    print(f"mean |grad| per layer, layer 1 (input side) ... layer {DEPTH + 1} (output):")
    by_activation = {a: gradient_flow(a, "xavier", depth=DEPTH, width=WIDTH)
                     for a in ("sigmoid", "tanh", "relu")}
    for name, means in by_activation.items():
        _report(f"{name}, xavier", means)
    sig = by_activation["sigmoid"]
    print(f"sigmoid: 5 layers back from the last hidden layer the gradient is "
          f"{sig[DEPTH - 1] / sig[DEPTH - 6]:.0f}x smaller")
    t = plot_texts(lang)
    by_init: dict[str, dict[str, list[float]]] = {}
    for act in ("tanh", "relu"):
        by_init[act] = {}
        for init in INITS:
            means = gradient_flow(act, init, depth=DEPTH, width=WIDTH)
            _report(f"{act}, {init}", means)
            by_init[act][t(f"flow.init_{init}")] = means
    depth_fig = plot_gradient_flow(by_activation, titles=[t("flow.depth_panel", depth=DEPTH, width=WIDTH)],
                                   lang=lang)
    init_fig = plot_gradient_flow([by_init["tanh"], by_init["relu"]],
                                  titles=[t("flow.init_panel", act=act) for act in ("tanh", "relu")],
                                  lang=lang)
    ratio = {name: means[0] / means[-1] for name, means in by_activation.items()}
    sig_max = value_and_derivative("sigmoid", 0.0)[1]  # the sigmoid's steepest slope, at 0
    depth_facts = {"sig_max": number(sig_max), "depth": DEPTH, "sig_ratio": number(ratio["sigmoid"], ".1e"),
                   "tanh_ratio": number(ratio["tanh"], ".2g"), "relu_ratio": number(ratio["relu"], ".2g")}
    relu_uniform = by_init["relu"][t("flow.init_uniform")]
    init_facts = {"width": WIDTH, "relu_peak": number(max(relu_uniform), ".0e").replace("e+0", "e")}
    return [save_picture(depth_fig, out, "gradient_flow_depth",
                         *t.picture("gradient_flow_depth", **depth_facts)),
            save_picture(init_fig, out, "gradient_flow_init", *t.picture("gradient_flow_init", **init_facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
