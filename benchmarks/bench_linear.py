"""Benchmark: how to build a Linear layer's outputs - one ``dot`` node per row or ``dot`` + ``add``.

For ``Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1))``
on a batch of inputs, each variant runs forward + backward over the whole
batch; the time per step is the fastest of ``--repeats`` runs (the same rule
for every variant), printed with its ratio to micrograd 0.1.0's MLP of the
same shape and to ``nn.MLP`` (whose neurons use ``dot`` + ``add``):

* ``Linear (dot + add)``: yᵢ = dot(Wᵢ, x) + bᵢ - two nodes per output, what ``nn.Linear`` does;
* ``Linear (dot with bias)``: yᵢ = dot([Wᵢ..., bᵢ], [x..., 1]) - one node per output, but a
  longer dot and a constant input whose gradient the backward pass also computes.

    python benchmarks/bench_linear.py [--batch 100] [--steps 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from typing import Any

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.engine.value import const, nary
from tinygrad_edu.ops.definitions import DOT


class OneNodeLinear(nn.Linear):
    """The alternative: the bias folded into the dot as the weight of a constant input 1."""

    def forward(self, x: Any) -> list[tg.Value]:
        xs = [v if isinstance(v, tg.Value) else const(v) for v in x]
        assert self.bias is not None
        one = const(1.0)
        out = []
        for w, b in zip(self.weight, self.bias):
            ins = (*w, b, *xs, one)
            out.append(nary(DOT, DOT.forward(*[v.data for v in ins]), ins))
        return out


def sequential(linear: type[nn.Linear]) -> nn.Sequential:
    return nn.Sequential(linear(2, 16, seed=1), nn.ReLU(), linear(16, 16, seed=2), nn.ReLU(),
                         linear(16, 1, seed=3))


def step_seconds(forward: Callable[[list[float]], Any], params: list[Any], X: list[list[float]],
                 steps: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(steps):
            for p in params:
                p.grad = 0.0
            loss = forward(X[0])
            for x in X[1:]:
                loss = loss + forward(x)
            loss.backward()
            del loss
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100, help="inputs per step")
    ap.add_argument("--steps", type=int, default=20, help="steps per timed run")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per variant (fastest kept)")
    args = ap.parse_args()
    rng = random.Random(0)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(args.batch)]

    two_nodes = sequential(nn.Linear)
    one_node = sequential(OneNodeLinear)
    one_node.load_state_dict(two_nodes.state_dict())
    mlp = nn.MLP(2, [16, 16, 1], seed=0)
    variants: dict[str, tuple[Callable[[list[float]], Any], list[Any]]] = {
        "Linear (dot + add)": (lambda x: two_nodes(x)[0], two_nodes.parameters()),
        "Linear (dot with bias)": (lambda x: one_node(x)[0], one_node.parameters()),
        "nn.MLP (dot + add)": (mlp, mlp.parameters()),
    }
    a = one_node(X[0])[0]
    b = two_nodes(X[0])[0]
    agree = abs(a.data - b.data) <= 1e-12 * max(1.0, abs(a.data))
    print(f"the two Linear variants agree on an output: {agree}")
    try:
        import micrograd.nn as micro_nn
    except ImportError:
        print("micrograd is not installed (pip install micrograd==0.1.0): no ratio against it")
    else:
        random.seed(0)
        micro = micro_nn.MLP(2, [16, 16, 1])
        variants["micrograd MLP"] = (micro, micro.parameters())

    times = {name: step_seconds(f, ps, X, args.steps, args.repeats) for name, (f, ps) in variants.items()}
    base = times.get("micrograd MLP")
    print(f"forward + backward over {args.batch} inputs, "
          f"fastest of {args.repeats} runs of {args.steps} steps")
    print(f"{'variant':<24} {'ms/step':>9} {'vs MLP':>8} {'vs micrograd':>13}")
    for name, t in times.items():
        vs_micro = f"{base / t:>12.2f}x" if base else f"{'-':>13}"
        print(f"{name:<24} {t * 1e3:>9.2f} {times['nn.MLP (dot + add)'] / t:>7.2f}x {vs_micro}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
