"""The learners' notes' PyTorch cells, each beside its scalar tinygrad_edu form.

The notes compute on tensors; here every element is one ``Value``, so a tensor
becomes a list of Values and a vector output a list of scalar outputs.  Every
number printed below equals the notes' printout to its 4 digits, except where
PyTorch's default float32 rounds differently from Python's float64 (said where
it happens):

* ``torch.sigmoid(torch.linspace(-100, 100, 10))`` and ``tanh`` / ``relu`` on
  ``linspace(-1, 1, 10)``: one Value per point, derivatives from ``backward()``;
* ``F.mse_loss(torch.ones(1), x*w)`` with x = 1, w = 2: its two errors (``w``
  does not require grad; backward through the graph a second time) and what
  this engine says or does instead;
* ``torch.autograd.grad(mse, [w])`` versus ``mse.backward()``;
* softmax: ``autograd.grad(p[1], [a], retain_graph=True)`` = [-0.1273, 0.2173,
  -0.0900], ``p.backward()`` on a vector, and ``p.backward(torch.ones_like(p))``
  as ``tg.backward(p, [1, 1, 1])``.
"""

from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.from_pytorch_notes.title")
DIGITS = 4  # torch prints 4 digits; the numbers below are printed (and checked) to as many
#: The notes' ``a = torch.rand(3)``, to the 4 digits they print.
A = (0.7066, 0.4845, 0.3603)


def linspace(lo: float, hi: float, n: int) -> list[float]:
    """``torch.linspace(lo, hi, n)`` as a list of floats."""
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def values_and_grads(xs: list[float], op: str) -> tuple[list[float], list[float]]:
    """f(x) and f'(x) at each point: one Value per point, one backward pass for all of them."""
    leaves = [tg.Value(x) for x in xs]
    outs = [getattr(v, op)() for v in leaves]
    tg.backward(outs)                     # out.backward(torch.ones_like(out)): every seed 1
    return [o.data for o in outs], [v.grad for v in leaves]


def fmt(xs: list[float], spec: str = f".{DIGITS}f") -> str:
    """A list printed the way torch prints a tensor's numbers."""
    return "[" + ", ".join(format(x, spec) for x in xs) + "]"


def _activations() -> dict[str, tuple[list[float], list[float], list[float]]]:
    curves = {}
    for op, (lo, hi), spec in (("sigmoid", (-100.0, 100.0), f".{DIGITS}e"),
                               ("tanh", (-1.0, 1.0), f".{DIGITS}f"), ("relu", (-1.0, 1.0), f".{DIGITS}f")):
        xs = linspace(lo, hi, 10)
        ys, ds = values_and_grads(xs, op)
        curves[op] = (xs, ys, ds)
        print(f"torch.{op}(torch.linspace({lo:g}, {hi:g}, 10))")
        print(f"  tinygrad_edu: [tg.Value(x).{op}() for x in linspace({lo:g}, {hi:g}, 10)]")
        print(f"  values: {fmt(ys, spec)}")
        print(f"  grads:  {fmt(ds, spec)}")
    print("(the notes print sigmoid(-100) as 0.0000e+00: in float32 e^100 overflows; in float64 it is "
          "3.7201e-44)")
    return curves


