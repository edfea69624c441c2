"""Toy data sets and mini-batches, in pure Python (no numpy, no scikit-learn).

Every generator returns ``(X, y)``: ``X`` a list of points (lists of floats),
``y`` a list of integer class labels ``0 .. K−1``.  All randomness goes through
the ``seed`` argument, with one rule for the whole library (see :func:`as_rng`):
an int seeds a private generator, so the same int gives the same numbers on
every run and the global :mod:`random` state is neither read nor changed; a
:class:`random.Random` is used as it is; None draws from the global
:mod:`random` module, so ``random.seed(1337)`` makes a whole script repeatable.

The shapes follow scikit-learn's generators of the same names (half moons,
concentric circles, Gaussian blobs) and CS231n's spiral; the exact numbers
differ (different random streams).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, Union

T = TypeVar("T")
Seed = Union[int, random.Random, None]
Point = list[float]

__all__ = ["as_rng", "make_moons", "make_circles", "make_spiral", "make_blobs", "train_test_split",
           "iterate_batches"]


def _global_rng() -> random.Random:
    """The hidden ``random.Random`` instance whose bound methods are the module's functions."""
    inst = getattr(random.random, "__self__", None)
    return inst if isinstance(inst, random.Random) else random.Random()


def as_rng(seed: Seed, who: str = "seed") -> random.Random:
    """A generator from ``seed``: an int seeds a new one, a Random is used as it is (and advanced).

    None gives the generator behind the functions of the :mod:`random` module
    (``random.uniform`` is a method of that hidden instance), so drawing from
    it is drawing from the global state that ``random.seed`` sets.

    >>> as_rng(3).random() == as_rng(3).random()
    True
    >>> random.seed(7); a = as_rng(None).random(); random.seed(7); a == random.random()
    True
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return _global_rng()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"{who} must be an int, a random.Random or None, got {type(seed).__name__}: {seed!r:.40}")


def _count(n: Any, who: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{who} must be an int, got {type(n).__name__}: {n!r:.40}")
    if n < minimum:
        raise ValueError(f"{who} must be at least {minimum}, got {n}")
    return n


def _nonneg(x: Any, who: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{who} must be a finite number >= 0, got {x!r:.40}")
    return float(x)


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n == 1:
        return [start]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _split(n: int, parts: int) -> list[int]:
    """n items into ``parts`` groups as evenly as possible (the first groups get the extra)."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


def _finish(points: list[Point], labels: list[int], noise: float, rng: random.Random,
            shuffle: bool) -> tuple[list[Point], list[int]]:
    """Shuffle (points and labels together), then add N(0, noise²) to every coordinate."""
    order = list(range(len(points)))
    if shuffle:
        rng.shuffle(order)
    xs = [[c + rng.gauss(0.0, noise) if noise else c for c in points[i]] for i in order]
    return xs, [labels[i] for i in order]


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: Seed = None,
               shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """Two interleaving half circles: label 0 on (cos t, sin t), label 1 on (1 − cos t, ½ − sin t).

    t runs evenly over [0, π] on each moon.  ``noise`` is the standard deviation
    of the Gaussian noise added to each coordinate.

    >>> X, y = make_moons(4, shuffle=False)
    >>> [[round(c, 3) for c in p] for p in X], y
    ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
    """
    n = _count(n_samples, "make_moons(n_samples)", 2)
    sd = _nonneg(noise, "make_moons(noise)")
    rng = as_rng(seed, "make_moons(seed)")
    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    return _finish(points, [0] * n_out + [1] * n_in, sd, rng, shuffle)


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.8, seed: Seed = None,
                 shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """Two concentric circles: label 0 on the unit circle, label 1 on the circle of radius ``factor``.

    >>> X, y = make_circles(4, factor=0.5, shuffle=False)
    >>> [[round(c, 3) + 0.0 for c in p] for p in X], y
    ([[1.0, 0.0], [-1.0, 0.0], [0.5, 0.0], [-0.5, 0.0]], [0, 0, 1, 1])
    """
    n = _count(n_samples, "make_circles(n_samples)", 2)
    sd = _nonneg(noise, "make_circles(noise)")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles(factor) is the inner radius, in (0, 1); got {factor!r:.40}")
    rng = as_rng(seed, "make_circles(seed)")
    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)]
    points += [[factor * math.cos(t), factor * math.sin(t)]
               for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)]
    return _finish(points, [0] * n_out + [1] * n_in, sd, rng, shuffle)


