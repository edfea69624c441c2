"""Benchmark: tinygrad_edu against micrograd 0.1.0 on micrograd's own demo step.

Each engine runs in a fresh interpreter with the garbage collector on, as users
run it (see ``_moons_step.py`` for the shared user code), for the demo's 100
training steps; a step's time is the mean over them, so the collector's
occasional full passes count as users feel them (the median is printed too).
The engines take turns, ``--repeats`` times each (3 by default), and each
engine's fastest run is reported - the same rule for both, so a noisy moment
of the machine does not decide the ratio.  Prints step time, the
forward/backward split, the time spent in CPython's cyclic garbage collector,
graph memory (tracemalloc) and the ratios, and the floor - the same user code
with a Value that records no graph; checks that both engines compute the
same loss and gradients; and times backward on 10^5- and 10^6-node chains
(best of 3) to show linear growth.

    pip install -e ".[bench]"
    python benchmarks/bench_vs_micrograd.py [--steps 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_engine(engine: str, steps: int) -> dict:
    cmd = [sys.executable, str(HERE / "_moons_step.py"), "--engine", engine, "--steps", str(steps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def chain_backward_seconds(n: int, runs: int = 3) -> float:
    """Fastest of ``runs`` first backward passes, each over a new chain of ``n`` multiplications."""
    code = (
        "import time, tinygrad_edu as tg\n"
        "best = float('inf')\n"
        f"for _ in range({runs}):\n"
        "    x = tg.Value(1.5); y = x\n"
        f"    for _ in range({n}): y = y * 1.0\n"
        "    t = time.perf_counter(); y.backward(); best = min(best, time.perf_counter() - t)\n"
        "    del x, y\n"
        "print(best)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100, help="timed training steps per engine (as in the demo)")
    ap.add_argument("--repeats", type=int, default=3, help="fresh interpreters per engine (fastest run kept)")
    ap.add_argument("--no-chain", action="store_true", help="skip the 10^5 / 10^6 chain timing")
    args = ap.parse_args()

    runs: dict[str, list[dict]] = {"micrograd": [], "tinygrad_edu": [], "floor": []}
    for _ in range(args.repeats):
        for engine, results in runs.items():
            results.append(run_engine(engine, args.steps))
    mg = min(runs["micrograd"], key=lambda r: r["step_s"])
    te = min(runs["tinygrad_edu"], key=lambda r: r["step_s"])
    floor = min(runs["floor"], key=lambda r: r["step_s"])

    same_loss = math.isclose(mg["loss"], te["loss"], rel_tol=1e-12)
    same_grads = len(mg["grads"]) == len(te["grads"]) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(mg["grads"], te["grads"])
    )
    print("micrograd demo step: MLP(2, [16, 16, 1]), 100 moons, SVM max-margin loss + 1e-4 L2, backward, SGD")
    print(f"mean over {te['steps']} steps, in ms (median step in brackets)")
    print(f"{'':14}{'step':>16}{'forward':>10}{'backward':>10}{'in GC':>14}{'graph MB':>10}")
    for r in (mg, te):
        step = f"{r['step_s'] * 1e3:.1f} ({r['median_step_s'] * 1e3:.0f})"
        in_gc = f"{r['gc_s'] * 1e3:.1f} ({r['gc_s'] / r['step_s']:.0%})"
        print(f"{r['engine']:14}{step:>16}{r['forward_s'] * 1e3:>10.1f}"
              f"{r['backward_s'] * 1e3:>10.1f}{in_gc:>14}{r['graph_bytes'] / 1e6:>10.2f}")
    floor_ms = floor["step_s"] * 1e3
    print(f"floor: the same user code with a Value that records no graph takes {floor_ms:.1f} ms "
          "per step (Python's own cost: user code, operator calls, an object per result)")
    speed = mg["step_s"] / te["step_s"]
    memory = te["graph_bytes"] / mg["graph_bytes"]
    print(f"speed-up per step: {speed:.1f}x (target >= 15x); "
          f"by median step: {mg['median_step_s'] / te['median_step_s']:.1f}x")
    if args.repeats > 1:
        for engine, results in runs.items():
            if engine == "floor":
                continue
            means = ", ".join(f"{r['step_s'] * 1e3:.0f}" for r in results)
            print(f"  {engine} mean step of each run (ms): {means}")
    print(f"graph memory: {memory:.3f} of micrograd's (target <= 0.25)")
    print(f"same loss: {same_loss} ({te['loss']!r}); same gradients for all {len(te['grads'])} parameters: "
          f"{same_grads}")

    if not args.no_chain:
        t5 = chain_backward_seconds(10**5)
        t6 = chain_backward_seconds(10**6)
        print(f"backward on a chain: 10^5 nodes {t5 * 1e3:.0f} ms, 10^6 nodes {t6 * 1e3:.0f} ms "
              f"(ratio {t6 / t5:.1f}; linear growth is 10)")
    return 0 if same_loss and same_grads else 1


if __name__ == "__main__":
    t0 = time.perf_counter()
    rc = main()
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")
    raise SystemExit(rc)
