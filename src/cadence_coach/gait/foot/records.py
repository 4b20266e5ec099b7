"""What the foot detector hands on: the steps it emitted and completed, and the strides it integrated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ...datatypes import StepEvent
from ..strapdown import StrideTrajectory


@dataclass(slots=True)
class FootStep:
    """One stance of this foot in progress: its step, filled in as the stance goes on, and the sample of
    its contact (absolute index)."""

    event: StepEvent
    ic_index: int
    completed: bool = False


class DetectedStride(NamedTuple):
    """A stride integrated at the end of a stance."""

    trajectory: StrideTrajectory
    detected_at_s: float
    """Arrival time of the sample that ended the stance (push-off began), s: when the stride was known."""


@dataclass(slots=True)
class FootOutput:
    """What one block produced: steps emitted at IC, steps completed at toe-off, and strides."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)
    strides: list[DetectedStride] = field(default_factory=list)

    def move_to(self, out: FootOutput, not_before_s: float) -> None:
        """Hand everything on to ``out``, dated no earlier than ``not_before_s`` (s), and empty this one
        in place (a run in progress may still be writing to it)."""
        if not (self.new or self.completed or self.strides):
            return
        for ev in self.new:
            ev.detected_at_s = max(ev.detected_at_s, not_before_s)
        out.new.extend(self.new)
        out.completed.extend(self.completed)
        out.strides.extend(
            DetectedStride(s.trajectory, max(s.detected_at_s, not_before_s)) for s in self.strides
        )
        self.clear()

    def clear(self) -> None:
        """Drop everything, in place."""
        self.new.clear()
        self.completed.clear()
        self.strides.clear()
