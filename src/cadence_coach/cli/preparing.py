"""The first run's wait for the compiler, made visible: "preparing the step detector (first run only): k/n".

On a fresh install the gait kernels compile before any data flows (seconds of an otherwise blank
screen); later runs load them from the on-disk cache and print nothing. On a terminal the line is
rewritten in place as kernels compile (shortened to fit a narrow one: a wrapped line could not be
rewritten); elsewhere (a pipe, a log) it is written once, when done.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from ..datatypes import Placement

MESSAGE = "preparing the step detector (first run only)"
SHORT_MESSAGE = "preparing"


class PreparingLine:
    """A ``kernels.compile_all`` progress callback that writes :data:`MESSAGE` with ``k/n`` to ``out``.

    Args:
        out: where to write (default stderr).
        live: rewrite the line in place (True), write it once when done (False), or None to choose by
            whether ``out`` is a terminal.
        columns: the terminal's width, characters (default: asked of ``out``'s terminal, else 80).
    """

    def __init__(
        self, out: TextIO | None = None, live: bool | None = None, columns: int | None = None
    ) -> None:
        self.out = out if out is not None else sys.stderr
        self.live = self.out.isatty() if live is None else live
        self.columns = columns if columns is not None else terminal_columns(self.out)
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        if self.live:
            text = f"{MESSAGE}: {done}/{total}"
            if len(text) >= self.columns:
                text = f"{SHORT_MESSAGE}: {done}/{total}"[: self.columns - 1]
            self.out.write(f"\r{text}")
            self.out.flush()

    def finish(self) -> None:
        """End the line (nothing was written if nothing compiled)."""
        if not self.calls:
            return
        if self.live:
            self.out.write("\n")
        else:
            done, total = self.calls[-1]
            self.out.write(f"{MESSAGE}: {done}/{total}\n")
        self.out.flush()


def terminal_columns(out: TextIO) -> int:
    """The width of the terminal ``out`` writes to, characters; 80 if it is none."""
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


def prepare_step_detector(
    out: TextIO | None = None, placements: Iterable[Placement] | None = None
) -> PreparingLine:
    """Compile or load the gait kernels the detectors of ``placements`` (default: every placement) may
    call (:func:`~cadence_coach.gait.kernels.compile_all`), showing progress on ``out`` (default
    stderr) only when they have to be compiled; returns the line (its ``calls`` are the progress
    reports)."""
    from ..gait import kernels  # numba: imported by the commands that run the engine only

    line = PreparingLine(out)
    try:
        kernels.compile_all(line, placements)
    finally:
        line.finish()
    return line
