"""The live terminal view: sensors, the latest steps and cues, session time.

On a terminal it is a rich.live panel redrawn a few times per second (never per packet); otherwise
(a pipe, a log file) it prints one plain line per step and per cue. Only figures that exist are shown:
a figure the engine did not measure is '-'.
"""

from __future__ import annotations

import math
import sys
import time
from collections import deque
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..datatypes import Cue, SensorInfo, StepEvent
from .pipeline import Pipeline, PipelineOutput

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


class LiveView:
    """Shows a session's progress.

    Args:
        sensors: the session's sensors.
        live: True for the rich panel, False for plain lines, None to choose by whether ``out`` is a
            terminal.
        out: where to write (default stdout).
        refresh_s: shortest time between two redraws of the panel, s.
        keep_steps / keep_cues: how many of the latest steps and cues the panel lists.
    """

    def __init__(
        self,
        sensors: list[SensorInfo],
        live: bool | None = None,
        out: TextIO | None = None,
        refresh_s: float = 0.25,
        keep_steps: int = 8,
        keep_cues: int = 3,
    ) -> None:
        self.sensors = sensors
        self.out = out if out is not None else sys.stdout
        self.live = self.out.isatty() if live is None else live
        self.refresh_s = refresh_s
        self.steps: deque[StepEvent] = deque(maxlen=keep_steps)
        self.cues: deque[Cue] = deque(maxlen=keep_cues)
        self.session_t: float | None = None
        self._rows: list[tuple[str, ...]] = [(sensor_label(s),) + (MISSING,) * 4 for s in sensors]
        self._last_draw = -math.inf
        self._live: Live | None = None
        if self.live:
            self._live = Live(console=Console(file=self.out), auto_refresh=False, transient=False)
            self._live.start()

    def update(self, output: PipelineOutput, pipeline: Pipeline) -> None:
        """Take in what one packet or block produced; redraws at most every ``refresh_s``."""
        if output.blocks:
            self.session_t = output.blocks[-1].t_arrival
        self.steps.extend(output.steps)
        self.cues.extend(output.cues)
        if not self.live:
            for step in output.steps:
                self.out.write(step_line(step) + "\n")
            for cue in output.cues:
                self.out.write(cue_line(cue) + "\n")
            return
        now = time.monotonic()
        if now - self._last_draw >= self.refresh_s:
            self._last_draw = now
            self._snapshot(pipeline)
            self._draw()

    def _snapshot(self, pipeline: Pipeline) -> None:
        for i, (info, c, stream) in enumerate(zip(self.sensors, pipeline.counters, pipeline.streams)):
            self._rows[i] = (
                sensor_label(info),
                figure(c.rate_hz, ".0f", " Hz"),
                str(c.packets) if stream is not None else MISSING,
                str(stream.lost_packets) if stream is not None else MISSING,
                str(stream.malformed) if stream is not None else MISSING,
            )

    def _draw(self) -> None:
        assert self._live is not None
        self._live.update(self.render(), refresh=True)

    def render(self) -> Group:
        """The panel as a rich renderable."""
        title = Text(f"session time {figure(self.session_t, '.1f', ' s')}", style="bold")
        sensors = Table("sensor", "rate", "packets", "lost", "malformed", title="sensors", title_justify="left")
        for row in self._rows:
            sensors.add_row(*row)
        steps = Table(
            "t s", "side", "spm", "contact ms", "strike", "angle deg", "stride m", "grade %", "latency ms",
            title="latest steps", title_justify="left",
        )
        for s in self.steps:
            steps.add_row(
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
        cues = Table("t s", "cue", "why", title="last cues", title_justify="left")
        for c in self.cues:
            cues.add_row(f"{c.t_s:.1f}", c.text, c.reason or MISSING)
        return Group(title, sensors, steps, cues)

    def close(self, pipeline: Pipeline | None = None) -> None:
        """Final redraw (with ``pipeline``'s counters if given) and stop the panel."""
        if self._live is not None:
            if pipeline is not None:
                self._snapshot(pipeline)
            self._draw()
            self._live.stop()
            self._live = None
