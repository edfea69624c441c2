"""Where does the NaN start?  ``tg.detect_anomaly()`` on the notes' log(0) / eps lesson.

A sigmoid neuron that is confidently wrong: a logit z for a target y = 0.

* The textbook loss −[y·log ŷ + (1 − y)·log(1 − ŷ)] at z = 40: σ(40) rounds to
  exactly 1.0 in double precision, so it needs log(0) and stops at once with a
  DomainError naming log and 0.
* The same loss by hand as log(1 + eᶻ) − y·z has no log(0), but at z = 800 eᶻ
  overflows to inf (IEEE, as in PyTorch): the loss is silently inf and its
  gradient nan.  Inside ``tg.detect_anomaly()`` the first non-finite op raises
  and names itself, its input and the line of this file that made it.
* With eps = 1e-8 inside the log (the notes' fix) the loss stays finite (at
  most −log eps = 18.4), but once 1 − σ(z) ≈ e⁻ᶻ is below eps (z ≈ 18) the
  gradient σ'(z)/(1 − σ(z) + eps) shrinks like e⁻ᶻ/eps, and past z ≈ 37 it is 0:
  the neuron stops learning.  ``binary_cross_entropy_with_logits`` is
  exact with no eps: ∂L/∂z = σ(z) − y = 1 at every z.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.plots.figure import logspace
from tinygrad_edu.strings import text
from tinygrad_edu.tour import Picture, demo_main, save_picture

TITLE = text("en", "demo.where_nan_starts.title")
EPS = 1e-8  # the notes' eps inside the log


def textbook(z: tg.Value, y: float) -> tg.Value:
    """−[y·log σ(z) + (1 − y)·log(1 − σ(z))]."""
    p = z.sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log())


def by_hand(z: tg.Value, y: float) -> tg.Value:
    """log(1 + eᶻ) − y·z: the same loss, with an exponential that overflows past z ≈ 709."""
    return (1 + z.exp()).log() - y * z


def with_eps(z: tg.Value, y: float) -> tg.Value:
    return F.binary_cross_entropy(z.sigmoid(), y, eps=EPS)


def with_logits(z: tg.Value, y: float) -> tg.Value:
    return F.binary_cross_entropy_with_logits(z, y)


def slope(loss_fn, z: float) -> float:
    v = tg.Value(z)
    return tg.grad(loss_fn(v, 0.0), v).data


def run(out: Path, lang: str = "en") -> list[Picture]:
    try:
        textbook(tg.Value(40.0, label="z"), 0.0)
    except tg.DomainError as exc:
        print(f"textbook BCE at z = 40, y = 0:  DomainError: {exc}")

    z = tg.Value(800.0, label="z")
    loss = by_hand(z, 0.0)
    print(f"log(1 + e^z) at z = 800:  L = {loss.data}, dL/dz = {tg.grad(loss, z).data}  (silently)")
    try:
        with tg.detect_anomaly():
            by_hand(z, 0.0)
    except tg.AnomalyError as exc:
        print(f"inside detect_anomaly():  AnomalyError: {exc}")

    z = tg.Value(40.0, label="z")
    eps_loss = with_eps(z, 0.0)
    exact = with_logits(z, 0.0)
    print(f"eps = 1e-8 at z = 40: L = {eps_loss.data:.4f}, dL/dz = {tg.grad(eps_loss, z).data:g}  "
          "(finite, but the gradient has vanished)")
    print(f"with logits at z = 40: L = {exact.data:.4f}, dL/dz = {tg.grad(exact, z).data:g} = sigmoid(z) - y")

    zs = logspace(0.0, math.log10(800.0), 241)  # z from 1 to 800 on a log axis: the drop near 18 is visible
    limit = math.log(sys.float_info.max)  # eᶻ overflows a double beyond it
    vanish = -math.log(EPS)  # e⁻ᶻ = eps
    dead = next(z for z in zs if slope(with_eps, z) == 0.0)
    print(f"with eps = {EPS:g}: dL/dz = {slope(with_eps, vanish):.4f} at z = {vanish:.2f} (e^-z = eps), "
          f"0 from z = {dead:.1f} on (sampled); with logits: {slope(with_logits, zs[0]):.4f} at "
          f"z = {zs[0]:g}, {slope(with_logits, dead):g} at z = {dead:.1f}")
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(8.0, 4.6)
        ax = fig.add_subplot()
        hand = [slope(by_hand, v) for v in zs]
        ax.plot([v for v, g in zip(zs, hand) if math.isfinite(g)], [g for g in hand if math.isfinite(g)],
                lw=6, color="#9ca3af", label=t("nan.hand", limit=f"{limit:.2f}"))
        ax.plot(zs, [slope(with_eps, v) for v in zs], lw=2, color="#d62728",
                label=t("nan.eps", eps=f"{EPS:g}", vanish=f"{vanish:.0f}"))
        ax.plot(zs, [slope(with_logits, v) for v in zs], lw=2, ls="--", color="#1f77b4",
                label=t("nan.logits"))
        ax.axvline(limit, color="#6b7280", lw=1, ls=":")
        ax.annotate(t("nan.overflow"), (limit, 0.5), xytext=(90, 0.18), arrowprops={"arrowstyle": "->"},
                    fontsize=9)
        ax.set_xscale("log")
        ax.set_xlim(zs[0], zs[-1])
        ax.set_xlabel(t("nan.xlabel"))
        ax.set_ylabel(t("nan.ylabel"))
        ax.set_ylim(-0.05, 1.15)
        ax.set_title(t("nan.title"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(0.995, 0.6))  # clear of every curve
    facts = {"limit": f"{limit:.2f}", "eps": f"{EPS:g}", "vanish": f"{vanish:.0f}",
             "at_vanish": f"{slope(with_eps, vanish):.2f}", "dead": f"{dead:.0f}", "z_start": f"{zs[0]:g}",
             "at_start": f"{slope(with_logits, zs[0]):.2f}", "at_end": f"{slope(with_logits, dead):g}"}
    return [save_picture(fig, out, "where_nan_starts", *t.picture("where_nan_starts", **facts))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
