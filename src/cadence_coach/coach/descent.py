"""Descent detection from the smoothed grade, with hysteresis, and its steepness band."""

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
    """

    active: bool = False
    band: Band | None = None
    since_s: float | None = None
    grade_pct: float | None = None


class DescentDetector:
    """Enters a descent when the grade stays at or below the entry grade long enough; leaves it when the
    grade stays above the (higher) exit grade long enough. An unknown grade ends a descent at once,
    since nothing confirms it any more.
    """

    def __init__(self, settings: DescentSettings | None = None) -> None:
        self.settings = settings or DescentSettings()
        self._below_since: float | None = None  # grade <= enter threshold since, s
        self._above_since: float | None = None  # grade > exit threshold since (while active), s
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
        if grade_pct is None:
            self._below_since = self._above_since = None
            self.state = DescentState()
            return self.state
        if grade_pct <= s.enter_grade_pct:
            if self._below_since is None:
                self._below_since = t_s
        else:
            self._below_since = None
        active = self.state.active
        since = self.state.since_s
        if active:
            if grade_pct > s.exit_grade_pct:
                if self._above_since is None:
                    self._above_since = t_s
                if t_s - self._above_since >= s.exit_hold_s:
                    active, since = False, None
            else:
                self._above_since = None
        elif self._below_since is not None and t_s - self._below_since >= s.enter_hold_s:
            active, since = True, self._below_since
            self._above_since = None
        self.state = DescentState(
            active=active,
            band=self.band_of(grade_pct) if active else None,
            since_s=since,
            grade_pct=grade_pct,
        )
        return self.state
