"""What the report's plots draw: an activity's per-second figures averaged into bins (so an hour's SVG
stays small), on distance (m) or, without any distance, on time (s); the time at each distance for the
second axis; the descents' spans and the cues' places.

No plotting here: numpy only, so it is tested without matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...coach.descent import Band
from ...datatypes import Side
from ..activity import Activity, Seconds

Reader = Callable[[int], float]
"""Reads one figure of step ``i`` of an activity (NaN when unknown)."""

MAX_POINTS = 1200
"""At most this many bins a plot: an hour is 3600 s, so 3 s bins; a 10-minute run keeps its seconds."""


@dataclass(frozen=True, slots=True)
class Series:
    """The binned figures of one activity, all of one length (one value a bin, NaN where unknown).

    Attributes:
        on_distance: x is distance (m); else x is time (s) (no distance was measured).
        x: bin centres on the x axis, m or s.
        t_s: bin centres in time, s.
        values: figure name -> binned values (names of :class:`Seconds` fields, plus
            ``stride_m``, ``band_low_spm``, ``band_high_spm``, ``balance_pct``).
        bin_s: the bin width, s.
    """

    on_distance: bool
    x: np.ndarray
    t_s: np.ndarray
    values: dict[str, np.ndarray]
    bin_s: int

    def has(self, name: str) -> bool:
        """Whether the figure ``name`` is known in any bin."""
        v = self.values.get(name)
        return v is not None and bool(np.isfinite(v).any())


@dataclass(frozen=True, slots=True)
class Span:
    """A descent on the x axis (m or s), with its band."""

    x0: float
    x1: float
    band: Band


@dataclass(frozen=True, slots=True)
class CueMark:
    """A cue on the x axis (m or s) at time ``t_s`` (s), with its words."""

    x: float
    t_s: float
    cue_id: str
    text: str
    reason: str


def bin_means(values: np.ndarray, width: int) -> np.ndarray:
    """Means of the finite values in consecutive bins of ``width`` samples (the last bin may be
    shorter); NaN for a bin with none."""
    n = values.size
    bins = np.arange(n) // width
    ok = np.isfinite(values)
    m = int(bins[-1]) + 1 if n else 0
    total = np.bincount(bins[ok], weights=values[ok], minlength=m)
    count = np.bincount(bins[ok], minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _per_second_steps(activity: Activity, n: int, pick: dict[str, Reader]) -> dict[str, np.ndarray]:
    """Per-second means of step figures not in :class:`Seconds`: the cadence band and the left and
    right contact times (``pick``: output name -> how to read it from step ``i``)."""
    out: dict[str, np.ndarray] = {}
    bins = np.array([math.floor(s.t_ic_s) for s in activity.steps], dtype=np.int64)
    for name, read in pick.items():
        vals = np.array([read(i) for i in range(len(activity.steps))], dtype=float)
        ok = np.isfinite(vals) & (bins >= 0) & (bins < n)
        total = np.bincount(bins[ok], weights=vals[ok], minlength=n)[:n]
        count = np.bincount(bins[ok], minlength=n)[:n]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def _side_contact(activity: Activity, side: Side) -> Reader:
    """Reader of step ``i``'s contact time if it is a step of ``side`` (NaN otherwise), s."""

    def read(i: int) -> float:
        s = activity.steps[i]
        return s.contact_s if s.side is side and s.contact_s is not None else math.nan

    return read


def _band_edge(activity: Activity, edge: int) -> Reader:
    """Reader of the coach's cadence band edge (0: cue threshold, 1: target) after step ``i``, spm."""

    def read(i: int) -> float:
        band = activity.cadence_band[i] if i < len(activity.cadence_band) else None
        return math.nan if band is None else band[edge]

    return read


def both_feet(activity: Activity) -> bool:
    """Whether both feet were worn and steps of each side were seen."""
    sides = {s.side for s in activity.steps}
    return activity.feet >= 2 and Side.LEFT in sides and Side.RIGHT in sides


def build_series(activity: Activity, max_points: int = MAX_POINTS) -> Series:
    """Bin an activity's per-second figures into at most ``max_points`` bins."""
    sec = activity.seconds
    if sec is None:
        raise ValueError("the activity has no per-second figures")
    n = len(sec)
    width = max(1, math.ceil(n / max_points))
    extra: dict[str, Reader] = {
        "band_low_spm": _band_edge(activity, 0),
        "band_high_spm": _band_edge(activity, 1),
    }
    if both_feet(activity):
        extra["left_contact_s"] = _side_contact(activity, Side.LEFT)
        extra["right_contact_s"] = _side_contact(activity, Side.RIGHT)
    per_second = {name: getattr(sec, name) for name in Seconds.__dataclass_fields__ if name != "t_s"}
    per_second.update(_per_second_steps(activity, n, extra))
    values = {name: bin_means(v, width) for name, v in per_second.items()}
    values["stride_m"] = 2.0 * values["step_length_m"]
    if "left_contact_s" in values:
        left, right = values.pop("left_contact_s"), values.pop("right_contact_s")
        with np.errstate(invalid="ignore", divide="ignore"):
            values["balance_pct"] = 100.0 * left / (left + right)
    t = bin_means(sec.t_s, width)
    on_distance = bool(np.isfinite(sec.distance_m).any() and np.nanmax(sec.distance_m) > 0)
    x = values["distance_m"] if on_distance else t
    return Series(on_distance, x, t, values, width)


def x_at(activity: Activity, series: Series, t_s: float) -> float:
    """Where time ``t_s`` (s) is on the series' x axis (m or s)."""
    sec = activity.seconds
    if not series.on_distance or sec is None:
        return t_s
    d = np.nan_to_num(sec.distance_m)
    return float(np.interp(t_s, sec.t_s, d))


def descent_spans(activity: Activity, series: Series) -> list[Span]:
    """The activity's descents on the series' x axis, each with its band."""
    return [
        Span(x_at(activity, series, seg.t_start_s), x_at(activity, series, seg.t_end_s), seg.band)
        for seg in activity.segments
        if seg.descent and seg.band is not None
    ]


def cue_marks(activity: Activity, series: Series) -> list[CueMark]:
    """The cues spoken, on the series' x axis."""
    return [CueMark(x_at(activity, series, c.t_s), c.t_s, c.cue_id, c.text, c.reason) for c in activity.cues]


def time_ticks(series: Series, max_ticks: int = 8) -> tuple[list[float], list[str]]:
    """Ticks for the time axis over a distance axis: positions (m) at round times and their labels
    (m:ss, or h:mm:ss past an hour)."""
    t, x = series.t_s, series.x
    ok = np.isfinite(t) & np.isfinite(x)
    if not series.on_distance or ok.sum() < 2:
        return [], []
    t, x = t[ok], np.maximum.accumulate(x[ok])
    span = float(t[-1] - t[0])
    step = next((s for s in (30, 60, 120, 300, 600, 900, 1200, 1800, 3600) if span / s <= max_ticks), 7200)
    marks = np.arange(0.0, t[-1] + 1e-9, step)
    marks = marks[marks <= t[-1] - 0.04 * span]  # none at the right edge, where its label would be cut
    return [float(v) for v in np.interp(marks, t, x)], [clock(float(m)) for m in marks]


def clock(seconds: float) -> str:
    """A time of day on the run: m:ss, or h:mm:ss from an hour on."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
