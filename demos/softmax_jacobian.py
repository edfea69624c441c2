"""The softmax and its Jacobian, with the learners' notes' numbers.

softmax([0.7066, 0.4845, 0.3603]) = [0.3987, 0.3193, 0.2820], and the
Jacobian ∂s_i/∂x_j = s_i(δ_ij − s_j): positive on the diagonal, negative off
it, each row summing to 0.  Row 1 is the notes' d p[1] / d a =
[-0.1273, 0.2173, -0.0900].
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import plot_softmax_jacobian, softmax_jacobian
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = "Softmax and its Jacobian"
XS = (0.7066, 0.4845, 0.3603)


def run(out: Path) -> list[Picture]:
    a = [tg.Value(x, label=f"a{i}") for i, x in enumerate(XS)]
    p = F.softmax(a)
    print("a          =", [round(x, 4) for x in XS])
    print("softmax(a) =", [round(v.data, 4) for v in p])
    jac = softmax_jacobian(XS)
    print("Jacobian d p[i] / d a[j] (engine, one backward pass per row):")
    for i, row in enumerate(jac):
        cells = ", ".join(f"{v: .4f}" for v in row)
        print(f"  row {i}: [{cells}]   |row sum| < 1e-15: {abs(sum(row)) < 1e-15}")
    p[1].backward()
    print("p[1].backward() fills a.grad with row 1:", [round(v.grad, 4) for v in a])
    big = F.softmax([1000.0, 0.0])
    print("softmax([1000, 0]) =", [v.data for v in big], "(stable: the max is subtracted first)")
    fig = plot_softmax_jacobian(XS)
    return [save_picture(
        fig, out, "softmax_jacobian", "The softmax Jacobian ∂s_i/∂x_j",
        "Each cell is ∂s_i/∂x_j computed by backward() for the notes' input a = (0.7066, 0.4845, 0.3603). "
        "Raising one input raises its own probability (diagonal s_i(1 − s_i) > 0) and lowers all the others "
        "(off-diagonal −s_i·s_j < 0); each row sums to 0 because the probabilities always sum to 1.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
