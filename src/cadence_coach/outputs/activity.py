"""The activity a session leaves behind, as the report and the FIT export see it.

:func:`build_activity` turns a session's final steps and cues (plus a foot pod's readings, when the
input had one) into an :class:`Activity`:

- :class:`Seconds`: one value a second (numpy arrays, NaN where unknown) on the session time base,
  ``t_s`` = 0, 1, 2, ... s: cumulative distance (m), speed (m/s), cadence (steps/min), stance (s),
  step length (m), grade (%), altitude (m, from distance x grade, 0 at the start), impact (g), strike
  angle (deg, + toes up);
- :class:`Segment` s that tile the session: each descent (by the coach's descent state, split where
  its band changes) and the stretches between them, pieces shorter than ``MIN_SEGMENT_S`` or
  ``MIN_SEGMENT_M`` merged into their neighbour;
- :class:`ActivitySummary`: distance, elevation gain and loss, steps, cadence on flats and descents,
  heel-strike share on descents, cues spoken (the coach's own :class:`SessionSummary` figures).

Distance comes from the strides (a foot sensor's ``stride_m``: the foot with the most measured strides
counts, as in the live view), else from the pod's distance counter, else from its speed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from ..coach.config import DescentSettings
from ..coach.descent import Band, DescentDetector, DescentState
from ..coach.summary import SessionSummary
from ..datatypes import Cue, PodReading, StepEvent, StrikeClass
from ..gait.rolling import RollingFigures

MIN_SEGMENT_S = 15.0
"""A segment shorter than this (and than MIN_SEGMENT_M) joins its neighbour, s."""
MIN_SEGMENT_M = 50.0
"""A segment shorter than this (and than MIN_SEGMENT_S) joins its neighbour, m."""
OVERSTRIDE_CUES = frozenset({"shorten_stride", "quick_feet", "land_midfoot"})
"""The cues the overstride rule gives."""


@dataclass(frozen=True, slots=True)
class Seconds:
    """One value a second, on the session time base; every array has the shape of ``t_s``; NaN where
    the figure is unknown that second (a second with no step has no cadence, stance, ...).

    Attributes:
        t_s: 0, 1, 2, ... s.
        distance_m: cumulative distance at ``t_s``, m (0 at the start, never falling).
        speed_mps: speed, m/s.
        cadence_spm: mean cadence of the steps in [t, t + 1), steps/min (both feet).
        stance_s: mean ground contact time, s.
        step_length_m: mean step length (half the stride), m.
        grade_pct: mean grade of the steps in the second, %, negative downhill.
        altitude_m: altitude relative to the start, m (distance x grade, the last grade held).
        impact_g: mean impact peak, g.
        strike_angle_deg: mean strike angle, degrees, + = toes up.
    """

    t_s: np.ndarray
    distance_m: np.ndarray
    speed_mps: np.ndarray
    cadence_spm: np.ndarray
    stance_s: np.ndarray
    step_length_m: np.ndarray
    grade_pct: np.ndarray
    altitude_m: np.ndarray
    impact_g: np.ndarray
    strike_angle_deg: np.ndarray

    def __len__(self) -> int:
        return int(self.t_s.size)


@dataclass(frozen=True, slots=True)
class Segment:
    """A descent or a stretch between descents.

    Attributes:
        index: position in the session, 0-based.
        descent: True for a descent.
        band: the descent's steepness band (of its mean grade), None for other segments.
        t_start_s, t_end_s: its time span on the session time base, s.
        step_start, step_stop: its steps are ``activity.steps[step_start:step_stop]``.
        distance_m: distance covered, m.
        grade_pct: mean grade of its steps, %, or None.
        gain_m, loss_m: elevation gained and lost, m (both >= 0).
        steps: number of steps.
        cadence_spm: mean cadence of its steps, steps/min, or None.
        cadence_vs_flat_pct: its cadence against the session's flat cadence, % (+ = faster), or None.
        heel_strike_share: share of its steps with a heel strike, 0..1, or None if none was measured.
        overstride_cues: overstride cues given in it (shorten_stride, quick_feet, land_midfoot).
        cues: the cues given in it, by id.
    """

    index: int
    descent: bool
    band: Band | None
    t_start_s: float
    t_end_s: float
    step_start: int
    step_stop: int
    distance_m: float
    grade_pct: float | None
    gain_m: float
    loss_m: float
    steps: int
    cadence_spm: float | None
    cadence_vs_flat_pct: float | None
    heel_strike_share: float | None
    overstride_cues: int
    cues: dict[str, int]

    @property
    def duration_s(self) -> float:
        return self.t_end_s - self.t_start_s


@dataclass(frozen=True, slots=True)
class ActivitySummary:
    """The session in figures (None where unknown).

    Attributes:
        distance_m: distance, m. duration_s: session length, s.
        gain_m, loss_m: elevation gained and lost, m.
        steps: steps detected.
        cadence_spm: mean cadence of every step, steps/min.
        cadence_flat_spm, cadence_descent_spm: median cadence on flats and on descents (the coach's).
        descent_heel_strike_share: share of descent steps with a heel strike, 0..1.
        descents: confirmed descents (the coach's count); descent_s: time on them, s.
        cues: cues spoken, by id, most frequent first.
    """

    distance_m: float | None
    duration_s: float
    gain_m: float
    loss_m: float
    steps: int
    cadence_spm: float | None
    cadence_flat_spm: float | None
    cadence_descent_spm: float | None
    descent_heel_strike_share: float | None
    descents: int
    descent_s: float
    cues: dict[str, int]


@dataclass(slots=True)
class Activity:
    """A finished session: its steps and cues and what the report and the FIT file show of them.

    Attributes:
        start_utc: wall-clock time of the session time base's 0 (aware datetime), None if unknown.
        duration_s: session length, s.
        steps: final steps in time order; cues: cues spoken in time order.
        feet: number of foot sensors worn (0 for a trunk, shank or head sensor only).
        has_pressure: a barometer gave readings.
        pods: foot pod (RSC) readings, when the input had a pod.
        descent: the coach's descent state after each step (same length as ``steps``).
        cadence_band: the coach's cadence band after each step, steps/min: (the cadence below which
            it may cue a descent, its target), None while it knows no usual cadence; empty when the
            activity was not built beside the coach (same length as ``steps`` otherwise).
        seconds, segments, summary: see the module docstring.
    """

    start_utc: datetime | None
    duration_s: float
    steps: list[StepEvent]
    cues: list[Cue]
    feet: int
    has_pressure: bool
    pods: list[PodReading] = field(default_factory=list)
    descent: list[DescentState] = field(default_factory=list)
    cadence_band: list[tuple[float, float] | None] = field(default_factory=list)
    seconds: Seconds | None = None
    segments: list[Segment] = field(default_factory=list)
    summary: ActivitySummary | None = None


def descent_states(steps: Sequence[StepEvent], settings: DescentSettings | None = None) -> list[DescentState]:
    """The coach's descent state after each step (its rolling grade through its descent detector)."""
    figures, detector = RollingFigures(), DescentDetector(settings)
    out = []
    for step in steps:
        figures.update(step)
        out.append(detector.update(step.t_ic_s, figures.grade_pct))
    return out


def _values(steps: Sequence[StepEvent], name: str, scale: float = 1.0) -> np.ndarray:
    """One attribute of every step as floats (NaN where None)."""
    return np.array([math.nan if (v := getattr(s, name)) is None else float(v) * scale for s in steps])


def _per_second(bins: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of the finite ``values`` in each second ``bins`` (0..n-1); NaN for a second with none."""
    ok = np.isfinite(values) & (bins >= 0) & (bins < n)
    total = np.bincount(bins[ok], weights=values[ok], minlength=n)[:n]
    count = np.bincount(bins[ok], minlength=n)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def stride_distance(steps: Sequence[StepEvent]) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) and cumulative distance (m) at the end of each measured stride of the foot with the
    most measured strides; empty arrays when no step carries a stride."""
    by_foot: dict[tuple[int, str | None], list[tuple[float, float]]] = {}
    for s in steps:
        if s.stride_m is not None and math.isfinite(s.stride_m) and s.stride_m > 0:
            by_foot.setdefault((s.sensor, s.side.value if s.side else None), []).append(
                (s.t_ic_s, s.stride_m)
            )
    if not by_foot:
        return np.zeros(0), np.zeros(0)
    foot = max(by_foot.values(), key=lambda v: (len(v), sum(m for _, m in v)))
    t = np.array([x[0] for x in foot])
    return t, np.cumsum([x[1] for x in foot])


def _distance(steps: Sequence[StepEvent], pods: Sequence[PodReading], t: np.ndarray) -> np.ndarray:
    """Cumulative distance at the times ``t`` (s), m: strides, else pod counter, else pod speed."""
    t_end, cum = stride_distance(steps)
    if t_end.size:
        first = steps[0].t_ic_s if steps else t_end[0]
        # the first stride began about a stride before it ended, and not before the session
        t_start = min(max(0.0, min(first, t_end[0] - 1.0)), t_end[0])
        return np.interp(t, np.r_[t_start, t_end], np.r_[0.0, cum])
    counted = [(r.t_s, r.total_distance_m) for r in pods if r.total_distance_m is not None]
    if counted:
        tc = np.array([c[0] for c in counted])
        d = np.array([c[1] for c in counted], dtype=float)
        d = np.maximum.accumulate(d - d[0])
        return np.interp(t, tc, d)
    if pods:
        tp = np.array([r.t_s for r in pods])
        v = np.array([r.speed_mps for r in pods])
        gained = np.r_[0.0, np.cumsum(np.diff(tp) * v[1:])]
        return np.interp(t, tp, gained)
    return np.full(t.shape, np.nan)


def build_seconds(steps: Sequence[StepEvent], pods: Sequence[PodReading], duration_s: float) -> Seconds:
    """The per-second figures of a session ``duration_s`` long (s)."""
    n = max(1, int(math.floor(duration_s)) + 1)
    t = np.arange(n, dtype=float)
    bins = np.floor(np.array([s.t_ic_s for s in steps], dtype=float)).astype(np.int64)
    distance = _distance(steps, pods, t)
    cadence = _per_second(bins, _values(steps, "cadence_spm"), n)
    speed = np.full(n, np.nan)
    if pods:
        pbins = np.floor([r.t_s for r in pods]).astype(np.int64)
        speed = _per_second(pbins, np.array([r.speed_mps for r in pods]), n)
        if not steps:
            cadence = _per_second(pbins, np.array([r.cadence_spm for r in pods]), n)
    if steps:
        step_speed = _per_second(bins, _values(steps, "speed_mps"), n)
        speed = np.where(np.isfinite(step_speed), step_speed, speed)
    if np.isfinite(distance).any() and not np.isfinite(speed).any():
        speed = np.r_[0.0, np.diff(distance)]
    grade = _per_second(bins, _values(steps, "grade_pct"), n)
    held = _hold(grade)
    climb = np.r_[0.0, np.diff(np.nan_to_num(distance)) * np.nan_to_num(held[1:]) / 100.0]
    return Seconds(
        t_s=t,
        distance_m=distance,
        speed_mps=speed,
        cadence_spm=cadence,
        stance_s=_per_second(bins, _values(steps, "contact_s"), n),
        step_length_m=_per_second(bins, _values(steps, "stride_m", 0.5), n),
        grade_pct=grade,
        altitude_m=np.cumsum(climb),
        impact_g=_per_second(bins, _values(steps, "impact_g"), n),
        strike_angle_deg=_per_second(bins, _values(steps, "strike_angle_deg"), n),
    )


def _hold(values: np.ndarray) -> np.ndarray:
    """``values`` with each NaN replaced by the last finite value before it (NaN before the first)."""
    idx = np.where(np.isfinite(values), np.arange(values.size), -1)
    idx = np.maximum.accumulate(idx)
    return np.where(idx >= 0, values[np.maximum(idx, 0)], np.nan)


def _gain_loss(altitude: np.ndarray) -> tuple[float, float]:
    d = np.diff(altitude)
    return float(d[d > 0].sum()), float(-d[d < 0].sum())


def build_activity(
    steps: Sequence[StepEvent],
    cues: Sequence[Cue],
    start_utc: datetime | None,
    duration_s: float | None = None,
    feet: int = 0,
    has_pressure: bool = False,
    pods: Sequence[PodReading] = (),
    descent: Sequence[DescentState] | None = None,
    settings: DescentSettings | None = None,
    flat_grade_pct: float = 1.5,
) -> Activity:
    """The :class:`Activity` of a session.

    Args:
        steps: final steps in time order; cues: cues spoken.
        start_utc: wall-clock time of the session's 0 s, or None.
        duration_s: session length, s (default: up to the last step, cue or pod reading).
        feet: foot sensors worn. has_pressure: a barometer gave readings. pods: RSC pod readings.
        descent: the coach's descent state after each step (default: worked out as the coach does).
        settings: the coach's descent settings (for the bands and for working the states out).
        flat_grade_pct: |grade| below this is flat ground, % (the coach's flat cadence).
    """
    from .activity_segments import build_segments

    steps, cues, pods = list(steps), list(cues), list(pods)
    states = list(descent) if descent is not None else descent_states(steps, settings)
    if len(states) != len(steps):
        raise ValueError(f"{len(states)} descent states for {len(steps)} steps")
    if duration_s is None:
        ends = [s.t_ic_s for s in steps[-1:]] + [c.t_s for c in cues[-1:]] + [r.t_s for r in pods[-1:]]
        duration_s = max(ends, default=0.0)
    seconds = build_seconds(steps, pods, duration_s)
    coach_summary = SessionSummary(flat_grade_pct)
    for step, state in zip(steps, states):
        coach_summary.add_step(step, state)
    for cue in cues:
        coach_summary.add_cue(cue)
    gain, loss = _gain_loss(seconds.altitude_m)
    total = seconds.distance_m[-1]
    cad = _values(steps, "cadence_spm")
    cad = cad[np.isfinite(cad)]
    if not steps and pods:
        cad = np.array([r.cadence_spm for r in pods])
    summary = ActivitySummary(
        distance_m=float(total) if np.isfinite(total) else None,
        duration_s=float(duration_s),
        gain_m=gain,
        loss_m=loss,
        steps=len(steps),
        cadence_spm=float(cad.mean()) if cad.size else None,
        cadence_flat_spm=coach_summary.flat_cadence_spm,
        cadence_descent_spm=coach_summary.descent_cadence_spm,
        descent_heel_strike_share=coach_summary.descent_heel_strike_share,
        descents=coach_summary.descents,
        descent_s=coach_summary.total_descent_s,
        cues=dict(Counter(c.cue_id for c in cues).most_common()),
    )
    activity = Activity(start_utc, float(duration_s), steps, cues, feet, has_pressure, pods, states)
    activity.seconds, activity.summary = seconds, summary
    activity.segments = build_segments(activity, DescentDetector(settings), coach_summary.flat_cadence_spm)
    return activity


def is_heel_strike(step: StepEvent, heel_deg: float) -> bool | None:
    """Whether a step was a heel strike (its class, else its angle above ``heel_deg``); None if unknown."""
    if step.strike is not None:
        return step.strike is StrikeClass.HEEL
    if step.strike_angle_deg is not None:
        return step.strike_angle_deg > heel_deg
    return None
