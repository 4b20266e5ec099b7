"""The report's plots as inline SVG, drawn by matplotlib (imported here, when a report is made, so no
other command pays for it): the elevation profile with the descents shaded by band and the cues with
their words, then cadence (with the coach's band), contact time, impact, strike angle (with the strike
classes), stride length and the left/right balance, each against distance (km or m; time on top) or,
without any distance, against time.

Each figure is a :class:`matplotlib.figure.Figure` of its own, written as SVG with text kept as text
(small, and searchable), never through pyplot or a GUI backend.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...coach.descent import Band
from ...datatypes import STRIKE_FORE_DEG, STRIKE_HEEL_DEG
from ..activity import Activity
from .series import CueMark, Series, Span, clock, cue_marks, descent_spans, time_ticks
from .svg import inline_svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_IN = 10.0
"""Figure width, inches (at 96 px an inch, about a laptop page's text width)."""
HEIGHT_IN = 2.3
"""Height of one plot, inches; the elevation profile is taller."""
BAND_COLOURS = {Band.GENTLE: "#fbe3a6", Band.MODERATE: "#f6b26b", Band.STEEP: "#e06666"}
BAND_LABELS = {Band.GENTLE: "-2 to -5 %", Band.MODERATE: "-5 to -10 %", Band.STEEP: "steeper than -10 %"}
LINE = "#1f4e79"
CUE = "#7030a0"
RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: a tenth of the size of glyph paths
    "svg.hashsalt": "cadence-coach",  # the same ids for the same figure: reproducible files
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.1,
}


@dataclass(frozen=True, slots=True)
class Plot:
    """One plot of the report.

    Attributes:
        key: short name (also its element id), e.g. ``cadence``.
        title: heading shown above it.
        svg: the inline ``<svg>`` element.
    """

    key: str
    title: str
    svg: str


@dataclass(frozen=True, slots=True)
class _Axis:
    """How the x axis shows the series' x: scale (x * scale is shown), label."""

    scale: float
    label: str


def _x_axis(series: Series) -> _Axis:
    if not series.on_distance:
        return _Axis(1 / 60, "time, min")
    total = float(np.nanmax(series.x)) if np.isfinite(series.x).any() else 0.0
    return _Axis(1e-3, "distance, km") if total >= 1000 else _Axis(1.0, "distance, m")


MARGINS_IN = (0.75, 0.2, 0.5, 0.45)
"""Left, right, bottom, top margins of every plot, inches: the same on all, so their distance axes
line up down the page."""


def _figure(height_in: float = HEIGHT_IN) -> Any:
    from matplotlib.figure import Figure

    left, right, bottom, top = MARGINS_IN
    fig = Figure(figsize=(WIDTH_IN, height_in))
    fig.subplots_adjust(
        left=left / WIDTH_IN, right=1 - right / WIDTH_IN, bottom=bottom / height_in, top=1 - top / height_in
    )
    return fig


def _svg(fig: Any, key: str, titles: dict[str, str] | None = None) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return inline_svg(buf.getvalue(), f"{key}-", titles)


def _frame(ax: Axes, series: Series, axis: _Axis, ylabel: str, top: bool) -> None:
    """Labels, limits and (on distance) the time axis on top."""
    ax.set_ylabel(ylabel)
    ax.set_xlabel(axis.label)
    finite = series.x[np.isfinite(series.x)]
    if finite.size:
        ax.set_xlim(0, max(float(finite.max()) * axis.scale, 1e-9))
    if top:
        ticks, labels = time_ticks(series)
        if ticks:
            sec = ax.secondary_xaxis("top")
            sec.set_xticks([t * axis.scale for t in ticks], labels)
            sec.set_xlabel("time", fontsize=8)


def _cue_lines(ax: Axes, marks: list[CueMark], axis: _Axis) -> None:
    for m in marks:
        ax.axvline(m.x * axis.scale, color=CUE, linewidth=0.6, alpha=0.45, linestyle=":")


def _shade(ax: Axes, spans: list[Span], axis: _Axis) -> None:
    for s in spans:
        ax.axvspan(s.x0 * axis.scale, s.x1 * axis.scale, color=BAND_COLOURS[s.band], alpha=0.55, linewidth=0)


def cue_title(mark: CueMark, series: Series) -> str:
    """Hover text of a cue marker: when, where, its words and its reason."""
    where = f", {mark.x / 1000:.2f} km" if series.on_distance else ""
    why = f" ({mark.reason})" if mark.reason else ""
    return f"{clock(mark.t_s)}{where}: \u201c{mark.text}\u201d{why}"


def elevation_plot(activity: Activity, series: Series) -> Plot:
    """Altitude against distance, descents shaded by band, each cue a marker with its words."""
    from matplotlib.patches import Patch

    axis, spans, marks = _x_axis(series), descent_spans(activity, series), cue_marks(activity, series)
    fig = _figure(HEIGHT_IN + 1.2)
    ax = fig.add_subplot()
    x, alt = series.x * axis.scale, series.values["altitude_m"]
    _shade(ax, spans, axis)
    ax.plot(x, alt, color=LINE)
    lo, hi = (float(np.nanmin(alt)), float(np.nanmax(alt))) if np.isfinite(alt).any() else (0.0, 1.0)
    pad = max(hi - lo, 5.0)
    ax.set_ylim(lo - 0.1 * pad, hi + 0.9 * pad)  # room above the profile for the cues' words
    titles = {}
    xs, ys = series.x[np.isfinite(alt)], alt[np.isfinite(alt)]
    for i, m in enumerate(marks):
        y = float(np.interp(m.x, xs, ys)) if xs.size else 0.0
        ax.plot([m.x * axis.scale], [y], marker="v", color=CUE, markersize=6, gid=f"cue{i}")
        ax.text(m.x * axis.scale, hi + 0.12 * pad, m.text, rotation=90, fontsize=7, color=CUE, va="bottom")
        titles[f"cue{i}"] = cue_title(m, series)
    bands = sorted({s.band for s in spans}, key=list(Band).index)
    if bands:
        handles = [Patch(color=BAND_COLOURS[b], label=BAND_LABELS[b]) for b in bands]
        ax.legend(handles=handles, loc="lower left", fontsize=7, title="descents", title_fontsize=7)
    _frame(ax, series, axis, "altitude, m", top=True)
    return Plot("elevation", "Elevation profile, descents and cues", _svg(fig, "elevation", titles))


