"""Issue 11's targets over a set of scored runs (:mod:`.coach_scoring`): each figure pooled over the runs,
its goal and whether it is met, and the lines and table that report them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .coach_scoring import RunScore


@dataclass(frozen=True)
class Target:
    """One of issue 11's targets over a set of runs: its figure, the goal, and whether it is met
    (None when the runs give nothing to measure it on, e.g. no episodes)."""

    name: str
    value: str
    goal: str
    met: bool | None


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank, so infinite values (never happened) count; NaN if empty."""
    return float(np.percentile(values, 100 * q, method="inverted_cdf")) if values else math.nan


def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def _seconds(v: float) -> str:
    return "never" if v == math.inf else f"{v:.1f} s"


def targets(scores: list[RunScore]) -> list[Target]:
    """The targets over a set of runs, pooled: ratios over all cues and episodes, quantiles over all
    episodes, descents and windows of all runs."""
    return _overstride_targets(scores) + _terrain_targets(scores)


def _total(scores: list[RunScore], name: str) -> int:
    return sum(getattr(s, name) for s in scores)


def _pool(scores: list[RunScore], name: str) -> list[float]:
    return [v for s in scores for v in getattr(s, name)]


def _at_most(value: float, limit: float) -> bool | None:
    return None if math.isnan(value) else value <= limit


def _at_least(value: float, limit: float) -> bool | None:
    return None if math.isnan(value) else value >= limit


def _overstride_targets(scores: list[RunScore]) -> list[Target]:
    """Precision and recall of the overstride cues, and the time to the first cue of an episode."""
    hits, cues = _total(scores, "overstride_cues_in_episodes"), _total(scores, "overstride_cues")
    cued, episodes = _total(scores, "episodes_cued"), _total(scores, "episodes")
    precision, recall = _ratio(hits, cues), _ratio(cued, episodes)
    delays = _pool(scores, "first_cue_s")
    return [
        Target(
            "overstride-cue precision",
            f"{precision:.2f} ({hits}/{cues} cues)",
            ">= 0.95",
            _at_least(precision, 0.95),
        ),
        Target(
            "overstride-cue recall",
            f"{recall:.2f} ({cued}/{episodes} episodes)",
            ">= 0.95",
            _at_least(recall, 0.95),
        ),
        Target(
            "time to first cue, median",
            f"{_seconds(quantile(delays, 0.5))} ({len(delays)} cued)",
            "<= 3 s",
            _at_most(quantile(delays, 0.5), 3.0),
        ),
        Target(
            "time to first cue, 95th pct",
            _seconds(quantile(delays, 0.95)),
            "<= 8 s",
            _at_most(quantile(delays, 0.95), 8.0),
        ),
    ]


def _terrain_targets(scores: list[RunScore]) -> list[Target]:
    """Descent cues off descents, how busy the coach is, descent onset and the grade error."""
    on_flats, after = _total(scores, "descent_cues_on_flats"), _total(scores, "descent_cues_after_descent")
    minutes = sum(s.duration_s for s in scores) / 60.0
    busiest = max((s.max_cues_in_window for s in scores), default=0)
    onsets, windows = _pool(scores, "onset_s"), _pool(scores, "grade_window_pp")
    confirmed = sum(math.isfinite(v) for v in onsets)
    return [
        Target("descent cues on flats and climbs", str(on_flats), "0", on_flats == 0),
        Target("descent cues after a descent ended", str(after), "0", after == 0),
        Target(
            "most cues in any 20 s",
            f"{busiest} ({_total(scores, 'cues') / minutes:.2f} per min)" if minutes else "-",
            "<= 1",
            busiest <= 1,
        ),
        Target(
            "descent onset confirmed, median",
            f"{_seconds(quantile(onsets, 0.5))} ({confirmed}/{len(onsets)} confirmed)",
            "<= 3 s",
            _at_most(quantile(onsets, 0.5), 3.0),
        ),
        Target(
            "grade error over 30 s, 95th pct",
            f"{quantile(windows, 0.95):.2f} pp (trailing 10 s: "
            f"{quantile(_pool(scores, 'grade_window_trailing_pp'), 0.95):.2f} pp)",
            "<= 1 pp",
            _at_most(quantile(windows, 0.95), 1.0),
        ),
    ]


def grade_lag_line(scores: list[RunScore]) -> str:
    """The grade lag on descents of -4 % or steeper, for people (no target)."""
    lag50 = [v for s in scores for v in s.grade_lag50_s]
    lag90 = [v for s in scores for v in s.grade_lag90_s]
    return (
        f"grade lag at descent onsets (median / 95th pct): to 50 % {_seconds(quantile(lag50, 0.5))} / "
        f"{_seconds(quantile(lag50, 0.95))}, to 90 % {_seconds(quantile(lag90, 0.5))} / "
        f"{_seconds(quantile(lag90, 0.95))} ({len(lag50)} descents)"
    )


def grade_by_barometer_line(scores: list[RunScore]) -> str:
    """The grade error over 30 s windows (95th pct, vs the true grade now) with and without a barometer:
    without one, the IMU's slow grade bias cannot be told from the grade."""
    parts = []
    for baro, name in ((True, "with barometer"), (False, "without")):
        windows = [v for s in scores if s.baro is baro for v in s.grade_window_pp]
        runs = sum(s.baro is baro for s in scores)
        if runs:
            parts.append(f"{name} {quantile(windows, 0.95):.2f} pp ({runs} runs)")
    return "grade error over 30 s, 95th pct: " + ", ".join(parts) if parts else ""


def barometer_lines(scores: list[RunScore]) -> list[str]:
    """Every target's figure over the runs with a barometer, then over those without (runs whose
    barometer is not known are left out); one line each, for people."""
    out = []
    for baro, name in ((True, "with barometer"), (False, "without barometer")):
        mine = [s for s in scores if s.baro is baro]
        if mine:
            figures = "; ".join(f"{t.name} {t.value}" for t in targets(mine))
            out.append(f"{name} ({len(mine)} runs): {figures}")
    return out


def group_lines(scores: list[RunScore]) -> list[str]:
    """Overstride recall in the first descent and later, then precision and recall per group of runs."""
    first = [c for s in scores for c, f in zip(s.episode_cued, s.episode_in_first_descent) if f]
    later = [c for s in scores for c, f in zip(s.episode_cued, s.episode_in_first_descent) if not f]
    out = [
        (
            f"recall in the first descent {_ratio(sum(first), len(first)):.2f} ({sum(first)}/{len(first)}), "
            f"later {_ratio(sum(later), len(later)):.2f} ({sum(later)}/{len(later)})"
        )
    ]
    for group in sorted({s.group for s in scores}):
        mine = [s for s in scores if s.group == group]
        cues, hits = sum(s.overstride_cues for s in mine), sum(s.overstride_cues_in_episodes for s in mine)
        episodes, cued = sum(s.episodes for s in mine), sum(s.episodes_cued for s in mine)
        out.append(
            f"{group or 'all'} ({len(mine)} runs): precision {_ratio(hits, cues):.2f} ({hits}/{cues}), "
            f"recall {_ratio(cued, episodes):.2f} ({cued}/{episodes})"
        )
    return out


def target_table(scores: list[RunScore]) -> str:
    """The targets as a markdown table."""
    rows = ["| figure | measured | target | met? |", "|---|---|---|---|"]
    for t in targets(scores):
        met = "n/a" if t.met is None else ("yes" if t.met else "no")
        rows.append(f"| {t.name} | {t.value} | {t.goal} | {met} |")
    return "\n".join(rows)
