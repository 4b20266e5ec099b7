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

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..datatypes import GRAVITY

BIN_S = 0.04
"""Bin length, s: 25 Hz keeps every harmonic of the step that matters for the period (a step lasts
0.25-1.5 s) while the sums stay cheap."""
WINDOW_S = 4.0
"""Autocorrelation window, s: three steps even at 45 steps/min, short enough to follow a change of pace
(a turn, a start) within a few steps."""
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
SAME_STEP = 0.3
"""Autocorrelation peaks within this fraction of the step lag, with no zero crossing between, belong to
the same step: within a 4 s window a walker's step changes far less, while the step's harmonics lie at
0.5, 1.5 and 2 times it. A trunk whose loading has two bumps (heel strike, then the foot flat) gives a
lobe with several local peaks, of which the highest is the step (one lower-back walker's lobe peaked at
0.56, 0.68 and 0.76 s for a 0.67 s step, and the first, 0.56 s, had been taken)."""
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
RATIO_MEMORY = 0.8
"""Weight of the old ratio when a new one is averaged in (memory of about 2.5 s)."""
RATIO_CAP = 1.5
"""A single window's ratio counts at most this much (a window where the vertical hardly repeats)."""
WALKING = 0.5
"""Only windows of steady walking count for that ratio (autocorrelation peak at least this: standing,
turning and fidgeting repeat less)..."""
STEADY_COUNT = 1
"""... and it needs this many of them before the fore-aft axis is trusted, for the rest of the session
(a sensor fixed to the trunk stays so). One: the settled line and the walking regularity already take
seconds of walking, and a window's ratio is the fore-aft's repetition over 4 s (about six steps); the
first such window of every trunk-worn phone of the development data is 0.09-0.76, of the lower backs
0.71-1.21 (a second window cost the first half second of braking, one or two steps of a walk's start)."""
MOVING_G = 0.03
"""The fore-aft axis is learned only while the vertical acceleration's standard deviation over the
window is at least this, g: walking loads the trunk by 0.1-1 g a step (a standard deviation of 0.035 g
and up), while a standing body's sway and a sensor's noise stay below 0.025 g. Standing still, the
autocorrelation still finds some periodic noise, and learning axes from it would mislead them for
seconds."""
SETTLED_COS = 0.97
"""The fore-aft line has settled when it turned less than 14 degrees (cosine at least this) since the
last evaluation; only then do windows count towards trusting it (a line still turning, as in the first
steps after standing, gives the braking along the wrong direction, or with the wrong sign)."""
AXIS_MEMORY = 0.95
"""Weight of the accumulated covariance and jerk moments at each evaluation (every EVAL_S: a memory of
about 10 s, so the axes settle over a few steps and then follow a shifted sensor)."""


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
        self._cov = np.zeros((3, 3))
        self._axis: np.ndarray | None = None
        self._moments = np.zeros(3)
        self.axis_settled = False
        self._step_regularity = 0.0
        self._fore_aft_regularity = 0.0
        self.fore_aft_steady = False
        self._ratio = 0.0
        self._ratios = 0

    def add(self, bins: np.ndarray) -> None:
        """Append closed bins (rows of vertical, horizontal x, y, z, m/s^2; NaN rows repeat the last)."""
        if not len(bins):
            return
        bins = bins.copy()
        for k in range(len(bins)):
            if np.isnan(bins[k, 0]):
                bins[k] = bins[k - 1] if k else (self.bins[-1] if len(self.bins) else 0.0)
        self.bins = np.concatenate([self.bins, bins])[-self.capacity :]

    def clear(self) -> None:
        """Forget the binned motion (after a gap); the estimates stand until renewed."""
        self.bins = np.zeros((0, 4))

    def evaluate(self, learn_axis: bool, horizontal: Callable[[], np.ndarray] | None = None) -> None:
        """Renew the step period (and the fore-aft axis if ``learn_axis``) from the bins held;
        ``horizontal`` gives the last seconds' horizontal acceleration at the full sample rate (n, 3),
        m/s^2, whose jerk tells the axis's sign (the bins smooth the braking jump)."""
        if len(self.bins) < FIRST_S / BIN_S:
            return
        max_lag = min(int(MAX_LAG_S / BIN_S), len(self.bins) // 2)
        acf = _autocorrelation(self.bins[:, 0], max_lag)
        found = _step_lag(acf)
        if found is None:
            self.regularity = 0.0
            return
        step, self.stride_periodic, self.regularity = found
        if self.stride_periodic:  # a limb's sensor: no fore-aft axis of the trunk
            self.fore_aft_steady = False
            self._ratios = 0
        elif self.fore_aft_steady and self.back is not None:  # the braking repeats every step too
            both = _step_lag(0.5 * (acf + _autocorrelation(self.bins[:, 1:] @ self.back, max_lag)))
            if both is not None and not both[1]:
                step, acf = both[0], 0.5 * (acf + _autocorrelation(self.bins[:, 1:] @ self.back, max_lag))
        self.step_s = _refined(acf, step) * BIN_S
        self._step_regularity = float(acf[step])
        moving = float(np.std(self.bins[-int(WINDOW_S / BIN_S) :, 0])) >= MOVING_G * GRAVITY
        if learn_axis and moving and not self.stride_periodic:
            self._learn_axis(round(self.step_s / BIN_S), horizontal)
            if not self.axis_settled:
                self._ratios = 0
            elif self.back is not None and not self.fore_aft_steady and self.regularity >= WALKING:
                ratio = min(self._fore_aft_regularity / max(self._step_regularity, 1e-9), RATIO_CAP)
                self._ratio = (
                    ratio if not self._ratios else RATIO_MEMORY * self._ratio + (1 - RATIO_MEMORY) * ratio
                )
                self._ratios += 1
                self.fore_aft_steady = self._ratios >= STEADY_COUNT and self._ratio >= STEADY

    def _learn_axis(self, lag: int, horizontal: Callable[[], np.ndarray] | None) -> None:
        """Fore-aft axis from the horizontal autocovariance at the step lag, sign from the jerk's skew;
        both accumulated over evaluations (a sensor fixed to the trunk keeps its axes)."""
        n = min(int(WINDOW_S / BIN_S), len(self.bins) - lag)
        if n < FIRST_S / BIN_S or lag < 1:
            return
        now = self.bins[-n:, 1:] - self.bins[-n:, 1:].mean(axis=0)
        before = self.bins[-n - lag : -lag, 1:] - self.bins[-n - lag : -lag, 1:].mean(axis=0)
        cov = now.T @ before
        self._cov = AXIS_MEMORY * self._cov + 0.5 * (cov + cov.T)
        values, vectors = np.linalg.eigh(self._cov)
        if values[-1] <= 0:
            return
        axis = vectors[:, -1]
        if self._axis is not None and float(axis @ self._axis) < 0:
            axis = -axis  # eigenvectors come with either sign: keep the previous one's
        self.axis_settled = self._axis is not None and float(axis @ self._axis) >= SETTLED_COS
        if not self.axis_settled:  # a new line: the jerk's skew measured along the old one says nothing
            self._moments[:] = 0.0
        self._axis = axis
        jerk = np.diff((self.bins[-n:, 1:] if horizontal is None else horizontal()) @ axis)
        self._moments = AXIS_MEMORY * self._moments + np.array([np.sum(jerk**3), np.sum(jerk**2), jerk.size])
        cubes, squares, count = self._moments
        skew = cubes / count / ((squares / count) ** 1.5 + 1e-12)
        self._fore_aft_regularity = _correlation(now @ axis, before @ axis)
        if abs(skew) >= SKEW_MIN:
            self.back = axis * np.sign(skew)


def _step_lag(acf: np.ndarray) -> tuple[int, bool, float] | None:
    """(step lag in bins, stride-periodic, highest peak) from a normalised autocorrelation, or None
    when it has no peak (no periodic motion)."""
    if not np.isfinite(acf).all():
        return None
    peaks = [
        k
        for k in range(int(MIN_LAG_S / BIN_S), len(acf) - 1)
        if acf[k - 1] <= acf[k] > acf[k + 1] and acf[k] > PEAK_MIN
    ]
    if not peaks:
        return None
    highest = max(acf[k] for k in peaks)
    step = _lobe_top(acf, peaks, min(k for k in peaks if acf[k] >= DOMINANT * highest))
    half = [k for k in peaks if abs(k - step / 2) <= 0.15 * step / 2 + 1]
    if half:
        k = max(half, key=lambda k: acf[k])
        if acf[k] > HALF_MIN * acf[step] and k * BIN_S >= MIN_HALF_S:
            return k, True, float(highest)
    return step, False, float(highest)


def _lobe_top(acf: np.ndarray, peaks: list[int], step: int) -> int:
    """The highest of the ``peaks`` (lags, bins) in the same positive lobe of ``acf`` as ``step`` and
    within SAME_STEP of it."""
    same = [
        k
        for k in peaks
        if abs(k - step) <= SAME_STEP * step and acf[min(k, step) : max(k, step) + 1].min() > 0
    ]
    return max(same, key=lambda k: acf[k])


def _autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelation of ``x`` for lags 0..max_lag (bins): the correlation coefficient of its last
    len - max_lag values with the same stretch lagged (so a louder past does not exceed 1)."""
    x = x - x.mean()
    m = len(x) - max_lag
    windows = sliding_window_view(x, m)[::-1][: max_lag + 1]  # windows[k] = x lagged by k bins
    energy = np.einsum("ij,ij->i", windows, windows)
    if energy[0] <= 0 or energy.min() <= 0:
        return np.full(max_lag + 1, np.nan)
    return (windows @ x[-m:]) / np.sqrt(energy * energy[0])


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
