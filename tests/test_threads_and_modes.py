"""Exact under threads; grad mode and anomaly mode per thread; no_grad in every form PyTorch accepts."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value
from tinygrad_edu.engine.mode import ALL


def _shared_graph(n: int = 3000) -> tuple[Value, Value, float]:
    """A graph that reuses x at every level; its exact gradient, computed once on one thread."""
    x = Value(0.5, label="x")
    y = x
    for i in range(n):
        y = (y * 0.999 + x * 0.001).tanh() if i % 7 == 0 else y * 1.0001 + x * 1e-4
    return x, y, tg.grad(y, x).data


def _run(n_threads: int, target) -> None:
    barrier = threading.Barrier(n_threads)

    def body() -> None:
        barrier.wait()
        target()

    threads = [threading.Thread(target=body) for _ in range(n_threads)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke races
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)


@pytest.mark.parametrize("n_threads", [2, 4])
def test_backward_from_several_threads_adds_exactly_one_pass_each(n_threads):
    x, y, expected = _shared_graph()
    _run(n_threads, y.backward)
    assert x.grad == pytest.approx(n_threads * expected, rel=1e-12)


def test_grad_from_several_threads_gives_one_value_and_writes_no_grad():
    x, y, expected = _shared_graph()
    x.grad = 0.125  # grad() must leave it exactly as it is, at every moment
    results: list[float] = []
    seen: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(x.grad)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        _run(4, lambda: results.append(tg.grad(y, x).data))
    finally:
        stop.set()
        watcher.join()
    assert results == [expected] * 4
    assert x.grad == 0.125 and set(seen) == {0.125}


def test_node_gradients_writes_no_grad_on_any_node():
    from tinygrad_edu.engine.autograd import node_gradients, topological_order

    x, y, expected = _shared_graph(200)
    nodes = topological_order(y)
    before = [v.grad for v in nodes]
    table = node_gradients(y)
    assert table[x] == expected
    assert [v.grad for v in nodes] == before


def test_grad_and_backward_at_once_from_two_threads():
    x, y, expected = _shared_graph()
    out: list[float] = []
    turn = iter([y.backward, lambda: out.append(tg.grad(y, x).data)])
    lock = threading.Lock()

    def one_of_them() -> None:
        with lock:
            job = next(turn)
        job()

    _run(2, one_of_them)
    assert out == [expected] and x.grad == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- modes
def test_one_no_grad_instance_shared_by_threads():
    shared = tg.no_grad()
    errors: list[str] = []

    def body() -> None:
        for _ in range(300):
            with shared:
                if tg.is_grad_enabled():
                    errors.append("recording inside no_grad")
            if not tg.is_grad_enabled():
                errors.append("recording off after no_grad")

    _run(3, body)
    assert errors == [] and tg.is_grad_enabled()


def test_no_grad_in_one_thread_leaves_recording_on_in_another():
    inside = threading.Event()
    leave = threading.Event()

    def hold() -> None:
        with tg.no_grad():
            inside.set()
            leave.wait()

    t = threading.Thread(target=hold)
    t.start()
    inside.wait()
    try:
        assert (Value(1.0) * 2).requires_grad
    finally:
        leave.set()
        t.join()


def test_bare_no_grad_decorator_like_pytorch():
    @tg.no_grad
    def double(v):
        return v * 2

    @tg.no_grad()
    def triple(v):
        return v * 3

    w = Value(1.0)
    assert not double(w).requires_grad and not triple(w).requires_grad
    assert double.__name__ == "double"
    assert (w * 2).requires_grad


def test_no_grad_on_a_generator_runs_the_body_in_that_mode():
    @tg.no_grad
    def steps():
        for _ in range(3):
            yield tg.is_grad_enabled()

    gen = steps()
    assert next(gen) is False
    assert tg.is_grad_enabled()  # between resumptions the caller's mode is back
    assert list(gen) == [False, False]

    @tg.enable_grad()
    def on():
        yield tg.is_grad_enabled()

    with tg.no_grad():
        assert list(on()) == [True]
        assert not tg.is_grad_enabled()


def test_generator_send_throw_and_return_value_pass_through():
    @tg.no_grad
    def echo():
        received = yield "ready"
        try:
            yield (received, tg.is_grad_enabled())
        except KeyError:
            yield ("caught", tg.is_grad_enabled())
        return "done"

    gen = echo()
    assert next(gen) == "ready"
    assert gen.send(5) == (5, False)
    assert gen.throw(KeyError("k")) == ("caught", False)
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"


def test_a_thread_that_ends_inside_no_grad_gives_the_fast_path_back():
    def leave_it_on() -> None:
        tg.no_grad().__enter__()  # never exited
        assert not ALL.on

    t = threading.Thread(target=leave_it_on)
    t.start()
    t.join()
    del t
    gc.collect()
    assert ALL.on


def test_set_grad_enabled_as_a_function_and_a_context_manager():
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled()
        assert not (Value(1.0) * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
        with tg.set_grad_enabled(True):
            assert tg.is_grad_enabled()
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    with pytest.raises(TypeError, match="True or False"):
        tg.set_grad_enabled("no")  # type: ignore[arg-type]


def test_no_grad_decorator_needs_a_function():
    with pytest.raises(TypeError, match="needs a function"):
        tg.no_grad()(5)  # type: ignore[arg-type]


def test_set_grad_enabled_as_a_decorator_leaves_the_mode_alone_until_called():
    @tg.set_grad_enabled(False)
    def evaluate(v):
        return v * 2, tg.is_grad_enabled()

    assert tg.is_grad_enabled()  # defining it switched nothing off (PyTorch restores the mode too)
    assert (Value(1.0) * 2).requires_grad
    out, inside = evaluate(Value(1.0))
    assert inside is False and not out.requires_grad
    assert tg.is_grad_enabled()
    with tg.no_grad():
        @tg.set_grad_enabled(True)
        def train(v):
            return v * 2

        assert not tg.is_grad_enabled()  # still off where it was defined
        assert train(Value(1.0)).requires_grad
        assert not tg.is_grad_enabled()


@pytest.mark.parametrize("how", ["close", "collect"])
def test_finally_of_a_no_grad_generator_runs_inside_the_mode_when_closed(how: str):
    seen: list[bool] = []

    @tg.no_grad
    def steps():
        try:
            yield 1
            yield 2
        finally:
            seen.append(tg.is_grad_enabled())

    gen = steps()
    assert next(gen) == 1
    if how == "close":
        gen.close()
    else:
        del gen
        gc.collect()
    assert seen == [False]  # the body's clean-up ran without recording, as in PyTorch
    assert tg.is_grad_enabled()  # and the caller's mode is back
