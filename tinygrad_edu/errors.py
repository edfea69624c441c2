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


def printable(text: str, max_chars: int = 60) -> str:
    """User text (a label, a class name) safe to put in a message: printable text as it is, else escaped.

    Text with a control character, a terminal escape sequence, a line break
    or a lone surrogate is shown as a quoted Python literal, so printing the
    message never acts on the terminal.

    >>> printable("w1"), printable("w\\x1b[31m")
    ('w1', "'w\\\\x1b[31m'")
    """
    shown = text if text.isprintable() else repr(text)
    return shown if len(shown) <= max_chars else shown[: max_chars - 1] + "…"
