"""The coach facade: feed it steps, get back the cues to speak.

    coach = Coach(load_config(None))
    for step in steps:
        for cue in coach.feed(step):
            speak(cue.text)
    print("\\n".join(coach.summary.lines()))

Per step: rolling figures -> descent state -> the runner's baseline -> every rule -> the scheduler
picks at most one cue. Durations inside the rules run on initial-contact times; a cue carries the step's
``detected_at_s`` as its time. Every cue is logged (logger ``cadence_coach.coach.coach``, INFO) with its
figures.
"""

from __future__ import annotations

import logging

from ..datatypes import Cue, StepEvent
from ..gait.baseline import RunnerBaseline, SavedBaseline
from ..gait.rolling import RollingFigures
from .config import CoachConfig
from .descent import DescentDetector, DescentState
from .rules import (
    ArmsLowRule,
    EaseOffRule,
    EyesUpRule,
    LeanFromAnklesRule,
    OverstrideRule,
    Rule,
    Situation,
)
from .scheduler import CueScheduler
from .summary import SessionSummary

log = logging.getLogger(__name__)


def build_rules(config: CoachConfig) -> list[Rule]:
    """The rules whose cues are enabled, most important first."""
    enabled = {cid for cid, cue in config.cues.items() if cue.enabled}
    rules: list[Rule] = []
    if "ease_off" in enabled:
        rules.append(EaseOffRule(config.ease_off))
    if enabled & {"shorten_stride", "quick_feet", "land_midfoot"}:
        rules.append(OverstrideRule(config.overstride, enabled))
    if "lean_from_ankles" in enabled and config.lean_from_ankles.pitch_sensor == "trunk":
        rules.append(LeanFromAnklesRule(config.lean_from_ankles))
    if "eyes_up" in enabled:
        rules.append(EyesUpRule(config.eyes_up))
    if "arms_low" in enabled:
        rules.append(ArmsLowRule(config.arms_low))
    return rules


class Coach:
    """Turns step events into cues.

    Args:
        config: coach configuration; None for the defaults.
        saved: the runner's baseline from earlier sessions (coach/runner_store.py), or None.
    """

    def __init__(self, config: CoachConfig | None = None, saved: SavedBaseline | None = None) -> None:
        self.config = config or CoachConfig()
        c = self.config
        self.figures = RollingFigures()
        b = c.baseline
        self.baseline = RunnerBaseline(
            saved,
            prior_steps=b.prior_steps,
            saved_cap_steps=b.saved_cap_steps,
            window_steps=b.window_steps,
            delay_s=b.delay_s,
            flat_grade_pct=b.flat_grade_pct,
            recent_steps=b.recent_steps,
            trust_steps=b.trust_steps,
        )
        self.detector = DescentDetector(c.descent)
        self.rules = build_rules(c)
        self.scheduler = CueScheduler(
            c.schedule, c.cues, {ArmsLowRule.fault: c.arms_low.every_s, EaseOffRule.fault: c.ease_off.every_s}
        )
        self.summary = SessionSummary(c.baseline.flat_grade_pct, c.overstride.heel_strike_deg)

    @property
    def descent(self) -> DescentState:
        """The descent state after the last step."""
        return self.detector.state

    @property
    def target_cadence_spm(self) -> float | None:
        """The cadence the coach asks for now: the runner's usual cadence at the current speed plus
        ``overstride.cadence_target_pct``, steps/min; None while nothing is known (no speed and no
        step learned yet)."""
        usual = self.baseline.cadence(self.figures.speed_mps)
        return None if usual is None else usual[0] * (1 + self.config.overstride.cadence_target_pct / 100)

    def feed(self, step: StepEvent) -> list[Cue]:
        """Take one step (in time order); returns the cues to give now (zero or one)."""
        self.figures.update(step)
        grade = self.figures.grade_pct
        descent = self.detector.update(step.t_ic_s, grade)
        self.baseline.observe(step, grade)
        now = Situation(step.t_ic_s, self.figures, self.baseline, descent)
        results = [(rule, rule.check(now)) for rule in self.rules]
        if any(isinstance(rule, OverstrideRule) and rule.holds for rule in self.rules):
            self.baseline.forget_pending()  # not the runner's usual: keep it out of the baseline
        cue = self.scheduler.decide(step.detected_at_s, results, descent.active and not descent.leaving)
        self.summary.add_step(step, descent)
        if cue is None:
            return []
        self.summary.add_cue(cue)
        log.info(
            "cue %s at %.2f s: %r (%s) figures=%s",
            cue.cue_id,
            cue.t_s,
            cue.text,
            cue.reason,
            {k: round(v, 2) for k, v in cue.figures.items()},
        )
        return [cue]
