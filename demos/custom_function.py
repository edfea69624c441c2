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
import sys
from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.strings import number, text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.custom_function.title")


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


def naive_value(x: float) -> float:
    """The naive graph's value at ``x``: inf where e^x overflows (whether the engine raises or gives inf)."""
    try:
        return softplus_naive(tg.Value(x)).data
    except tg.NumericOverflowError:
        return math.inf


def run(out: Path, lang: str = "en") -> list[Picture]:
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

    limit = math.log(sys.float_info.max)  # 709.78: e^x overflows a double beyond it
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(14.0, 4.6)
        shape, edge, right = fig.subplots(1, 3)
        xs = [-6.0 + 12.0 * i / 240 for i in range(241)]
        ys, ds = [], []
        for x in xs:
            v = tg.Value(x)
            y = Softplus.apply(v)
            y.backward()
            ys.append(y.data)
            ds.append(v.grad)
        shape.plot(xs, ys, lw=2, label=t("cf.stable"))
        shape.plot(xs, ds, lw=2, ls="--", color="#d62728", label=t("cf.backward"))
        shape.plot(xs[::12], [softplus_naive(tg.Value(x)).data for x in xs[::12]], "o", mfc="none",
                   color="0.3", label=t("cf.naive_agrees"))
        shape.set_title(t("cf.shape_title", lo=number(xs[0]), hi=number(xs[-1])))
        shape.set_xlabel("x")
        shape.set_ylabel(t("cf.value_ylabel"))
        shape.grid(alpha=0.3)
        shape.legend(fontsize=8)
        far = [690.0 + 40.0 * i / 80 for i in range(81)]
        edge.plot(far, [Softplus.apply(tg.Value(x)).data for x in far], lw=2, label=t("cf.stable"))
        naive = [(x, naive_value(x)) for x in far[::4]]
        ok = [(x, v) for x, v in naive if math.isfinite(v)]
        bad = [x for x, v in naive if not math.isfinite(v)]
        edge.plot([x for x, _ in ok], [v for _, v in ok], "o", mfc="none", color="0.3",
                  label=t("cf.naive_ok"))
        edge.plot(bad, bad, "x", color="#d62728", ms=8, mew=2, label=t("cf.naive_bad", n=len(bad)))
        edge.axvline(limit, color="#d62728", lw=1, ls=":")
        edge.annotate(t("cf.limit", limit=f"{limit:.2f}"), (limit, 695.0), xytext=(4, 0),
                      textcoords="offset points", fontsize=8, color="#d62728")
        edge.set_title(t("cf.edge_title", limit=f"{limit:.2f}"))
        edge.set_xlabel("x")
        edge.set_ylabel(t("cf.softplus_ylabel"))
        edge.grid(alpha=0.3)
        edge.legend(fontsize=8, loc="upper left")
        qs, gs = [], []
        for x in xs:
            v = tg.Value(x / 2.0)
            y = RoundSTE.apply(v)
            y.backward()
            qs.append(y.data)
            gs.append(v.grad)
        half = [x / 2.0 for x in xs]
        right.plot(half, qs, lw=2, drawstyle="steps-mid", label=t("cf.round"))
        right.plot(half, gs, lw=2, ls="--", color="#d62728", label=t("cf.ste"))
        right.plot(half, [0.0] * len(half), lw=1, color="0.5", label=t("cf.true"))
        right.set_title(t("cf.ste_title"))
        right.set_xlabel("x")
        right.set_ylabel(t("cf.round_ylabel"))
        right.grid(alpha=0.3)
        right.legend(fontsize=8)
    facts = {"lo": number(xs[0]), "hi": number(xs[-1]), "limit": f"{limit:.2f}"}
    return [save_picture(fig, out, "custom_function", *t.picture("custom_function", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
