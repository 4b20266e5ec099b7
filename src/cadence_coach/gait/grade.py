"""Running grade from each stride's rise, fused with a barometer when the sensors carry one.

Each stride of a foot IMU gives its horizontal length and its rise (gait/strapdown.py): the stride's
grade is rise / length. One stride is noisy (a few percentage points) and the IMU grade can carry a
slow bias (sensor biases, a clipped landing); a barometer does not drift but is noisy over a short
distance (0.25 m of height noise is 1.8 % of grade over 20 m). A small Kalman filter over the distance
run weighs the two by their measured noise:

- state: altitude h (m, the barometer's datum), grade g and IMU grade bias b (both percent);
- between strides the grade may change (a random walk of ``grade_change`` pp^2 per metre, the bias
  far slower); the altitude follows the grade;
- each stride measures g + b (its noise is measured online from the scatter between successive
  strides); each batch of barometer readings measures h (its noise from the readings' own scatter).
  Without a barometer the bias cannot be told from the grade and is left at zero.

The grade starts at 0 with a wide uncertainty (``prior_grade_pct``), so the first strides move it
by as much as they deserve and no more; nothing is reported until ``min_strides`` strides were taken
in and the uncertainty is below ``report_sd_pct``. Each foot's first ``skip_strides`` strides (the
start from standing, often integrated from a still instant that was not one) are left out. A stride
that disagrees with the estimate by more than ``gate_sd`` standard deviations is given less weight,
unless the next one disagrees the same way: then the grade has changed and the filter opens up to it.
The lag to a step change is a stride or two (docs/benchmarks.md measures it).
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median

import numpy as np

STANDARD_PRESSURE_PA = 101325.0
MEDIAN_ABS_DIFF = 0.954
"""Median of |x1 - x2| for two independent standard normal values: sd = median |diff| / this."""


def pressure_altitude_m(pa: np.ndarray) -> np.ndarray:
    """Altitude of a pressure in the standard atmosphere, m (only differences matter here)."""
    return 44330.0 * (1.0 - (np.asarray(pa) / STANDARD_PRESSURE_PA) ** (1.0 / 5.255))


class GradeEstimator:
    """Grade now, from the strides of all feet and the barometer readings.

    Args:
        feet: instrumented feet: each foot's strides cover the whole distance once.
        grade_change: variance of the grade's change per metre run, pp^2/m (how fast a course can
            change its grade; larger follows faster and is noisier).
        bias_change: variance of the IMU bias's change per metre, pp^2/m.
        prior_grade_pct: standard deviation of the grade before any stride, percent.
        prior_bias_pct: standard deviation of the IMU bias before the barometer has spoken, percent.
        stride_noise_pct: a stride's grade noise until it is measured, percent.
        noise_strides: strides the stride noise is measured over.
        skip_strides: first strides of each foot left out.
        gate_sd: a stride further than this many standard deviations from the estimate is an outlier,
            or, with the next one on the same side, a change of grade.
        min_strides: strides taken in before a grade is reported.
        report_sd_pct: no grade is reported while its standard deviation is above this, percent.
    """

    def __init__(
        self,
        feet: int = 1,
        grade_change: float = 0.5,
        bias_change: float = 0.01,
        prior_grade_pct: float = 6.0,
        prior_bias_pct: float = 3.0,
        stride_noise_pct: float = 4.0,
        noise_strides: int = 60,
        skip_strides: int = 2,
        gate_sd: float = 3.0,
        min_strides: int = 2,
        report_sd_pct: float = 2.5,
    ) -> None:
        self.feet = max(1, feet)
        self.grade_change = grade_change
        self.bias_change = bias_change
        self.prior_bias_pct = prior_bias_pct
        self.stride_noise_pct = stride_noise_pct
        self.skip_strides = skip_strides
        self.gate_sd = gate_sd
        self.min_strides = min_strides
        self.report_sd_pct = report_sd_pct
        self._x = [0.0, 0.0, 0.0]  # altitude m, grade %, bias % (plain floats: 3x3 is faster than numpy)
        self._p = [[0.0, 0.0, 0.0], [0.0, prior_grade_pct**2, 0.0], [0.0, 0.0, 0.0]]
        self._strides_seen = 0
        self._strides_used = 0
        self._last_grade: float | None = None  # the last stride's own grade, %
        self._diffs: deque[float] = deque(maxlen=noise_strides)  # |grade difference| of successive strides
        self._outside = 0.0  # sign of the last stride's innovation if it was outside the gate, else 0
        self._baro_n = 0  # barometer readings not yet taken in: count, sums of t, altitude, altitude^2
        self._baro_t = self._baro_alt = self._baro_alt2 = 0.0
        self._has_altitude = False
        self._last_t: float | None = None

    # -- inputs -----------------------------------------------------------------------------------

    def add_pressure(self, t_s: np.ndarray, pa: np.ndarray) -> None:
        """Add barometer readings (times s, pressures Pa; NaN entries are skipped); they are taken in
        with the next stride."""
        ok = ~np.isnan(pa)
        if ok.any():
            self.add_altitudes(t_s[ok].tolist(), pressure_altitude_m(pa[ok]).tolist())

    def add_altitudes(self, t_s: list[float], altitude_m: list[float]) -> None:
        """Add barometer readings as pressure altitudes (times s, altitudes m); they are taken in with
        the next stride."""
        self._baro_n += len(t_s)
        self._baro_t += math.fsum(t_s)
        self._baro_alt += math.fsum(altitude_m)
        self._baro_alt2 += math.fsum(a * a for a in altitude_m)

    def add_stride(self, t_end_s: float, length_m: float, rise_m: float) -> None:
        """Add one stride that ended at ``t_end_s`` (s), ``length_m`` and ``rise_m`` in m.

        A NaN rise (not known, gait/strapdown.py) moves the filter along the distance without
        measuring the grade.
        """
        step_m = length_m / self.feet
        dt = 0.0 if self._last_t is None else max(t_end_s - self._last_t, 0.0)
        self._last_t = t_end_s
        self._predict(step_m)
        self._strides_seen += 1
        if not math.isnan(rise_m) and length_m > 0 and self._strides_seen > self.skip_strides * self.feet:
            self._take_stride(100.0 * rise_m / length_m)
        if self._baro_n:
            self._take_baro(t_end_s, step_m / dt if dt > 0 else 0.0)

    # -- outputs ----------------------------------------------------------------------------------

    @property
    def grade_pct(self) -> float | None:
        """Current grade, percent (negative downhill); None until it is known well enough."""
        sd = self.grade_sd_pct
        return None if sd is None or sd > self.report_sd_pct else self._x[1]

    @property
    def grade_sd_pct(self) -> float | None:
        """Standard deviation of the grade estimate, percent; None before ``min_strides`` strides."""
        if self._strides_used < self.min_strides:
            return None
        return math.sqrt(max(self._p[1][1], 0.0))

    @property
    def bias_pct(self) -> float:
        """Current estimate of the IMU grade's bias, percentage points (0 without a barometer)."""
        return self._x[2]

    @property
    def stride_noise(self) -> float:
        """A single stride's grade noise (standard deviation), percent, as measured so far."""
        if len(self._diffs) < 8:
            return self.stride_noise_pct
        return max(median(self._diffs) / MEDIAN_ABS_DIFF, 0.5)

    # -- the filter -------------------------------------------------------------------------------

    def _predict(self, step_m: float) -> None:
        """Move ``step_m`` metres on: the altitude follows the grade, grade and bias may drift."""
        x, p, k = self._x, self._p, step_m / 100.0
        x[0] += k * x[1]
        p00 = p[0][0] + k * (p[0][1] + p[1][0]) + k * k * p[1][1]
        p01, p02 = p[0][1] + k * p[1][1], p[0][2] + k * p[1][2]
        p[0][0], p[0][1], p[1][0], p[0][2], p[2][0] = p00, p01, p01, p02, p02
        p[1][1] += self.grade_change * step_m
        if self._has_altitude:
            p[2][2] += self.bias_change * step_m

    def _update(self, h: tuple[float, float, float], innovation: float, noise: float) -> None:
        """Kalman update with a measurement row ``h``, its innovation and noise variance."""
        p = self._p
        ph = [p[i][0] * h[0] + p[i][1] * h[1] + p[i][2] * h[2] for i in range(3)]
        spread = h[0] * ph[0] + h[1] * ph[1] + h[2] * ph[2] + noise
        gain = [v / spread for v in ph]
        for i in range(3):
            self._x[i] += gain[i] * innovation
            for j in range(3):
                p[i][j] -= gain[i] * ph[j]

    def _variance(self, h: tuple[float, float, float]) -> float:
        """Variance of ``h`` applied to the state, h P h'."""
        p = self._p
        return sum(h[i] * h[j] * p[i][j] for i in range(3) for j in range(3))

    def _take_stride(self, grade: float) -> None:
        if self._last_grade is not None:
            self._diffs.append(abs(grade - self._last_grade))
        self._last_grade = grade
        h = (0.0, 1.0, 1.0)
        noise = self.stride_noise**2
        innovation = grade - (self._x[1] + self._x[2])
        z = abs(innovation) / math.sqrt(self._variance(h) + noise)
        side = math.copysign(1.0, innovation)
        if z > self.gate_sd:
            if self._outside == side:  # two in a row on one side: the grade has changed
                self._p[1][1] += innovation**2
            else:  # a lone outlier so far: weigh it down
                noise *= (z / self.gate_sd) ** 2
            self._outside = side
        else:
            self._outside = 0.0
        self._update(h, innovation, noise)
        self._strides_used += 1

    def _take_baro(self, t_s: float, speed_mps: float) -> None:
        """Take in the barometer readings since the last stride as one altitude measurement."""
        n = self._baro_n
        mean_t, mean_alt = self._baro_t / n, self._baro_alt / n
        spread = math.sqrt(max(self._baro_alt2 / n - mean_alt * mean_alt, 0.0))
        self._baro_n, self._baro_t, self._baro_alt, self._baro_alt2 = 0, 0.0, 0.0, 0.0
        if not self._has_altitude:  # the first readings set the datum; the bias can now be learned
            self._x[0] = mean_alt
            for i in range(3):
                self._p[0][i] = self._p[i][0] = 0.0
            self._p[0][0] = 1.0
            self._p[2][2] = self.prior_bias_pct**2
            self._has_altitude = True
            return
        noise = max(spread, 0.05) ** 2 / n
        # The readings' mean is from a little before the stride's end: back the state up to it.
        back = speed_mps * (t_s - mean_t) / 100.0
        h = (1.0, -back, 0.0)
        self._update(h, mean_alt - (self._x[0] - back * self._x[1]), noise)
