"""The Linear benchmark runs, and its two node layouts compute the same outputs (speed is printed only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_linear.py"


def test_linear_benchmark_runs_one_tiny_step():
    out = subprocess.run([sys.executable, str(BENCH), "--batch", "2", "--steps", "1", "--repeats", "1"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "the two Linear variants agree on an output: True" in out.stdout
    rows = {line[:24].strip(): line[24:].split() for line in out.stdout.splitlines()
            if line.startswith(("Linear (", "nn.MLP", "micrograd MLP"))}
    assert {"Linear (dot + add)", "Linear (dot with bias)", "nn.MLP (dot + add)"} <= rows.keys()
    assert all(float(cells[0]) > 0 and cells[1].endswith("x") for cells in rows.values())
