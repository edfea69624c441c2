"""tinygrad_edu.data: the toy data sets have the promised geometry, seeds reproduce, splits partition."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from tinygrad_edu import data

GENERATORS = [
    lambda **kw: data.make_moons(50, noise=0.1, **kw),
    lambda **kw: data.make_circles(50, noise=0.1, **kw),
    lambda **kw: data.make_spiral(60, n_classes=3, **kw),
    lambda **kw: data.make_blobs(50, centers=3, **kw),
]
IDS = ["moons", "circles", "spiral", "blobs"]


@pytest.mark.parametrize("make", GENERATORS, ids=IDS)
def test_same_seed_same_data_and_global_random_untouched(make):
    state = random.getstate()
    a, b, c = make(seed=1), make(seed=1), make(seed=2)
    assert random.getstate() == state
    assert a == b and a != c
    X, y = a
    assert len(X) == len(y) and all(len(p) == 2 and all(isinstance(v, float) for v in p) for p in X)
    assert all(isinstance(t, int) for t in y)
    rng = random.Random(5)
    assert make(seed=rng) != make(seed=rng)                      # one generator advances between calls
    assert make(seed=random.Random(5)) == make(seed=5)


def test_moons_geometry_without_noise():
    X, y = data.make_moons(101, seed=0)
    assert y.count(0) == 50 and y.count(1) == 51
    for (a, b), t in zip(X, y):
        if t == 0:                                               # upper moon: unit circle, y >= 0
            assert math.isclose(a * a + b * b, 1.0) and b >= -1e-12
        else:                                                    # lower moon: centre (1, 0.5), y <= 0.5
            assert math.isclose((a - 1) ** 2 + (b - 0.5) ** 2, 1.0) and b <= 0.5 + 1e-12


def test_moons_noise_has_the_requested_spread():
    clean, _ = data.make_moons(2000, seed=3)
    noisy, _ = data.make_moons(2000, noise=0.2, seed=3)          # same shuffle, then noise
    d = [n - c for p, q in zip(noisy, clean) for n, c in zip(p, q)]
    sd = math.sqrt(math.fsum(v * v for v in d) / len(d))
    assert sd == pytest.approx(0.2, rel=0.05)


def test_circles_geometry():
    X, y = data.make_circles(40, factor=0.3, seed=0)
    for (a, b), t in zip(X, y):
        assert math.isclose(math.hypot(a, b), 1.0 if t == 0 else 0.3)
    assert y.count(0) == y.count(1) == 20


def test_spiral_geometry_without_noise():
    X, y = data.make_spiral(30, n_classes=3, noise=0.0, seed=0)
    assert [y.count(k) for k in range(3)] == [10, 10, 10]
    for (a, b), k in zip(X, y):
        r = math.hypot(a, b)
        assert r <= 1.0 + 1e-12
        if r > 1e-9:  # angle θ = 2πk/3 + 4r, with (x, y) = r(sin θ, cos θ)
            theta = 2 * math.pi * k / 3 + 4 * r
            assert math.isclose(a, r * math.sin(theta), abs_tol=1e-12)
            assert math.isclose(b, r * math.cos(theta), abs_tol=1e-12)


def test_spiral_uneven_split_and_one_arm():
    _, y = data.make_spiral(11, n_classes=3, seed=0)
    assert [y.count(k) for k in range(3)] == [4, 4, 3]
    _, y1 = data.make_spiral(5, n_classes=1, seed=0)
    assert y1 == [0] * 5


def test_blobs_given_centers():
    X, y = data.make_blobs(9, centers=[[0.0, 0.0], [3.0, 4.0], [-5.0, 1.0]], cluster_std=0.0, seed=0)
    centers = [[0.0, 0.0], [3.0, 4.0], [-5.0, 1.0]]
    assert all(p == centers[t] for p, t in zip(X, y))
    X, y = data.make_blobs(3000, centers=[[1.0, -2.0]], cluster_std=0.5, seed=1)
    mean = [math.fsum(p[i] for p in X) / len(X) for i in range(2)]
    assert mean == pytest.approx([1.0, -2.0], abs=0.05)
    var = math.fsum((p[0] - 1.0) ** 2 for p in X) / len(X)
    assert var == pytest.approx(0.25, rel=0.1)


def test_blobs_random_centers_in_box_and_dimensions():
    X, y = data.make_blobs(20, centers=4, n_features=3, cluster_std=0.0, center_box=(-1.0, 1.0), seed=0)
    assert all(len(p) == 3 and all(-1.0 <= v <= 1.0 for v in p) for p in X)
    assert sorted(set(y)) == [0, 1, 2, 3]


def test_unshuffled_order_is_by_class():
    _, y = data.make_moons(6, shuffle=False)
    assert y == [0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: data.make_moons(1), ValueError, r"n_samples\) must be at least 2"),
    (lambda: data.make_moons(10, noise=-0.1), ValueError, "noise"),
    (lambda: data.make_moons(10, seed="x"), TypeError, "seed"),
    (lambda: data.make_moons(10.0), TypeError, "n_samples"),
    (lambda: data.make_circles(10, factor=1.5), ValueError, "factor"),
    (lambda: data.make_spiral(2, n_classes=3), ValueError, "at least n_classes"),
    (lambda: data.make_spiral(10, n_classes=0), ValueError, "n_classes"),
    (lambda: data.make_blobs(10, centers=[[0.0], [1.0, 2.0]]), ValueError, "centers"),
    (lambda: data.make_blobs(2, centers=3), ValueError, "number of centers"),
    (lambda: data.make_blobs(10, center_box=(1.0, -1.0)), ValueError, "center_box"),
])
def test_generator_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------- splitting and batches
@given(hst.integers(2, 60), hst.floats(0.05, 0.95), hst.integers(0, 10**6))
def test_train_test_split_partitions_and_keeps_pairs(n, frac, seed):
    X = [[float(i)] for i in range(n)]
    y = [i * 10 for i in range(n)]
    n_test = math.ceil(frac * n)
    if not 1 <= n_test <= n - 1:
        with pytest.raises(ValueError, match="empty"):
            data.train_test_split(X, y, test_size=frac, seed=seed)
        return
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=frac, seed=seed)
    assert len(Xte) == n_test and len(Xtr) == n - n_test
    assert sorted(p[0] for p in Xtr + Xte) == [float(i) for i in range(n)]
    assert all(t == p[0] * 10 for p, t in zip(Xtr + Xte, ytr + yte))
    assert data.train_test_split(X, y, test_size=frac, seed=seed) == (Xtr, Xte, ytr, yte)


def test_train_test_split_counts_and_errors():
    X, y = list(range(10)), list(range(10))
    assert [len(part) for part in data.train_test_split(X, y, seed=0)] == [7, 3, 7, 3]   # ceil(0.25·10) = 3
    assert data.train_test_split(X, y, test_size=4, shuffle=False)[1] == [6, 7, 8, 9]
    with pytest.raises(ValueError, match="must match"):
        data.train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match=r"in \(0, 1\)"):
        data.train_test_split(X, y, test_size=1.5)
    with pytest.raises(ValueError, match="empty"):
        data.train_test_split(X, y, test_size=10)
    with pytest.raises(TypeError, match="test_size"):
        data.train_test_split(X, y, test_size="half")


@given(hst.integers(1, 40), hst.integers(1, 12), hst.booleans(), hst.booleans())
def test_iterate_batches_covers_each_sample_once(n, size, shuffle, drop_last):
    X = list(range(n))
    y = [-v for v in X]
    batches = list(data.iterate_batches(X, y, size, shuffle=shuffle, seed=0, drop_last=drop_last))
    seen = [v for xb, _ in batches for v in xb]
    assert all(yv == -xv for xb, yb in batches for xv, yv in zip(xb, yb))
    if drop_last:
        assert all(len(xb) == size for xb, _ in batches) and len(seen) == n - n % size
    else:
        assert sorted(seen) == X and all(len(xb) == size for xb, _ in batches[:-1])
    assert len(set(seen)) == len(seen)
    if not shuffle:
        assert seen == X[: len(seen)]


def test_iterate_batches_reshuffles_each_epoch_from_one_generator():
    X = list(range(20))
    rng = random.Random(0)
    epoch1 = [xb for xb, _ in data.iterate_batches(X, X, 5, seed=rng)]
    epoch2 = [xb for xb, _ in data.iterate_batches(X, X, 5, seed=rng)]
    assert epoch1 != epoch2
    again = random.Random(0)
    assert [xb for xb, _ in data.iterate_batches(X, X, 5, seed=again)] == epoch1


def test_iterate_batches_checks_its_arguments_at_once():
    with pytest.raises(ValueError, match="must match"):
        data.iterate_batches([1, 2], [1], 1)                    # raised by the call, not on first next()
    with pytest.raises(ValueError, match="batch_size"):
        data.iterate_batches([1, 2], [1, 2], 0)


@pytest.mark.parametrize("make", GENERATORS, ids=IDS)
def test_seed_none_draws_from_the_global_random_module(make):
    random.seed(2024)
    a = make()
    random.seed(2024)
    b = make()
    c = make()                                                   # the global state moved on
    assert a == b != c
