"""A live session's output that stops, and says so once, when its file can no longer be written.

A live session cannot be run again, so a full disk must not end it: :class:`WriteGuard` wraps a writer
(steps.csv, cues.csv; one opened with ``keep_partial``) and turns its first write error into a one-line
notice; later rows are dropped and what reached the file is kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import write_error_words


class Writer(Protocol):
    def write(self, item: Any) -> None: ...

    def close(self) -> None: ...


class WriteGuard:
    """Wraps ``writer`` (a context manager's worth: :meth:`write`, :meth:`close`) for a live session.

    Args:
        writer: the file writer.
        path: its file, for the notice.
        what: what the file is for the user ("the steps file").
        notice: shows the one-line notice.

    Attributes:
        stopped: the notice's reason (e.g. "the disk is full"), or None while the file is written.
    """

    def __init__(
        self, writer: Writer, path: str | os.PathLike, what: str, notice: Callable[[str], None]
    ) -> None:
        self.writer, self.path, self.what, self.notice = writer, path, what, notice
        self.stopped: str | None = None

    def write(self, item: Any) -> None:
        """Hand ``item`` to the writer, until a write error stops it."""
        if self.stopped is not None:
            return
        try:
            self.writer.write(item)
        except OSError as exc:
            self._stop(exc)

    def close(self) -> None:
        """Close the writer (what reached the file is kept); a write error is noticed, not raised."""
        try:
            self.writer.close()
        except OSError as exc:
            self._stop(exc)

    def _stop(self, exc: OSError) -> None:
        if self.stopped is None:
            self.stopped = write_error_words(exc)
            self.notice(f"{self.what} {self.path} stopped: {self.stopped}; what was written is kept")

    def __enter__(self) -> WriteGuard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
