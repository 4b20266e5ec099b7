"""Coaching rules: each looks at the latest figures and says whether its fault is present now.

A rule is a small object with ``check(situation) -> Finding | None``, called once per step. It returns
a :class:`Finding` for every step its fault is present (after its own hold time or confirmation
steps), not only when a cue should be spoken: the scheduler decides that, and uses the finding
stream to tell a persisting fault from a corrected one.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..gait.baseline import RunnerBaseline
from ..gait.rolling import RollingFigures
from .config import (
    ArmsLowSettings,
    EaseOffSettings,
    EyesUpSettings,
    LeanSettings,
    OverstrideSettings,
)
from .descent import DescentState


@dataclass(frozen=True, slots=True)
class Situation:
    """What the rules look at for one step.

    Attributes:
        t_s: initial contact time of the step, s (session time base).
        figures: rolling figures including this step.
        baseline: the runner's usual cadence and landing.
        descent: the descent state after this step.
    """

    t_s: float
    figures: RollingFigures
    baseline: RunnerBaseline
    descent: DescentState


@dataclass(frozen=True, slots=True)
class Finding:
    """A fault (or reminder) present at this step.

    Attributes:
        fault: the rule's name; cooldowns are kept per fault, so the cues of one rule share one.
        cue_id: the cue that addresses it now.
        reason: the figures that triggered it, for people: comma-separated clauses, most telling
            first (a cue keeps those that fit in a short line, see :func:`.scheduler.short_reason`).
        figures: the same figures and more as numbers (units in the keys), in full in cues.csv.
    """

    fault: str
    cue_id: str
    reason: str
    figures: dict[str, float] = field(default_factory=dict)


class Rule(ABC):
    """Base of the rules.

    Class attributes:
        fault: the rule's name.
        needs_descent: only spoken on a confirmed descent (unless the schedule allows flats).
        reminder: a timed reminder, not a fault: it is not faded and not confirmed.
    """

    fault = ""
    needs_descent = True
    reminder = False
    watching = False
    """True while the fault may be building up (reminders then wait: coach/scheduler.py)."""

    @abstractmethod
    def check(self, now: Situation) -> Finding | None:
        """The finding at this step, or None if the fault is absent."""


class HeldCondition:
    """Tracks since when a condition has been true; ``held(t)`` is how long, s (0 if false)."""

    def __init__(self) -> None:
        self.since_s: float | None = None

    def update(self, t_s: float, true: bool, clear: bool = True) -> float:
        """Record the condition at ``t_s``; when neither true nor ``clear``, the hold keeps running."""
        if true:
            if self.since_s is None:
                self.since_s = t_s
        elif clear:
            self.since_s = None
        return 0.0 if self.since_s is None else t_s - self.since_s


def _over_pct(value: float | None, base: float | None) -> float | None:
    if value is None or base is None or base <= 0:
        return None
    return 100.0 * (value / base - 1.0)


class OverstrideRule(Rule):
    """Overstriding on a descent: a change from how this runner usually runs.

    Present when, for ``confirm_steps`` steps in a row spanning ``confirm_s`` on a descent (not while
    it may be ending; with both feet that is 3 steps, with one foot's sensor 2 strides):

    - the rolling cadence is at least ``cadence_drop_pct`` below the runner's usual cadence at this
      speed (gait/baseline.py: population prior, saved baseline and this session pooled), and at
      least ``cadence_drop_sd`` standard deviations of that usual below it; the stride at this speed
      is then as much longer than usual;
    - AND the landing is harder: a heel strike (strike angle above ``heel_strike_deg``) that is also
      ``strike_rise_deg`` above how this runner has been landing (a habitual heel striker's usual
      heel strike is not evidence), or an impact ``impact_over_pct`` over what the grade predicts.

    A heel strike or a hard landing at the usual cadence is not overstriding (runners shift toward
    the heel and land harder downhill even with good form: Vernillo et al. 2017, Gottschall & Kram
    2005), nor is a low cadence with the usual landing.

    The cue addresses the worst fault, each measured in units of its own threshold: cadence below the
    target (usual + ``cadence_target_pct``) / ``cadence_drop_pct`` -> quick_feet; stride excess /
    ``stride_over_pct`` -> shorten_stride; strike angle / ``heel_strike_deg`` or impact excess /
    ``impact_over_pct`` -> land_midfoot. Only enabled cues compete.
    """

    fault = "overstride"

    def __init__(self, settings: OverstrideSettings, enabled_cues: set[str]) -> None:
        self.s = settings
        self.enabled = enabled_cues & {"quick_feet", "shorten_stride", "land_midfoot"}
        self._streak = 0
        self._flagged = False
        self.holds = False
        """Whether the condition held at the last step (confirmed or not)."""

    def _reset(self) -> None:
        self._streak = 0
        self._since_s: float | None = None  # contact time of the first step of the streak
        self._flagged = False
        self.holds = False
        self.watching = False

    def check(self, now: Situation) -> Finding | None:
        f, s, d = now.figures, self.s, now.descent
        usual = now.baseline.cadence(f.speed_mps)
        if not d.active or d.leaving or f.cadence_spm is None or usual is None or not self.enabled:
            self._reset()
            return None
        base, spread = usual
        cadence = f.cadence_spm
        deficit = 100.0 * (1.0 - cadence / base)
        needed = max(s.cadence_drop_pct, s.cadence_drop_sd * 100.0 * spread / base)
        if deficit < needed:
            self._reset()
            self.watching = deficit >= needed / 2
            return None
        target = base * (1 + s.cadence_target_pct / 100)
        severity = {"quick_feet": 100.0 * (1.0 - cadence / target) / max(s.cadence_drop_pct, 1e-9)}
        faults = self._landing(now, severity)
        base_stride = now.baseline.stride_m(f.speed_mps)
        stride_over = _over_pct(f.stride_m, base_stride)
        if stride_over is not None and stride_over > s.stride_over_pct:
            severity["shorten_stride"] = stride_over / max(s.stride_over_pct, 1e-9)
            faults.append(
                (severity["shorten_stride"], f"stride {f.stride_m:.2f} m > usual {base_stride:.2f} m")
            )
        if "land_midfoot" not in severity:  # a low cadence with the usual landing
            self._reset()
            self.watching = True
            return None
        self.holds = self.watching = True
        self._streak += 1
        if self._since_s is None:
            self._since_s = now.t_s
        if self._streak < s.confirm_steps or now.t_s - self._since_s < s.confirm_s:
            return None
        self._flagged = True
        cue_id = max((c for c in severity if c in self.enabled), key=severity.__getitem__, default=None)
        if cue_id is None:
            return None
        worst_first = [clause for _, clause in sorted(faults, key=lambda fault: -fault[0])]
        grade = d.grade_pct
        reason = ", ".join(
            [f"grade {grade:+.1f} %", f"cadence {cadence:.0f} < usual {base:.0f} spm", *worst_first]
        )
        figures = {
            "grade_pct": grade,
            "cadence_spm": cadence,
            "usual_cadence_spm": base,
            "target_cadence_spm": target,
            "strike_angle_deg": f.strike_angle_deg,
            "stride_m": f.stride_m,
            "usual_stride_m": base_stride,
            "impact_g": f.impact_g,
            "speed_mps": f.speed_mps,
        }
        return Finding(self.fault, cue_id, reason, {k: v for k, v in figures.items() if v is not None})

    def _landing(self, now: Situation, severity: dict[str, float]) -> list[tuple[float, str]]:
        """The landing faults at this step (heel strike beyond the usual, impact over the expected) as
        (severity, clause for the reason); sets their severity under land_midfoot."""
        f, s, b = now.figures, self.s, now.baseline
        faults: list[tuple[float, str]] = []
        slack = s.strike_hysteresis_deg if self._flagged else 0.0
        strike, usual = f.strike_angle_deg, b.recent_strike_deg
        if usual is None:  # nothing learned yet this session: the saved flat landing, if any
            usual = b.flat_strike_deg
        if (
            strike is not None
            and strike > s.heel_strike_deg - slack
            and (usual is None or strike > usual + s.strike_rise_deg)
        ):
            severity["land_midfoot"] = strike / s.heel_strike_deg
            clause = f"strike {strike:+.0f} deg heel" + ("" if usual is None else f" (usual {usual:+.0f})")
            faults.append((severity["land_midfoot"], clause))
        expected = b.flat_impact_g
        grade = now.descent.grade_pct
        if expected is not None and grade is not None and grade < 0:
            expected *= 1 + s.impact_rise_per_grade_pct * -grade / 100
        elif expected is None:
            expected = b.recent_impact_g
        impact_over = _over_pct(f.impact_g, expected)
        if impact_over is not None and impact_over > s.impact_over_pct:
            impact_severity = impact_over / max(s.impact_over_pct, 1e-9)
            severity["land_midfoot"] = max(severity.get("land_midfoot", 0.0), impact_severity)
            faults.append((impact_severity, f"impact {f.impact_g:.1f} g > expected {expected:.1f} g"))
        return faults


class EyesUpRule(Rule):
    """Head pitched (or trunk flexed) more than ``pitch_down_deg`` down for longer than ``hold_s``.

    Uses the rolling trunk/head pitch (+ = forward/down). The hold restarts only once the pitch falls
    ``hysteresis_deg`` below the threshold, so one noisy step does not reset it.
    """

    fault = "eyes_up"

    def __init__(self, settings: EyesUpSettings) -> None:
        self.s = settings
        self._down = HeldCondition()

    def check(self, now: Situation) -> Finding | None:
        pitch = now.figures.trunk_pitch_deg
        if pitch is None:
            self._down.update(now.t_s, False)
            return None
        held = self._down.update(
            now.t_s,
            pitch > self.s.pitch_down_deg,
            clear=pitch < self.s.pitch_down_deg - self.s.hysteresis_deg,
        )
        if held <= self.s.hold_s:
            return None
        return Finding(
            self.fault,
            "eyes_up",
            f"pitch {pitch:.0f} deg down for {held:.1f} s",
            {"pitch_down_deg": pitch, "held_s": held},
        )


def slope_lean_deg(grade_pct: float) -> float:
    """Forward lean that keeps the body perpendicular to a slope of ``grade_pct`` percent, degrees."""
    return math.degrees(math.atan(-grade_pct / 100.0))


class LeanFromAnklesRule(Rule):
    """Leaning back on a descent: trunk pitch more than ``behind_slope_deg`` behind the slope-matched
    forward lean (:func:`slope_lean_deg`) for longer than ``hold_s``. Needs a trunk sensor's pitch.
    """

    fault = "lean_from_ankles"

    def __init__(self, settings: LeanSettings) -> None:
        self.s = settings
        self._back = HeldCondition()

    def check(self, now: Situation) -> Finding | None:
        pitch, grade = now.figures.trunk_pitch_deg, now.descent.grade_pct
        if not now.descent.active or pitch is None or grade is None:
            self._back.update(now.t_s, False)
            return None
        matched = slope_lean_deg(grade)
        behind = matched - pitch
        held = self._back.update(now.t_s, behind > self.s.behind_slope_deg)
        if held <= self.s.hold_s:
            return None
        return Finding(
            self.fault,
            "lean_from_ankles",
            f"grade {grade:+.1f} %, trunk {pitch:+.0f} deg vs slope lean {matched:+.0f} deg",
            {"grade_pct": grade, "trunk_pitch_deg": pitch, "slope_lean_deg": matched},
        )


class ArmsLowRule(Rule):
    """Reminder on a long descent: present once the descent has lasted ``after_s``; the scheduler
    repeats it at most every ``every_s``.
    """

    fault = "arms_low"
    reminder = True

    def __init__(self, settings: ArmsLowSettings) -> None:
        self.s = settings

    def check(self, now: Situation) -> Finding | None:
        d = now.descent
        if not d.active or d.since_s is None or now.t_s - d.since_s < self.s.after_s:
            return None
        on_descent = now.t_s - d.since_s
        return Finding(
            self.fault, "arms_low", f"{on_descent:.0f} s on this descent", {"descent_s": on_descent}
        )


class EaseOffRule(Rule):
    """Too fast or too steep: grade below ``steep_grade_pct`` held ``hold_s``, or, on a descent of at
    least ``surge_grade_pct``, speed up more than ``surge_pct`` over ``surge_window_s`` that began at
    least ``settle_s`` into the descent (a runner speeds up into a descent by itself). Its condition is itself a descent, so it does not wait for descent confirmation. A
    reminder (the runner cannot correct the grade): repeated at most every ``every_s``, never faded.
    """

    fault = "ease_off"
    needs_descent = False
    reminder = True

    def __init__(self, settings: EaseOffSettings) -> None:
        self.s = settings
        self._steep = HeldCondition()

    def check(self, now: Situation) -> Finding | None:
        s, grade = self.s, now.figures.grade_pct
        steep_held = self._steep.update(now.t_s, grade is not None and grade < s.steep_grade_pct)
        if grade is not None and self._steep.since_s is not None and steep_held >= s.hold_s:
            return Finding(
                self.fault,
                "ease_off",
                f"grade {grade:+.1f} % for {steep_held:.0f} s",
                {"grade_pct": grade, "held_s": steep_held},
            )
        d = now.descent
        if not d.active or d.since_s is None or grade is None or grade > s.surge_grade_pct:
            return None
        if now.t_s - d.since_s < s.settle_s + s.surge_window_s:  # the speed-up into a descent is no surge
            return None
        surge = now.figures.speed_change_pct(s.surge_window_s)
        speed = now.figures.speed_mps
        if surge is None or surge <= s.surge_pct or speed is None:
            return None
        return Finding(
            self.fault,
            "ease_off",
            f"speed {speed:.1f} m/s, +{surge:.0f} % in {s.surge_window_s:.0f} s on grade {grade:+.1f} %",
            {"speed_mps": speed, "surge_pct": surge, "grade_pct": grade},
        )
