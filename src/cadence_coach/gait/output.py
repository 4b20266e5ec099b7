"""What the step detectors share: how they take blocks (:class:`StepDetector`, the foot's too), and for the
body-worn (shank, trunk, head) ones their output per block and their sample period."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

from ..datatypes import SampleBlock, StepEvent
from .history import SampleHistory, pieces

HISTORY_S = 4.0
"""How far back a body-worn detector can look, s (:attr:`StepDetector.history_s`)."""
PIECE_SAMPLES = 512
"""Longest piece a block is cut into before it enters a body-worn detector's history."""
MAX_RATE_HZ = 2000.0
"""Highest sample rate the history is sized for, Hz."""
PERIOD_SAMPLES = 9
"""The sample period is the median spacing of a stream's first this many samples."""


@dataclass(slots=True)
class BodyOutput:
    """Steps confirmed in one block (``new``, at contact) and steps whose figures are now all known
    (``completed``); the same objects, filled in place."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)


def sample_period(t: np.ndarray) -> float | None:
    """Sample period of a stream from its first samples ``t`` (s), or None until there are enough.

    Taken from the first samples only, never from how the stream was cut into blocks, so every block
    size gives the same period (and the same events)."""
    if t.size < PERIOD_SAMPLES:
        return None
    dt = float(np.median(np.diff(t[:PERIOD_SAMPLES])))
    return dt if dt > 0 else None


OutputT = TypeVar("OutputT")


class StepDetector(Generic[OutputT]):
    """Base of the step detectors: takes blocks of any length, in pieces that fit the sample history, and
    hands each piece to ``_feed_piece`` (which appends it to ``self.hist`` and looks for steps).

    A subclass sets how far back it looks (``history_s``), the longest piece (``piece_samples``), whether
    it needs angular rate, and the output of a block (``_new_output``).
    """

    needs_gyro = False
    """Blocks without angular rate are ignored by detectors that need it."""
    needs_acc = True
    """Blocks without acceleration are ignored by detectors that need it."""
    history_s = HISTORY_S
    """How far back the detector can look, s."""
    piece_samples = PIECE_SAMPLES
    """Longest piece a block is cut into before it enters the history."""
    hist: SampleHistory | None = None
    dt: float = 0.0
    """Sample period, s (0 until learned)."""

    def feed(self, block: SampleBlock) -> OutputT:
        """Process one block (any length); returns the steps it produced."""
        out = self._new_output()
        if (
            len(block) == 0
            or (self.needs_acc and block.acc is None)
            or (self.needs_gyro and block.gyro is None)
        ):
            return out
        if self.hist is None:
            self.hist = SampleHistory(int(self.history_s * MAX_RATE_HZ) + self.piece_samples)
        for piece in pieces(block, self.piece_samples):
            self._feed_piece(piece, out)
        return out

    def _new_output(self) -> OutputT:
        raise NotImplementedError

    def _feed_piece(self, block: SampleBlock, out: OutputT) -> None:
        raise NotImplementedError


class BodyDetector(StepDetector[BodyOutput]):
    """Base of the body-worn detectors: a :class:`StepDetector` whose blocks give a :class:`BodyOutput`,
    with the sample period learned from the first samples held.

    ``feed`` returns the steps a block confirmed (``new``) and completed (``completed``)."""

    def _new_output(self) -> BodyOutput:
        return BodyOutput()

    def _period_known(self) -> bool:
        """Learn the sample period ``self.dt`` (s) from the first samples held; False until enough are."""
        if not self.dt:
            assert self.hist is not None
            dt = sample_period(self.hist.t)
            if dt is None:
                return False
            self.dt = dt
        return True

    def _n(self, seconds: float) -> int:
        """Samples in a duration (s)."""
        return int(round(seconds / self.dt))
