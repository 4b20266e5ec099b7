"""Scoring what the coach did on a simulated run against the run's ground truth (issue 11's targets).

The input is the truth sidecar (overstride episodes, the true grade once a second) and a
:class:`CoachTrace`: the cues, and after every step the coach's descent state and the grade it used.
:mod:`.coach_runs` makes traces by replaying recordings through the whole path. Times are on the
session time base, s; a cue's time is its ``t_s`` (the step's detection time, as in cues.csv; the coach
decides once the step's figures are final, after its toe-off, a few tenths of a second later).
:mod:`.coach_targets` pools the figures of many runs into the targets.

Definitions:

- overstride cues: shorten_stride, quick_feet, land_midfoot. An episode is cued when one falls in
  [episode start, episode end + ``GRACE_S``]; precision = overstride cues inside some episode's window
  / all overstride cues; recall = cued episodes / episodes (also split: episodes starting in the run's
  first true descent, the cold start, and later ones); time to first cue = first such cue - start.
- descent cues: the cues about descents (:data:`DESCENT_CUES`). True descents are the stretches where
  the true grade is at or below -1 % and reaches -2 % (COACHING.md's entry and exit grades); a descent
  cue is on a flat or climb when the true grade has been above -1 % for at least ``GRACE_S`` before
  it (so also outside any gentle -1..-2 % stretch); of those, the ones within ``AFTER_S`` of a true
  descent's end count as after a descent ended.
- cues per minute over the session; the most cues in any ``WINDOW_S``.
- descent onset: for true descents whose first steady grade (where the change into it has ended) is
  ``ONSET_GRADE_PCT`` or steeper, from the middle of that change (the true grade first at half the
  steady grade; on a course that starts downhill, the runner's first step) to the first step at which
  the coach's descent state is on; never on before the descent's end counts as infinite. A steeper
  part later in a descent is not an onset: the state should be on already.
- grade: over consecutive ``GRADE_WINDOW_S`` windows from the first step with a grade, |mean(coach
  grade - true grade)|, the truth taken at the step's time ("now") and, as the gait benchmark does,
  over the trailing 10 s; the 95th percentile over windows is the figure. Grade lag: on those same
  descents, when the coach's grade first reaches 50 % and 90 % of the steady grade, after the true
  grade did (or the runner's first step, whichever is later).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..sources.simulator.truth import Truth

OVERSTRIDE_CUES = frozenset({"shorten_stride", "quick_feet", "land_midfoot"})
DESCENT_CUES = OVERSTRIDE_CUES | {"ease_off", "arms_low", "lean_from_ankles", "good_form"}
"""Cues about descents: the overstride cues, ease_off (steep grade), arms_low (long descent),
lean_from_ankles (lean on a descent) and good_form (confirms a correction, on the same terrain)."""
GRACE_S = 2.0
AFTER_S = 30.0
WINDOW_S = 20.0
ENTRY_PCT = -2.0
EXIT_PCT = -1.0
ONSET_GRADE_PCT = -4.0
STEADY_PP = 0.05
"""The true grade (1 Hz) is steady where it changes by less than this from one second to the next, pp."""
GRADE_WINDOW_S = 30.0
TRAILING_S = 10.0
MIN_WINDOW_VALUES = 10


@dataclass(frozen=True)
class CoachTrace:
    """What the coach did during a run.

    Attributes:
        cues: (t_s, cue_id) of every cue, in time order.
        t_s: time of every step the coach was fed (its ``detected_at_s``), s.
        descent: the coach's descent state after each of those steps (True = on a descent).
        grade_pct: the grade the coach used at each of those steps, % (NaN when it had none).
    """

    cues: list[tuple[float, str]]
    t_s: np.ndarray
    descent: np.ndarray
    grade_pct: np.ndarray


@dataclass(frozen=True)
class TrueDescent:
    """A descent of the true course, s and %.

    Attributes:
        start_s: the true grade first at or below -1 %.
        onset_s: the true grade first at half of ``grade_pct``.
        end_s: the true grade back above -1 %.
        grade_pct: the first steady true grade at or below -2 % (the change into the descent over).
    """

    start_s: float
    onset_s: float
    end_s: float
    grade_pct: float


@dataclass
class RunScore:
    """The figures of one run; lists keep one value per episode, descent or window for pooling.
    ``label`` names the run for people; ``group`` sorts runs for breakdowns (e.g. the strike style);
    ``baro`` says whether the sensors carried a barometer (None: not known)."""

    label: str = ""
    group: str = ""
    baro: bool | None = None
    duration_s: float = 0.0
    episodes: int = 0
    episodes_cued: int = 0
    overstride_cues: int = 0
    overstride_cues_in_episodes: int = 0
    first_cue_s: list[float] = field(default_factory=list)
    episode_cued: list[bool] = field(default_factory=list)
    episode_in_first_descent: list[bool] = field(default_factory=list)
    cues: int = 0
    descent_cues_on_flats: int = 0
    descent_cues_after_descent: int = 0
    max_cues_in_window: int = 0
    onset_s: list[float] = field(default_factory=list)
    grade_window_pp: list[float] = field(default_factory=list)
    grade_window_trailing_pp: list[float] = field(default_factory=list)
    grade_lag50_s: list[float] = field(default_factory=list)
    grade_lag90_s: list[float] = field(default_factory=list)
    cue_list: list[tuple[float, str]] = field(default_factory=list)


def _crossing(t: np.ndarray, g: np.ndarray, i: int, level: float) -> float:
    """Time the grade passes ``level`` between samples i - 1 and i (linear), or t[i] at the start."""
    if i == 0 or g[i] == g[i - 1]:
        return float(t[i])
    f = (level - g[i - 1]) / (g[i] - g[i - 1])
    return float(t[i - 1] + min(max(f, 0.0), 1.0) * (t[i] - t[i - 1]))


def true_descents(grade_rows: np.ndarray) -> list[TrueDescent]:
    """The descents of a truth's 1 Hz grade rows ([t_s, distance_m, grade_pct, altitude_m])."""
    t, g = grade_rows[:, 0], grade_rows[:, 2]
    down = g <= EXIT_PCT
    out: list[TrueDescent] = []
    i = 0
    while i < len(t):
        if not down[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(t) and down[j + 1]:
            j += 1
        stretch = g[i : j + 1]
        if stretch.min() <= ENTRY_PCT:
            steady = np.flatnonzero((np.abs(np.diff(stretch)) < STEADY_PP) & (stretch[1:] <= ENTRY_PCT))
            grade = float(stretch[steady[0] + 1]) if steady.size else float(stretch.min())
            k = i + int(np.argmax(stretch <= grade / 2))
            end = _crossing(t, -g, j + 1, -EXIT_PCT) if j + 1 < len(t) else float(t[-1])
            out.append(TrueDescent(_crossing(t, g, i, EXIT_PCT), _crossing(t, g, k, grade / 2), end, grade))
        i = j + 1
    return out


def score_run(truth: Truth, trace: CoachTrace) -> RunScore:
    """Score one run (see the module docstring for every definition)."""
    s = RunScore(duration_s=float(truth.meta["duration_s"]), cues=len(trace.cues), cue_list=list(trace.cues))
    descents = true_descents(truth.grade)
    _score_episodes(s, truth.episodes, trace.cues, descents[0] if descents else None)
    _score_terrain(s, truth.grade, descents, trace.cues)
    times = sorted(t for t, _ in trace.cues)
    s.max_cues_in_window = max(
        (int(np.searchsorted(times, t + WINDOW_S, "left")) - k for k, t in enumerate(times)), default=0
    )
    first_step_s = float(truth.steps["t_ic_s"][0]) if len(truth.steps["t_ic_s"]) else 0.0
    _score_onsets(s, descents, trace, first_step_s)
    _score_grade(s, truth.grade, trace)
    _score_lag(s, truth.grade, descents, trace, first_step_s)
    return s


def _score_episodes(
    s: RunScore, episodes: list[dict], cues: list[tuple[float, str]], first: TrueDescent | None
) -> None:
    over = [t for t, cid in cues if cid in OVERSTRIDE_CUES]
    windows = [(float(e["t_start_s"]), float(e["t_end_s"]) + GRACE_S) for e in episodes]
    s.episodes = len(windows)
    s.overstride_cues = len(over)
    s.overstride_cues_in_episodes = sum(any(a <= t <= b for a, b in windows) for t in over)
    for a, b in windows:
        hits = [t for t in over if a <= t <= b]
        s.episode_cued.append(bool(hits))
        s.episode_in_first_descent.append(first is not None and first.start_s <= a <= first.end_s)
        if hits:
            s.episodes_cued += 1
            s.first_cue_s.append(hits[0] - a)


def off_descent(grade_rows: np.ndarray, t_s: float) -> bool:
    """Whether the true grade has been above -1 % over the last ``GRACE_S`` up to ``t_s``."""
    ts, g = grade_rows[:, 0], grade_rows[:, 2]
    # The grade is linear between rows, so its lowest point lies at the ends or at a row.
    points = np.concatenate(([t_s - GRACE_S, t_s], ts[(ts > t_s - GRACE_S) & (ts < t_s)]))
    return bool(np.all(np.interp(points, ts, g) > EXIT_PCT))


def _score_terrain(
    s: RunScore, grade_rows: np.ndarray, descents: list[TrueDescent], cues: list[tuple[float, str]]
) -> None:
    for t, cid in cues:
        if cid not in DESCENT_CUES or not off_descent(grade_rows, t):
            continue
        s.descent_cues_on_flats += 1
        if any(d.end_s + GRACE_S <= t <= d.end_s + AFTER_S for d in descents):
            s.descent_cues_after_descent += 1


def _score_onsets(s: RunScore, descents: list[TrueDescent], trace: CoachTrace, first_step_s: float) -> None:
    for d in descents:
        if d.grade_pct > ONSET_GRADE_PCT:
            continue
        onset = max(d.onset_s, first_step_s)
        on = np.flatnonzero(trace.descent & (trace.t_s >= onset) & (trace.t_s <= d.end_s))
        s.onset_s.append(float(trace.t_s[on[0]] - onset) if on.size else math.inf)


def _truth_now(grade_rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.interp(t, grade_rows[:, 0], grade_rows[:, 2])


def _truth_trailing(grade_rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """True rise over horizontal distance over the trailing ``TRAILING_S``, %."""
    ts, dist, _, alt = grade_rows.T
    d1, a1 = np.interp(t, ts, dist), np.interp(t, ts, alt)
    d0, a0 = np.interp(t - TRAILING_S, ts, dist), np.interp(t - TRAILING_S, ts, alt)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d1 - d0 > 1.0, 100.0 * (a1 - a0) / (d1 - d0), np.nan)


def _window_errors(t: np.ndarray, err: np.ndarray) -> list[float]:
    """|mean error| over consecutive full windows from the first time, where enough values are known."""
    out: list[float] = []
    if t.size == 0:
        return out
    for w0 in np.arange(t[0], t[-1] - GRADE_WINDOW_S, GRADE_WINDOW_S):
        sel = (t >= w0) & (t < w0 + GRADE_WINDOW_S) & np.isfinite(err)
        if sel.sum() >= MIN_WINDOW_VALUES:
            out.append(abs(float(err[sel].mean())))
    return out


def _score_grade(s: RunScore, grade_rows: np.ndarray, trace: CoachTrace) -> None:
    known = np.isfinite(trace.grade_pct)
    t, est = trace.t_s[known], trace.grade_pct[known]
    s.grade_window_pp = _window_errors(t, est - _truth_now(grade_rows, t))
    s.grade_window_trailing_pp = _window_errors(t, est - _truth_trailing(grade_rows, t))


def _score_lag(
    s: RunScore, grade_rows: np.ndarray, descents: list[TrueDescent], trace: CoachTrace, first_step_s: float
) -> None:
    tt, tg = grade_rows[:, 0], grade_rows[:, 2]
    for d in descents:
        if d.grade_pct > ONSET_GRADE_PCT:
            continue
        for share, lags in ((0.5, s.grade_lag50_s), (0.9, s.grade_lag90_s)):
            level = share * d.grade_pct
            inside = (tt >= d.start_s - 1.0) & (tt <= d.end_s) & (tg <= level)
            if not inside.any():
                continue
            k = int(np.flatnonzero(inside)[0])
            true_t = max(_crossing(tt, tg, k, level), first_step_s)
            reached = np.flatnonzero(
                (trace.t_s >= d.start_s) & (trace.t_s <= d.end_s) & (trace.grade_pct <= level)
            )
            lags.append(float(trace.t_s[reached[0]] - true_t) if reached.size else math.inf)
