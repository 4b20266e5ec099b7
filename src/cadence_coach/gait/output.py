"""What the body-worn (shank, trunk, head) detectors share: their output per block, how they take blocks,
their sample period."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..datatypes import SampleBlock, StepEvent
from .history import SampleHistory, pieces

HISTORY_S = 4.0
"""How far back a body-worn detector can look, s."""
PIECE_SAMPLES = 512
"""Longest piece a block is cut into before it enters the history."""
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


class BodyDetector:
    """Base of the body-worn detectors: takes blocks of any length, in pieces that fit the sample history,
    and hands each piece to ``_feed_piece`` (which appends it to ``self.hist`` and looks for steps)."""

    needs_gyro = False
    """Blocks without angular rate are ignored by detectors that need it."""
    needs_acc = True
    """Blocks without acceleration are ignored by detectors that need it."""
    hist: SampleHistory | None = None
    dt: float = 0.0
    """Sample period, s (0 until learned)."""

    def feed(self, block: SampleBlock) -> BodyOutput:
        """Process one block; returns the steps it confirmed (``new``) and completed (``completed``)."""
        out = BodyOutput()
        if (
            len(block) == 0
            or (self.needs_acc and block.acc is None)
            or (self.needs_gyro and block.gyro is None)
        ):
            return out
        if self.hist is None:
            self.hist = SampleHistory(int(HISTORY_S * MAX_RATE_HZ) + PIECE_SAMPLES)
        for piece in pieces(block, PIECE_SAMPLES):
            self._feed_piece(piece, out)
        return out

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        raise NotImplementedError

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
