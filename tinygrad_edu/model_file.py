"""The model file format of ``Module.save`` / ``Module.load`` / ``nn.load_model``, and its checks.

A model file is one JSON object::

    {"format": "tinygrad_edu.module", "version": 1, "module": "MLP",
     "architecture": {"type": "MLP", "nin": 2, "nouts": [4, 1], ...},
     "parameters": {"layers.0.neurons.0.w.0": 0.23, ...}}

``architecture`` describes a built-in model (see :func:`tinygrad_edu.nn.load_model`)
and is ``null`` for a custom :class:`~tinygrad_edu.nn.Module`; ``parameters``
maps every dotted parameter name to a finite number.  Files written before
``architecture`` existed still load with ``Module.load``.

Reading is defensive: whatever the bytes of the file, the reader either
returns checked data or raises :class:`StateDictError` naming the file and
what is wrong - never a bare ``ValueError`` from a 5000-digit number, an
``OverflowError`` from ``10**400``, or a ``RecursionError`` from
``[[[[...`` nested 100 000 deep.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

from tinygrad_edu.errors import TinygradEduError

PathLike = Union[str, "os.PathLike[str]"]

FORMAT = "tinygrad_edu.module"
FORMAT_VERSION = 1

# An int literal longer than this cannot be a float (the largest double has 309
# digits): it is kept as a marker instead of being converted, so a hostile file
# meets neither Python's limit on int digits nor an OverflowError.
_MAX_INT_DIGITS = 400

#: The largest model file read, in bytes (64 MiB: about a million parameters with
#: their names).  A larger file - or a path that leads to an endless device such
#: as ``/dev/zero`` - is refused after reading at most this much.
MAX_FILE_BYTES = 64 * 1024 * 1024

__all__ = ["StateDictError", "FORMAT", "FORMAT_VERSION", "MAX_FILE_BYTES", "read_model_file",
           "validate_state", "encode"]


class StateDictError(TinygradEduError, ValueError):
    """A state dict or a saved model file does not fit the model; the message names the parameter."""


class HugeInt:
    """Stands for an int literal of the file too long to be a number this library can use."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<an integer of {self.digits} digits>"


def _parse_int(text: str) -> int | HugeInt:
    digits = len(text) - (text[0] == "-")
    return HugeInt(digits) if digits > _MAX_INT_DIGITS else int(text)


def describe(x: Any) -> str:
    """A short description of a JSON value for messages."""
    if isinstance(x, HugeInt):
        return repr(x)
    return f"{type(x).__name__} {x!r:.40}"


