"""The runner's own flat-ground baseline, learned during the session, as a function of speed.

Targets on a descent are relative to how this runner runs on the flat at a similar speed (COACHING.md
section 3: "never a fixed 180"). Steps on flat ground (|grade| below a limit) are sorted into speed bins
(0.25 m/s wide by default), each keeping running windows of cadence, stride, impact, strike angle and
speed. The expected impact and strike angle at a speed are interpolated between the bins around it
(each placed at the median speed of its steps) and held at the nearest bin beyond them. It falls back to
the overall flat median when speed is unknown or no bin has enough steps.

Cadence and stride are not binned: a stride's speed is its own length over its time, so sorting strides
by it sorts them by stride length too (errors in the variable), and the edge bins end up with strides
short for their speed, which made every faster descent look like overstriding. Instead cadence rises
from the runner's median flat cadence by CADENCE_PER_MPS per m/s away from their median flat speed (at
endurance speeds runners go faster mostly by lengthening their stride), and the expected stride is
what that cadence gives at the speed: stride = speed * 120 / cadence.
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median

import numpy as np

from ..datatypes import StepEvent

METRICS = ("cadence_spm", "stride_m", "impact_g", "strike_angle_deg")
"""StepEvent fields the baseline learns (steps/min, m, g, degrees)."""
CADENCE_PER_MPS = 6.0
"""Rise of cadence with speed around the runner's usual speed, steps/min per m/s."""


class PersonalBaseline:
    """Flat-ground medians of cadence, stride, impact and strike angle, by speed.

    Args:
        flat_grade_pct: a step counts as flat when |grade| is below this, percent.
        min_flat_steps: flat steps a figure needs before it is trusted (before: the prior or None).
        speed_bin_mps: width of the speed bins, m/s.
        min_bin_steps: steps a speed bin needs before it is used.
        prior_cadence_spm: cadence assumed until the baseline is ready, steps/min; None for no prior.
        window_steps: most recent steps each bin (and the overall median) keeps per figure.
    """

    def __init__(
        self,
        flat_grade_pct: float = 1.5,
        min_flat_steps: int = 60,
        speed_bin_mps: float = 0.25,
        min_bin_steps: int = 20,
        prior_cadence_spm: float | None = None,
        window_steps: int = 600,
    ) -> None:
        self.flat_grade_pct = flat_grade_pct
        self.min_flat_steps = min_flat_steps
        self.speed_bin_mps = speed_bin_mps
        self.min_bin_steps = min_bin_steps
        self.prior_cadence_spm = prior_cadence_spm
        self.window_steps = window_steps
        self.flat_steps = 0
        self._overall: dict[str, deque[float]] = {
            m: deque(maxlen=window_steps) for m in (*METRICS, "speed_mps")
        }
        self._bins: dict[int, dict[str, deque[float]]] = {}
        self._tables: dict[str, tuple[list[float], list[float]]] = {}  # per metric, until next update

    @property
    def ready(self) -> bool:
        """True once enough flat steps were seen for the cadence baseline."""
        return len(self._overall["cadence_spm"]) >= self.min_flat_steps

    def update(self, step: StepEvent, grade_pct: float | None) -> None:
        """Learn from one step if it was on flat ground.

        Args:
            step: the step.
            grade_pct: smoothed grade at that step, percent; None (unknown) means not learned from.
        """
        if grade_pct is None or abs(grade_pct) >= self.flat_grade_pct:
            return
        self.flat_steps += 1
        self._tables.clear()
        speed = step.speed_mps
        bin_values = None
        if speed is not None and math.isfinite(speed) and speed > 0:
            key = int(speed // self.speed_bin_mps)
            bin_values = self._bins.setdefault(
                key, {m: deque(maxlen=self.window_steps) for m in (*METRICS, "speed_mps")}
            )
            bin_values["speed_mps"].append(speed)
            self._overall["speed_mps"].append(speed)
        for metric in METRICS:
            value = getattr(step, metric)
            if value is None and metric == "cadence_spm" and step.step_time_s:
                value = 60.0 / step.step_time_s
            if value is None or not math.isfinite(value):
                continue
            self._overall[metric].append(value)
            if bin_values is not None:
                bin_values[metric].append(value)

    def expected(self, metric: str, speed_mps: float | None = None) -> float | None:
        """The runner's flat-ground value of ``metric`` at ``speed_mps``.

        Args:
            metric: one of :data:`METRICS`.
            speed_mps: current speed, m/s, or None if unknown.

        Returns:
            The baseline in the metric's unit (steps/min, m, g or degrees); before the baseline is ready
            the cadence prior for cadence, None for the rest.
        """
        values = self._overall[metric]
        if len(values) < self.min_flat_steps:
            return self.prior_cadence_spm if metric == "cadence_spm" else None
        speeds = self._overall["speed_mps"]
        known = speed_mps is not None and math.isfinite(speed_mps) and speed_mps > 0 and len(speeds) > 0
        if metric in ("cadence_spm", "stride_m") and known and speed_mps is not None:
            cadence = median(self._overall["cadence_spm"]) + CADENCE_PER_MPS * (speed_mps - median(speeds))
            return cadence if metric == "cadence_spm" else speed_mps * 120.0 / cadence
        if speed_mps is not None and math.isfinite(speed_mps):
            at_speed = self._at_speed(metric, speed_mps)
            if at_speed is not None:
                return at_speed
        return median(values)

    def _table(self, metric: str) -> tuple[list[float], list[float]]:
        """(median speed, median of ``metric``) of every bin with enough steps, by speed."""
        table = self._tables.get(metric)
        if table is None:
            speeds, medians = [], []
            for key in sorted(self._bins):
                values = self._bins[key][metric]
                if len(values) >= self.min_bin_steps:
                    speeds.append(median(self._bins[key]["speed_mps"]))
                    medians.append(median(values))
            table = self._tables[metric] = (speeds, medians)
        return table

    def _at_speed(self, metric: str, speed_mps: float) -> float | None:
        """The speed bins' medians of ``metric`` interpolated at ``speed_mps`` (m/s); None without bins."""
        speeds, medians = self._table(metric)
        if not speeds:
            return None
        return float(np.interp(speed_mps, speeds, medians))
