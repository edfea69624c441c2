"""Benchmark: what compiling costs with ``tg.compile``, as ratios measured in one run.

The workload is micrograd's demo step (``_moons_step.py``: an MLP(2, [16, 16, 1])
on 100 two-moons points, hinge loss and L2, written with micrograd's own
operators, 65,077 ops).  Printed, each from this run:

* compile (trace + generate + Python's ``compile``) of the demo MLP, in eager steps;
* compile time per op at MLP(2, [H, H, 1]) (``--big H``, 64 by default) over that at the demo;
* compile time per input of one ``tg.sum`` over ``--wide`` leaves (10^5 by default)
  over the demo's per-op time;
* the compiled step against the eager step and against micrograd 0.1.0's step
  (if micrograd is installed), and that the compiled loss and gradients equal the
  eager ones bit for bit;
* the step of the same graph compiled straight-line (no loops) over the looped step;
* a second compile of the same graph (straight-line programs come from the cache of generated
  code; looped ones are written afresh);
* where one compile of the demo goes, phase by phase.

Each timing is the median CPU time (``time.process_time``: the figures hold on a
shared machine) of ``--repeats`` runs (3 by default; the MLP(2, [H, H, 1]) and
micrograd rows are timed once, they are slow).  An eager step is ``loss()``,
``zero_grad()`` and ``backward()``, as in micrograd's demo without the update.  ``--quick`` is a tiny run that
only checks the script works (used by the tests).

    python benchmarks/bench_compile.py [--repeats 3] [--big 64] [--wide 100000] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _moons_step import build, make_moons

import tinygrad_edu as tg
from tinygrad_edu.engine import compiled as compiled_module


def workload(value_cls: Any, hidden: int, points: int) -> tuple[Any, Any]:
    """micrograd's demo loss for an MLP(2, [hidden, hidden, 1]) over ``points`` two-moons points."""
    model = build(value_cls)(2, [hidden, hidden, 1], random.Random(1337))
    X, y = make_moons(points, 0.1, seed=1)

    def loss() -> Any:
        inputs = [list(map(value_cls, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())

    return model, loss


def median_time(fn: Any, repeats: int) -> tuple[float, Any]:
    """The median CPU time of ``repeats`` calls (CPU time: the machine may be shared) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.process_time()
        result = fn()
        times.append(time.process_time() - t0)
    return statistics.median(times), result


def eager_step(model: Any, loss: Any) -> float:
    out = loss()
    model.zero_grad()
    out.backward()
    return float(out.data)


def phases(loss: Any, params: list[Any]) -> dict[str, float]:
    """Where a compile's time goes: fn() once, the trace, finding the loops, writing, Python's compile()."""
    import builtins
    import io
    import tokenize

    from tinygrad_edu.engine.compiler import looped, regions
    from tinygrad_edu.engine.compiler.codegen import Writer
    from tinygrad_edu.engine.compiler.trace import Graph

    gc.disable()  # as tg.compile does, from fn() on
    t0 = time.process_time()
    out = loss()
    t1 = time.process_time()
    graph = Graph(out, params)
    t2 = time.process_time()
    groups = regions.find_groups(graph)
    t3 = time.process_time()
    written = looped.write(graph, groups, []) if groups else None
    source = written[0] if written is not None else Writer(graph, params, []).write()
    t4 = time.process_time()
    builtins.compile(source, "<bench>", "exec")
    t5 = time.process_time()
    gc.enable()
    tokens = sum(1 for _ in tokenize.generate_tokens(io.StringIO(source).readline))
    return {"fn() once": t1 - t0, "trace": t2 - t1, "finding the loops": t3 - t2,
            "writing the program": t4 - t3, "Python's compile()": t5 - t4,
            "kB": len(source.encode()) / 1e3, "tokens per op": tokens / graph.n_ops}


def cold_compile(loss: Any, params: list[Any]) -> Any:
    compiled_module.clear_cache()
    return tg.compile(loss, params)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="runs per timing (median kept)")
    ap.add_argument("--big", type=int, default=64, help="hidden width of the large MLP (0: skip it)")
    ap.add_argument("--wide", type=int, default=100_000, help="leaves of the wide tg.sum (0: skip it)")
    ap.add_argument("--no-micrograd", action="store_true", help="skip micrograd's step")
    ap.add_argument("--quick", action="store_true", help="a tiny run that checks the script works")
    args = ap.parse_args()
    hidden, points, steps = 16, 100, 20
    if args.quick:
        args.repeats, args.big, args.wide, hidden, points, steps = 1, 6, 2_000, 4, 10, 2

    print(f"machine: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, {platform.machine()}")
    model, loss = workload(tg.Value, hidden, points)
    params = model.parameters()
    t_eager, _ = median_time(lambda: eager_step(model, loss), args.repeats)
    t_compile, step = median_time(lambda: cold_compile(loss, params), args.repeats)
    ops = step.num_ops
    looped = "def loop0_forward" in step.source
    t_warm, _ = median_time(lambda: tg.compile(loss, params), args.repeats)

    # the compiled step: same numbers as eager, bit for bit, then its speed
    model.zero_grad()
    value = step()
    grads = [p.grad for p in params]
    eager_value = eager_step(model, loss)
    same = value == eager_value and grads == [p.grad for p in params]

    def run_steps() -> None:
        for _ in range(steps):
            model.zero_grad()
            step()

    t_steps, _ = median_time(run_steps, args.repeats)
    t_step = t_steps / steps
    t_flat_step = None
    if looped:  # the same graph as one straight-line program (no loops), for its step's speed
        from tinygrad_edu.engine.compiler import regions
        saved_min, regions.LOOP_MIN_OPS = regions.LOOP_MIN_OPS, sys.maxsize
        try:
            flat = cold_compile(loss, params)
        finally:
            regions.LOOP_MIN_OPS = saved_min

        def run_flat() -> None:
            for _ in range(steps):
                model.zero_grad()
                flat()

        t_flat_step = median_time(run_flat, args.repeats)[0] / steps
        del flat

    rows = [(f"demo MLP(2,[{hidden},{hidden},1])", ops, t_eager, t_compile)]
    per_op = t_compile / ops
    big_per_op = wide_per_input = None
    if args.big:
        big_model, big_loss = workload(tg.Value, args.big, points)
        big_params = big_model.parameters()
        t_big_eager, _ = median_time(lambda: eager_step(big_model, big_loss), 1)
        t_big, big_step = median_time(lambda: cold_compile(big_loss, big_params), 1)
        rows.append((f"MLP(2,[{args.big},{args.big},1])", big_step.num_ops, t_big_eager, t_big))
        big_per_op = t_big / big_step.num_ops
        del big_step, big_model, big_loss, big_params
    if args.wide:
        leaves = [tg.Value(0.5 + (k % 7)) for k in range(args.wide)]
        t_wide, _ = median_time(lambda: cold_compile(lambda: tg.sum(leaves), leaves), args.repeats)
        rows.append((f"one tg.sum over {args.wide:,} leaves", 1, float("nan"), t_wide))
        wide_per_input = t_wide / args.wide

    micro_step = None
    if not args.no_micrograd:
        try:
            from micrograd.engine import Value as MicroValue
        except ImportError:
            print("micrograd is not installed (pip install micrograd==0.1.0): its row is skipped")
        else:
            sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
            micro_model, micro_loss = workload(MicroValue, hidden, points)
            micro_step, _ = median_time(lambda: eager_step(micro_model, micro_loss), 1)

    parts = phases(loss, params)
    size, per_op_tokens = parts.pop("kB"), parts.pop("tokens per op")
    print()
    print("| graph | ops | eager step | compile | compile per op (per input) |")
    print("| --- | --- | --- | --- | --- |")
    for name, n, te, tc in rows:
        eager_text = "-" if te != te else f"{te:.3f} s"
        unit = args.wide if n == 1 else n
        print(f"| {name} | {n:,} | {eager_text} | {tc:.3f} s | {tc / unit * 1e6:.1f} µs |")
    print()
    print(f"compile / eager step (demo):               {t_compile / t_eager:.2f}   (goal <= 3)")
    if big_per_op is not None:
        print(f"per-op compile, MLP {args.big} / demo:            {big_per_op / per_op:.2f}   (goal <= 1.15)")
    if wide_per_input is not None:
        print(f"per-input compile, wide sum / demo per op: {wide_per_input / per_op:.2f}   (goal <= 2)")
    print(f"eager step / compiled step:                {t_eager / t_step:.1f}   (goal >= 30)")
    if t_flat_step is not None:
        print(f"the same graph straight-line, its step / the looped step: {t_flat_step / t_step:.2f}")
    if micro_step is not None:
        print(f"micrograd step / compiled step:            {micro_step / t_step:.0f}   (goal >= 400)")
    print(f"compiled loss and gradients bit-identical to eager: {same}")
    print(f"compiling the same graph again: {t_warm:.3f} s, {t_warm / t_eager:.2f} eager steps "
          f"({'written afresh: looped programs are not cached' if looped else 'the cached code'})")
    total = sum(parts.values())
    print(f"one compile of the demo, by phase ({size:.0f} kB of source, {per_op_tokens:.2f} tokens per op): "
          + ", ".join(f"{name} {t:.3f} s ({t / total:.0%}, {t / t_eager:.1f} eager steps)"
                      for name, t in parts.items()))


if __name__ == "__main__":
    main()
