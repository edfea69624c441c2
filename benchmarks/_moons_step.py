"""One engine, one fresh interpreter: time micrograd's demo training step.

Run by ``benchmarks/bench_vs_micrograd.py``; prints one JSON line.  The user code
below is identical for every engine: only ``Value``, ``+``, ``*``, ``relu`` and
Python's built-in ``sum`` (a chain of binary additions), as in micrograd's demo.
The ``compiled`` engine is tinygrad_edu with ``tg.compile(loss, params)``: the
same ``loss`` function, traced once, then the generated program each step.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
import sys
import time
import tracemalloc


def make_moons(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        upper = i < n // 2
        t = math.pi * rng.random()
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(-1.0 if upper else 1.0)
    return xs, ys


def build(Value):
    class Neuron:
        def __init__(self, nin, rng, nonlin=True):
            self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0)
            self.nonlin = nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

        def parameters(self):
            return self.w + [self.b]

    class Layer:
        def __init__(self, nin, nout, rng, **kw):
            self.neurons = [Neuron(nin, rng, **kw) for _ in range(nout)]

        def __call__(self, x):
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self):
            return [p for n in self.neurons for p in n.parameters()]

    class MLP:
        def __init__(self, nin, nouts, rng):
            sz = [nin] + nouts
            last = len(nouts) - 1
            self.layers = [Layer(sz[i], sz[i + 1], rng, nonlin=i != last) for i in range(len(nouts))]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

        def zero_grad(self):
            for p in self.parameters():
                p.grad = 0

    return MLP


class NoGraphValue:
    """The floor: a scalar with micrograd's operators that records no graph.

    Running the same user code with it measures what Python itself costs -
    the user code, operator dispatch, one new object per result - before any
    automatic differentiation.  Its ``backward`` does nothing.
    """

    __slots__ = ("data", "grad")

    def __init__(self, data):
        self.data = float(data)
        self.grad = 0.0

    def __add__(self, other):
        out = NoGraphValue.__new__(NoGraphValue)
        out.data = self.data + (other.data if type(other) is NoGraphValue else other)
        return out

    __radd__ = __add__

    def __mul__(self, other):
        out = NoGraphValue.__new__(NoGraphValue)
        out.data = self.data * (other.data if type(other) is NoGraphValue else other)
        return out

    __rmul__ = __mul__

    def relu(self):
        out = NoGraphValue.__new__(NoGraphValue)
        out.data = self.data if self.data > 0.0 else 0.0
        return out

    def backward(self):
        pass


def step_peak_bytes(compiled) -> int:
    """Peak memory of one compiled step: the most pymalloc blocks alive at once, a float's block each.

    Not tracemalloc: it looks up the line number of every allocation, a scan of the
    whole code object, so on a generated function of 10^4 lines one step takes minutes
    under it.  The step allocates floats (one per local it keeps, held until it returns)
    and short-lived tuples from registry vjp calls; the blocks alive are sampled at every
    Python call and return during the step (the vjp calls and the step's own return,
    where all its locals are still alive).
    """
    block = (sys.getsizeof(1.0) + 15) // 16 * 16  # pymalloc rounds a request up to 16 bytes
    base = sys.getallocatedblocks()
    peak = [0]

    def sample(frame, event, arg):
        peak[0] = max(peak[0], sys.getallocatedblocks() - base)

    sys.setprofile(sample)
    try:
        compiled()
    finally:
        sys.setprofile(None)
    return peak[0] * block


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["micrograd", "tinygrad_edu", "compiled", "floor"], required=True)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--hidden", type=int, default=16, help="neurons in each of the two hidden layers")
    args = ap.parse_args()
    if args.engine == "micrograd":
        from micrograd.engine import Value

        # micrograd's topological sort recurses once per node on the longest path: the
        # regularisation sum of a 64-wide MLP is over 4000 deep (3.11 runs it without C recursion)
        sys.setrecursionlimit(1_000_000)
    elif args.engine in ("tinygrad_edu", "compiled"):
        from tinygrad_edu import Value
    else:
        Value = NoGraphValue

    MLP = build(Value)
    model = MLP(2, [args.hidden, args.hidden, 1], random.Random(1337))
    X, y = make_moons(100, 0.1, seed=1)

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    # graph memory: what the forward graph of one step holds
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    total = loss()
    graph_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    model.zero_grad()
    total.backward()
    first = {"loss": total.data, "grads": [p.grad for p in model.parameters()]}
    del total
    extra: dict = {}
    if args.engine == "compiled":
        import tinygrad_edu as tg

        c0, w0 = time.process_time(), time.perf_counter()
        compiled = tg.compile(loss, model.parameters())  # traces loss() once, generates and compiles
        extra["compile_s"] = time.perf_counter() - w0
        extra["compile_cpu_s"] = time.process_time() - c0
        extra["num_ops"] = compiled.num_ops
        extra["source_lines"] = compiled.source.count("\n")
        model.zero_grad()
        extra["step_peak_bytes"] = step_peak_bytes(compiled)
        model.zero_grad()
        compiled_loss = compiled()
        first = {"loss": compiled_loss, "grads": [p.grad for p in model.parameters()]}

    # time spent in CPython's cyclic garbage collector, through its callbacks
    in_gc = [0.0, 0.0]  # [total, start of the running collection]

    def on_gc(phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            in_gc[1] = now
        else:
            in_gc[0] += now - in_gc[1]

    gc.callbacks.append(on_gc)
    times, fwd, bwd, losses = [], [], [], []
    for k in range(args.steps):
        t0 = time.perf_counter()
        if args.engine == "compiled":  # one program: forward and backward together
            t1 = t0
            model.zero_grad()
            value = compiled()
        else:
            total = loss()
            t1 = time.perf_counter()
            model.zero_grad()
            total.backward()
            value = total.data
        t2 = time.perf_counter()
        losses.append(value)
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        total = None
        t3 = time.perf_counter()
        times.append(t3 - t0)
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
    print(json.dumps({
        "engine": args.engine, "gc_enabled": gc.isenabled(), "steps": args.steps,
        "step_s": statistics.fmean(times), "median_step_s": statistics.median(times),
        "forward_s": statistics.fmean(fwd), "backward_s": statistics.fmean(bwd),
        "gc_s": in_gc[0] / args.steps,
        "graph_bytes": graph_bytes, "losses": losses, **first, **extra,
    }))


if __name__ == "__main__":
    main()
