"""Fused loss ops: a loss whose stable formula is one node with a simple local derivative.

Binary cross-entropy on a logit ``z`` with target ``y`` is, written naively,
``−[y·log σ(z) + (1 − y)·log(1 − σ(z))]``.  Built from Values that is five
nodes, and it breaks for large ``|z|``: ``σ(40)`` is exactly ``1.0`` in double
precision, so ``log(1 − σ(40))`` is ``log 0``.  Rewritten with the identity
``log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|))`` it becomes

    ℓ(z; y) = max(z, 0) − z·y + log(1 + e^(−|z|))

which never overflows (the exponent is never positive) and is exact for
``|z|`` up to the largest float.  Its derivative is the famous

    dℓ/dz = σ(z) − y

(the notes' "dL/dz = ŷ − y"), so one registry op with that local derivative
gives the loss, its gradient and its second derivative ``σ(z)(1 − σ(z))``.

The target ``y`` is the op's constant parameter.  The functional API
(:func:`tinygrad_edu.functional.binary_cross_entropy_with_logits`) applies it.
"""

from __future__ import annotations

import math
from typing import Any

from tinygrad_edu.ops import scalar as s
from tinygrad_edu.ops.registry import Domain, Op, register


def bce_with_logits_forward(z: float, y: float) -> float:
    """ℓ(z; y) = max(z, 0) − z·y + log1p(e^(−|z|)), finite for every finite z.

    >>> bce_with_logits_forward(0.0, 1.0) == math.log(2.0)
    True
    >>> bce_with_logits_forward(1e300, 1.0), bce_with_logits_forward(-1e300, 0.0)
    (0.0, 0.0)
    """
    return max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))


def _bce_with_logits_vjp(g: Any, out: Any, z: Any, y: float) -> tuple[Any]:
    """g · (σ(z) − y), written as (1 − y)·σ(z) − y·σ(−z).

    The two forms are equal (σ(−z) = 1 − σ(z)); the second one keeps full
    relative precision when σ(z) rounds to 1 (z > 37): for y = 1 it is −σ(−z),
    a tiny negative number instead of 1.0 − 1.0 = 0.
    """
    return (g * ((1.0 - y) * s.sigmoid(z) - y * s.sigmoid(-z)),)


BCE_WITH_LOGITS = register(Op(
    "bce_with_logits", "BCEℓ", 1, bce_with_logits_forward, _bce_with_logits_vjp,
    "ℓ(z; y) = max(z, 0) − z·y + log(1 + e^(−|z|))", "dℓ/dz = σ(z) − y",
    "binary_cross_entropy_with_logits",
    Domain(((-20.0, 20.0),), params=(1.0, 0.0, 0.25)),
    param="y",
))
