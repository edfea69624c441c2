"""A custom ``Function``: when you write the backward by hand.

Two cases where building an op from Values is not enough:

1. **Numerical stability.** softplus(x) = ln(1 + eˣ) built as
   ``(x.exp() + 1).log()`` overflows for x > 709 although the answer is just
   about x.  The ``Softplus`` Function computes max(x, 0) + ln(1 + e^(−|x|))
   and writes the derivative σ(x) directly.
2. **A derivative you choose.** round(x) has derivative 0 almost everywhere,
   so nothing before it would ever learn.  The straight-through estimator
   keeps round in the forward pass and pretends it is the identity in the
   backward pass (d/dx := 1).

``gradcheck`` confirms that Softplus's hand-written backward matches finite
differences (and would catch a wrong one).
"""

from __future__ import annotations

import math
from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.plots import new_figure
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = "A custom Function with a hand-written backward"


class Softplus(tg.Function):
    """f(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^(−|x|)),  f'(x) = σ(x)."""

    @staticmethod
    def forward(ctx: tg.Context, x: float) -> float:
        ctx.save_for_backward(x)
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    @staticmethod
    def backward(ctx: tg.Context, grad_output: float) -> tuple[float]:
        (x,) = ctx.saved_values
        sig = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return (grad_output * sig,)


class RoundSTE(tg.Function):
    """Forward: round(x).  Backward: the straight-through estimator, d/dx := 1."""

    @staticmethod
    def forward(ctx: tg.Context, x: float) -> float:
        return float(round(x))

    @staticmethod
    def backward(ctx: tg.Context, grad_output: float) -> tuple[float]:
        return (grad_output,)


def softplus_naive(x: tg.Value) -> tg.Value:
    return (x.exp() + 1.0).log()


def run(out: Path) -> list[Picture]:
    print(f"{'x':>7} {'Softplus.apply':>15} {'grad (sigma)':>13} {'naive log(1+e^x)':>17}")
    for x in (-30.0, -2.0, 0.0, 2.0, 30.0, 800.0):
        v = tg.Value(x)
        y = Softplus.apply(v)
        y.backward()
        try:
            naive = f"{softplus_naive(tg.Value(x)).data:.6g}"
        except tg.NumericOverflowError as exc:
            naive = type(exc).__name__
        print(f"{x:>7g} {y.data:>15.6g} {v.grad:>13.6g} {naive:>17}")
    print("at x = -30 the naive form has only 3 correct digits left: 1 + e^-30 rounds off most of e^-30")
    print("gradcheck(Softplus) at -3, 0.5, 4:",
          all(tg.gradcheck(lambda x: Softplus.apply(x), [x0]) for x0 in (-3.0, 0.5, 4.0)))
    w = tg.Value(0.3, label="w")
    q = RoundSTE.apply(w * 4.0)
    q.backward()
    print(f"round(4w) at w = 0.3: forward {q.data}, dq/dw = {w.grad} (true derivative: 0)")

    fig = new_figure(11.0, 4.5)
    left, right = fig.subplots(1, 2)
    xs = [-6.0 + 12.0 * i / 240 for i in range(241)]
    ys, ds = [], []
    for x in xs:
        v = tg.Value(x)
        y = Softplus.apply(v)
        y.backward()
        ys.append(y.data)
        ds.append(v.grad)
    left.plot(xs, ys, lw=2, label="Softplus.apply(x)")
    left.plot(xs, ds, lw=2, ls="--", color="#d62728", label="its hand-written backward: σ(x)")
    left.plot(xs[::12], [softplus_naive(tg.Value(x)).data for x in xs[::12]], "o", mfc="none",
              color="0.3", label="naive ln(1 + eˣ) (overflows for x > 709)")
    left.set_title("Stable softplus as a Function")
    left.set_xlabel("x")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    qs, gs = [], []
    for x in xs:
        v = tg.Value(x / 2.0)
        y = RoundSTE.apply(v)
        y.backward()
        qs.append(y.data)
        gs.append(v.grad)
    half = [x / 2.0 for x in xs]
    right.plot(half, qs, lw=2, drawstyle="steps-mid", label="forward: round(x)")
    right.plot(half, gs, lw=2, ls="--", color="#d62728", label="backward: 1 (straight-through)")
    right.plot(half, [0.0] * len(half), lw=1, color="0.5", label="true derivative of round: 0")
    right.set_title("Straight-through estimator for round")
    right.set_xlabel("x")
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    return [save_picture(
        fig, out, "custom_function", "Custom Functions: a stable softplus and a straight-through round",
        "Left: a Function whose forward is written in a stable form and whose backward σ(x) is written "
        "by hand; the naive graph ln(1 + eˣ) agrees where it works but overflows beyond x = 709. "
        "Right: round(x) has derivative 0 almost everywhere, so gradients would stop there; a Function "
        "can declare a different backward (here 1, the straight-through estimator) on purpose.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
