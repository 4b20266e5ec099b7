"""The report's summary: the session in a dozen figures, as an HTML table of label and value."""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..activity import Activity
from .text import DASH, distance, duration, number, share


def when(start_utc: datetime | None) -> str:
    """The session's start, in UTC (the recording's own clock), or a dash."""
    return start_utc.strftime("%Y-%m-%d %H:%M UTC") if start_utc is not None else DASH


def cues_spoken(activity: Activity) -> str:
    """How many cues, and which: "5: Land midfoot 3, Quick feet 2"."""
    s = activity.summary
    if s is None or not s.cues:
        return "none"
    words = {c.cue_id: c.text for c in activity.cues}
    listed = ", ".join(f"\u201c{words.get(cid, cid)}\u201d \u00d7{n}" for cid, n in s.cues.items())
    return f"{sum(s.cues.values())}: {listed}"


def summary_rows(activity: Activity) -> list[tuple[str, str]]:
    """Label and value of each figure of the summary."""
    s = activity.summary
    if s is None:
        raise ValueError("the activity has no summary")
    feet = {0: "no foot sensor", 1: "one foot", 2: "both feet"}.get(activity.feet, f"{activity.feet} feet")
    return [
        ("date", when(activity.start_utc)),
        ("duration", duration(s.duration_s)),
        ("distance", distance(s.distance_m)),
        ("elevation gain / loss", f"{number(s.gain_m, 'm')} / {number(s.loss_m, 'm')}"),
        ("steps", f"{s.steps} ({feet})"),
        ("cadence, all steps", number(s.cadence_spm, "spm")),
        (
            "cadence on flats / descents",
            f"{number(s.cadence_flat_spm, 'spm')} / {number(s.cadence_descent_spm, 'spm')}",
        ),
        ("descents", f"{s.descents}, {duration(s.descent_s)} in all"),
        ("heel strikes on descents", share(s.descent_heel_strike_share)),
        ("cues spoken", cues_spoken(activity)),
    ]


def summary_html(activity: Activity) -> str:
    """The summary as an HTML table."""
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in summary_rows(activity))
    return f'<table class="summary">{rows}</table>'
