"""The gait engine: one facade over the per-sensor detectors.

Fed sample blocks of any size from any of the session's sensors, it returns each step as soon as it is
confirmed (``new``, at initial contact: latency-critical, never held back) and again once its figures are
final (``completed``). Both lists hold the same :class:`StepEvent` objects: a step's late fields
(contact, strike angle, stride, grade...) are filled in place, ``detected_at_s`` keeps the emission time.

Cross-sensor figures (the step time from the other foot's contact with both feet worn, and so cadence and
flight time; the trunk or head pitch of a foot step) are computed from stream times, never from the order
the blocks were processed in. Every step gets a *release point* on the arrival time base,
``max(detected_at_s, t_ic_s + CROSS_SENSOR_WAIT_S)``: its cross-sensor figures use the other sensors'
steps detected before that point, and it is released, completed, once every sensor's data that arrived
up to that point has been fed. Released steps come out in release-point order (so in contact order
whenever the detectors confirm contacts within ``CROSS_SENSOR_WAIT_S``), whatever the block sizes.

The engine learns how far the data has arrived from the caller: :meth:`GaitEngine.release` takes the
arrival time up to which every sensor's samples have been handed to :meth:`GaitEngine.detect` (the
pipeline passes the latest packet arrival of each feed: packets come in arrival order). A step still
open (its stance not seen through) holds back the steps after it, unless its sensor has sent nothing
for ``STALL_S`` of arrival time (link lost, sensor finished earlier): it is then released with what is
known. :meth:`GaitEngine.finish` releases everything at the end of a session.
"""

from __future__ import annotations

import bisect
import math
import operator
from dataclasses import dataclass, field

import numpy as np

from ..datatypes import Placement, SampleBlock, SensorInfo, StepEvent
from .body import BodyStepDetector
from .foot import DetectedStride, FootOutput, FootStepDetector
from .grade import GradeEstimator, pressure_altitude_m
from .output import BodyOutput
from .strapdown import StrideTrajectory

_KNOWN_AT = operator.itemgetter(0)
"""When a queued stride became known (arrival time base, s)."""


def _STRIDE_ORDER(x: tuple[float, int, StrideTrajectory]) -> tuple[float, int, float]:
    """Order in which queued strides reach the grade estimator: known at, sensor, end time."""
    return (x[0], x[1], x[2].t_end_s)


MAX_STEP_S = 1.5
"""Longest plausible step between the two feet, s (slower is standing, not walking)."""
CROSS_SENSOR_WAIT_S = 0.15
"""How long after a contact (arrival time) the other sensors' steps around it are awaited, s. Covers
the detectors' confirmation delays (foot 1-3 samples, trunk 40-55 ms) plus a BLE packet interval; the
trunk step of the same landing is then known when a foot step is released."""
STALL_S = 1.5
"""A sensor that has sent nothing for this long (arrival time, s) no longer holds steps back."""


@dataclass(slots=True)
class EngineOutput:
    """What one block produced."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)


@dataclass(slots=True)
class _Held:
    """A step emitted at contact and not released yet."""

    release_at: float  # release point, arrival time base, s
    event: StepEvent
    completed: bool = False

    @property
    def order(self) -> tuple[float, int, float]:
        return (self.release_at, self.event.sensor, self.event.t_ic_s)


class _Timeline:
    """One sensor's steps as (contact s, detected_at s, value), in contact order, for cross-sensor look-ups."""

    def __init__(self) -> None:
        self.t_ic: list[float] = []
        self.detected: list[float] = []
        self.value: list[float] = []

    def add(self, t_ic: float, detected_at: float, value: float) -> None:
        self.t_ic.append(t_ic)
        self.detected.append(detected_at)
        self.value.append(value)

    def around(self, lo: float, hi: float, known_before: float) -> list[tuple[float, float]]:
        """(contact, value) of the steps with contact in [lo, hi) detected before ``known_before``."""
        stop = bisect.bisect_left(self.t_ic, hi)
        start = bisect.bisect_left(self.t_ic, lo, 0, stop)
        return [(self.t_ic[i], self.value[i]) for i in range(start, stop) if self.detected[i] < known_before]

    def forget_before(self, t: float) -> None:
        """Drop the steps with contact before ``t`` (s), in chunks (cheap)."""
        k = bisect.bisect_left(self.t_ic, t)
        if k >= 256:
            del self.t_ic[:k], self.detected[:k], self.value[:k]


