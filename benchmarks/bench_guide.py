"""The guide's timings: the training loop of docs/training.md, and tg.compile against eager.

Prints the machine and a Markdown table, the rows of docs/speed.md that this
script measures (the tour and the benchmark against micrograd have their own
commands there):

* the training guide's loop: MLP(2, [16, 16, 1]), Adam lr 0.05, 100 two-moons
  points, 30 full-batch epochs (forward, backward, step), eager;
* ``training.fit`` for 100 epochs on the same data, eager (``shuffle=False``)
  and with ``compile=True`` (whose time includes tracing and compiling);
* the full-batch step of ``demos/backprop_written_out.py``: MLP(2, [8, 8, 1])
  on 50 points, the best of 5 eager steps against the best of 5 runs of the
  compiled program, and the time to compile it.

Every run is repeated (``--repeats``, default 3) and the fastest is kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's tinygrad_edu

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import data, nn, optim, training


def best(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` wall-clock runs of ``fn``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def guide_loop(epochs: int = 30, n: int = 100) -> float:
    """The loop of docs/training.md; returns the final loss."""
    X, y = data.make_moons(n, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    opt = optim.Adam(model.parameters(), lr=0.05)
    loss = tg.Value(0.0)
    for _ in range(epochs):
        loss = F.binary_cross_entropy_with_logits([model(x) for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.data


def fit_run(compile_: bool, epochs: int = 100, n: int = 100) -> float:
    """``training.fit`` full batch; returns the last epoch's loss."""
    X, y = data.make_moons(n, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    opt = optim.Adam(model.parameters(), lr=0.05)
    history = training.fit(model, X, y, optimizer=opt, epochs=epochs, progress=False, shuffle=False,
                           compile=compile_)
    return history["loss"][-1]


def compiled_step(n: int = 50, repeats: int = 5) -> tuple[float, float, float]:
    """demos/backprop_written_out.py's step: (eager step, compiled step, compile time) in seconds."""
    X, y = data.make_moons(n, noise=0.1, seed=0)
    model = nn.MLP(2, [8, 8, 1], seed=1)

    def batch_loss() -> tg.Value:
        return F.binary_cross_entropy_with_logits([model(x) for x in X], list(y))

    start = time.perf_counter()
    step = tg.compile(batch_loss, model.parameters())
    compile_s = time.perf_counter() - start

    def eager() -> None:
        model.zero_grad()
        batch_loss().backward()

    def compiled() -> None:
        model.zero_grad()
        step()

    return best(eager, repeats), best(compiled, repeats), compile_s


def machine() -> str:
    return (f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
            f"{platform.system()}; load average {os.getloadavg()[0]:.1f} at the start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement (fastest kept)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check that the script runs")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    epochs, fit_epochs, n = (2, 2, 10) if args.quick else (30, 100, 100)
    print(f"machine: {machine()}")
    loop = best(lambda: guide_loop(epochs, n), args.repeats)
    fit_eager = best(lambda: fit_run(False, fit_epochs, n), args.repeats)
    fit_compiled = best(lambda: fit_run(True, fit_epochs, n), args.repeats)
    eager_step, step, compile_s = compiled_step(10 if args.quick else 50)
    print("| what | time |")
    print("| --- | --- |")
    print(f"| the training guide's loop, {epochs} epochs on {n} points | {loop:.2f} s |")
    print(f"| `training.fit`, {fit_epochs} epochs on {n} points, eager | {fit_eager:.2f} s |")
    print(f"| `training.fit`, {fit_epochs} epochs on {n} points, `compile=True` (compiling included) "
          f"| {fit_compiled:.2f} s |")
    print(f"| MLP(2, [8, 8, 1]) full-batch step, eager | {eager_step * 1e3:.1f} ms |")
    print(f"| the same step compiled (compiling took {compile_s:.2f} s) | {step * 1e3:.2f} ms "
          f"({eager_step / step:.1f}x eager) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
