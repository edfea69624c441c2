"""Render benchmark: seconds for Graphviz to lay out the renderer's pictures, with local derivatives shown.

Graphs measured:

* the *diamond* of depth n - the typed expression ``e = "x"; e = f"({e} + x)*0.5"`` repeated n
  times, so one input is reused at every level (the case that made ``dot`` take minutes);
* an ``MLP(4, [8, 8, 1])`` on one sample, drawn with ``module=`` (parameters boxed by layer and neuron).

For each graph it prints the number of Values, the size of the DOT source, and the time of
building the source and of ``dot -Tsvg`` (best of ``--repeat`` runs; a layout past ``--timeout``
seconds is stopped and shown as ``> T``).  Run from the repository root:

    python3 benchmarks/bench_render.py            # depths 10, 20, ..., 80 and the MLP
    python3 benchmarks/bench_render.py --depths 10 --repeat 1   # a quick check
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.viz import graph as graph_module
from tinygrad_edu.viz.expr import parse_expression


def diamond(depth: int) -> tg.Value:
    """The expression ((x + x)*0.5 + x)*0.5 ... of ``depth`` levels at x = 0.5, after backward()."""
    text = "x"
    for _ in range(depth):
        text = f"({text} + x)*0.5"
    root, _ = parse_expression(text, {"x": 0.5})
    root.backward()
    return root


def source_of(root: tg.Value, **opts: object) -> str:
    """The DOT source the renderer writes for ``root`` (graph_source, or draw_graph on older versions)."""
    maker: Callable[..., object] | None = getattr(graph_module, "graph_source", None)
    if maker is not None:
        return str(maker(root, **opts))
    return str(graph_module.draw_graph(root, **opts).source)


def layout_seconds(source: str, timeout: float) -> float | None:
    """Seconds of ``dot -Tsvg`` on ``source``, or None past ``timeout`` (the process is killed)."""
    exe = shutil.which("dot")
    if exe is None:
        sys.exit("this benchmark needs Graphviz's dot program (apt-get install graphviz)")
    start = time.perf_counter()
    try:
        subprocess.run([exe, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=True,
                       timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def measure(name: str, root: tg.Value, timeout: float, repeat: int, **opts: object) -> None:
    t0 = time.perf_counter()
    source = source_of(root, **opts)
    build = time.perf_counter() - t0
    n_values = len(graph_module.walk(root))
    times = []
    for _ in range(repeat):
        t = layout_seconds(source, timeout)
        if t is None:
            times = []
            break
        times.append(t)
    shown = f"{min(times):8.2f}" if times else f"  > {timeout:g}"
    print(f"{name:<22} {n_values:>7} {len(source):>10,} {build:>9.3f} {shown:>9}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--depths", type=int, nargs="+", default=list(range(10, 81, 10)))
    p.add_argument("--repeat", type=int, default=3, help="layouts per graph; the best is shown (default 3)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before a layout is stopped")
    p.add_argument("--no-mlp", action="store_true", help="leave out the MLP graph")
    args = p.parse_args(argv)
    print(f"{'graph':<22} {'Values':>7} {'DOT chars':>10} {'source s':>9} {'dot -Tsvg s':>9}")
    for depth in args.depths:
        measure(f"diamond depth {depth}", diamond(depth), args.timeout, args.repeat)
    if not args.no_mlp:
        m = nn.MLP(4, [8, 8, 1], seed=0)
        out = m([tg.Value(v, label=f"x{i + 1}") for i, v in enumerate((0.5, -1.0, 2.0, 0.25))])
        out.backward()
        measure("MLP(4, [8, 8, 1])", out, args.timeout, args.repeat, module=m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
