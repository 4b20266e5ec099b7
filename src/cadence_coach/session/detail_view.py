"""The per-step view (``--view detail``, and the plain lines written when stdout is not a terminal).

Every step with its figures and every cue with its reason, for checking the engine rather than for
running: a table of the sensors' counters, the latest steps and the last cues, or one plain line per
step and per cue. Only figures that exist are shown: a figure the engine did not measure is '-'.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..datatypes import Cue, SensorInfo, StepEvent
from .pipeline import Pipeline

MISSING = "-"


def figure(value: float | None, fmt: str, unit: str = "", scale: float = 1.0) -> str:
    """``value * scale`` formatted with ``fmt`` and ``unit``, or '-' when it was not measured."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{value * scale:{fmt}}{unit}"


def latency_ms(step: StepEvent) -> float:
    """Detection latency of a step, ms: (detected_at - initial contact) * 1000."""
    return (step.detected_at_s - step.t_ic_s) * 1000.0


def sensor_label(info: SensorInfo) -> str:
    """E.g. ``open-imu foot/left``."""
    return f"{info.profile} {info.placement.value}{'/' + info.side.value if info.side else ''}"


def step_line(step: StepEvent) -> str:
    """One plain-text line for a step."""
    side = step.side.value if step.side else MISSING
    strike = step.strike.value if step.strike else MISSING
    return (
        f"step {step.t_ic_s:.3f} s {side}: cadence {figure(step.cadence_spm, '.0f', ' spm')}, "
        f"contact {figure(step.contact_s, '.0f', ' ms', 1000.0)}, "
        f"flight {figure(step.flight_s, '.0f', ' ms', 1000.0)}, "
        f"strike {strike} ({figure(step.strike_angle_deg, '+.1f', ' deg')}), "
        f"impact {figure(step.impact_g, '.1f', ' g')}, stride {figure(step.stride_m, '.2f', ' m')}, "
        f"grade {figure(step.grade_pct, '+.1f', ' %')}, latency {latency_ms(step):.0f} ms"
    )


def cue_line(cue: Cue) -> str:
    """One plain-text line for a cue."""
    reason = f" ({cue.reason})" if cue.reason else ""
    return f"cue {cue.t_s:.3f} s {cue.cue_id}: {cue.text}{reason}"


def sensor_rows(sensors: list[SensorInfo], pipeline: Pipeline) -> list[tuple[str, ...]]:
    """One row per sensor: label, sample rate, packets, lost, malformed."""
    rows: list[tuple[str, ...]] = []
    for info, c, stream in zip(sensors, pipeline.counters, pipeline.streams):
        rows.append(
            (
                sensor_label(info),
                figure(c.rate_hz, ".0f", " Hz"),
                str(c.packets) if stream is not None else MISSING,
                str(stream.lost_packets) if stream is not None else MISSING,
                str(stream.malformed) if stream is not None else MISSING,
            )
        )
    return rows


def detail_panel(
    session_t: float | None, rows: Iterable[tuple[str, ...]], steps: Iterable[StepEvent], cues: Iterable[Cue]
) -> Group:
    """Session time (s), the sensor table (:func:`sensor_rows`), the latest steps and the last cues."""
    title = Text(f"session time {figure(session_t, '.1f', ' s')}", style="bold")
    sensors = Table("sensor", "rate", "packets", "lost", "malformed", title="sensors", title_justify="left")
    for row in rows:
        sensors.add_row(*row)
    table = Table(
        "t s",
        "side",
        "spm",
        "contact ms",
        "strike",
        "angle deg",
        "stride m",
        "grade %",
        "latency ms",
        title="latest steps",
        title_justify="left",
    )
    for s in steps:
        table.add_row(
            f"{s.t_ic_s:.2f}",
            s.side.value if s.side else MISSING,
            figure(s.cadence_spm, ".0f"),
            figure(s.contact_s, ".0f", scale=1000.0),
            s.strike.value if s.strike else MISSING,
            figure(s.strike_angle_deg, "+.0f"),
            figure(s.stride_m, ".2f"),
            figure(s.grade_pct, "+.1f"),
            f"{latency_ms(s):.0f}",
        )
    cue_table = Table("t s", "cue", "why", title="last cues", title_justify="left")
    for c in cues:
        cue_table.add_row(f"{c.t_s:.1f}", c.text, c.reason or MISSING)
    return Group(title, sensors, table, cue_table)
