"""Descent detection from the grade: evidence to enter, a hold to leave, and the steepness band."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .config import DescentSettings


class Band(str, Enum):
    """How steep a descent is (COACHING.md: -2..-5 %, -5..-10 %, below -10 %)."""

    GENTLE = "gentle"
    MODERATE = "moderate"
    STEEP = "steep"


@dataclass(frozen=True, slots=True)
class DescentState:
    """Where the runner is.

    Attributes:
        active: True while on a confirmed descent.
        band: steepness band of the current grade while active, else None.
        since_s: when the grade first went below the entry threshold for this descent, s
            (session time base); None when not active.
        grade_pct: the smoothed grade the state was decided on, percent, or None if unknown.
        leaving: True while active but the grade is above the exit grade (the exit hold is running):
            the descent may be over, so no descent cue is given.
    """

    active: bool = False
    band: Band | None = None
    since_s: float | None = None
    grade_pct: float | None = None
    leaving: bool = False


class DescentDetector:
    """Enters a descent once the grade has gathered enough evidence below the entry grade; leaves it
    when the grade stays above the (higher) exit grade long enough. An unknown grade ends a descent at
    once, since nothing confirms it any more.

    The evidence is a one-sided cumulative sum (CUSUM) of how far the grade is below the entry grade,
    in percentage-point seconds: it grows by ``(enter - grade) * dt`` and never falls below zero, so a
    steep grade confirms within a step or two, a grade just below the entry grade takes longer, and
    the grade's noise around a flat or a climb (which sits above the entry grade) never adds up. The
    descent is dated from when this run of evidence began. The sum is capped at what entry needs and
    cleared when a descent ends.
    """

    def __init__(self, settings: DescentSettings | None = None) -> None:
        self.settings = settings or DescentSettings()
        self._evidence = 0.0  # pp s below the entry grade
        self._evidence_since: float | None = None  # when the evidence last rose from zero, s
        self._above_since: float | None = None  # grade > exit threshold since (while active), s
        self._t: float | None = None
        self.state = DescentState()

    def band_of(self, grade_pct: float) -> Band:
        """The band a grade (percent) falls in; grades above the gentle range count as gentle."""
        s = self.settings
        if grade_pct < s.steep_grade_pct:
            return Band.STEEP
        if grade_pct < s.moderate_grade_pct:
            return Band.MODERATE
        return Band.GENTLE

    def update(self, t_s: float, grade_pct: float | None) -> DescentState:
        """Take the grade (percent, None if unknown) at time ``t_s`` (s); returns the new state."""
        s = self.settings
        dt = 0.0 if self._t is None else min(max(t_s - self._t, 0.0), s.max_step_s)
        self._t = t_s
        if grade_pct is None:
            self._evidence, self._evidence_since, self._above_since = 0.0, None, None
            self.state = DescentState()
            return self.state
        self._gather(t_s, dt, grade_pct)
        active, since = self.state.active, self.state.since_s
        if active:
            if grade_pct > s.exit_grade_pct:
                if self._above_since is None:
                    self._above_since = t_s
                if t_s - self._above_since >= s.exit_hold_s:
                    active, since = False, None
                    self._evidence, self._evidence_since = 0.0, None
            else:
                self._above_since = None
        elif self._evidence >= s.enter_evidence_pp_s and self._evidence_since is not None:
            active, since = True, self._evidence_since
            self._above_since = None
        self.state = DescentState(
            active=active,
            band=self.band_of(grade_pct) if active else None,
            since_s=since,
            grade_pct=grade_pct,
            leaving=active and self._above_since is not None,
        )
        return self.state

    def _gather(self, t_s: float, dt: float, grade_pct: float) -> None:
        """Add this step's evidence below the entry grade (a step's own grade counts from the first one on)."""
        below = self.settings.enter_grade_pct - grade_pct
        if below > 0 and self._evidence == 0.0:
            self._evidence_since = t_s
            dt = max(dt, self.settings.first_step_s)
        self._evidence = min(max(0.0, self._evidence + below * dt), self.settings.enter_evidence_pp_s)
        if self._evidence == 0.0:
            self._evidence_since = None
