"""The benchmark script runs and finds the same loss and gradients as micrograd.

Speed is not asserted here (timed tests are flaky); the benchmark prints it.
This checks the script end to end on one step, and that tinygrad_edu and
micrograd 0.1.0 agree on micrograd's own demo step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_vs_micrograd.py"


def test_benchmark_agrees_with_micrograd_on_its_demo_step():
    pytest.importorskip("micrograd", reason="the bench extra installs micrograd 0.1.0")
    out = subprocess.run([sys.executable, str(BENCH), "--steps", "1", "--repeats", "1", "--no-chain"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "same gradients for all 337 parameters: True" in out.stdout
    assert "same loss: True" in out.stdout
    assert "floor: the same user code with a Value that records no graph takes" in out.stdout
    for engine in ("micrograd", "tinygrad_edu"):
        rows = [line.split() for line in out.stdout.splitlines() if line.startswith(engine + " ")]
        row = next(r for r in rows if r[1][0].isdigit())  # engine, step (median), forward, ...
        assert row[-2].endswith("%)")  # the share of the step spent in the garbage collector
