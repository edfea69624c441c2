"""Primitive operations and their derivatives (see :mod:`tinygrad_edu.ops.registry`)."""

from tinygrad_edu.ops import definitions, losses  # noqa: F401
from tinygrad_edu.ops.registry import REGISTRY, Domain, Op, get, register

__all__ = ["REGISTRY", "Domain", "Op", "get", "register", "definitions"]
