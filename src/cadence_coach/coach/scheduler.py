"""The no-nagging schedule: which of the present faults, if any, gets a cue at this step.

- Terrain: rules that need a descent are silent on flats and climbs unless ``speak_on_flats``.
- Global gap: no cue within ``min_gap_s`` of the previous one.
- Per-fault cooldown: a fault is cued at most once per cooldown (``cooldown_s``; the arms_low reminder
  uses its own interval). The cues of one rule (shorten_stride, quick_feet, land_midfoot) share one.
- New episode: a fault that comes back after ``new_episode_s`` without it is cued without waiting for
  its cooldown (only the global gap applies); one that flickers back sooner waits for its cooldown.
- Fading: when a cued fault then stays away for ``fade_after_steps`` steps, the runner corrected it:
  its cooldown is multiplied by ``fade_factor`` (up to ``max_cooldown_s``), so it is cued less often as
  form holds. If a fault is cued again without having been corrected in between, its cooldown returns
  to the base value: a persisting fault is repeated at the base rate.
- Confirmation: after such a correction, "Good, keep that" (cue ``good_form``) if enabled, on the same
  terrain rules, at most once per ``confirmation_gap_s``, and only while still fresh.
- Reminders (ease_off, arms_low) give way to faults: one waits until no fault has been present or
  building up (a rule's ``watching``) for ``reminder_quiet_s``, and a fault cue counts as the reminder
  too (its interval restarts), so that the budget of one cue per ``min_gap_s`` goes to faults first.
- Competition: the highest priority wins; among equals, the rule listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..datatypes import Cue
from .config import CONFIRMATION_CUE, CueSettings, ScheduleSettings
from .rules import Finding, Rule

REASON_MAX_CHARS = 79
"""Longest reason a cue carries for people (the live view, the cue lines); the full figures are in
``Cue.figures`` (cues.csv)."""
CONFIRMATION_FRESH_S = 10.0
"""A confirmation not spoken within this long of the correction is dropped (late praise confuses), s."""


@dataclass(slots=True)
class FaultTrack:
    """Schedule state of one rule's fault.

    Attributes:
        base_cooldown_s: the cooldown before any fading, s.
        cooldown_s: the current cooldown, s.
        last_cue_s: when it was last cued, s, or None.
        clear_steps: consecutive steps without the fault.
        absent_since_s: since when the fault has been absent, s, or None while present.
        new_episode: present again after a long absence and not cued yet.
        awaiting_fix: cued, and not yet absent for ``fade_after_steps`` steps since.
    """

    base_cooldown_s: float
    cooldown_s: float
    last_cue_s: float | None = None
    clear_steps: int = 0
    absent_since_s: float | None = None
    new_episode: bool = False
    awaiting_fix: bool = False


class CueScheduler:
    """Picks at most one cue per step from the rules' findings.

    Args:
        schedule: gaps, cooldowns, fading and confirmation settings.
        cues: text, priority and on/off of every cue id.
        cooldowns_s: base cooldown per fault name where it differs from ``schedule.cooldown_s``, s.
    """

    def __init__(
        self,
        schedule: ScheduleSettings,
        cues: dict[str, CueSettings],
        cooldowns_s: dict[str, float] | None = None,
    ) -> None:
        self.s = schedule
        self.cues = cues
        self.cooldowns_s = cooldowns_s or {}
        self.tracks: dict[str, FaultTrack] = {}
        self._last_cue_s: float | None = None
        self._last_confirmation_s: float | None = None
        self._correction: tuple[float, Rule, Finding] | None = None  # fresh correction to confirm
        self._fault_seen_s: float | None = None  # last step at which a fault (not a reminder) was present

    def _track(self, rule: Rule) -> FaultTrack:
        track = self.tracks.get(rule.fault)
        if track is None:
            base = self.cooldowns_s.get(rule.fault, self.s.cooldown_s)
            track = self.tracks[rule.fault] = FaultTrack(base, base)
        return track

    def _allowed_here(self, rule: Rule, descending: bool) -> bool:
        return descending or self.s.speak_on_flats or not rule.needs_descent

    def decide(self, t_s: float, results: list[tuple[Rule, Finding | None]], descending: bool) -> Cue | None:
        """The cue to give at ``t_s`` (s), or None.

        Args:
            t_s: decision time, s (session time base).
            results: every rule with its finding at this step (None = fault absent), in rule order.
            descending: True while on a confirmed descent.
        """
        self._note_corrections(t_s, results)
        if any((f is not None or r.watching) and not r.reminder for r, f in results):
            self._fault_seen_s = t_s
        quiet = self._fault_seen_s is None or t_s - self._fault_seen_s >= self.s.reminder_quiet_s
        if self._last_cue_s is not None and t_s - self._last_cue_s < self.s.min_gap_s:
            return None
        best: tuple[int, Rule, Finding] | None = None
        for rule, finding in results:
            if finding is None or not self.cues[finding.cue_id].enabled:
                continue
            if not self._allowed_here(rule, descending) or (rule.reminder and not quiet):
                continue
            track = self._track(rule)
            cooling = track.last_cue_s is not None and t_s - track.last_cue_s < track.cooldown_s
            if cooling and not track.new_episode:
                continue
            priority = self.cues[finding.cue_id].priority
            if best is None or priority > best[0]:
                best = (priority, rule, finding)
        if best is not None:
            _, rule, finding = best
            track = self._track(rule)
            if track.awaiting_fix:
                track.cooldown_s = track.base_cooldown_s
            track.last_cue_s = t_s
            track.new_episode = False
            track.awaiting_fix = not rule.reminder
            if not rule.reminder:  # the runner just heard about their form: reminders can wait
                for other, _ in results:
                    if other.reminder:
                        self._track(other).last_cue_s = t_s
            self._correction = None
            return self._cue(t_s, finding.cue_id, finding.reason, finding.figures)
        return self._confirmation(t_s, descending)

    def _note_corrections(self, t_s: float, results: list[tuple[Rule, Finding | None]]) -> None:
        for rule, finding in results:
            track = self._track(rule)
            if finding is not None:
                if track.absent_since_s is not None and t_s - track.absent_since_s >= self.s.new_episode_s:
                    track.new_episode = track.last_cue_s is not None and not rule.reminder
                track.clear_steps = 0
                track.absent_since_s = None
                continue
            if track.absent_since_s is None:
                track.absent_since_s = t_s
            track.clear_steps += 1
            if track.awaiting_fix and track.clear_steps >= self.s.fade_after_steps:
                track.awaiting_fix = False
                track.cooldown_s = min(
                    track.cooldown_s * self.s.fade_factor, max(self.s.max_cooldown_s, track.base_cooldown_s)
                )
                self._correction = (
                    t_s,
                    rule,
                    Finding(rule.fault, CONFIRMATION_CUE, f"{rule.fault} corrected"),
                )

    def _confirmation(self, t_s: float, descending: bool) -> Cue | None:
        if self._correction is None:
            return None
        corrected_at, rule, finding = self._correction
        if t_s - corrected_at > CONFIRMATION_FRESH_S:
            self._correction = None
            return None
        if not (self.s.confirmations and self.cues[CONFIRMATION_CUE].enabled):
            return None
        if not self._allowed_here(rule, descending):
            return None
        if (
            self._last_confirmation_s is not None
            and t_s - self._last_confirmation_s < self.s.confirmation_gap_s
        ):
            return None
        self._correction = None
        self._last_confirmation_s = t_s
        return self._cue(t_s, CONFIRMATION_CUE, finding.reason, {})

    def _cue(self, t_s: float, cue_id: str, reason: str, figures: dict[str, float]) -> Cue:
        self._last_cue_s = t_s
        settings = self.cues[cue_id]
        return Cue(
            t_s=t_s,
            cue_id=cue_id,
            text=settings.text,
            reason=short_reason(reason),
            priority=settings.priority,
            figures=dict(figures),
        )


def short_reason(reason: str, limit: int = REASON_MAX_CHARS) -> str:
    """``reason``'s leading comma-separated clauses that fit in ``limit`` characters (a rule lists the
    most telling first); a first clause longer than that is cut with an ellipsis."""
    if len(reason) <= limit:
        return reason
    kept = ""
    for clause in reason.split(", "):
        longer = f"{kept}, {clause}" if kept else clause
        if len(longer) > limit:
            break
        kept = longer
    return kept or reason[: limit - 1] + "…"
