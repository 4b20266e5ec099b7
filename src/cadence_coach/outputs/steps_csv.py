"""Exports that open in the tools runners already use: ``steps.csv``, one row per detected step.

Columns (empty where the engine could not measure the figure)::

    t_ic_s, t_to_s, side, step_time_s, cadence_spm, contact_ms, flight_ms, impact_g, strike_angle_deg,
    strike, stride_m, grade_pct, trunk_pitch_deg, detected_at_s

Times are in seconds on the input's time base (a recording's session time, a CSV file's own ``t``),
rounded to 0.1 ms; contact and flight times are shown in ms.
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TextIO

from ..atomic import AtomicFile
from ..datatypes import StepEvent


def _fixed(digits: int, scale: float = 1.0) -> Callable[[object], str]:
    spec = f".{digits}f"
    isfinite = math.isfinite

    def fmt(value: object) -> str:
        if value is None:
            return ""
        v = float(value)  # type: ignore[arg-type]
        return format(v * scale, spec) if isfinite(v) else ""

    return fmt


def _label(value: object) -> str:
    return value.value if isinstance(value, Enum) else ""


STEP_COLUMNS: tuple[tuple[str, str, Callable[[object], str]], ...] = (
    ("t_ic_s", "t_ic_s", _fixed(4)),
    ("t_to_s", "t_to_s", _fixed(4)),
    ("side", "side", _label),
    ("step_time_s", "step_time_s", _fixed(4)),
    ("cadence_spm", "cadence_spm", _fixed(1)),
    ("contact_ms", "contact_s", _fixed(1, 1000.0)),
    ("flight_ms", "flight_s", _fixed(1, 1000.0)),
    ("impact_g", "impact_g", _fixed(2)),
    ("strike_angle_deg", "strike_angle_deg", _fixed(1)),
    ("strike", "strike", _label),
    ("stride_m", "stride_m", _fixed(3)),
    ("grade_pct", "grade_pct", _fixed(1)),
    ("trunk_pitch_deg", "trunk_pitch_deg", _fixed(1)),
    ("detected_at_s", "detected_at_s", _fixed(4)),
)
"""(column, StepEvent attribute, formatter) in file order."""


_STEP_VALUES = operator.attrgetter(*(attr for _, attr, _ in STEP_COLUMNS))
_STEP_FORMATS = tuple(fmt for _, _, fmt in STEP_COLUMNS)


def step_row(step: StepEvent) -> list[str]:
    """The steps.csv cells of one step."""
    return [fmt(value) for fmt, value in zip(_STEP_FORMATS, _STEP_VALUES(step))]


class StepsCsvWriter:
    """Writes steps.csv: the header at once, then rows as steps come (analyze, live sessions).

    The rows go to a temporary file next to ``path``, which replaces ``path`` on :meth:`close` (an
    existing file is untouched until then); leaving the ``with`` block by an exception (a bad input,
    Ctrl-C) or calling :meth:`discard` removes the temporary file and keeps the old one.

    Args:
        path: file to write (replaced once complete, if it exists).
        flush_every: write rows to the temporary file after this many steps (1 for live sessions).
        keep_partial: on an exception, move what was written into place all the same (a live session's
            steps cannot be made again).
    """

    def __init__(self, path: str | os.PathLike, flush_every: int = 1000, keep_partial: bool = False) -> None:
        self.keep_partial = keep_partial
        self._atomic = AtomicFile(path, "the steps file")
        self._file: TextIO = open(self._atomic.tmp, "w", newline="", encoding="utf-8")
        self.flush_every = max(1, flush_every)
        self.rows = 0
        self._file.write(",".join(name for name, _, _ in STEP_COLUMNS) + "\n")
        self._file.flush()

    def write(self, steps: Iterable[StepEvent]) -> None:
        """Append one row per step."""
        for step in steps:
            self._file.write(",".join(step_row(step)) + "\n")
            self.rows += 1
            if self.rows % self.flush_every == 0:
                self._file.flush()

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

    def __enter__(self) -> StepsCsvWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None or self.keep_partial:
            self.close()
        else:
            self.discard()
