"""The benchmark script runs and finds the same loss and gradients as micrograd.

Speed is not asserted here (timed tests are flaky); the benchmark prints it.
This checks the script end to end on one step (its quick settings: one step,
one run per engine, no chain or MLP(2, [64, 64, 1]) extras), that tinygrad_edu
and micrograd 0.1.0 agree on micrograd's own demo step, and that the compiled
engine's row and figures have the shape the script documents.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
BENCH = BENCHMARKS / "bench_vs_micrograd.py"
NUMBER = re.compile(r"\d+\.\d")
BRACKETED = re.compile(r"\(\d+\.\d\)")  # the median step, in brackets


def micrograd_op_count() -> int:
    """Op nodes (not leaves) of micrograd's graph for the benchmark's loss, counted by walking it."""
    from micrograd.engine import Value

    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _moons_step import build, make_moons
    finally:
        sys.path.remove(str(BENCHMARKS))
    model = build(Value)(2, [16, 16, 1], random.Random(1337))
    X, y = make_moons(100, 0.1, seed=1)
    scores = [model(list(map(Value, row))) for row in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    seen, stack, ops = set(), [total], 0
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            ops += v._op != ""
            stack.extend(v._prev)
    return ops


def test_benchmark_agrees_with_micrograd_on_its_demo_step():
    pytest.importorskip("micrograd", reason="the bench extra installs micrograd 0.1.0")
    # not a timed test: the bound only stops a hung run (the quick settings take ~15 s on one free core)
    out = subprocess.run([sys.executable, str(BENCH), "--steps", "1", "--repeats", "1", "--no-chain"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "same gradients for all 337 parameters: True" in text
    assert "same loss: True" in text
    assert "floor: the same user code with a Value that records no graph takes" in text
    assert "compiled loss and gradients bit-identical to eager: True" in text
    assert "same losses over the first 1 SGD steps (micrograd, eager, compiled): True" in text

    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if line.split()[:2] == ["step", "forward"])
    assert lines[at].split() == ["step", "forward", "backward", "in", "GC", "graph", "MB"]
    table = [line.split() for line in lines[at + 1: at + 4]]  # the three engines, in this order
    assert [row[0] for row in table] == ["micrograd", "tinygrad_edu", "compiled"], table
    rows = {}
    for row in table:
        engine = row[0]
        rows[engine] = row
        # engine, mean step, (median step), forward, backward, in GC, (share of the step), MB
        assert NUMBER.fullmatch(row[1]) and BRACKETED.fullmatch(row[2]), row
        assert NUMBER.fullmatch(row[5]) and re.fullmatch(r"\(\d+%\)", row[6]), row
        assert NUMBER.fullmatch(row[7]) or re.fullmatch(r"\d+\.\d\d", row[7]), row
        if engine == "compiled":  # one program: no forward/backward split, memory is one step's peak
            assert row[3:5] == ["-", "-"] and row[8:] == ["(peak", "of", "one", "step)"], row
        else:
            assert len(row) == 8, row
            forward, backward = float(row[3]), float(row[4])
            assert forward > 0 and backward > 0
            assert forward + backward <= float(row[1]) + 0.2  # the step also holds the SGD update

    # the printed ratios are the table's own step times divided
    mg, te, co = (float(rows[e][1]) for e in ("micrograd", "tinygrad_edu", "compiled"))
    ratio = re.search(r"compiled: (\d+)x micrograd's step \(goal >= 200x, moonshot >= 400x\), "
                      r"(\d+)x eager", text)
    assert ratio, text
    for printed, num in zip(ratio.groups(), (mg, te)):
        lo, hi = num / (co + 0.05), num / max(co - 0.05, 1e-3)  # the table rounds to 0.1 ms
        assert lo - 1 <= int(printed) <= hi + 1, (printed, num, co)
    speed = re.search(r"speed-up per step: (\d+\.\d)x", text)
    assert speed and abs(float(speed.group(1)) - mg / te) <= 0.05 * mg / te + 0.1

    # the compiled engine traced the graph micrograd builds for the same code, op for op
    traced = re.search(r"for (\d+) ops, (\d+) source lines", text)
    assert traced, text
    assert int(traced.group(1)) == micrograd_op_count()
    assert 0 < int(traced.group(2)) < int(traced.group(1))  # the passes write fewer lines than ops
