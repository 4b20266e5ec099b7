"""The report's tables: one row per descent, and every cue spoken."""

from __future__ import annotations

import numpy as np

from ..activity import Activity, Segment
from .series import clock
from .text import distance, number, share, signed_pct, table

DESCENT_HEAD = [
    "#",
    "start",
    "length",
    "grade",
    "time",
    "cadence",
    "vs flat",
    "heel strikes",
    "overstride cues",
    "cues",
]


def _at_km(activity: Activity, t_s: float) -> str:
    """Time and place of ``t_s`` (s): "12:30, 2.41 km" (the time alone without a distance)."""
    sec = activity.seconds
    if sec is None or not np.isfinite(sec.distance_m).any():
        return clock(t_s)
    return f"{clock(t_s)}, {distance(float(np.interp(t_s, sec.t_s, np.nan_to_num(sec.distance_m))))}"


def descent_row(activity: Activity, n: int, seg: Segment) -> list[str]:
    """One descent's cells."""
    words = {c.cue_id: c.text for c in activity.cues}
    cues = ", ".join(f"{words.get(cid, cid)} \u00d7{k}" for cid, k in seg.cues.items()) or "none"
    return [
        str(n),
        _at_km(activity, seg.t_start_s),
        distance(seg.distance_m),
        number(seg.grade_pct, "%", 1),
        clock(seg.duration_s),
        number(seg.cadence_spm, "spm"),
        signed_pct(seg.cadence_vs_flat_pct),
        share(seg.heel_strike_share),
        str(seg.overstride_cues),
        cues,
    ]


def descents_html(activity: Activity) -> str:
    """The descents table, or a sentence saying there was none."""
    rows = [descent_row(activity, i + 1, s) for i, s in enumerate(s for s in activity.segments if s.descent)]
    if not rows:
        return '<p class="note">No descent: the grade never stayed below -2 % long enough.</p>'
    return table(DESCENT_HEAD, rows, "descents")


def cues_html(activity: Activity) -> str:
    """Every cue spoken: when, where, its words and why; or a sentence saying there was none."""
    if not activity.cues:
        return '<p class="note">No cue was spoken.</p>'
    rows = [[_at_km(activity, c.t_s), c.text, c.reason] for c in activity.cues]
    return table(["when", "words", "why"], rows, "cues")