def _line_plot(
    activity: Activity,
    series: Series,
    key: str,
    title: str,
    ylabel: str,
    y: np.ndarray,
    decorate: Callable[[Axes, np.ndarray, _Axis], None] | None = None,
) -> Plot:
    """A plot of one binned figure with the descents shaded faintly and the cues as dotted lines."""
    axis = _x_axis(series)
    fig = _figure()
    ax = fig.add_subplot()
    x = series.x * axis.scale
    for s in descent_spans(activity, series):
        ax.axvspan(s.x0 * axis.scale, s.x1 * axis.scale, color=BAND_COLOURS[s.band], alpha=0.25, linewidth=0)
    if decorate is not None:
        decorate(ax, x, axis)
    ax.plot(x, y, color=LINE)
    _cue_lines(ax, cue_marks(activity, series), axis)
    _frame(ax, series, axis, ylabel, top=True)
    return Plot(key, title, _svg(fig, key))


def _cadence_band(series: Series) -> Callable[[Axes, np.ndarray, _Axis], None]:
    def draw(ax: Axes, x: np.ndarray, axis: _Axis) -> None:
        lo, hi = series.values["band_low_spm"], series.values["band_high_spm"]
        if np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, color="#93c47d", alpha=0.35, linewidth=0, label="coach's band")
            ax.legend(loc="lower left", fontsize=7)

    return draw


def _strike_classes(ax: Axes, x: np.ndarray, axis: _Axis) -> None:
    ax.axhspan(STRIKE_HEEL_DEG, 60, color="#f4cccc", alpha=0.6, linewidth=0)
    ax.axhspan(STRIKE_FORE_DEG, STRIKE_HEEL_DEG, color="#d9ead3", alpha=0.6, linewidth=0)
    ax.axhspan(-60, STRIKE_FORE_DEG, color="#cfe2f3", alpha=0.6, linewidth=0)
    for y, label in ((STRIKE_HEEL_DEG, "heel"), (STRIKE_FORE_DEG, "fore")):
        ax.axhline(y, color="#999999", linewidth=0.6)
        ax.annotate(label, (1.0, y), xycoords=("axes fraction", "data"), fontsize=7, ha="right", va="bottom")


def _even(ax: Axes, x: np.ndarray, axis: _Axis) -> None:
    ax.axhline(50.0, color="#999999", linewidth=0.8)


def _limits(plot_y: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """y limits covering the data with a margin, and at least [lo, hi]."""
    finite = plot_y[np.isfinite(plot_y)]
    if not finite.size:
        return lo, hi
    a, b = float(finite.min()), float(finite.max())
    m = 0.1 * max(b - a, 1e-6)
    return min(lo, a - m), max(hi, b + m)


def form_plots(activity: Activity, series: Series) -> list[Plot]:
    """The plots of the figures measured in this activity (a figure never measured has none)."""
    v = series.values
    specs: list[tuple[str, str, str, np.ndarray, Callable[[Axes, np.ndarray, _Axis], None] | None]] = [
        ("cadence", "Cadence", "steps/min", v["cadence_spm"], _cadence_band(series)),
        ("contact", "Ground contact time", "contact, ms", 1000.0 * v["stance_s"], None),
        ("impact", "Impact", "impact, g", v["impact_g"], None),
        (
            "strike",
            "Strike angle (heel / mid / fore)",
            "strike angle, deg",
            v["strike_angle_deg"],
            _strike_classes,
        ),
        ("stride", "Stride length", "stride, m", v["stride_m"], None),
    ]
    if "balance_pct" in v:
        specs.append(
            ("balance", "Left/right balance of contact time", "left share, %", v["balance_pct"], _even)
        )
    plots = []
    for key, title, ylabel, y, decorate in specs:
        if not np.isfinite(y).any():
            continue
        plot = _line_plot(activity, series, key, title, ylabel, y, _with_limits(key, y, decorate))
        plots.append(plot)
    return plots


def _with_limits(
    key: str, y: np.ndarray, decorate: Callable[[Axes, np.ndarray, _Axis], None] | None
) -> Callable[[Axes, np.ndarray, _Axis], None]:
    """``decorate``, then the y limits the figure ``key`` needs (the strike classes and the even
    balance always in view)."""
    wanted = {"strike": (STRIKE_FORE_DEG - 4, STRIKE_HEEL_DEG + 4), "balance": (45.0, 55.0)}

    def draw(ax: Axes, x: np.ndarray, axis: _Axis) -> None:
        if decorate is not None:
            decorate(ax, x, axis)
        lo, hi = wanted.get(key, (np.inf, -np.inf))
        a, b = _limits(y, lo, hi)
        if np.isfinite([a, b]).all():
            ax.set_ylim(a, b)

    return draw


def render_plots(activity: Activity, series: Series) -> list[Plot]:
    """Every plot of the report, elevation first."""
    import matplotlib

    matplotlib.use("Agg")  # no display, whatever the environment asks for
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        plots = [elevation_plot(activity, series)] if series.on_distance else []
        return plots + form_plots(activity, series)
