"""Running grade from integrated strides, fused with a barometer when the stream has one.

Each stride of a foot IMU gives its horizontal length and its rise (gait/strapdown.py). The grade over the
last strides is their total rise over their total length: a length-weighted mean that a single noisy
stride cannot swing. Tilt is taken afresh from gravity at every mid-stance, so no mounting calibration
enters (a 1 degree pitch error would be 1.7 % of grade); what is left is a slow bias from sensor biases.

A barometer cannot follow a short hill (0.25 m of height noise is 1.8 % of grade over 20 m) but does
not drift: over long stretches it measures the same grade the strides should add up to. So the IMU
gives the grade, and the barometer slowly estimates and removes its bias over stretches of at least
``baro_span_m`` (complementary filter).
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

STANDARD_PRESSURE_PA = 101325.0


def pressure_altitude_m(pa: np.ndarray) -> np.ndarray:
    """Altitude of a pressure in the standard atmosphere, m (only differences matter here)."""
    return 44330.0 * (1.0 - (np.asarray(pa) / STANDARD_PRESSURE_PA) ** (1.0 / 5.255))


class GradeEstimator:
    """Smoothed grade over the strides of the last ``window_s`` seconds (all feet).

    Args:
        window_s: smoothing window of the IMU grade, s.
        min_length_m: horizontal distance needed before a grade is reported, m.
        baro_span_m: distance over which IMU and barometer grades are compared, m.
        bias_gain: weight of each new comparison in the running bias estimate (0..1).
        feet: instrumented feet: each foot's strides cover the whole distance once.
    """

    def __init__(
        self,
        window_s: float = 10.0,
        min_length_m: float = 5.0,
        baro_span_m: float = 60.0,
        bias_gain: float = 0.05,
        feet: int = 1,
    ) -> None:
        self.feet = max(1, feet)
        self.window_s = window_s
        self.min_length_m = min_length_m
        self.baro_span_m = baro_span_m
        self.bias_gain = bias_gain
        self._strides: deque[tuple[float, float, float]] = deque()  # (t end, length, rise)
        self._length = 0.0
        self._rise = 0.0
        self._baro: deque[tuple[float, float]] = deque()  # (t, altitude), the last second
        self._baro_mean: float | None = None  # mean altitude in _baro, m; None until asked after a change
        self._track: deque[tuple[float, float, float]] = deque()  # (distance, imu height, baro altitude)
        self._distance = 0.0
        self._height = 0.0
        self.bias_pct = 0.0
        """Current estimate of the IMU grade's bias, percentage points (0 without a barometer)."""

    def add_pressure(self, t_s: np.ndarray, pa: np.ndarray) -> None:
        """Add barometer readings (times s, pressures Pa; NaN entries are skipped)."""
        ok = ~np.isnan(pa)
        if ok.any():
            self.add_altitudes(t_s[ok].tolist(), pressure_altitude_m(pa[ok]).tolist())

    def add_altitudes(self, t_s: list[float], altitude_m: list[float]) -> None:
        """Add barometer readings as pressure altitudes (times s, altitudes m)."""
        if not t_s:
            return
        since = t_s[-1] - 1.0  # only the last second is ever used
        self._baro.extend((t, alt) for t, alt in zip(t_s, altitude_m) if t >= since)
        while self._baro and self._baro[0][0] < self._baro[-1][0] - 1.0:
            self._baro.popleft()
        self._baro_mean = None

    def add_stride(self, t_end_s: float, length_m: float, rise_m: float) -> None:
        """Add one stride that ended at ``t_end_s`` (s), ``length_m`` and ``rise_m`` in m.

        A NaN rise (not known, gait/strapdown.py) leaves the stride out of the grade; its distance still
        counts toward the barometer comparison, climbing at the grade of the strides around it.
        """
        if math.isnan(rise_m):
            self._distance += length_m / self.feet
            if self._length > 0.0:
                self._height += length_m * self._rise / self._length / self.feet
        else:
            self._strides.append((t_end_s, length_m, rise_m))
            self._length += length_m
            self._rise += rise_m
            self._distance += length_m / self.feet
            self._height += rise_m / self.feet
        while self._strides and self._strides[0][0] < t_end_s - self.window_s:
            _, length, rise = self._strides.popleft()
            self._length -= length
            self._rise -= rise
        if self._baro and self._baro[-1][0] > t_end_s - 1.0:
            if self._baro_mean is None:  # several strides share one second of readings
                alts = [a for _, a in self._baro]
                self._baro_mean = float(np.add.reduce(np.array(alts))) / len(alts)  # = np.mean, cheaper
            self._track_baro(self._baro_mean)

    def _track_baro(self, altitude: float) -> None:
        self._track.append((self._distance, self._height, altitude))
        while len(self._track) > 2 and self._track[1][0] <= self._distance - self.baro_span_m:
            self._track.popleft()
        d0, h0, a0 = self._track[0]
        span = self._distance - d0
        if span >= self.baro_span_m:
            imu = 100.0 * (self._height - h0) / span
            baro = 100.0 * (altitude - a0) / span
            self.bias_pct += self.bias_gain * ((imu - baro) - self.bias_pct)

    @property
    def grade_pct(self) -> float | None:
        """Current smoothed grade, percent (negative downhill), or None before enough distance."""
        if self._length < self.min_length_m:
            return None
        return 100.0 * self._rise / self._length - self.bias_pct
