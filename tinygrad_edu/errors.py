"""Errors raised by tinygrad_edu.

Every error this library raises on purpose derives from :class:`TinygradEduError`,
so ``except TinygradEduError`` catches them all.  Domain errors also derive from
the built-in classes a Python user would expect (``ValueError`` and
``ArithmeticError``), so code written against plain floats keeps working.
"""

from __future__ import annotations


class TinygradEduError(Exception):
    """Base class of every error raised on purpose by tinygrad_edu."""


class DomainError(TinygradEduError, ValueError, ArithmeticError):
    """An op was asked for a value outside its domain, e.g. ``log(-1)`` or ``0 ** -1``.

    The message names the op and the offending value.
    """


class NumericOverflowError(DomainError, OverflowError):
    """The exact result is too large for an IEEE double, e.g. ``exp(1000)``."""


class GradcheckError(TinygradEduError, AssertionError):
    """Analytic and numeric gradients disagree; the message is a comparison table."""


class AnomalyError(TinygradEduError, ArithmeticError):
    """Inside ``detect_anomaly()``: an op's result or gradient was NaN or ±inf.

    The message names the op, its inputs, the pass (forward or backward) and
    the file:line of the user's code that created the node.
    """
