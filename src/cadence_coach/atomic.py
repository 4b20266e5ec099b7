"""Atomic outputs: every file the product writes appears whole or not at all.

A file is written to a temporary file in the same folder (``.NAME.XXXX.tmp``) and renamed into place
once complete, so an existing file is never truncated before the new one is whole: after an error, a bad
input or Ctrl-C (``KeyboardInterrupt``) the old file is untouched and the temporary file is removed.

:class:`AtomicFile` is the low-level handle (open, :meth:`~AtomicFile.commit` or
:meth:`~AtomicFile.discard`); :func:`atomic_path` and :func:`atomic_open` are context managers around it.
The recording written live during a session is the one exception (it is appended as it goes).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import file_errors


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicFile:
    """A temporary file next to ``path`` that becomes ``path`` on :meth:`commit`.

    Args:
        path: the final file.
        what: what the file is for the user, for error messages ("the steps file").
        exclusive: refuse to replace an existing file (checked again at commit: the file is linked into
            place, never over another).

    Raises:
        UserError: the temporary file cannot be created (one line naming ``path`` and the reason).
    """

    def __init__(self, path: str | os.PathLike, what: str = "the output", exclusive: bool = False) -> None:
        self.path = Path(path)
        self.what = what
        self.exclusive = exclusive
        folder = self.path.parent
        with file_errors(self.path, what, creating=True):
            if exclusive and self.path.exists():
                raise FileExistsError(self.path)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())
        self.tmp = Path(tmp)
        self.done = False

    def commit(self) -> None:
        """Move the temporary file into place (fsync first, so a power cut leaves old or new)."""
        if self.done:
            return
        self.done = True
        try:
            with open(self.tmp, "rb+") as f:
                os.fsync(f.fileno())
            with file_errors(self.path, self.what, creating=True):
                if self.exclusive:
                    os.link(self.tmp, self.path)  # fails if the file appeared meanwhile
                    self.tmp.unlink()
                else:
                    os.replace(self.tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.tmp.unlink()

    def discard(self) -> None:
        """Remove the temporary file; the final file (if any) is left as it was."""
        self.done = True
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, what: str = "the output", exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` if the block ends normally and is removed
    if the block raises (including ``KeyboardInterrupt``)."""
    handle = AtomicFile(path, what, exclusive)
    try:
        yield handle.tmp
    except BaseException:
        handle.discard()
        raise
    handle.commit()


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike,
    mode: str = "w",
    what: str = "the output",
    exclusive: bool = False,
    **kw: Any,
) -> Iterator[IO[Any]]:
    """``open(path, mode)`` through a temporary file: ``path`` is replaced only when the block ends
    normally. ``mode`` is ``"w"`` or ``"wb"``; ``kw`` go to :func:`open` (encoding, newline)."""
    with atomic_path(path, what, exclusive) as tmp, open(tmp, mode, **kw) as f:
        yield f
