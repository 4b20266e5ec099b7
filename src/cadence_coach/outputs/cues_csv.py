"""cues.csv: one row per cue given, columns ``t_s,cue_id,text,reason,figures``.

``t_s`` is the cue time in seconds on the input's time base (0 = session or recording start), written
with millisecond resolution. ``reason`` is the short line for people (under 80 characters); ``figures``
all the figures the rule weighed, as ``name=value`` pairs separated by ``;`` (units in the names, e.g.
``grade_pct=-6.42;cadence_spm=153.125``), empty for a cue without figures. Rows are flushed as they are
written, so a killed session keeps its cues.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ..atomic import AtomicFile
from ..datatypes import Cue

COLUMNS = ("t_s", "cue_id", "text", "reason", "figures")


def figures_text(figures: dict[str, float]) -> str:
    """``name=value;...`` in the cue's order, values to 3 decimals without trailing zeros."""
    return ";".join(f"{name}={value:.3f}".rstrip("0").rstrip(".") for name, value in figures.items())


class CuesCsvWriter:
    """Writes cues to a CSV file (header first); use as a context manager or call :meth:`close`.

    Rows go to a temporary file next to ``path`` (flushed as they come), which replaces ``path`` on
    :meth:`close`; leaving the ``with`` block by an exception or :meth:`discard` keeps the old file.

    Args:
        path: file to create (replaced once complete, if it exists).
        keep_partial: on an exception, move what was written into place all the same (a live session's
            cues cannot be made again).

    Raises:
        UserError: the file cannot be created.
    """

    def __init__(self, path: str | Path, keep_partial: bool = False) -> None:
        self.keep_partial = keep_partial
        self.path = Path(path)
        self._atomic = AtomicFile(self.path, "the cues file")
        self._file: TextIO = open(self._atomic.tmp, "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._file)
        self._csv.writerow(COLUMNS)
        self._file.flush()
        self.rows = 0

    def write(self, cue: Cue) -> None:
        """Append one cue."""
        self._csv.writerow((f"{cue.t_s:.3f}", cue.cue_id, cue.text, cue.reason, figures_text(cue.figures)))
        self._file.flush()
        self.rows += 1

    def close(self) -> None:
        """Finish the file and move it into place (with ``keep_partial``, also when its last write
        fails: what reached the file is kept)."""
        if self._atomic.done:
            return
        try:
            self._file.close()
        except OSError:
            if self.keep_partial:
                self._atomic.commit()
            raise
        self._atomic.commit()

    def discard(self) -> None:
        """Drop what was written; an existing file at ``path`` stays as it was."""
        self._file.close()
        self._atomic.discard()

    def __enter__(self) -> CuesCsvWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None or self.keep_partial:
            self.close()
        else:
            self.discard()


def write_cues_csv(path: str | Path, cues: Iterable[Cue]) -> int:
    """Write ``cues`` to ``path`` as cues.csv; returns the number of rows written."""
    with CuesCsvWriter(path) as writer:
        for cue in cues:
            writer.write(cue)
        return writer.rows
