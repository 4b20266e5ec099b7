"""What the coach expects of this runner when running well: cadence at a speed, landing angle, impact.

Overstriding is a change from how this runner usually runs, so the coach needs the usual, from the
first step on. Three sources, each worth a number of steps, are pooled by those weights:

1. A population prior for cadence (no prior for the landing: strike styles differ too much between
   runners): at 3 m/s, 165 +- 8 steps/min between runners, rising about 7 steps/min per m/s
   (de Ruiter et al. 2020, Eur J Sport Sci 20:182, experienced recreational runners outdoors: 165 +- 8
   at 3.04 m/s, +3 steps/min at 15 % faster; van Oeveren et al. 2017, PLoS One 12:e0184273: 154-160
   steps/min at 2.4-2.9 m/s). Worth ``prior_steps`` steps.
2. The runner's own baseline from earlier sessions (coach/runner_store.py), worth its steps up to
   ``saved_cap_steps``.
3. This session's steps, each worth one step (older ones fading over ``window_steps``). A step is
   learned only ``delay_s`` after it was run and only if nothing looked like overstriding meanwhile
   (the coach calls :meth:`forget_pending`), so the start of an episode is not learned as the usual.

Cadence is kept as the cadence at 3 m/s (each step's cadence moved along the population slope to
3 m/s), so steps at any speed and on any grade pool into one figure; the expected stride is what that
cadence gives at the speed (speed x 120 / cadence). The landing angle and the impact are learned on
flat ground (|grade| below ``flat_grade_pct``) for the session's summary and the saved baseline, and
from every step over the last ``recent_steps`` learned steps as "how this runner lands on this terrain
now", which is what a change is measured against on a descent. How sure the cadence is shrinks with
the weight behind it: the prior's spread times sqrt(prior_steps / total weight).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from statistics import median
from typing import TypeGuard

from ..datatypes import StepEvent

PRIOR_CADENCE_AT_3MPS = 165.0
"""Population cadence at 3 m/s, steps/min (de Ruiter et al. 2020)."""
PRIOR_CADENCE_SD = 8.0
"""Spread of that cadence between runners (one standard deviation), steps/min."""
CADENCE_PER_MPS = 7.0
"""Rise of cadence with running speed, steps/min per m/s (de Ruiter et al. 2020; van Oeveren et al. 2017)."""
REFERENCE_SPEED_MPS = 3.0


@dataclass(frozen=True)
class Learned:
    """One learned figure: its value and the steps behind it."""

    value: float
    steps: float


@dataclass(frozen=True)
class SavedBaseline:
    """A runner's baseline as kept between sessions (coach/runner_store.py); None = never measured.

    Attributes:
        cadence_at_3mps: cadence at 3 m/s, steps/min.
        cadence_any_speed: cadence regardless of speed (sensors without speed), steps/min.
        flat_strike_deg: strike angle on flat ground, degrees (+ = toes up).
        flat_impact_g: impact peak on flat ground, g.
    """

    cadence_at_3mps: Learned | None = None
    cadence_any_speed: Learned | None = None
    flat_strike_deg: Learned | None = None
    flat_impact_g: Learned | None = None


class _Pool:
    """A weighted mean of a prior, a saved figure and this session's values, which fade."""

    def __init__(self, prior: Learned | None, saved: Learned | None, window_steps: int) -> None:
        fixed = [f for f in (prior, saved) if f is not None and f.steps > 0]
        self.prior_w = prior.steps if prior is not None else 0.0
        self.fixed_w = sum(f.steps for f in fixed)
        self.fixed_sum = sum(f.value * f.steps for f in fixed)
        self.fade = 1.0 - 1.0 / window_steps
        self.session_w = 0.0
        self.session_sum = 0.0
        self.session_steps = 0

    def add(self, value: float) -> None:
        self.session_w = self.session_w * self.fade + 1.0
        self.session_sum = self.session_sum * self.fade + value
        self.session_steps += 1

    @property
    def weight(self) -> float:
        return self.fixed_w + self.session_w

    @property
    def own_weight(self) -> float:
        """The weight of the runner's own steps (saved and this session), not the prior's."""
        return self.weight - self.prior_w

    @property
    def value(self) -> float | None:
        return (self.fixed_sum + self.session_sum) / self.weight if self.weight > 0 else None

    def session(self) -> Learned | None:
        """This session's own figure (without prior or saved part)."""
        if self.session_w <= 0:
            return None
        return Learned(self.session_sum / self.session_w, float(self.session_steps))