class _SessionGrade:
    """The session's grade, from every foot's strides (each foot's strides cover the whole distance, so
    with two feet every metre is measured twice and the estimate is the steadier for it).

    Strides reach the estimator in the order they became known (their ``detected_at_s``), barometer
    readings in the order they arrived, each before the strides known after it; a step gets the grade
    with everything known before its release point. That is the state a packet-by-packet run has at that
    moment, whatever the block sizes.
    """

    def __init__(self, feet: int) -> None:
        self.estimator = GradeEstimator(feet=feet)
        self._strides: list[tuple[float, int, StrideTrajectory]] = []  # (known at, sensor, stride), in order
        self._readings: dict[int, tuple[np.ndarray, ...]] = {}
        """Each sensor's queued barometer readings (arrival s, t s, Pa, altitude m), in arrival order."""
        self._handed: dict[int, int] = {}  # how many of each sensor's queued readings were handed on

    def add_pressure(self, sensor: int, arrival: np.ndarray, t: np.ndarray, pa: np.ndarray) -> None:
        """Queue one sensor's barometer readings (arrival and sample times s, pressures Pa; NaN = none)."""
        ok = ~np.isnan(pa)
        if ok.any():
            queue = self._readings.get(sensor)
            columns: tuple[np.ndarray, ...] = (arrival[ok], t[ok], pa[ok], pressure_altitude_m(pa[ok]))
            if queue is not None:
                columns = tuple(
                    np.concatenate([q[self._handed[sensor] :], c]) for q, c in zip(queue, columns)
                )
            if np.any(np.diff(columns[0]) < 0):  # late packets: back into arrival order
                order = np.argsort(columns[0], kind="stable")
                columns = tuple(c[order] for c in columns)
            self._readings[sensor] = columns
            self._handed[sensor] = 0

    def add_strides(self, sensor: int, strides: list[DetectedStride]) -> None:
        """Queue the strides one foot's detector gave."""
        if strides:
            self._strides.extend((s.detected_at_s, sensor, s.trajectory) for s in strides)
            self._strides.sort(key=_STRIDE_ORDER)

    def grade_at(self, known_before: float) -> float | None:
        """The grade (percent) with the strides and readings known before ``known_before`` (arrival, s);
        calls must come with non-decreasing ``known_before``."""
        k = bisect.bisect_left(self._strides, known_before, key=_KNOWN_AT)
        if k:
            due = self._strides[:k]
            del self._strides[:k]
            for known_at, _, stride in due:
                self._hand_on(known_at)  # the estimator reads the barometer only when a stride comes
                self.estimator.add_stride(stride.t_end_s, stride.length_m, stride.rise_m)
        return self.estimator.grade_pct

    def _hand_on(self, arrived_before: float) -> None:
        """Hand the estimator the readings that arrived before ``arrived_before`` (s), in sample-time
        order (then by pressure, as a sort of the readings measured at one instant would give)."""
        due: list[tuple[float, float, float]] = []
        for sensor, (arrival, t, pa, alt) in self._readings.items():
            start = self._handed[sensor]
            k = int(np.searchsorted(arrival, arrived_before))
            if k > start:
                due += zip(t[start:k].tolist(), pa[start:k].tolist(), alt[start:k].tolist())
                self._handed[sensor] = k
        if due:
            due.sort()
            self.estimator.add_altitudes([r[0] for r in due], [r[2] for r in due])