def _mse_cells() -> None:
    print("x = torch.ones(1); w = torch.full([1], 2); mse = F.mse_loss(torch.ones(1), x*w)")
    x = tg.Value(1.0, label="x", requires_grad=False)
    w = tg.Value(2.0, label="w", requires_grad=False)
    mse = F.mse_loss(x * w, 1.0)
    print(f"  tinygrad_edu: mse = F.mse_loss(x * w, 1.0) = {mse.item()}")
    print("torch.autograd.grad(mse, [w])  ->  RuntimeError: element 0 of tensors does not require grad "
          "and does not have a grad_fn")
    try:
        tg.grad(mse, [w])
    except ValueError as exc:
        print(f"  tinygrad_edu: ValueError: {exc}")
    w.requires_grad_()
    print("w.requires_grad_(); torch.autograd.grad(mse, [w])  ->  the same RuntimeError: mse was recorded "
          "before w required grad")
    try:
        tg.grad(mse, [w])
    except ValueError as exc:
        print(f"  tinygrad_edu: ValueError: {exc}")
    mse = F.mse_loss(x * w, 1.0)
    (dw,) = tg.grad(mse, [w])
    print("mse = F.mse_loss(torch.ones(1), x*w); torch.autograd.grad(mse, [w])  ->  (tensor([2.]),)")
    print(f"  tinygrad_edu: tg.grad(mse, [w]) = ({dw.item()},)   w.grad untouched: {w.grad}")
    print("mse.backward()  ->  RuntimeError: Trying to backward through the graph a second time")
    mse.backward()
    print(f"  tinygrad_edu: works, w.grad = {w.grad} (graphs are kept: nothing is freed after a pass)")


def _softmax_cells() -> list[list[float]]:
    print("a = torch.rand(3); a.requires_grad_(); p = F.softmax(a, dim=0)")
    a = [tg.Value(x, label=f"a{i}") for i, x in enumerate(A)]
    p = F.softmax(a, dim=0)
    print(f"  tinygrad_edu: a = [tg.Value(x) for x in {list(A)}]; p = F.softmax(a, dim=0) = "
          f"{fmt([v.data for v in p])}")
    print("p.backward()  ->  RuntimeError: grad can be implicitly created only for scalar outputs")
    print("  tinygrad_edu: p is a list of scalar Values; p[i].backward() for one output, "
          "tg.backward(p, weights) for a mix")
    rows = []
    for i, keep in ((1, True), (2, False)):
        row = [g.item() for g in tg.grad(p[i], a, retain_graph=keep)]
        rows.append(row)
        print(f"torch.autograd.grad(p[{i}], [a]{', retain_graph=True' if keep else ''})")
        print(f"  tinygrad_edu: tg.grad(p[{i}], a{', retain_graph=True' if keep else ''}) = {fmt(row)}")
    tg.backward(p, [1.0, 1.0, 1.0])
    print("p.backward(torch.ones_like(p))  ->  a.grad about 2e-08 (float32 rounding of 0)")
    print(f"  tinygrad_edu: tg.backward(p, [1, 1, 1]); a.grad = {fmt([v.grad for v in a], '.1e')}"
          "   (d(p0 + p1 + p2)/da = 0: the probabilities sum to 1)")
    return rows


def run(out: Path, lang: str = "en") -> list[Picture]:
    curves = _activations()
    _mse_cells()
    rows = _softmax_cells()

    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(12.0, 3.8)
        axes = fig.subplots(1, 3)
        for ax, (op, (xs, ys, ds)) in zip(axes, curves.items()):
            ax.plot(xs, ys, "o-", lw=1.5, label=t("torch.curve", op=op))
            ax.plot(xs, ds, "s", ls="none", label=t("torch.grad"))
            ax.set_title(t("torch.panel", op=op, lo=f"{xs[0]:g}", hi=f"{xs[-1]:g}", n=len(xs)))
            ax.set_xlabel("x")
            ax.set_ylabel(t("torch.ylabel", op=op))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.suptitle(t("torch.title", row=fmt(rows[0])))
    xs, _, ds = curves["sigmoid"]
    small = min((i for i, x in enumerate(xs) if x > 0), key=lambda i: xs[i])  # nearest 0, on the right
    zero = [x for x, d in zip(xs, ds) if d == 0.0]
    left = min(range(len(xs)), key=lambda i: xs[i])
    facts = {"lo": number(xs[0]), "hi": number(xs[-1]), "x_small": f"{xs[small]:.1f}",
             "d_small": f"{ds[small]:.4e}", "zero_from": f"{min(zero):.1f}", "x_left": number(xs[left]),
             "d_left": f"{ds[left]:.4e}", "digits": DIGITS}
    return [save_picture(fig, out, "from_pytorch_notes", *t.picture("from_pytorch_notes", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
