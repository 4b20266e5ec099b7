"""The gait engine: one facade over the per-sensor detectors.

Fed sample blocks of any size from any of the session's sensors, it returns each step as soon as it is
confirmed (``new``, at initial contact) and again when its stance is over and every figure is known
(``completed``, at toe-off). Both lists hold the same :class:`StepEvent` objects: a step's late fields
(contact, strike angle, stride, grade...) are filled in place, ``detected_at_s`` keeps the emission time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..datatypes import Placement, SampleBlock, SensorInfo, StepEvent
from . import kernels
from .body import BodyStepDetector
from .foot import FootStepDetector
from .grade import GradeEstimator

MAX_STEP_S = 1.5
"""Longest plausible step between the two feet, s (slower is standing, not walking)."""


@dataclass(slots=True)
class EngineOutput:
    """What one block produced."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)


class GaitEngine:
    """Online gait analysis for a session's sensors.

    Args:
        sensors: the session's sensors; foot IMUs get a :class:`FootStepDetector`, other placements
            a :class:`BodyStepDetector`. When there are foot sensors, steps come from them only.
    """

    def __init__(self, sensors: list[SensorInfo]) -> None:
        self.sensors = sensors
        kernels.compile_all()  # before any data flows: a live session must not wait for the compiler
        self.feet_detectors: dict[int, FootStepDetector] = {}
        self.body_detectors: dict[int, BodyStepDetector] = {}
        for i, info in enumerate(sensors):
            if info.placement is Placement.FOOT:
                self.feet_detectors[i] = FootStepDetector(i, info.side)
            else:
                self.body_detectors[i] = BodyStepDetector(i, info.placement, info.side)
        self.feet = len(self.feet_detectors)
        self._last_pitch: float | None = None
        self.grade = GradeEstimator(feet=self.feet)
        self._last_ic: dict[int, float] = {}

    def feed(self, block: SampleBlock) -> EngineOutput:
        """Process one block; returns the steps it confirmed and completed."""
        out = EngineOutput()
        body = self.body_detectors.get(block.sensor)
        if body is not None:
            res = body.feed(block)
            for ev in res.new:
                if ev.trunk_pitch_deg is not None:
                    self._last_pitch = ev.trunk_pitch_deg
            if self.feet == 0:  # steps from the body sensor only when no foot sensor is worn
                out.new.extend(res.new)
                out.completed.extend(res.completed)
            return out
        det = self.feet_detectors.get(block.sensor)
        if det is None:
            return out
        if block.baro_pa is not None:
            self.grade.add_pressure(block.t, block.baro_pa)
        res = det.feed(block)
        for stride in res.strides:
            self.grade.add_stride(stride.t_end_s, stride.length_m, stride.rise_m)
        for ev in res.new:
            if self.feet > 1:
                self._two_feet_timing(ev)
            out.new.append(ev)
        for ev in res.completed:
            ev.grade_pct = self.grade.grade_pct
            if ev.trunk_pitch_deg is None:
                ev.trunk_pitch_deg = self._last_pitch
            out.completed.append(ev)
        return out

    def _two_feet_timing(self, ev: StepEvent) -> None:
        """With both feet instrumented, the step time is from the other foot's last contact."""
        others = [t for s, t in self._last_ic.items() if s != ev.sensor and t < ev.t_ic_s]
        self._last_ic[ev.sensor] = ev.t_ic_s
        if others:
            step = ev.t_ic_s - max(others)
            if 0 < step <= MAX_STEP_S:
                ev.step_time_s = step
                ev.cadence_spm = 60.0 / step
                if ev.contact_s is not None:
                    ev.flight_s = max(0.0, step - ev.contact_s)