class GaitEngine:
    """Online gait analysis for a session's sensors.

    Args:
        sensors: the session's sensors; foot IMUs with all six axes get a :class:`FootStepDetector`,
            other placements and feet with a partial axis set (see ``SampleBlock``) a
            :class:`BodyStepDetector`, chosen from the sensor's first samples. When there are foot
            sensors, steps come from them only (the trunk or head gives their pitch).
    """

    def __init__(self, sensors: list[SensorInfo]) -> None:
        self.sensors = sensors
        foot_sensors = [i for i, info in enumerate(sensors) if info.placement is Placement.FOOT]
        self.feet_detectors: dict[int, FootStepDetector | BodyStepDetector | None] = dict.fromkeys(
            foot_sensors
        )
        """Each foot sensor's detector (None until its first samples show which axes it has)."""
        self.body_detectors: dict[int, BodyStepDetector] = {
            i: BodyStepDetector(i, info.placement, info.side)
            for i, info in enumerate(sensors)
            if info.placement is not Placement.FOOT
        }
        self.feet = len(self.feet_detectors)
        self.grade = _SessionGrade(max(1, self.feet))
        self._contacts = {i: _Timeline() for i in self.feet_detectors}
        self._pitches = {i: _Timeline() for i in self.body_detectors}
        self._held: list[_Held] = []  # in release order
        self._held_by_id: dict[int, _Held] = {}
        self._last_arrival: dict[int, float] = {}
        self.arrived_s = -math.inf
        """Arrival time up to which every sensor's data has been fed, s (the latest :meth:`release`)."""

    def feed(self, block: SampleBlock) -> EngineOutput:
        """:meth:`detect` then :meth:`release` up to the block's last arrival: for a single stream, or
        several fed one block at a time in arrival order."""
        out = EngineOutput(new=self.detect(block))
        if len(block):
            out.completed = self.release(float(block.arrival_times()[-1]))
        return out

    def detect(self, block: SampleBlock) -> list[StepEvent]:
        """Run one block through its sensor's detector; returns the steps it confirmed (at contact, with a
        provisional step time). Steps it completed are held for :meth:`release`."""
        if len(block):
            self._last_arrival[block.sensor] = float(block.arrival_times()[-1])
        body = self.body_detectors.get(block.sensor)
        if body is not None:
            res = body.feed(block)
            for ev in res.new:
                if self.feet and ev.trunk_pitch_deg is not None:
                    self._pitches[block.sensor].add(ev.t_ic_s, ev.detected_at_s, ev.trunk_pitch_deg)
            if self.feet:  # steps from the body sensor only when no foot sensor is worn
                return []
            self._hold(res.new, res.completed)
            return res.new
        if block.sensor not in self.feet_detectors:
            return []
        det = self.feet_detectors[block.sensor] or self._start_foot(block)
        if det is None:
            return []
        if block.baro_pa is not None:
            self.grade.add_pressure(block.sensor, block.arrival_times(), block.t, block.baro_pa)
        foot_res: FootOutput | BodyOutput = det.feed(block)
        if isinstance(foot_res, FootOutput):
            self.grade.add_strides(block.sensor, foot_res.strides)
        for ev in foot_res.new:
            self._contacts[block.sensor].add(ev.t_ic_s, ev.detected_at_s, 0.0)
        self._hold(foot_res.new, foot_res.completed)
        return foot_res.new

    def _start_foot(self, block: SampleBlock) -> FootStepDetector | BodyStepDetector | None:
        """The detector of a foot sensor, from its first non-empty block: the full foot IMU detector
        needs all six axes; a partial axis set gets a :class:`BodyStepDetector` (which picks a method
        from the axes there are)."""
        if not len(block):
            return None
        info = self.sensors[block.sensor]
        if all(block.acc_axes) and all(block.gyro_axes):
            det: FootStepDetector | BodyStepDetector = FootStepDetector(block.sensor, info.side)
        else:
            det = BodyStepDetector(block.sensor, Placement.FOOT, info.side)
        self.feet_detectors[block.sensor] = det
        return det

    def release(self, arrived_s: float) -> list[StepEvent]:
        """Steps whose figures are final once every sensor's data that arrived up to ``arrived_s`` (s)
        has been fed to :meth:`detect`, in release order."""
        self.arrived_s = max(self.arrived_s, arrived_s)
        out: list[StepEvent] = []
        while self._held:
            head = self._held[0]
            if head.release_at >= self.arrived_s:
                break
            if not head.completed and not self._stalled(head.event.sensor):
                break
            out.append(self._release_head())
        if out:  # what may be forgotten changes only when a step goes out
            self._forget_old()
        return out

    def finish(self) -> list[StepEvent]:
        """The end of the session: every held step, open or not, with what is known of it."""
        self.arrived_s = math.inf
        out = [self._release_head() for _ in range(len(self._held))]
        self._forget_old()
        return out

    # -- holding and releasing ------------------------------------------------------------------

    def _hold(self, new: list[StepEvent], completed: list[StepEvent]) -> None:
        for ev in new:
            held = _Held(max(ev.detected_at_s, ev.t_ic_s + CROSS_SENSOR_WAIT_S), ev)
            self._held_by_id[id(ev)] = held
            if not self._held or self._held[-1].order <= held.order:
                self._held.append(held)
            else:
                bisect.insort(self._held, held, key=lambda h: h.order)
        for ev in completed:
            done = self._held_by_id.get(id(ev))
            if done is not None:  # None: released already, its sensor having stalled
                done.completed = True

    def _stalled(self, sensor: int) -> bool:
        return self.arrived_s - self._last_arrival.get(sensor, -math.inf) > STALL_S

    def _release_head(self) -> StepEvent:
        held = self._held.pop(0)
        del self._held_by_id[id(held.event)]
        ev = held.event
        if ev.sensor in self.feet_detectors:
            ev.grade_pct = self.grade.grade_at(held.release_at)
            if self.feet > 1:
                self._two_feet_timing(ev, held.release_at)
            if self._pitches and ev.trunk_pitch_deg is None:
                ev.trunk_pitch_deg = self._pitch_near(ev.t_ic_s, held.release_at)
        return ev

    def _two_feet_timing(self, ev: StepEvent, known_before: float) -> None:
        """With both feet instrumented, the step time is from the other foot's last contact."""
        others = [
            t
            for s, line in self._contacts.items()
            if s != ev.sensor
            for t, _ in line.around(ev.t_ic_s - MAX_STEP_S, ev.t_ic_s, known_before)
        ]
        if others:
            step = ev.t_ic_s - max(others)
            if 0 < step <= MAX_STEP_S:
                ev.step_time_s = step
                ev.cadence_spm = 60.0 / step
                if ev.contact_s is not None:
                    ev.flight_s = max(0.0, step - ev.contact_s)

    def _pitch_near(self, t_ic: float, known_before: float) -> float | None:
        """Pitch of the trunk or head step whose contact is nearest ``t_ic`` (s), within MAX_STEP_S."""
        best: tuple[float, int, float] | None = None
        for s, line in self._pitches.items():
            for t, pitch in line.around(t_ic - MAX_STEP_S, t_ic + MAX_STEP_S, known_before):
                cand = (abs(t - t_ic), s, pitch)
                if best is None or cand < best:
                    best = cand
        return None if best is None else best[2]

    def _forget_old(self) -> None:
        """Drop contacts and pitches that no step still to be released can need: a foot's future steps
        come after its last contact."""
        floor = min((h.event.t_ic_s for h in self._held), default=math.inf)
        for line in self._contacts.values():
            if line.t_ic:
                floor = min(floor, line.t_ic[-1])
        if math.isfinite(floor):
            for line in (*self._contacts.values(), *self._pitches.values()):
                line.forget_before(floor - MAX_STEP_S)
