"""The segments of an activity: its descents (by the coach's descent state, one segment per band) and
the stretches between them, tiling the session from 0 s to its end.

A descent begins when the coach's evidence for it began (``DescentState.since_s``) and ends with its
last active step; a piece shorter than ``MIN_SEGMENT_S`` and ``MIN_SEGMENT_M`` joins a neighbour (one of
its own kind when there is one), and a descent's band is that of its mean grade.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..coach.descent import Band, DescentDetector
from ..gait.strike import STRIKE_HEEL_DEG
from .activity import MIN_SEGMENT_M, MIN_SEGMENT_S, OVERSTRIDE_CUES, Segment, is_heel_strike

if TYPE_CHECKING:
    from .activity import Activity


@dataclass(slots=True)
class _Piece:
    t_start: float
    band: Band | None  # None: not a descent
    descent: bool


def _pieces(activity: Activity) -> list[_Piece]:
    """Runs of steps with the same descent state and band, dated from where they begin."""
    pieces = [_Piece(0.0, None, False)]
    for step, state in zip(activity.steps, activity.descent):
        band = state.band if state.active else None
        if state.active == pieces[-1].descent and band == pieces[-1].band:
            continue
        t = step.t_ic_s
        if state.active and not pieces[-1].descent and state.since_s is not None:
            t = state.since_s
        t = max(t, pieces[-1].t_start)
        if t == pieces[-1].t_start:
            pieces[-1] = _Piece(t, band, state.active)
        else:
            pieces.append(_Piece(t, band, state.active))
    return pieces


def _merge_short(pieces: list[_Piece], end_s: float, distance_at: np.ndarray) -> list[_Piece]:
    """Join pieces shorter than the minimum (in time and distance) to a neighbour, shortest first."""
    known = np.nan_to_num(distance_at)
    grid = np.arange(known.size, dtype=float)
    while len(pieces) > 1:
        t0 = np.array([p.t_start for p in pieces])
        t1 = np.r_[t0[1:], max(end_s, t0[-1])]
        duration = t1 - t0
        metres = np.interp(t1, grid, known) - np.interp(t0, grid, known) if known.size else 0 * t0
        short = np.flatnonzero((duration < MIN_SEGMENT_S) & ~(metres >= MIN_SEGMENT_M))
        if not short.size:
            break
        i = int(short[np.argmin(duration[short])])
        before = pieces[i - 1] if i > 0 else None
        after = pieces[i + 1] if i + 1 < len(pieces) else None
        same_after = after is not None and after.descent == pieces[i].descent
        same_before = before is not None and before.descent == pieces[i].descent
        if before is None or (same_after and not same_before):
            pieces[i + 1] = _Piece(pieces[i].t_start, after.band, after.descent)  # type: ignore[union-attr]
        del pieces[i]
        _join_equal(pieces)
    return pieces


def _join_equal(pieces: list[_Piece]) -> None:
    """Merge neighbours of the same kind and band (in place)."""
    i = 1
    while i < len(pieces):
        if pieces[i].descent == pieces[i - 1].descent and pieces[i].band == pieces[i - 1].band:
            del pieces[i]
        else:
            i += 1


def _at(distance_m: np.ndarray, t_s: float) -> float:
    """Cumulative distance at time ``t_s`` from the per-second distances (0 when unknown), m."""
    if not distance_m.size or not np.isfinite(distance_m).any():
        return 0.0
    return float(np.interp(t_s, np.arange(distance_m.size), np.nan_to_num(distance_m)))


def build_segments(
    activity: Activity, detector: DescentDetector, flat_cadence_spm: float | None
) -> list[Segment]:
    """The segments of ``activity`` (its steps, descent states and seconds must be set)."""
    assert activity.seconds is not None
    sec = activity.seconds
    end_s = max(activity.duration_s, 0.0)
    pieces = _merge_short(_pieces(activity), end_s, sec.distance_m)
    t_ic = np.array([s.t_ic_s for s in activity.steps], dtype=float)
    grade = np.array([math.nan if s.grade_pct is None else s.grade_pct for s in activity.steps], dtype=float)
    for _ in range(2):  # bands from the mean grade may make neighbours equal: join them and redo once
        for k, piece in enumerate(pieces):
            if piece.descent:
                t1 = pieces[k + 1].t_start if k + 1 < len(pieces) else end_s
                lo, hi = np.searchsorted(t_ic, [piece.t_start, t1])
                g = grade[lo:hi][np.isfinite(grade[lo:hi])]
                if g.size:
                    piece.band = detector.band_of(float(g.mean()))
        _join_equal(pieces)
    out = []
    for k, piece in enumerate(pieces):
        t1 = pieces[k + 1].t_start if k + 1 < len(pieces) else max(end_s, piece.t_start)
        out.append(_segment(activity, k, piece, t1, t_ic, flat_cadence_spm, k == len(pieces) - 1))
    return out


def _segment(
    activity: Activity,
    index: int,
    piece: _Piece,
    t_end: float,
    t_ic: np.ndarray,
    flat: float | None,
    last: bool,
) -> Segment:
    """The figures of one piece from ``piece.t_start`` to ``t_end`` (s)."""
    assert activity.seconds is not None
    sec = activity.seconds
    lo, hi = (int(x) for x in np.searchsorted(t_ic, [piece.t_start, t_end]))
    if last:
        hi = len(t_ic)  # the last segment keeps the steps (and cues) at its very end
    steps = activity.steps[lo:hi]
    a, b = int(math.ceil(piece.t_start)), int(math.floor(t_end))
    alt = sec.altitude_m[a : b + 1]
    d = np.diff(alt)
    cadence = [s.cadence_spm for s in steps if s.cadence_spm is not None]
    grades = [s.grade_pct for s in steps if s.grade_pct is not None and math.isfinite(s.grade_pct)]
    heel = [h for s in steps if (h := is_heel_strike(s, STRIKE_HEEL_DEG)) is not None]
    cues = Counter(c.cue_id for c in activity.cues if piece.t_start <= c.t_s and (last or c.t_s < t_end))
    mean_cadence = float(np.mean(cadence)) if cadence else None
    return Segment(
        index=index,
        descent=piece.descent,
        band=piece.band if piece.descent else None,
        t_start_s=piece.t_start,
        t_end_s=t_end,
        step_start=lo,
        step_stop=hi,
        distance_m=_at(sec.distance_m, t_end) - _at(sec.distance_m, piece.t_start),
        grade_pct=float(np.mean(grades)) if grades else None,
        gain_m=float(d[d > 0].sum()),
        loss_m=float(-d[d < 0].sum()),
        steps=len(steps),
        cadence_spm=mean_cadence,
        cadence_vs_flat_pct=100.0 * (mean_cadence / flat - 1.0) if mean_cadence and flat else None,
        heel_strike_share=sum(heel) / len(heel) if heel else None,
        overstride_cues=sum(n for cid, n in cues.items() if cid in OVERSTRIDE_CUES),
        cues=dict(cues),
    )
