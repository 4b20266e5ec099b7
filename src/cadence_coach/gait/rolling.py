"""Rolling figures over the most recent steps: cadence, speed, grade and form, robust to outliers.

Pure consumers of :class:`~cadence_coach.datatypes.StepEvent`: feed every step to
:meth:`RollingFigures.update`, then read the properties. Every figure is None until the steps carried
the field it needs (a shank sensor gives no stride or speed; grade needs a foot IMU or a barometer).
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median

from ..datatypes import StepEvent


class RollingMedian:
    """Median of the last ``n`` finite values pushed; None and NaN are ignored.

    Args:
        n: how many values the median covers.
    """

    def __init__(self, n: int) -> None:
        self._values: deque[float] = deque(maxlen=n)

    def push(self, value: float | None) -> None:
        """Add a value (ignored if None or not finite)."""
        if value is not None and math.isfinite(value):
            self._values.append(float(value))

    @property
    def value(self) -> float | None:
        """The median of the values held, or None if there are none."""
        return median(self._values) if self._values else None


class RollingFigures:
    """Rolling medians of the latest steps, the held grade and a short speed history.

    A missed step shows up as one step with half the cadence (and a doubled step time); the cadence
    median over ``cadence_steps`` steps ignores it.

    Args:
        cadence_steps: steps the cadence median covers.
        form_steps: steps the strike angle, impact, stride and trunk pitch medians cover.
        speed_strides: speed readings the speed median covers.
        grade_hold_s: how long the last reported grade is held when steps carry none, s.
        speed_history_s: how far back :meth:`speed_change_pct` can look, s.
    """

    def __init__(
        self,
        cadence_steps: int = 8,
        form_steps: int = 6,
        speed_strides: int = 4,
        grade_hold_s: float = 5.0,
        speed_history_s: float = 60.0,
    ) -> None:
        self._cadence = RollingMedian(cadence_steps)
        self._strike = RollingMedian(form_steps)
        self._impact = RollingMedian(form_steps)
        self._stride = RollingMedian(form_steps)
        self._pitch = RollingMedian(form_steps)
        self._speed = RollingMedian(speed_strides)
        self.grade_hold_s = grade_hold_s
        self.speed_history_s = speed_history_s
        self._grade: float | None = None
        self._grade_t: float = -math.inf
        self._speed_history: deque[tuple[float, float]] = deque()  # (t_s, rolling speed m/s)
        self.t_s: float | None = None

    def update(self, step: StepEvent) -> None:
        """Take in one step (steps must come in time order)."""
        t = step.t_ic_s
        self.t_s = t
        cadence = step.cadence_spm
        if cadence is None and step.step_time_s:
            cadence = 60.0 / step.step_time_s
        self._cadence.push(cadence)
        self._strike.push(step.strike_angle_deg)
        self._impact.push(step.impact_g)
        self._stride.push(step.stride_m)
        self._pitch.push(step.trunk_pitch_deg)
        if step.grade_pct is not None and math.isfinite(step.grade_pct):
            self._grade = step.grade_pct
            self._grade_t = t
        if step.speed_mps is not None:
            self._speed.push(step.speed_mps)
            speed = self._speed.value
            if speed is not None:
                self._speed_history.append((t, speed))
        while self._speed_history and self._speed_history[0][0] < t - self.speed_history_s:
            self._speed_history.popleft()

    @property
    def cadence_spm(self) -> float | None:
        """Median cadence of the last steps, steps/min (both feet)."""
        return self._cadence.value

    @property
    def strike_angle_deg(self) -> float | None:
        """Median foot strike angle of the last steps, degrees, + = toes up (heel strike)."""
        return self._strike.value

    @property
    def impact_g(self) -> float | None:
        """Median impact peak of the last steps, g."""
        return self._impact.value

    @property
    def stride_m(self) -> float | None:
        """Median stride length (two steps) of the last strides, m."""
        return self._stride.value

    @property
    def trunk_pitch_deg(self) -> float | None:
        """Median trunk lean (+ forward) or head pitch (+ down) of the last steps, degrees."""
        return self._pitch.value

    @property
    def speed_mps(self) -> float | None:
        """Median speed of the last strides, m/s."""
        return self._speed.value

    @property
    def grade_pct(self) -> float | None:
        """Latest smoothed grade from the engine, percent (negative downhill).

        Held for ``grade_hold_s`` after the last step that carried one, then None.
        """
        if self.t_s is None or self.t_s - self._grade_t > self.grade_hold_s:
            return None
        return self._grade

    def speed_change_pct(self, window_s: float) -> float | None:
        """Change of the rolling speed over the last ``window_s`` seconds, percent.

        Compares the current rolling speed with the oldest one recorded within the window. None until
        the speed history spans at least 90 % of the window (or when speed is unknown).
        """
        if not self._speed_history or self.t_s is None:
            return None
        t_now, v_now = self._speed_history[-1]
        for t_then, v_then in self._speed_history:
            if t_then >= self.t_s - window_s:
                if t_now - t_then < 0.9 * window_s or v_then <= 0:
                    return None
                return 100.0 * (v_now / v_then - 1.0)
        return None
