"""benchmarks/bench_guide.py, which measures the guide's timings, runs and prints its table.

No time is asserted (timed tests are flaky): this checks the script end to end at its quick sizes,
and that the compiled training it times reaches the same loss as the eager one.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_guide.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_guide", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_the_machine_and_a_row_per_measurement(bench, capsys):
    assert bench.main(["--quick", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"machine: \d+ cores, .*Python 3\.\d+", out)
    rows = [line for line in out.splitlines() if line.startswith("| ")][2:]  # after the header
    assert len(rows) == 5
    assert all(re.search(r"\| [\d.]+ m?s", row) for row in rows), rows


def test_compiled_fit_trains_like_eager_fit(bench):
    assert bench.fit_run(True, epochs=3, n=20) == bench.fit_run(False, epochs=3, n=20)


def test_bad_repeats_is_refused(bench, capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--repeats", "0"])
    assert exc.value.code == 2 and "--repeats must be at least 1" in capsys.readouterr().err
