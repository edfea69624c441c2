"""Hypothesis strategies for property tests of derivatives.

``points(n, low, high, avoid=...)`` draws n floats inside an interval, a margin
away from points where a derivative jumps or blows up (kinks and poles);
``op_inputs(op)`` draws inputs for a registry op from the domain it declares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without hypothesis
    raise ImportError(
        "tinygrad_edu.testing.strategies needs the 'hypothesis' package: "
        "pip install 'tinygrad_edu[test]' (or pip install hypothesis)"
    ) from exc

from tinygrad_edu.ops.registry import Op


def floats_in(low: float, high: float, avoid: Sequence[float] = (), margin: float = 1e-3) -> Any:
    """Finite float64 values in [low, high], at least ``margin`` away from each point of ``avoid``."""
    base = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    if not avoid:
        return base
    return base.filter(lambda x: all(abs(x - a) >= margin for a in avoid))


def points(n: int, low: float = -5.0, high: float = 5.0, avoid: Sequence[float] = (),
           margin: float = 1e-3) -> Any:
    """Lists of ``n`` floats, each as in :func:`floats_in`."""
    return st.lists(floats_in(low, high, avoid, margin), min_size=n, max_size=n)


def op_inputs(op: Op) -> Any:
    """(inputs, param) pairs inside the domain the op declares in the registry."""
    d = op.domain
    avoid = tuple(d.kinks) + tuple(d.poles)
    if op.arity == -1:
        (low, high), = d.intervals
        xs = points(d.nary, low, high, avoid, d.margin)
    else:
        xs = st.tuples(*[floats_in(lo, hi, avoid, d.margin) for lo, hi in d.intervals]).map(list)
        if d.apart > 0.0:  # a kink along a = b: keep the inputs apart
            xs = xs.filter(lambda v: abs(v[0] - v[1]) >= d.apart)
    return st.tuples(xs, st.sampled_from(list(d.params)))