class _DuplicateKeyError(Exception):
    """A key given twice in one JSON object of the file."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The JSON object as a dict; a key given twice is refused (json would keep the last silently)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKeyError(key)
        obj[key] = value
    return obj


def shown_text(text: str, width: int = 60) -> str:
    """Text from a file, safe to print: a plain ASCII name as it is, anything else quoted and escaped.

    >>> print(shown_text("MLP"), shown_text("MLP\\x1b[2J"))
    MLP 'MLP\\x1b[2J'
    """
    if text.isascii() and text.isidentifier() and len(text) <= width:
        return text
    return _short(text, width)


def _read_bounded(target: str) -> bytes:
    """The bytes of the file, refusing one larger than :data:`MAX_FILE_BYTES` without reading past it."""
    with open(target, "rb") as f:
        try:
            size = os.fstat(f.fileno()).st_size
        except OSError:
            size = 0
        data = b"" if size > MAX_FILE_BYTES else f.read(MAX_FILE_BYTES + 1)
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        raise StateDictError(
            f"{target}: not a valid model file (larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the "
            "largest model file this library reads; is the path a device or another kind of file?)"
        )
    return data


def read_model_file(path: PathLike) -> dict[str, Any]:
    """The checked top level of a model file: format, version and a ``parameters`` object.

    ``architecture`` is returned as found (the caller checks it).  Raises
    :class:`StateDictError` naming ``path`` for anything that is not a model
    file this version reads - a key given twice in one object (a parameter
    listed twice, say), or a file larger than :data:`MAX_FILE_BYTES` (at most
    that much is read, so a path to ``/dev/zero`` is refused too); an
    unreadable file raises the usual ``OSError``.
    """
    target = os.fspath(path)
    if not isinstance(target, str):
        raise TypeError(f"a model file path must be a str or os.PathLike, got {type(target).__name__}")
    if not target:
        raise ValueError("the model file path is empty: give a file name, such as 'model.json'")
    try:
        text = _read_bounded(target).decode("utf-8")
    except UnicodeDecodeError:
        raise StateDictError(f"{target}: not a valid model file (not UTF-8 text)") from None
    try:
        payload = json.loads(text, parse_int=_parse_int, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as dup:
        raise StateDictError(
            f"{target}: not a valid model file (the key {_short(dup.args[0])} is given twice in one object; "
            "each parameter and each field must appear once)"
        ) from None
    except json.JSONDecodeError as exc:
        raise StateDictError(f"{target}: not a valid model file (corrupt JSON: {exc})") from None
    except RecursionError:
        raise StateDictError(f"{target}: not a valid model file (JSON nested too deeply to read)") from None
    except ValueError as exc:  # any other refusal of the JSON reader
        raise StateDictError(f"{target}: not a valid model file ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise StateDictError(
            f"{target}: not a tinygrad_edu model file (expected 'format': {FORMAT!r}); "
            "write one with module.save(path)"
        )
    version = payload.get("version")
    if type(version) is not int or version != FORMAT_VERSION:  # true and 1.0 equal 1 but are not a version
        if version is None:
            shown = "(none given)"
        elif type(version) is int:
            shown = repr(version)
        else:
            shown = f"{version!r:.40} (a {type(version).__name__}, not an int)"
        raise StateDictError(
            f"{target}: model file format version {shown} is not supported; this version of "
            f"tinygrad_edu reads version {FORMAT_VERSION}, written as the JSON integer {FORMAT_VERSION}"
        )
    if not isinstance(payload.get("parameters"), dict):
        raise StateDictError(f"{target}: the model file has no 'parameters' object")
    return payload


def encode(module_name: str, architecture: dict[str, Any] | None, state: Mapping[str, float]) -> bytes:
    """The bytes of a model file (the parameters must be finite: JSON has no NaN)."""
    for name, x in state.items():
        if not math.isfinite(x):
            raise StateDictError(f"cannot save: parameter {name!r} is {x!r}; only finite values save")
    payload = {"format": FORMAT, "version": FORMAT_VERSION, "module": module_name,
               "architecture": architecture, "parameters": dict(state)}
    return (json.dumps(payload, indent=1, allow_nan=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- state dicts
def _index_groups(names: Iterable[str]) -> dict[str, set[int]]:
    """For every numbered position in the names, the indices used there.

    ``layers.0.neurons.2.w.1`` contributes index 0 to ``layers``, 2 to
    ``layers.0.neurons`` and 1 to ``layers.0.neurons.2.w``; a leading number
    (a Sequential's ``0.weight.1.2``) belongs to the group ``""``.
    """
    groups: dict[str, set[int]] = {}
    for name in names:
        parts = name.split(".")
        for k, part in enumerate(parts):
            if part.isdigit() and len(part) < 12:
                groups.setdefault(".".join(parts[:k]), set()).add(int(part))
    return groups


def _shape_mismatch(state_names: Iterable[str], model_names: Iterable[str]) -> str | None:
    """The outermost list whose length differs (both sides numbered 0..n-1), described; or None."""
    have, want = _index_groups(state_names), _index_groups(model_names)
    for group in sorted(set(have) & set(want), key=lambda g: (g.count(".") + bool(g), g)):
        a, b = have[group], want[group]
        if len(a) != len(b) and a == set(range(len(a))) and b == set(range(len(b))):
            where = f"parameter {group!r}" if group else "the top-level modules"
            return (f"shape mismatch for {where}: the state has {len(a)} entries, the model "
                    f"{len(b)}; was it saved from a model of another architecture?")
    return None


def _short(name: str, width: int = 60) -> str:
    """``'name'`` quoted, cut to ``width`` characters with an ellipsis."""
    return repr(name) if len(name) <= width else repr(name[:width]).rstrip("'") + "…'"


def validate_state(state: Any, names: Sequence[str]) -> dict[str, float]:
    """The checks of ``Module.load_state_dict``; returns the values as floats.

    Every name must be present exactly once and each value must be an int or
    float (not bool) that is a finite double.
    """
    if not isinstance(state, Mapping):
        raise StateDictError(
            f"a state dict must be a mapping of parameter names to numbers, got {type(state).__name__}"
        )
    for key in state:
        if not isinstance(key, str):
            raise StateDictError(f"state dict keys must be parameter names (str), got {key!r:.40}")
    want = set(names)
    have = set(state)
    if want != have:
        mismatch = _shape_mismatch(have, want)
        if mismatch:
            raise StateDictError(mismatch)
        missing = [n for n in names if n not in have]
        extra = sorted(have - want)
        parts = []
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            parts.append(f"missing parameter {_short(missing[0])}{more}")
        if extra:
            more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
            parts.append(f"unexpected parameter {_short(extra[0])}{more}")
        raise StateDictError("; ".join(parts) + ": the state does not fit this model's parameters")
    values: dict[str, float] = {}
    for name in names:
        x = state[name]
        if isinstance(x, HugeInt):
            raise StateDictError(f"parameter {name!r} is {x!r}, far too large for a float")
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise StateDictError(f"parameter {name!r} must be a number, got {type(x).__name__}: {x!r:.40}")
        try:
            fx = float(x)
        except OverflowError:
            raise StateDictError(
                f"parameter {name!r} is an integer of {len(str(abs(x)))} digits, too large for a float"
            ) from None
        if not math.isfinite(fx):
            raise StateDictError(f"parameter {name!r} is {fx!r}; parameters must be finite numbers")
        values[name] = fx
    return values
