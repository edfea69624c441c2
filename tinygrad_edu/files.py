"""Writing files safely: whole or not at all, never through a symbolic link.

:func:`write_atomic` is the one way the core writes a file (``Module.save``).
The bytes go to a new temporary file in the same directory, which is then
renamed over the target (``os.replace``, atomic on POSIX and Windows).  So:

* a reader, or a crash, sees either the old file or the complete new one,
  never a half-written one;
* when the target is a **symbolic link**, the link itself is replaced by a
  regular file holding the new contents; the file it pointed to is left
  untouched.  Writing through links is how a shared or system file gets
  overwritten by mistake, so the safer rule is kept for every file;
* a new file gets the usual permissions under the user's umask; an existing
  regular file keeps its permission bits;
* an error names the user's path, never the temporary file's, and the
  temporary file is removed.

Only the standard library is used, so every layer may import this module.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat

__all__ = ["write_atomic"]


def _fail(exc: OSError, target: str, doing: str) -> OSError:
    """The same kind of error as ``exc``, about ``target`` instead of a temporary name."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno is None:
        return OSError(f"cannot {doing} {target}: {reason}")
    if exc.errno == errno.ENOTDIR:
        reason = "a part of the folder path is a file, not a directory"
    elif exc.errno == errno.ENOENT:
        reason = f"the folder {os.path.dirname(os.path.abspath(target))} does not exist (it is not created)"
    return OSError(exc.errno, f"cannot {doing}: {reason}", target)  # str() adds ": '<target>'"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, replacing a symbolic link rather than following it.

    The parent folder must exist (nothing is created); see the module
    docstring for the rules.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> target = os.path.join(folder, "a.txt")
    >>> write_atomic(target, b"one"); write_atomic(target, b"two")
    >>> open(target, "rb").read(), os.listdir(folder)
    (b'two', ['a.txt'])
    """
    target = os.fspath(path)
    if not isinstance(target, str):
        raise TypeError(f"write_atomic(path) takes a str or os.PathLike path, got {type(target).__name__}")
    if not isinstance(data, bytes):
        raise TypeError(f"write_atomic(data) takes bytes, got {type(data).__name__}")
    if not target:
        raise ValueError("cannot write: the path is empty; give a file name, such as 'model.json'")
    directory = os.path.dirname(os.path.abspath(target))
    mode: int | None = None
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _fail(exc, target, "write") from None
    else:
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "cannot write: it is a directory", target)
        if stat.S_ISREG(st.st_mode):
            mode = stat.S_IMODE(st.st_mode)
    tmp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _fail(exc, target, "write") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _fail(exc, target, "write") from None
        raise