class RunnerBaseline:
    """The runner's usual cadence at a speed, landing angle and impact, learned as described above.

    Args:
        saved: the runner's baseline from earlier sessions, or None.
        prior_steps: steps the population cadence prior is worth; 0 = no prior.
        saved_cap_steps: most steps a saved figure is worth.
        window_steps: this session's steps fade over about this many steps.
        delay_s: a step is learned this long after its contact, s.
        flat_grade_pct: |grade| below this counts as flat ground, percent.
        recent_steps: learned steps the "lands like this now" figures cover.
        trust_steps: the runner's own steps needed before a step in doubt is kept out (see
            :meth:`forget_pending`).
    """

    def __init__(
        self,
        saved: SavedBaseline | None = None,
        prior_steps: float = 5.0,
        saved_cap_steps: float = 300.0,
        window_steps: int = 600,
        delay_s: float = 3.0,
        flat_grade_pct: float = 1.5,
        recent_steps: int = 30,
        trust_steps: float = 20.0,
    ) -> None:
        saved = saved or SavedBaseline()
        self.prior_steps = prior_steps
        self.trust_steps = trust_steps
        self.delay_s = delay_s
        self.flat_grade_pct = flat_grade_pct

        def capped(learned: Learned | None) -> Learned | None:
            return None if learned is None else Learned(learned.value, min(learned.steps, saved_cap_steps))

        prior = Learned(PRIOR_CADENCE_AT_3MPS, prior_steps)
        self._cadence = _Pool(prior, capped(saved.cadence_at_3mps), window_steps)
        self._cadence_any = _Pool(None, capped(saved.cadence_any_speed), window_steps)
        self._flat_strike = _Pool(None, capped(saved.flat_strike_deg), window_steps)
        self._flat_impact = _Pool(None, capped(saved.flat_impact_g), window_steps)
        self._recent_steps = recent_steps
        self._recent_strike: deque[float] = deque(maxlen=recent_steps)
        self._recent_impact: deque[float] = deque(maxlen=recent_steps)
        self._pending: deque[tuple[float, StepEvent, float | None]] = deque()

    # -- learning ---------------------------------------------------------------------------------

    def observe(self, step: StepEvent, grade_pct: float | None) -> None:
        """Queue a step (with the grade it was run on, percent, None if unknown); it is learned
        ``delay_s`` later unless :meth:`forget_pending` comes first. Learns the steps now due."""
        self._pending.append((step.t_ic_s, step, grade_pct))
        while self._pending and self._pending[0][0] <= step.t_ic_s - self.delay_s:
            _, old, grade = self._pending.popleft()
            self._learn(old, grade)

    def forget_pending(self) -> None:
        """Drop the steps not yet learned: something in them looked like overstriding. Until the
        runner's own steps (saved and this session's) outweigh ``trust_steps``, nothing is dropped:
        the population prior alone cannot tell a runner whose usual cadence is low from one who
        overstrides, and a coach that learned nothing would stay that unsure."""
        if max(self._cadence.own_weight, self._cadence_any.own_weight) >= self.trust_steps:
            self._pending.clear()

    def _learn(self, step: StepEvent, grade_pct: float | None) -> None:
        cadence = step.cadence_spm
        if cadence is None and step.step_time_s:
            cadence = 60.0 / step.step_time_s
        speed = step.speed_mps
        if _finite(cadence):
            self._cadence_any.add(cadence)
            if _finite(speed) and speed > 0:
                self._cadence.add(cadence - CADENCE_PER_MPS * (speed - REFERENCE_SPEED_MPS))
        flat = grade_pct is not None and abs(grade_pct) < self.flat_grade_pct
        strike, impact = step.strike_angle_deg, step.impact_g
        if _finite(strike):
            self._recent_strike.append(strike)
            if flat:
                self._flat_strike.add(strike)
        if _finite(impact):
            self._recent_impact.append(impact)
            if flat:
                self._flat_impact.add(impact)

    # -- what is expected -------------------------------------------------------------------------

    def cadence(self, speed_mps: float | None) -> tuple[float, float] | None:
        """The runner's usual cadence at ``speed_mps`` (m/s, None if unknown) and its standard
        deviation, steps/min; None when nothing is known (no speed and no step learned yet)."""
        if _finite(speed_mps) and speed_mps > 0:
            pool, offset = self._cadence, CADENCE_PER_MPS * (speed_mps - REFERENCE_SPEED_MPS)
        else:
            pool, offset = self._cadence_any, 0.0
        if pool.value is None:
            return None
        spread = PRIOR_CADENCE_SD * math.sqrt(max(self.prior_steps, 1.0) / pool.weight)
        return pool.value + offset, spread

    def stride_m(self, speed_mps: float | None) -> float | None:
        """The stride (two steps) the usual cadence gives at ``speed_mps``, m; None without speed."""
        cadence = self.cadence(speed_mps)
        if cadence is not None and _finite(speed_mps) and speed_mps > 0:
            return speed_mps * 120.0 / cadence[0]
        return None

    @property
    def recent_strike_deg(self) -> float | None:
        """Median strike angle of the last learned steps (how this runner lands now), degrees."""
        return median(self._recent_strike) if self._recent_strike else None

    @property
    def recent_impact_g(self) -> float | None:
        """Median impact of the last learned steps, g; None before a third of ``recent_steps`` were
        learned (one step's impact varies by a quarter, and the first steps from standing land softly)."""
        enough = len(self._recent_impact) >= max(1, self._recent_steps // 3)
        return median(self._recent_impact) if enough else None

    @property
    def flat_strike_deg(self) -> float | None:
        """The runner's strike angle on flat ground (saved and this session), degrees."""
        return self._flat_strike.value

    @property
    def flat_impact_g(self) -> float | None:
        """The runner's impact on flat ground (saved and this session), g."""
        return self._flat_impact.value

    @property
    def steps_learned(self) -> int:
        """Steps of this session learned so far."""
        return self._cadence_any.session_steps

    def session(self) -> SavedBaseline:
        """This session's own figures, for the saved baseline (coach/runner_store.py merges them)."""
        return SavedBaseline(
            cadence_at_3mps=self._cadence.session(),
            cadence_any_speed=self._cadence_any.session(),
            flat_strike_deg=self._flat_strike.session(),
            flat_impact_g=self._flat_impact.session(),
        )


def _finite(value: float | None) -> TypeGuard[float]:
    """Whether ``value`` is a number (not None, not NaN or infinite)."""
    return value is not None and math.isfinite(value)
