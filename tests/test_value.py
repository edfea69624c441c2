"""Value: construction, attributes, arithmetic with numbers, repr, errors."""

from __future__ import annotations

import math
import threading

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value


def test_construction_coerces_numbers_to_float():
    assert Value(3).data == 3.0 and type(Value(3).data) is float
    assert Value(True).data == 1.0
    v = Value(2.5, label="w")
    assert (v.grad, v.label, v.op, v.inputs, v.requires_grad, v.is_leaf) == (0.0, "w", "", (), True, True)


def test_numpy_scalars_are_coerced():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(7)).data == 7.0


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1 + 2j, {"a": 1}])
def test_construction_rejects_other_types_naming_them(bad):
    with pytest.raises(TypeError) as e:
        Value(bad)
    assert type(bad).__name__ in str(e.value)
    assert "int or float" in str(e.value)


def test_value_of_value_points_to_data_and_detach():
    with pytest.raises(TypeError, match=r"\.data.*detach\(\)"):
        Value(Value(1.0))


def test_bad_label_type():
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    v = Value(1.0) * 2
    assert v.label == ""
    v.label = "y"
    assert v.label == "y" and "label='y'" in repr(v)
    with pytest.raises(TypeError, match="label must be a str, got NoneType"):
        v.label = None  # type: ignore[assignment]
    assert v.label == "y"


def test_arithmetic_with_numbers_on_either_side():
    x = Value(3.0)
    cases = {
        "x+2": (x + 2, 5.0), "2+x": (2 + x, 5.0), "x-2": (x - 2, 1.0), "2-x": (2 - x, -1.0),
        "x*2": (x * 2, 6.0), "2*x": (2 * x, 6.0), "x/2": (x / 2, 1.5), "6/x": (6 / x, 2.0),
        "x**2": (x**2, 9.0), "2**x": (2**x, 8.0), "x**x": (x**x, 27.0), "-x": (-x, -3.0),
        "abs(-x)": (abs(-x), 3.0),
    }
    for name, (v, expected) in cases.items():
        assert isinstance(v, Value), name
        assert v.data == expected, name


def test_number_operands_become_constant_inputs():
    x = Value(3.0)
    y = 2 * x
    c, same = y.inputs
    assert same is x and c.data == 2.0 and not c.requires_grad and c.is_leaf
    assert y.op == "mul" and not y.is_leaf


def test_inputs_are_ordered():
    a, b = Value(1.0), Value(2.0)
    assert (a - b).inputs == (a, b)
    assert (b - a).inputs == (b, a)
    assert (a / b).inputs == (a, b)


@pytest.mark.parametrize("other", ["2", None, [1]])
def test_arithmetic_with_wrong_type_is_a_clear_type_error(other):
    x = Value(1.0)
    with pytest.raises(TypeError, match=type(other).__name__):
        x + other
    with pytest.raises(TypeError, match=type(other).__name__):
        other * x


def test_detach_float_hash():
    x = Value(2.0, label="x")
    d = (x * 3).detach()
    assert d.data == 6.0 and not d.requires_grad and d.is_leaf and d.inputs == ()
    assert float(d) == 6.0  # requires no grad: float() converts
    y = Value(2.0)
    assert x != y and len({x, y}) == 2  # hash and equality by identity
    assert {x: 1}[x] == 1


def test_repr_shows_the_parts_that_are_set():
    w = Value(2.0, label="w")
    y = (w * 1.0).sigmoid()
    y.label = "y"
    y.backward()
    assert repr(y) == "Value(data=0.8808, grad=1, op='sigmoid', label='y')"
    assert repr(Value(1.5)) == "Value(data=1.5)"
    assert repr(Value(1.5, requires_grad=False)) == "Value(data=1.5, requires_grad=False)"
    assert repr(w) == "Value(data=2, grad=0.105, label='w')"


