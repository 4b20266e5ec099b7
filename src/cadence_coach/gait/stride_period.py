"""The stride period of one leg from the periodicity of its sensor's signal (autocorrelation).

A sensor on a shank or a foot sees its own leg's cycle: stance, push-off, swing, landing, once per
stride. Over a few strides the signal repeats after one stride and, less well, after two or three; after
half a stride it does not (that is the other leg's step, and this leg is then in the other half of its
cycle: stance against swing). So the stride period is the lag of the autocorrelation's first clear peak.
Unlike the time between detected contacts, it does not halve when a detector also takes the stance's
own events for landings, nor double when it misses one: the detectors use it to set their refractory
time and to compare each detected stride with.

The estimate uses the vector signal (all measured axes, so the sensor's mounting does not matter),
averaged in short bins to keep the cost small at high sample rates.
"""

from __future__ import annotations

import numpy as np

from .landing_kernels import stride_correlation

WINDOW_S = 4.0
"""Signal the period is estimated from, s: three strides of brisk walking, five of running."""
FIRST_S = 2.5
"""Shortest signal an estimate is tried on, s: two strides of a normal walk (about 1.1 s each)."""
BIN_S = 0.01
"""Bin width, s: the period comes out to a fraction of it (the peak is interpolated)."""
MIN_STRIDE_S, MAX_STRIDE_S = 0.44, 3.0
"""Plausible strides, s: 0.44 s is 270 steps/min, 3 s a very slow shuffle."""
MAX_LAG_FRACTION = 0.5
"""Longest lag tried, as a fraction of the window: a lag is judged over at least half of it (a longer lag
overlaps too few strides and can correlate highly by chance: on one running shank trial a three-stride
lag reached 0.87 against the stride's 0.48)."""
MIN_CORRELATION = 0.3
"""Weakest autocorrelation peak that counts as a repeating stride (steady gait gives 0.8-0.95; standing,
turning or changing pace gives less, and the previous period is kept)."""
MULTIPLE_FRACTION = 0.7
"""The shortest lag whose peak reaches this fraction of the highest peak is the stride (two or three
strides repeat about as well as one, and noise can make a multiple a little higher)."""


class StridePeriod:
    """Estimates the stride period of the signal in a window of a sample history.

    Args:
        window_s: longest signal used, s.
        min_correlation: weakest autocorrelation peak accepted.
    """

    def __init__(self, window_s: float = WINDOW_S, min_correlation: float = MIN_CORRELATION) -> None:
        self.window_s = window_s
        self.min_correlation = min_correlation

    def estimate(self, x: np.ndarray, start: int, stop: int, dt: float) -> float | None:
        """Stride period (s) of the rows [start, stop) of ``x`` (an (n, k) view of the signal, sample
        period ``dt`` s), using at most the last ``window_s`` of them; None when they do not repeat
        clearly (or are fewer than FIRST_S)."""
        bin_rows = max(1, round(BIN_S / dt))
        bin_s = bin_rows * dt
        rows = min(stop - start, int(self.window_s / dt)) // bin_rows * bin_rows
        if rows * dt < FIRST_S - 1e-9:
            return None
        lo = int(np.ceil(MIN_STRIDE_S / bin_s))
        hi = min(int(MAX_STRIDE_S / bin_s), int(MAX_LAG_FRACTION * rows / bin_rows))
        if hi - lo < 3:
            return None
        r = stride_correlation(x, stop - rows, stop, bin_rows, lo, hi)
        peaks = np.flatnonzero((r[1:-1] >= r[:-2]) & (r[1:-1] > r[2:])) + 1
        if peaks.size == 0 or r[peaks].max() < self.min_correlation:
            return None
        best = int(peaks[np.argmax(r[peaks])])
        best = int(peaks[np.flatnonzero(r[peaks] >= MULTIPLE_FRACTION * r[best])[0]])
        y0, y1, y2 = r[best - 1], r[best], r[best + 1]
        den = y0 - 2 * y1 + y2
        offset = 0.5 * (y0 - y2) / den if den != 0 else 0.0
        return float((lo + best + offset) * bin_s)
