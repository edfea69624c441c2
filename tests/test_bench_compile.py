"""The compile benchmark runs and prints its table of ratios (its quick setting; no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_compile.py"


def test_bench_compile_prints_its_ratios_and_finds_the_compiled_numbers_equal_to_eager():
    # not a timed test: the bound only stops a hung run
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert text.startswith("machine: ") and "cores" in text.splitlines()[0]
    assert "| graph | ops | eager step | compile | compile per op (per input) |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "µs |" in line]
    assert len(rows) == 3  # the demo MLP, the larger MLP, the wide sum
    for label in ("compile / eager step (demo):", "per-op compile, MLP", "per-input compile, wide sum",
                  "eager step / compiled step:"):
        line = next(ln for ln in text.splitlines() if ln.startswith(label))
        assert re.search(r"\d+\.\d+\s+\(goal", line), line
    assert "compiled loss and gradients bit-identical to eager: True" in text
    assert re.search(r"compiling the same graph again: \d+\.\d+ s", text)
    assert "one compile of the demo, by phase" in text and "Python's compile()" in text
