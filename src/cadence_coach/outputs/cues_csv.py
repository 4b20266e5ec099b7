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

from ..datatypes import Cue
from ..errors import file_errors

COLUMNS = ("t_s", "cue_id", "text", "reason", "figures")


def figures_text(figures: dict[str, float]) -> str:
    """``name=value;...`` in the cue's order, values to 3 decimals without trailing zeros."""
    return ";".join(f"{name}={value:.3f}".rstrip("0").rstrip(".") for name, value in figures.items())


class CuesCsvWriter:
    """Writes cues to a CSV file (header first); use as a context manager or call :meth:`close`.

    Args:
        path: file to create (replaced if it exists).

    Raises:
        UserError: the file cannot be created.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with file_errors(self.path, "the cues file", creating=True):
            self._file: TextIO = self.path.open("w", newline="", encoding="utf-8")
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
        """Close the file."""
        self._file.close()

    def __enter__(self) -> CuesCsvWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def write_cues_csv(path: str | Path, cues: Iterable[Cue]) -> int:
    """Write ``cues`` to ``path`` as cues.csv; returns the number of rows written."""
    with CuesCsvWriter(path) as writer:
        for cue in cues:
            writer.write(cue)
        return writer.rows
