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
from tinygrad_edu.plots import plot_softmax_jacobian, plot_texts, softmax_jacobian
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.softmax_jacobian.title")
XS = (0.7066, 0.4845, 0.3603)


def run(out: Path, lang: str = "en") -> list[Picture]:
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
    fig = plot_softmax_jacobian(XS, lang=lang)
    row = 1
    facts = {"a": "(" + ", ".join(number(x, ".4f") for x in XS) + ")",
             "s": "(" + ", ".join(number(v.data, ".3f") for v in p) + ")", "i": row,
             "row": "(" + ", ".join(number(v, ".4f") for v in jac[row]) + ")"}
    return [save_picture(fig, out, "softmax_jacobian",
                         *plot_texts(lang).picture("softmax_jacobian", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
