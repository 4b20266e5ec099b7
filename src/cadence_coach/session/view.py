"""The live terminal view of a session.

On a terminal it is a rich.live display redrawn a few times per second (never per packet): the coach
screen (:mod:`.coach_screen`, the default: cadence against its target, grade, the last cue, time,
distance, sensors) or, with ``mode="detail"``, the per-step table (:mod:`.detail_view`). Otherwise (a
pipe, a log file) it prints one plain line per step and per cue, whatever the mode.
"""

from __future__ import annotations

import math
import sys
import time
from collections import deque
from typing import Literal, Protocol, TextIO

from rich.console import Console, RenderableType
from rich.live import Live

from ..coach.descent import DescentState
from ..datatypes import Cue, SensorInfo, StepEvent
from ..gait.rolling import RollingFigures
from .coach_screen import CoachScreen
from .detail_view import cue_line, detail_panel, sensor_rows, step_line
from .pipeline import Pipeline, PipelineOutput
from .view_state import DistanceMeter, ScreenState, SensorWatch

ViewMode = Literal["coach", "detail"]
VIEW_MODES: tuple[ViewMode, ...] = ("coach", "detail")


class CoachReadout(Protocol):
    """What the coach screen reads from the coach (:class:`~cadence_coach.coach.coach.Coach`)."""

    @property
    def target_cadence_spm(self) -> float | None: ...

    @property
    def descent(self) -> DescentState: ...


class LiveView:
    """Shows a session's progress.

    Args:
        sensors: the session's sensors.
        live: True for the rich display, False for plain lines, None to choose by whether ``out`` is a
            terminal.
        out: where to write (default stdout).
        mode: ``coach`` (the coach screen) or ``detail`` (the per-step table).
        coach: the session's coach, for the cadence target and the descent state (None: not shown).
        refresh_s: shortest time between two redraws, s.
        keep_steps / keep_cues: how many of the latest steps and cues the detail table lists.
    """

    def __init__(
        self,
        sensors: list[SensorInfo],
        live: bool | None = None,
        out: TextIO | None = None,
        mode: ViewMode = "coach",
        coach: CoachReadout | None = None,
        refresh_s: float = 0.25,
        keep_steps: int = 8,
        keep_cues: int = 3,
    ) -> None:
        self.sensors = sensors
        self.out = out if out is not None else sys.stdout
        self.live = self.out.isatty() if live is None else live
        self.mode = mode
        self.coach = coach
        self.refresh_s = refresh_s
        self.steps: deque[StepEvent] = deque(maxlen=keep_steps)
        self.cues: deque[Cue] = deque(maxlen=keep_cues)
        self.session_t: float | None = None
        self.step_count = 0
        self.figures = RollingFigures()
        self.pod_cadence_spm: float | None = None
        self.watch = SensorWatch(sensors)
        self.distance = DistanceMeter()
        self.pipeline: Pipeline | None = None
        self._last_draw = -math.inf
        self._live: Live | None = None
        if self.live:
            self._live = Live(console=Console(file=self.out), auto_refresh=False, transient=False)
            self._live.start()
            self._draw()  # at once: the first packets may take a while (decoders compile on first use)

    def update(self, output: PipelineOutput, pipeline: Pipeline) -> None:
        """Take in what one packet or block produced; redraws at most every ``refresh_s``."""
        self.pipeline = pipeline
        self._take(output)
        if not self.live:
            for step in output.steps:
                self.out.write(step_line(step) + "\n")
            for cue in output.cues:
                self.out.write(cue_line(cue) + "\n")
            return
        now = time.monotonic()
        if now - self._last_draw >= self.refresh_s:
            self._last_draw = now
            self._draw()

    def _take(self, output: PipelineOutput) -> None:
        """Keep what the screens show from one output."""
        times = [b.t_arrival for b in output.blocks] + [e.t_s for e in output.events]
        times += [r.t_s for r in output.pod_readings] + [s.detected_at_s for s in output.steps]
        times += [c.t_s for c in output.cues]
        if times:
            self.session_t = max(times) if self.session_t is None else max(self.session_t, *times)
        self.steps.extend(output.steps)
        self.cues.extend(output.cues)
        self.step_count += len(output.steps)
        for step in output.steps:
            self.figures.update(step)
        for reading in output.pod_readings:
            self.pod_cadence_spm = reading.cadence_spm
        self.watch.update(output)
        self.distance.update(output.steps, output.pod_readings)

    def state(self) -> ScreenState:
        """The coach screen's figures now."""
        now = self.session_t
        descent = self.coach.descent if self.coach is not None else DescentState()
        band = descent.band.value if descent.active and descent.band is not None else None
        on_descent = (
            now - descent.since_s if band and now is not None and descent.since_s is not None else None
        )
        last_cue = self.cues[-1] if self.cues else None
        sensors = []
        if self.pipeline is not None:
            sensors = [self.watch.status(i, now, self.pipeline) for i in range(len(self.sensors))]
        cadence = self.figures.cadence_spm
        return ScreenState(
            now_s=now,
            steps=self.step_count,
            cadence_spm=cadence if cadence is not None else self.pod_cadence_spm,
            target_spm=self.coach.target_cadence_spm if self.coach is not None else None,
            grade_pct=self.figures.grade_pct,
            descent_band=band,
            descent_s=on_descent,
            last_cue=last_cue,
            cue_age_s=now - last_cue.t_s if last_cue is not None and now is not None else None,
            distance_m=self.distance.distance_m,
            sensors=sensors,
        )

    def render(self) -> RenderableType:
        """The display as a rich renderable, for the current mode."""
        if self.mode == "detail":
            rows = sensor_rows(self.sensors, self.pipeline) if self.pipeline is not None else []
            return detail_panel(self.session_t, rows, self.steps, self.cues)
        return CoachScreen(self.state(), spare_rows=1 if self._live is not None else 0)

    def _draw(self) -> None:
        assert self._live is not None
        self._live.update(self.render(), refresh=True)

    def close(self, pipeline: Pipeline | None = None) -> None:
        """Final redraw (with ``pipeline``'s counters if given) and stop the display."""
        if pipeline is not None:
            self.pipeline = pipeline
        if self._live is not None:
            self._draw()
            self._live.stop()
            self._live = None