def test_methods_compute_the_right_numbers():
    x = Value(0.5)
    assert x.exp().data == math.exp(0.5)
    assert x.log().data == math.log(0.5)
    assert x.sqrt().data == math.sqrt(0.5)
    assert x.tanh().data == math.tanh(0.5)
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)
    assert Value(-2.0).relu().data == 0.0 and Value(2.0).relu().data == 2.0
    assert Value(-2.0).leaky_relu().data == pytest.approx(-0.02)
    assert Value(-2.0).leaky_relu(0.2).data == pytest.approx(-0.4)
    assert x.silu().data == pytest.approx(0.5 / (1 + math.exp(-0.5)), rel=1e-15)
    assert x.gelu().data == pytest.approx(0.5 * 0.5 * (1 + math.erf(0.5 / math.sqrt(2))), rel=1e-15)
    k = math.sqrt(2 / math.pi)
    expected = 0.25 * (1 + math.tanh(k * (0.5 + 0.044715 * 0.125)))
    assert x.gelu("tanh").data == pytest.approx(expected, rel=1e-15)
    assert x.erf().data == math.erf(0.5)
    with pytest.raises(ValueError, match="approximate"):
        x.gelu("fast")


def test_no_grad_records_nothing_and_is_per_thread():
    w = Value(2.0)
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = w * 3
        seen = []
        t = threading.Thread(target=lambda: seen.append(tg.is_grad_enabled()))
        t.start()
        t.join()
        with tg.enable_grad():
            z = w * 3
    assert seen == [True]
    assert tg.is_grad_enabled()
    assert (y.requires_grad, y.op, y.inputs) == (False, "", ())
    assert z.requires_grad and z.op == "mul"


def test_no_grad_as_decorator_restores_state_on_error():
    @tg.no_grad()
    def f(v):
        assert not tg.is_grad_enabled()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        f(Value(1.0))
    assert tg.is_grad_enabled()

    @tg.no_grad()
    def g(v):
        return v * 2

    assert not g(Value(1.0)).requires_grad


def test_constants_only_make_no_graph():
    a = Value(1.0, requires_grad=False)
    y = a * 2 + 1
    assert not y.requires_grad and y.op == ""
    with pytest.raises(ValueError, match="does not require grad"):
        y.backward()


def test_requires_grad_is_settable_on_leaves_only():
    x = Value(2.0)
    x.requires_grad = False
    y = x * 3
    assert not y.requires_grad and y.is_leaf
    x.requires_grad = True
    y = x * 3
    assert y.requires_grad and not y.is_leaf and y.inputs[0] is x
    with pytest.raises(ValueError, match=r"only be changed on a leaf.*'mul'.*detach"):
        y.requires_grad = False
    assert y.requires_grad


def test_sum_and_dot_make_one_node():
    xs = [Value(float(i)) for i in range(5)]
    s = tg.sum(xs)
    assert s.op == "sum" and s.inputs == tuple(xs) and s.data == 10.0
    d = tg.dot(xs, [1, 2, 3, 4, 5])
    assert d.op == "dot" and len(d.inputs) == 10 and d.data == 0 + 2 + 6 + 12 + 20
    assert tg.sum([]).data == 0.0
    with pytest.raises(ValueError, match="same length"):
        tg.dot(xs, [1.0])
    with pytest.raises(TypeError, match="iterable"):
        tg.sum(Value(1.0))  # type: ignore[arg-type]


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    from tinygrad_edu.engine.mode import ALL

    inside, release = threading.Event(), threading.Event()
    made = []

    def worker():
        with tg.no_grad():
            made.append(Value(1.0) * 2)
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    try:
        assert inside.wait(5)
        assert not ALL.on  # the fast path is off while a thread is inside no_grad
        y = Value(1.0) * 2
        assert y.requires_grad and y.op == "mul"  # this thread still records
        assert not made[0].requires_grad  # the other one did not
    finally:
        release.set()
        t.join()
    assert ALL.on and tg.is_grad_enabled()
