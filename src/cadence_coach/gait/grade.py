"""Running grade from integrated strides, optionally fused with a barometer.

Each stride of a foot IMU gives its horizontal length and its rise (gait/strapdown.py). The grade over the
last strides is their total rise over their total length: a length-weighted mean that a single noisy
stride cannot swing. Tilt is taken afresh from gravity at every mid-stance, so no mounting calibration
error enters (a 1 degree pitch error would be 1.7 % of grade).
"""

from __future__ import annotations

from collections import deque


class GradeEstimator:
    """Smoothed grade over the strides of the last ``window_s`` seconds (all feet).

    Args:
        window_s: smoothing window, s.
        min_length_m: horizontal distance needed before a grade is reported, m.
    """

    def __init__(self, window_s: float = 10.0, min_length_m: float = 5.0) -> None:
        self.window_s = window_s
        self.min_length_m = min_length_m
        self._strides: deque[tuple[float, float, float]] = deque()  # (t end, length, rise)
        self._length = 0.0
        self._rise = 0.0

    def add_stride(self, t_end_s: float, length_m: float, rise_m: float) -> None:
        """Add one stride that ended at ``t_end_s`` (s)."""
        self._strides.append((t_end_s, length_m, rise_m))
        self._length += length_m
        self._rise += rise_m
        while self._strides and self._strides[0][0] < t_end_s - self.window_s:
            _, length, rise = self._strides.popleft()
            self._length -= length
            self._rise -= rise

    def reset(self) -> None:
        """Forget all strides (after a long gap)."""
        self._strides.clear()
        self._length = self._rise = 0.0

    @property
    def grade_pct(self) -> float | None:
        """Current smoothed grade, percent (negative downhill), or None before enough distance."""
        if self._length < self.min_length_m:
            return None
        return 100.0 * self._rise / self._length
