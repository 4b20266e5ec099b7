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
    """Median of the finite values pushed over the last ``window_s`` seconds, and of at least the last
    ``min_values`` of them (fewer only at the start); None and NaN are ignored.

    Args:
        window_s: how far back the median reaches, s.
        min_values: how many values it covers at least, however old.
    """

    def __init__(self, window_s: float, min_values: int = 3) -> None:
        self.window_s = window_s
        self.min_values = min_values
        self._values: deque[tuple[float, float]] = deque()  # (t s, value)

    def push(self, t_s: float, value: float | None) -> None:
        """Add a value taken at ``t_s`` (s; ignored if None or not finite) and drop the ones too old."""
        if value is not None and math.isfinite(value):
            self._values.append((t_s, float(value)))
        while len(self._values) > self.min_values and self._values[0][0] < t_s - self.window_s:
            self._values.popleft()

    @property
    def value(self) -> float | None:
        """The median of the values held, or None if there are none."""
        return median(v for _, v in self._values) if self._values else None


class RollingFigures:
    """Rolling medians of the latest steps, the held grade and a short speed history.

    The medians reach back a fixed time rather than a number of steps, so that one foot's sensor (one
    step event per stride) reacts as fast as two. A missed step shows up as one step with half the
    cadence (and a doubled step time); the cadence median over at least ``min_steps`` steps ignores it.

    Args:
        cadence_s: how far back the cadence median reaches, s.
        form_s: how far back the strike angle, impact, stride and trunk pitch medians reach, s.
        speed_s: how far back the speed median reaches, s.
        min_steps: steps every median covers at least.
        grade_hold_s: how long the last reported grade is held when steps carry none, s.
        speed_history_s: how far back :meth:`speed_change_pct` can look, s.
    """

    def __init__(
        self,
        cadence_s: float = 2.5,
        form_s: float = 2.0,
        speed_s: float = 2.0,
        min_steps: int = 3,
        grade_hold_s: float = 5.0,
        speed_history_s: float = 60.0,
    ) -> None:
        self._cadence = RollingMedian(cadence_s, min_steps)
        self._strike = RollingMedian(form_s, min_steps)
        self._impact = RollingMedian(form_s, min_steps)
        self._stride = RollingMedian(form_s, min_steps)
        self._pitch = RollingMedian(form_s, min_steps)
        self._speed = RollingMedian(speed_s, min_steps)
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
        self._cadence.push(t, cadence)
        self._strike.push(t, step.strike_angle_deg)
        self._impact.push(t, step.impact_g)
        self._stride.push(t, step.stride_m)
        self._pitch.push(t, step.trunk_pitch_deg)
        if step.grade_pct is not None and math.isfinite(step.grade_pct):
            self._grade = step.grade_pct
            self._grade_t = t
        if step.speed_mps is not None:
            self._speed.push(t, step.speed_mps)
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
