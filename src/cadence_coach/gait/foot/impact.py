"""The impact threshold: how hard the acceleration must break its trend to confirm a foot's landing,
learned from its recent landings."""

from __future__ import annotations

import statistics
from collections import deque

from ...datatypes import GRAVITY

IMPACT_MIN_G, IMPACT_MAX_G = 1.0, 20.0
"""Bounds of the adaptive impact threshold on the acceleration's second difference, g."""
IMPACT_FRACTION = 0.2
"""Threshold as a fraction of the median second-difference peak of recent landings."""
IMPACT_LANDINGS = 9
"""Recent landings the threshold is learned from."""
LEARNED_MIN_RATE_HZ = 150.0
"""Lowest sample rate at which the impact threshold learned from recent landings applies, Hz. Below it
a landing's largest trend break is often the foot settling flat 20-40 ms later (a landing lasting
about one sample period can fall between two samples), so the learned threshold would be too high."""


class ImpactThreshold:
    """Learns the threshold on the acceleration's second difference (m/s^2) that confirms a landing.

    Args:
        min_g, max_g: bounds of the threshold, g.
        fraction: threshold as a fraction of the median largest break of recent landings.
        landings: recent landings the median is taken over.
        learned_min_rate_hz: below this sample rate the learned value is not used (``min_g`` is), Hz.
    """

    def __init__(
        self,
        min_g: float = IMPACT_MIN_G,
        max_g: float = IMPACT_MAX_G,
        fraction: float = IMPACT_FRACTION,
        landings: int = IMPACT_LANDINGS,
        learned_min_rate_hz: float = LEARNED_MIN_RATE_HZ,
    ) -> None:
        self.min_g, self.max_g, self.fraction = min_g, max_g, fraction
        self.learned_min_rate_hz = learned_min_rate_hz
        self._peaks: deque[float] = deque(maxlen=landings)
        self._learned = min_g * GRAVITY

    def learn(self, largest_break: float) -> None:
        """Adapt to one landing's largest trend break (terminal swing to mid-stance, m/s^2), whether or
        not it was the one detected: a wrong detection cannot teach it."""
        self._peaks.append(largest_break)
        med = statistics.median(self._peaks)
        self._learned = min(max(self.fraction * med, self.min_g * GRAVITY), self.max_g * GRAVITY)

    def threshold(self, dt: float) -> float:
        """The threshold for a stream sampled every ``dt`` seconds, m/s^2."""
        return self._learned if dt <= 1.0 / self.learned_min_rate_hz else self.min_g * GRAVITY
