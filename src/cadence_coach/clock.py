"""Sensor clock to host clock.

A sensor stamps samples with its own clock (a counter in microseconds, a frame clock in ns...). The host
sees each packet arrive some time after its last sample was taken: radio wait for the next connection
event, stack and scheduling delays; never before. So ``arrival - sensor_time`` is the clock offset plus a
non-negative delay, and its lower envelope over recent packets estimates the offset (plus the smallest
delay seen). A sliding-window minimum follows slow drift between the two crystals.

The mapping is slewed, not stepped, when the estimate moves, so reconstructed sample times stay strictly
increasing.
"""

from __future__ import annotations

from collections import deque

import numpy as np


class WrapCounter:
    """Unwraps a counter of ``bits`` bits into a monotonically growing integer.

    Steps backwards by less than half the range are treated as reordering, not as a wrap.
    """

    def __init__(self, bits: int) -> None:
        self.modulus = 1 << bits
        self._last: int | None = None
        self._base = 0

    def unwrap(self, value: int) -> int:
        """The unwrapped value of a raw counter reading."""
        if self._last is not None:
            delta = (value - self._last) % self.modulus
            if delta > self.modulus // 2:  # small step back: reordered or repeated, not a wrap
                return self._base + value - self.modulus if value > self._last else self._base + value
            if value < self._last:
                self._base += self.modulus
        self._last = value
        return self._base + value


class ClockSync:
    """Maps sensor time (s, unwrapped) to the session time base (s).

    Args:
        window_s: length of the sliding window of the offset's lower envelope, s.
        slew: largest fraction by which the mapping may stretch or compress time while it converges
            to a new offset estimate (0.05 = 50 ms per second).
    """

    def __init__(self, window_s: float = 30.0, slew: float = 0.05) -> None:
        self.window_s = window_s
        self.slew = slew
        self._candidates: deque[tuple[float, float]] = deque()  # (arrival, offset), offsets increasing
        self._offset: float | None = None  # offset currently applied
        self._last_sensor_t: float | None = None

    def observe(self, sensor_t_last: float, arrival: float) -> None:
        """Record that a packet whose last sample was taken at ``sensor_t_last`` arrived at ``arrival``."""
        off = arrival - sensor_t_last
        while self._candidates and self._candidates[-1][1] >= off:
            self._candidates.pop()
        self._candidates.append((arrival, off))
        while self._candidates[0][0] < arrival - self.window_s:
            self._candidates.popleft()

    @property
    def target_offset(self) -> float:
        """Current lower-envelope estimate of ``host - sensor``, s."""
        return self._candidates[0][1]

    def to_host(self, sensor_t: np.ndarray) -> np.ndarray:
        """Session times of increasing sensor times (all later than any passed before), s."""
        target = self.target_offset
        if self._offset is None or self._last_sensor_t is None:
            self._offset = target
            self._last_sensor_t = float(sensor_t[0])
        # Move the applied offset toward the target at most `slew` seconds per second of sensor time,
        # linearly from the previous call's last sample to this call's last sample. Plain floats: this
        # runs once per packet on a few samples, where numpy calls would cost more than the arithmetic.
        prev = self._last_sensor_t
        last = float(sensor_t[-1])
        span = max(last - prev, 0.0)
        start = self._offset
        max_step = self.slew * span
        end = start + min(max(target - start, -max_step), max_step)
        self._offset = end
        self._last_sensor_t = last
        if end == start:
            return sensor_t + start
        return sensor_t + (start + (end - start) / span * (sensor_t - prev))
