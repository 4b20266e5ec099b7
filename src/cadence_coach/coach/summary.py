"""Session summary of the coaching: time on descents by band, cadence on flat vs descents, heel strikes
on descents and the cues given; as text lines and as one short spoken sentence.
"""

from __future__ import annotations

from collections import Counter

from ..datatypes import Cue, StepEvent, StrikeClass
from ..gait.strike import STRIKE_HEEL_DEG
from .descent import Band, DescentState

MAX_STEP_GAP_S = 5.0
"""A longer time between two steps is a pause or a data gap and is not counted as running time, s."""
CADENCE_BIN_SPM = 0.01
"""Resolution of the cadence medians, steps/min (they are shown rounded to whole steps/min)."""


class BinnedMedian:
    """The median of a stream of values kept as a histogram of ``resolution``-wide bins: memory is
    bounded by the range of the values, not by how many there are (a 12-hour session's cadences take
    the same room as a 10-minute one's). Exact to ``resolution / 2``.
    """

    def __init__(self, resolution: float = CADENCE_BIN_SPM) -> None:
        self.resolution = resolution
        self.count = 0
        self._bins: Counter[int] = Counter()

    def add(self, value: float) -> None:
        """Count one value."""
        self._bins[round(value / self.resolution)] += 1
        self.count += 1

    def median(self) -> float | None:
        """The median (the mean of the two middle values for an even count), None when empty."""
        if not self.count:
            return None
        lo_rank, hi_rank = (self.count - 1) // 2, self.count // 2
        lo = hi = None
        seen = 0
        for b in sorted(self._bins):
            seen += self._bins[b]
            if lo is None and seen > lo_rank:
                lo = b
            if seen > hi_rank:
                hi = b
                break
        assert lo is not None and hi is not None
        return (lo + hi) / 2 * self.resolution if lo != hi else lo * self.resolution


class SessionSummary:
    """Accumulates the figures of a session, step by step.

    Args:
        flat_grade_pct: |grade| below this counts as flat for the flat cadence, percent.
        heel_strike_deg: strike angle above this counts as a heel strike when a step has no class, deg.
    """

    def __init__(self, flat_grade_pct: float = 1.5, heel_strike_deg: float = STRIKE_HEEL_DEG) -> None:
        self.flat_grade_pct = flat_grade_pct
        self.heel_strike_deg = heel_strike_deg
        self.descent_time_s: dict[Band, float] = {band: 0.0 for band in Band}
        self.descents = 0
        self.cues: Counter[str] = Counter()
        self._flat_cadence = BinnedMedian()
        self._descent_cadence = BinnedMedian()
        self._descent_strikes = 0
        self._descent_heel_strikes = 0
        self._last_t: float | None = None
        self._was_active = False

    def add_step(self, step: StepEvent, descent: DescentState) -> None:
        """Count one step with the descent state after it."""
        t = step.t_ic_s
        dt = 0.0 if self._last_t is None else t - self._last_t
        self._last_t = t
        if descent.active and descent.band is not None:
            if not self._was_active:
                # confirmed now, but it began when the evidence for it began
                self.descents += 1
                since = descent.since_s if descent.since_s is not None else t
                self.descent_time_s[descent.band] += t - since
            elif 0 < dt <= MAX_STEP_GAP_S:
                self.descent_time_s[descent.band] += dt
        self._was_active = descent.active
        cadence = step.cadence_spm
        if descent.active:
            if cadence is not None:
                self._descent_cadence.add(cadence)
            heel = self._is_heel_strike(step)
            if heel is not None:
                self._descent_strikes += 1
                self._descent_heel_strikes += heel
        elif (
            cadence is not None
            and descent.grade_pct is not None
            and abs(descent.grade_pct) < self.flat_grade_pct
        ):
            self._flat_cadence.add(cadence)

    def _is_heel_strike(self, step: StepEvent) -> bool | None:
        if step.strike is not None:
            return step.strike is StrikeClass.HEEL
        if step.strike_angle_deg is not None:
            return step.strike_angle_deg > self.heel_strike_deg
        return None

    def add_cue(self, cue: Cue) -> None:
        """Count one cue given."""
        self.cues[cue.cue_id] += 1

    @property
    def total_descent_s(self) -> float:
        """Time on confirmed descents, s."""
        return sum(self.descent_time_s.values())

    @property
    def flat_cadence_spm(self) -> float | None:
        """Median cadence on flat ground, steps/min."""
        return self._flat_cadence.median()

    @property
    def descent_cadence_spm(self) -> float | None:
        """Median cadence on descents, steps/min."""
        return self._descent_cadence.median()

    @property
    def descent_heel_strike_share(self) -> float | None:
        """Share of descent steps with a heel strike, 0..1, or None if no strike was measured."""
        if not self._descent_strikes:
            return None
        return self._descent_heel_strikes / self._descent_strikes

    def lines(self) -> list[str]:
        """The summary as text lines for a report or the terminal."""
        out = [
            f"descents: {self.descents}, {_minsec(self.total_descent_s)} in total"
            + "".join(f", {band.value} {_minsec(self.descent_time_s[band])}" for band in Band)
        ]
        flat, down = self.flat_cadence_spm, self.descent_cadence_spm
        out.append(
            f"cadence: flat {_spm(flat)}, descents {_spm(down)}"
            + (f" ({100 * (down / flat - 1):+.0f} %)" if flat and down else "")
        )
        share = self.descent_heel_strike_share
        out.append("heel strikes on descents: " + ("-" if share is None else f"{100 * share:.0f} %"))
        given = ", ".join(f"{cid} {n}" for cid, n in self.cues.most_common())
        out.append(f"cues: {sum(self.cues.values())}" + (f" ({given})" if given else ""))
        return out

    def spoken(self) -> str:
        """One short sentence to speak at the end of the session."""
        if not self.descents:
            return "No descents this run."
        parts = [f"{_spoken_duration(self.total_descent_s)} downhill"]
        flat, down = self.flat_cadence_spm, self.descent_cadence_spm
        if flat and down:
            parts.append(f"cadence {round(down)} downhill versus {round(flat)} on the flat")
        share = self.descent_heel_strike_share
        if share is not None:
            parts.append(f"{round(100 * share)} percent heel strikes downhill")
        return ", ".join(parts).capitalize() + "."


def _minsec(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def _spm(cadence: float | None) -> str:
    return "-" if cadence is None else f"{cadence:.0f} spm"


def _spoken_duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes >= 1:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{round(seconds)} seconds"
