"""Writing the renderer's files: every output checked before any is written, each written in one step.

One behaviour for every file the viz layer and the command line write:

* **checked first** - :func:`check_outputs` refuses, before anything is
  computed or written, an empty path, a path that is a folder, a path whose
  parent is a file ("not a directory"), a folder that cannot be written, and
  the same file named twice; so a command with several outputs writes all of
  them or none;
* **missing folders are created** (like ``mkdir -p``);
* **written in one step** - :func:`write_atomic` writes a hidden temporary
  file beside the target and renames it over the target, so no reader ever
  sees half a file and an error leaves the old file as it was;
* **symlinks are not followed** - when the target is a symbolic link, the link
  itself is replaced by the new file; the file it pointed to is never written;
* **errors name the user's path**, never the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from tinygrad_edu.errors import TinygradEduError


class OutputPathError(TinygradEduError, OSError):
    """An output file cannot be written; the message names the path and the reason."""


def _existing_ancestor(path: Path) -> Path:
    """The nearest ancestor of ``path`` that exists (as anything: folder, file, link)."""
    parent = path.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    return parent


def check_outputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Check that every path in ``paths`` can be written; returns them as Paths, or raises one error.

    >>> check_outputs([""])
    Traceback (most recent call last):
    ...
    tinygrad_edu.viz.files.OutputPathError: an output path is empty; give a file name such as graph.svg
    """
    out: list[Path] = []
    seen: dict[str, str] = {}
    for p in paths:
        text = os.fspath(p)
        if not text or not text.strip():
            raise OutputPathError("an output path is empty; give a file name such as graph.svg")
        path = Path(text)
        key = os.path.normcase(os.path.abspath(text))
        if key in seen:
            raise OutputPathError(f"{text} is named as two outputs ({seen[key]} and {text}); "
                                  "give each its own file")
        seen[key] = text
        if path.is_dir() and not path.is_symlink():
            raise OutputPathError(f"cannot write {text}: it is a folder; give a file name inside it")
        ancestor = _existing_ancestor(path)
        if not ancestor.is_dir():
            raise OutputPathError(f"cannot write {text}: {ancestor} is a file, not a directory")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputPathError(f"cannot write {text}: permission denied in the folder {ancestor}")
        out.append(path)
    return out


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` in one step (temporary file + rename); returns the path.

    Missing parent folders are created.  A symlink at ``path`` is replaced by
    the file (its target is not touched).  The temporary file is opened
    normally (not with ``mkstemp``), so the result gets the usual permissions
    under the user's umask.  Errors are :class:`OutputPathError` naming ``path``.
    """
    (target,) = check_outputs([path])
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OutputPathError):
            raise
        reason = exc.strerror or type(exc).__name__
        if exc.errno == errno.ENOSPC:
            reason = "no space left on the device"
        raise OutputPathError(f"cannot write {os.fspath(path)}: {reason}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