def make_spiral(n_samples: int = 150, n_classes: int = 3, noise: float = 0.2, seed: Seed = None,
                shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """``n_classes`` spiral arms around the origin (CS231n's spiral), one class per arm.

    Arm k has points at radius r ∈ [0, 1] and angle θ = 2πk/K + 4r + noise·N(0, 1),
    i.e. ``(r sin θ, r cos θ)``; here ``noise`` perturbs the angle.  Samples are
    split evenly between the arms.

    >>> X, y = make_spiral(9, n_classes=3, seed=0)
    >>> len(X), sorted(y)
    (9, [0, 0, 0, 1, 1, 1, 2, 2, 2])
    """
    n = _count(n_samples, "make_spiral(n_samples)", 1)
    k_classes = _count(n_classes, "make_spiral(n_classes)", 1)
    if n < k_classes:
        raise ValueError(f"make_spiral: n_samples ({n}) must be at least n_classes ({k_classes})")
    sd = _nonneg(noise, "make_spiral(noise)")
    rng = as_rng(seed, "make_spiral(seed)")
    points: list[Point] = []
    labels: list[int] = []
    for k, m in enumerate(_split(n, k_classes)):
        offset = 2 * math.pi * k / k_classes
        for r in _linspace(0.0, 1.0, m):
            theta = offset + 4.0 * r + (rng.gauss(0.0, sd) if sd else 0.0)
            points.append([r * math.sin(theta), r * math.cos(theta)])
            labels.append(k)
    return _finish(points, labels, 0.0, rng, shuffle)


def make_blobs(n_samples: int = 100, centers: int | Sequence[Sequence[float]] = 3, n_features: int = 2,
               cluster_std: float = 1.0, center_box: tuple[float, float] = (-10.0, 10.0), seed: Seed = None,
               shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """Gaussian blobs: label k is drawn from N(center_k, cluster_std²) in every coordinate.

    ``centers`` is a number of centers (drawn uniformly in ``center_box``) or a
    list of points.  Samples are split evenly between the centers.

    >>> X, y = make_blobs(6, centers=[[0.0, 0.0], [5.0, 5.0]], cluster_std=0.0, shuffle=False)
    >>> X[0], X[-1], y
    ([0.0, 0.0], [5.0, 5.0], [0, 0, 0, 1, 1, 1])
    """
    n = _count(n_samples, "make_blobs(n_samples)", 1)
    sd = _nonneg(cluster_std, "make_blobs(cluster_std)")
    rng = as_rng(seed, "make_blobs(seed)")
    if isinstance(centers, int) and not isinstance(centers, bool):
        dims = _count(n_features, "make_blobs(n_features)", 1)
        lo, hi = (float(b) for b in center_box)
        if not lo < hi:
            raise ValueError(f"make_blobs(center_box) must be (low, high), low < high; got {center_box!r}")
        k = _count(centers, "make_blobs(centers)")
        cs = [[rng.uniform(lo, hi) for _ in range(dims)] for _ in range(k)]
    elif isinstance(centers, Sequence):
        cs = [[float(c) for c in center] for center in centers]
        if not cs or any(len(c) != len(cs[0]) or not c for c in cs):
            raise ValueError("make_blobs(centers) must be a count or a non-empty list of equal-length points")
    else:
        raise TypeError(f"make_blobs(centers) must be a count or a list of points, got {centers!r:.40}")
    if n < len(cs):
        raise ValueError(f"make_blobs: n_samples ({n}) must be at least the number of centers ({len(cs)})")
    points: list[Point] = []
    labels: list[int] = []
    for k, m in enumerate(_split(n, len(cs))):
        points += [list(cs[k]) for _ in range(m)]
        labels += [k] * m
    return _finish(points, labels, sd, rng, shuffle)


def train_test_split(X: Sequence[T], y: Sequence[Any], *,  # noqa: N803 - X as in scikit-learn
                     test_size: float | int = 0.25, seed: Seed = None,
                     shuffle: bool = True) -> tuple[list[T], list[T], list[Any], list[Any]]:
    """Split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction in (0, 1) (the test set gets ``ceil(test_size·n)``
    samples) or a number of samples.  Both parts are non-empty.

    >>> train_test_split([1, 2, 3, 4], ["a", "b", "c", "d"], test_size=1, shuffle=False)
    ([1, 2, 3], [4], ['a', 'b', 'c'], ['d'])
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"train_test_split: X has {n} samples but y has {len(y)}; they must match")
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)):
        raise TypeError(f"train_test_split(test_size) must be a fraction or a count, got {test_size!r:.40}")
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"train_test_split(test_size) as a fraction must be in (0, 1), got {test_size}")
        n_test = math.ceil(test_size * n)
    else:
        n_test = test_size
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"train_test_split: a test set of {n_test} out of {n} samples leaves a part empty; "
            "both the train and the test part need at least one sample"
        )
    order = list(range(n))
    if shuffle:
        as_rng(seed, "train_test_split(seed)").shuffle(order)
    train, test = order[: n - n_test], order[n - n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def iterate_batches(X: Sequence[T], y: Sequence[Any], batch_size: int, *,  # noqa: N803
                    shuffle: bool = True,
                    seed: Seed = None, drop_last: bool = False) -> Iterator[tuple[list[T], list[Any]]]:
    """Yield ``(X_batch, y_batch)`` mini-batches covering the data once (one epoch).

    With ``shuffle`` the order is a fresh permutation from ``seed`` (pass one
    ``random.Random`` for every epoch to get a different, reproducible order
    each time).  The last batch is smaller when ``batch_size`` does not divide
    the data, unless ``drop_last``.

    >>> [yb for _, yb in iterate_batches([[0], [1], [2]], [0, 1, 2], 2, shuffle=False)]
    [[0, 1], [2]]
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"iterate_batches: X has {n} samples but y has {len(y)}; they must match")
    size = _count(batch_size, "iterate_batches(batch_size)", 1)
    order = list(range(n))
    if shuffle:
        as_rng(seed, "iterate_batches(seed)").shuffle(order)  # checked and drawn now, not on first next()
    stop = n - n % size if drop_last else n
    return ((([X[i] for i in order[k:k + size]]), [y[i] for i in order[k:k + size]])
            for k in range(0, stop, size))
