"""The step period and the forward axis of a trunk, head or phone sensor, from its last seconds of motion.

Both come from the autocorrelation of the signals binned to ``BIN_S`` (decimated: cheap, and the
binning low-passes), evaluated every ``EVAL_S`` of sample time (so every way of cutting the stream into
blocks gives the same answers).

- Step period: walking and running are periodic, so the autocorrelation of the vertical acceleration
  over the last ``WINDOW_S`` peaks at multiples of the step time. The step is the first lag whose peak
  reaches ``DOMINANT`` of the highest (the highest can be the stride, or two strides). When the left and
  right steps differ, as for a phone in a trouser pocket (it moves with one thigh), the stride dominates
  and the step shows only as a weak peak at half of it: a local maximum there above ``HALF_MIN`` of the
  stride's marks the signal as stride-periodic, and the step is half the stride. A trunk sensor's
  signal repeats every step: its half-step lag is a trough (the other half of the step), not a peak.
- Forward axis: at the pelvis the forward-backward acceleration repeats every step (each step brakes and
  pushes the body), while the sideways one alternates with the feet and repeats every stride. So, of the
  horizontal directions, the fore-aft one has the largest autocovariance at the step lag (the sideways
  one's is negative). Its sign: at contact the body is braked abruptly (the heel strikes), while the
  push that follows builds up gradually, so the rate of change of the backward acceleration is skewed
  towards large positive values. (The fore-aft line and its sign are found this way on every lower-back
  and sacrum recording of the development data: docs/gait-trunk.md.)
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

BIN_S = 0.04
"""Bin length, s: 25 Hz keeps every harmonic of the step that matters for the period (a step lasts
0.25-1.5 s) while the sums stay cheap."""
WINDOW_S = 5.0
"""Autocorrelation window, s: several steps even at 40 steps/min, short enough to follow a change of
pace within a few steps."""
MAX_LAG_S = 2.4
"""Longest lag examined, s: two strides of a brisk walk, one of a slow one."""
MIN_LAG_S = 0.2
"""Shortest lag examined, s (300 steps/min)."""
FIRST_S = 2.5
"""Binned motion needed before a first estimate, s: two steps of slow walking."""
EVAL_S = 0.5
"""The estimates are renewed every this much sample time, s."""
DOMINANT = 0.5
"""The step is the first autocorrelation peak reaching this fraction of the highest one."""
HALF_MIN = 0.05
"""A local peak at half that lag above this fraction of it makes the signal stride-periodic (pocket
phones: 0.12-0.35; a trunk's half-step lag is a trough)."""
MIN_HALF_S = 0.3
"""A stride-periodic signal's step is at least this long, s (200 steps/min: no stride-dominated
placement is worn that fast, and a trunk's run steps are shorter: its half-step lag is never taken)."""
PEAK_MIN = 0.1
"""Autocorrelation peaks below this are noise."""
SKEW_MIN = 0.2
"""Skewness of the fore-aft jerk needed to tell backward from forward."""
STEADY = 0.8
"""The fore-aft acceleration is used when it repeats every step nearly as well as the vertical one
(its step-lag autocorrelation at least this fraction of the vertical's): so it does at the pelvis
(0.84-1.3 on the development data), where every step brakes and pushes the body alike; a phone held in
the hand, worn on the arm or in a bag swings with the arm or the bag, and its fore-aft repeats far less
regularly than its vertical (0.25-0.74)."""
STEADY_OFF = 0.6
"""... and is given up only below this fraction (a sensor fixed to the pelvis stays so; a turn or a
stop blurs the ratio for a few seconds)."""
AXIS_MEMORY = 0.7
"""Weight of the old forward axis when a new estimate agrees with it."""
AXIS_VOTES = 3
"""Consecutive disagreeing estimates that replace the forward axis."""


class StepPeriod:
    """Step period, periodicity and fore-aft axis of one stream, from binned (vertical, horizontal x3)
    accelerations (m/s^2) fed as the detector's signal kernel closes the bins.

    Attributes:
        step_s: step period, s, or None until known.
        stride_periodic: True if the signal repeats every stride, not every step (pocket phone).
        regularity: height of the highest autocorrelation peak, 0..1 (walking: 0.5-1).
        back: unit backward axis in the sensor frame, or None while unknown.
        fore_aft_steady: the fore-aft acceleration along ``back`` repeats every step about as well as
            the vertical one (a sensor fixed to the pelvis or trunk, not a swinging phone).
    """

    def __init__(self) -> None:
        self.capacity = int((WINDOW_S + MAX_LAG_S) / BIN_S) + 1
        self.bins = np.zeros((0, 4))
        self.step_s: float | None = None
        self.stride_periodic = False
        self.regularity = 0.0
        self.back: np.ndarray | None = None
        self._against = 0
        self._step_regularity = 0.0
        self._fore_aft_regularity = 0.0
        self.fore_aft_steady = False

    def add(self, bins: np.ndarray) -> None:
        """Append closed bins (rows of vertical, horizontal x, y, z, m/s^2; NaN rows repeat the last)."""
        if not len(bins):
            return
        bins = bins.copy()
        for k in range(len(bins)):
            if np.isnan(bins[k, 0]):
                bins[k] = bins[k - 1] if k else (self.bins[-1] if len(self.bins) else 0.0)
        self.bins = np.concatenate([self.bins, bins])[-self.capacity:]

    def clear(self) -> None:
        """Forget the binned motion (after a gap); the estimates stand until renewed."""
        self.bins = np.zeros((0, 4))

    def evaluate(self, learn_axis: bool) -> None:
        """Renew the step period (and the fore-aft axis if ``learn_axis``) from the bins held."""
        if len(self.bins) < FIRST_S / BIN_S:
            return
        x = self.bins[:, 0] - self.bins[:, 0].mean()
        max_lag = min(int(MAX_LAG_S / BIN_S), len(x) // 2)
        m = len(x) - max_lag
        windows = sliding_window_view(x, m)[::-1][: max_lag + 1]  # windows[k] = x lagged by k bins
        acf = windows @ x[-m:]
        if acf[0] <= 0:
            return
        acf = acf / acf[0]
        peaks = [k for k in range(int(MIN_LAG_S / BIN_S), max_lag) if acf[k - 1] <= acf[k] > acf[k + 1] and acf[k] > PEAK_MIN]
        if not peaks:
            self.regularity = 0.0
            return
        highest = max(acf[k] for k in peaks)
        self.regularity = float(highest)
        step = min(k for k in peaks if acf[k] >= DOMINANT * highest)
        half = [k for k in peaks if abs(k - step / 2) <= 0.15 * step / 2 + 1]
        self.stride_periodic = False
        if half:
            k = max(half, key=lambda k: acf[k])
            if acf[k] > HALF_MIN * acf[step] and k * BIN_S >= MIN_HALF_S:
                step, self.stride_periodic = k, True
        self.step_s = _refined(acf, step) * BIN_S
        self._step_regularity = float(acf[step])
        if learn_axis and not self.stride_periodic:
            self._learn_axis(int(round(self.step_s / BIN_S)))
        if self.back is not None:
            ratio = self._fore_aft_regularity / max(self._step_regularity, 1e-9)
            self.fore_aft_steady = ratio >= (STEADY_OFF if self.fore_aft_steady else STEADY)

    def _learn_axis(self, lag: int) -> None:
        """Fore-aft axis from the horizontal autocovariance at the step lag, sign from the jerk's skew."""
        n = int(WINDOW_S / BIN_S)
        if len(self.bins) < n + lag or lag < 1:
            return
        now = self.bins[-n:, 1:] - self.bins[-n:, 1:].mean(axis=0)
        before = self.bins[-n - lag:-lag, 1:] - self.bins[-n - lag:-lag, 1:].mean(axis=0)
        cov = now.T @ before
        values, vectors = np.linalg.eigh(0.5 * (cov + cov.T))
        if values[-1] <= 0:
            return
        axis = vectors[:, -1]
        jerk = np.diff(self.bins[-n:, 1:] @ axis)
        skew = float(np.mean(jerk**3) / (np.mean(jerk**2) ** 1.5 + 1e-12))
        self._fore_aft_regularity = _correlation(now @ axis, before @ axis)
        if abs(skew) < SKEW_MIN:
            return
        estimate = axis * np.sign(skew)
        if self.back is None:
            self.back = estimate
        elif float(estimate @ self.back) > 0:
            self._against = 0
            mixed = AXIS_MEMORY * self.back + (1 - AXIS_MEMORY) * estimate
            self.back = mixed / np.linalg.norm(mixed)
        else:
            self._against += 1
            if self._against >= AXIS_VOTES:
                self.back, self._against = estimate, 0


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b / (np.sqrt((a @ a) * (b @ b)) + 1e-12))


def _refined(acf: np.ndarray, k: int) -> float:
    """Lag of the peak at bin ``k``, refined by a parabola through it and its neighbours (bins)."""
    if 0 < k < len(acf) - 1:
        curve = acf[k - 1] - 2 * acf[k] + acf[k + 1]
        if curve < 0:
            return k + 0.5 * (acf[k - 1] - acf[k + 1]) / curve
    return float(k)
