"""Errors a user can cause: the CLI prints them as one line and exits with code 2."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Bad input: missing or corrupt file, unknown name, bad value. The message is shown as is."""


@contextmanager
def file_errors(path: str | os.PathLike, what: str, creating: bool = False) -> Iterator[None]:
    """Turn an :class:`OSError` raised in the block (opening or reading ``path``) into a :class:`UserError`
    of one line naming the file, what it is and why, e.g. ``run.ccrec: cannot read the recording (no such
    file)``.

    Args:
        path: the file, as the user gave it.
        what: what the file is for the user (``"the recording"``, ``"the coach config"``).
        creating: the block creates or replaces the file (the message says "cannot create").
    """
    try:
        yield
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
            reason = _missing(path) if creating else "no such file"
        elif isinstance(exc, IsADirectoryError):
            reason = "it is a directory"
        elif isinstance(exc, PermissionError):
            reason = "permission denied"
        elif isinstance(exc, FileExistsError):
            reason = "it already exists"
        else:
            reason = exc.strerror or str(exc)
        raise UserError(f"{path}: cannot {'create' if creating else 'read'} {what} ({reason})") from None


def _missing(path: str | os.PathLike) -> str:
    """Why a file could not be created although the system said "no such file": its folder is missing,
    or the folder exists but is on a file system that takes no new files (``/proc``, ``/sys``)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(folder):
        return f"the folder {folder} does not accept new files (a system file system such as /proc)"
    return "no such folder"


WRITE_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "the file size limit was reached",
    errno.EDQUOT: "the disk quota is used up",
    errno.EIO: "the disk reported a write error",
    errno.EROFS: "the disk became read-only",
}
"""Plain words for the write errors that stop a live session's files."""


def write_error_words(exc: OSError) -> str:
    """Why a write failed, in plain words (the system's wording for the rarer errors)."""
    return WRITE_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
