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

The third engine, ``compiled``, is tinygrad_edu with ``tg.compile(loss,
params)`` on the same user code: the graph is traced once, written out as one
straight-line Python function, and that function runs every step.  Printed
for it: the step time and ratio, the time to trace, generate and compile, the
op count and source lines, the peak memory of one compiled step, and that the
three engines give the same losses over the first 12 SGD steps.  The extra
figures (skipped with ``--no-chain``): an MLP(2, [64, 64, 1]) step, a 10^5-node
chain, and how compile time grows with the graph.

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


def run_engine(engine: str, steps: int, hidden: int = 16) -> dict:
    cmd = [sys.executable, str(HERE / "_moons_step.py"), "--engine", engine, "--steps", str(steps),
           "--hidden", str(hidden)]
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


def compiled_chain(n: int) -> tuple[float, float, float]:
    """(compile s, fastest compiled step, fastest eager forward + backward) on a chain of n products."""
    code = (
        "import time, tinygrad_edu as tg\n"
        "x = tg.Value(1.5)\n"
        "def fn():\n"
        "    y = x\n"
        f"    for _ in range({n}): y = y * 1.0\n"
        "    return y\n"
        "t = time.perf_counter(); step = tg.compile(fn, [x]); c = time.perf_counter() - t\n"
        "best = eager = float('inf')\n"
        "for _ in range(3):\n"
        "    t = time.perf_counter(); step(); best = min(best, time.perf_counter() - t)\n"
        "    t = time.perf_counter(); fn().backward(); eager = min(eager, time.perf_counter() - t)\n"
        "print(c, best, eager)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    c, best, eager = map(float, out.stdout.split())
    return c, best, eager


def compile_growth(samples: tuple[int, ...] = (25, 50, 100, 200)) -> list[tuple[int, float]]:
    """(ops, CPU seconds to trace + generate + compile) for the demo's loss on more and more samples."""
    code = (
        "import sys, time, random\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from _moons_step import build, make_moons\n"
        "import tinygrad_edu as tg\n"
        "model = build(tg.Value)(2, [16, 16, 1], random.Random(1337))\n"
        f"for n in {samples!r}:\n"
        "    X, y = make_moons(n, 0.1, seed=1)\n"
        "    def loss():\n"
        "        scores = [model(list(map(tg.Value, row))) for row in X]\n"
        "        return sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / n)\n"
        "    t = time.process_time(); step = tg.compile(loss, model.parameters())\n"
        "    print(step.num_ops, time.process_time() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.strip().splitlines()]
    return [(int(a), float(b)) for a, b in rows]


def same_losses(runs: list[dict], first: int = 12) -> bool:
    ref = runs[0]["losses"][:first]
    return all(len(r["losses"][:first]) == len(ref) and all(
        math.isclose(a, b, rel_tol=1e-12) for a, b in zip(ref, r["losses"][:first])) for r in runs[1:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100, help="timed training steps per engine (as in the demo)")
    ap.add_argument("--repeats", type=int, default=3, help="fresh interpreters per engine (fastest run kept)")
    ap.add_argument("--no-chain", action="store_true", help="skip the 10^5 / 10^6 chain timing")
    args = ap.parse_args()

    runs: dict[str, list[dict]] = {"micrograd": [], "tinygrad_edu": [], "compiled": [], "floor": []}
    for _ in range(args.repeats):
        for engine, results in runs.items():
            results.append(run_engine(engine, args.steps))
    mg = min(runs["micrograd"], key=lambda r: r["step_s"])
    te = min(runs["tinygrad_edu"], key=lambda r: r["step_s"])
    floor = min(runs["floor"], key=lambda r: r["step_s"])
    co = min(runs["compiled"], key=lambda r: r["step_s"])

    same_loss = math.isclose(mg["loss"], te["loss"], rel_tol=1e-12)
    same_grads = len(mg["grads"]) == len(te["grads"]) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(mg["grads"], te["grads"])
    )
    compiled_same = co["loss"] == te["loss"] and co["grads"] == te["grads"]  # bit for bit
    print("micrograd demo step: MLP(2, [16, 16, 1]), 100 moons, SVM max-margin loss + 1e-4 L2, backward, SGD")
    print(f"mean over {te['steps']} steps, in ms (median step in brackets)")
    print(f"{'':14}{'step':>16}{'forward':>10}{'backward':>10}{'in GC':>14}{'graph MB':>10}")
    for r in (mg, te, co):
        step = f"{r['step_s'] * 1e3:.1f} ({r['median_step_s'] * 1e3:.1f})"
        in_gc = f"{r['gc_s'] * 1e3:.1f} ({r['gc_s'] / r['step_s']:.0%})"
        if r is co:  # one program: no forward/backward split; memory: the peak of one step
            print(f"{r['engine']:14}{step:>16}{'-':>10}{'-':>10}{in_gc:>14}"
                  f"{r['step_peak_bytes'] / 1e6:>10.2f}  (peak of one step)")
            continue
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
    cspeed = mg["step_s"] / co["step_s"]
    print(f"compiled: {cspeed:.0f}x micrograd's step (goal >= 200x, moonshot >= 400x), "
          f"{te['step_s'] / co['step_s']:.0f}x eager tinygrad_edu; "
          f"by median step: {mg['median_step_s'] / co['median_step_s']:.0f}x")
    compile_times = ", ".join(f"{r['compile_s']:.2f}" for r in runs["compiled"])
    print(f"compiled: trace + generate + compile {co['compile_s']:.2f} s ({co['compile_cpu_s']:.2f} s CPU; "
          f"each run: {compile_times}) for {co['num_ops']} ops, {co['source_lines']} source lines "
          "(goal <= 1.5 s)")
    print(f"compiled: peak memory of one step {co['step_peak_bytes'] / 1e6:.2f} MB, "
          f"{co['step_peak_bytes'] / te['graph_bytes']:.3f} of one eager graph (goal <= 1)")
    n_same = min(12, args.steps)
    losses_agree = same_losses([mg, te, co], n_same)
    print(f"same losses over the first {n_same} SGD steps (micrograd, eager, compiled): {losses_agree}; "
          f"compiled loss and gradients bit-identical to eager: {compiled_same}")
    print(f"same loss: {same_loss} ({te['loss']!r}); same gradients for all {len(te['grads'])} parameters: "
          f"{same_grads}")

    if not args.no_chain:
        t5 = chain_backward_seconds(10**5)
        t6 = chain_backward_seconds(10**6)
        print(f"backward on a chain: 10^5 nodes {t5 * 1e3:.0f} ms, 10^6 nodes {t6 * 1e3:.0f} ms "
              f"(ratio {t6 / t5:.1f}; linear growth is 10)")
        big = {e: run_engine(e, 1 if e == "micrograd" else 3, hidden=64)  # micrograd: 30 s a step
               for e in ("micrograd", "tinygrad_edu", "compiled")}
        bm, be, bc = big["micrograd"], big["tinygrad_edu"], big["compiled"]
        print(f"MLP(2, [64, 64, 1]) step ({bc['num_ops']} ops): micrograd "
              f"{bm['step_s'] * 1e3:.0f} ms, eager {be['step_s'] * 1e3:.0f} ms, compiled "
              f"{bc['step_s'] * 1e3:.1f} ms = {bm['step_s'] / bc['step_s']:.0f}x micrograd, "
              f"{be['step_s'] / bc['step_s']:.0f}x eager; compile {bc['compile_s']:.1f} s; "
              f"same first loss: {same_losses([bm, be, bc], 1)}")
        c, best, eager = compiled_chain(10**5)
        print(f"chain of 10^5 multiplications: compiled step {best * 1e3:.1f} ms vs eager forward+backward "
              f"{eager * 1e3:.0f} ms ({eager / best:.0f}x); compile {c:.2f} s")
        growth = compile_growth()
        cells = ", ".join(f"{n} ops {t:.2f} s ({t / n * 1e6:.1f} us/op)" for n, t in growth)
        print(f"compile time (CPU) vs graph size: {cells}")
    return 0 if same_loss and same_grads and compiled_same and losses_agree else 1


if __name__ == "__main__":
    t0 = time.perf_counter()
    rc = main()
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")
    raise SystemExit(rc)
