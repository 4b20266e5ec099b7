"""What the body-worn (shank, trunk, head) detectors share: their output per block, their sample period."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..datatypes import StepEvent

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
