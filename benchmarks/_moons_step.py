"""One engine, one fresh interpreter: time micrograd's demo training step.

Run by ``benchmarks/bench_vs_micrograd.py``; prints one JSON line.  The user code
below is identical for both engines: only ``Value``, ``+``, ``*``, ``relu`` and
Python's built-in ``sum`` (a chain of binary additions), as in micrograd's demo.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["micrograd", "tinygrad_edu", "floor"], required=True)
    ap.add_argument("--steps", type=int, default=100)
    args = ap.parse_args()
    if args.engine == "micrograd":
        from micrograd.engine import Value
    elif args.engine == "tinygrad_edu":
        from tinygrad_edu import Value
    else:
        Value = NoGraphValue

    MLP = build(Value)
    model = MLP(2, [16, 16, 1], random.Random(1337))
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

    # time spent in CPython's cyclic garbage collector, through its callbacks
    in_gc = [0.0, 0.0]  # [total, start of the running collection]

    def on_gc(phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            in_gc[1] = now
        else:
            in_gc[0] += now - in_gc[1]

    gc.callbacks.append(on_gc)
    times, fwd, bwd = [], [], []
    for k in range(args.steps):
        t0 = time.perf_counter()
        total = loss()
        t1 = time.perf_counter()
        model.zero_grad()
        total.backward()
        t2 = time.perf_counter()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        del total
        t3 = time.perf_counter()
        times.append(t3 - t0)
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
    print(json.dumps({
        "engine": args.engine, "gc_enabled": gc.isenabled(), "steps": args.steps,
        "step_s": statistics.fmean(times), "median_step_s": statistics.median(times),
        "forward_s": statistics.fmean(fwd), "backward_s": statistics.fmean(bwd),
        "gc_s": in_gc[0] / args.steps,
        "graph_bytes": graph_bytes, **first,
    }))


if __name__ == "__main__":
    main()
