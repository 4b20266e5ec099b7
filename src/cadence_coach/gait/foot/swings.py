"""The wearer's own swings: how hard this foot swings in its recent steps, so that a step much softer
than the rest (the first step from standing, a turn's shuffle, the closing step) is still judged
against the wearer's own walking, not against a fixed figure."""

from __future__ import annotations

import statistics
from collections import deque

SWING_FRACTION = 0.2
"""A swing counts as a step's (even with no landing-sized jolt) when its peak toes-up rate reaches this
fraction of the median of the wearer's recent swings."""
SWING_FLOOR = 1.0
"""Lowest swing peak that can count as a step's, rad/s: a standing foot's weight shifts and sway stay
under about 0.5 rad/s about the pitch axis, the slowest steps people take swing at 1-2 rad/s."""
SWINGS = 7
"""Recent swings the median is taken over (about 7-10 s of walking)."""


class SwingMemory:
    """The peak toes-up rates (rad/s) of one foot's recent swings that ended in a detected landing."""

    def __init__(self) -> None:
        self._peaks: deque[float] = deque(maxlen=SWINGS)

    def learn(self, peak: float) -> None:
        """Remember the peak toes-up rate of a swing that ended in a landing, rad/s."""
        self._peaks.append(peak)

    def median(self) -> float:
        """Median peak toes-up rate of the recent swings, rad/s (NaN before any)."""
        return statistics.median(self._peaks) if self._peaks else float("nan")

    def step_sized(self, peak: float) -> bool:
        """Was a swing peaking at ``peak`` rad/s a step's? Not before any step has been seen."""
        if not self._peaks:
            return False
        return peak >= max(SWING_FLOOR, SWING_FRACTION * self.median())
