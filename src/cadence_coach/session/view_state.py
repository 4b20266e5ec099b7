"""What the coach screen shows, gathered from a session's output as it comes.

:class:`ScreenState` is one snapshot (all figures a runner glances at); :class:`SensorWatch` keeps each
sensor's link state, :class:`DistanceMeter` the distance run. The live view updates them with every
pipeline output and takes a snapshot at each redraw. Session time (s) is the clock throughout: the
latest arrival time seen, so a replay's screen shows the recording's time, not the wall clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from ..datatypes import Cue, PodReading, SensorInfo, StepEvent
from .pipeline import Pipeline, PipelineOutput


class Link(str, Enum):
    """A sensor's state as the screen shows it."""

    WAITING = "waiting"  # nothing received yet
    OK = "ok"  # data arriving
    LOST = "lost"  # link lost, or no data for a while


@dataclass(frozen=True, slots=True)
class SensorStatus:
    """One sensor on the screen.

    Attributes:
        label: where it is worn, e.g. ``foot left``; ``short`` e.g. ``foot L``.
        link: its state.
        lost_s: for a lost sensor, how long since its last data (or its disconnect), s.
        lost_packets: packets missing from its sequence so far, or None if its stream has no counter.
        rate_hz: mean sample rate so far, Hz, or None.
    """

    label: str
    short: str
    link: Link
    lost_s: float | None = None
    lost_packets: int | None = None
    rate_hz: float | None = None


@dataclass(frozen=True, slots=True)
class ScreenState:
    """One snapshot of the coach screen; None where a figure is not known (yet).

    Attributes:
        now_s: session time of the snapshot, s.
        steps: steps counted so far.
        cadence_spm: current cadence (rolling median), steps/min.
        target_spm: the coach's cadence target, steps/min.
        grade_pct: smoothed grade, percent, negative downhill.
        descent_band: the descent's band (``gentle``, ``moderate``, ``steep``) while the coach's descent
            state is active, else None; ``descent_s`` how long it has lasted, s.
        last_cue: the last cue given, and ``cue_age_s`` how long ago, s.
        distance_m: distance run, m (from strides, or a foot pod's counter).
        sensors: every sensor, in session order.
    """

    now_s: float | None = None
    steps: int = 0
    cadence_spm: float | None = None
    target_spm: float | None = None
    grade_pct: float | None = None
    descent_band: str | None = None
    descent_s: float | None = None
    last_cue: Cue | None = None
    cue_age_s: float | None = None
    distance_m: float | None = None
    sensors: list[SensorStatus] = field(default_factory=list)


def sensor_labels(info: SensorInfo) -> tuple[str, str]:
    """E.g. (``foot left``, ``foot L``); the placement alone when the side is not known."""
    place = info.placement.value
    if info.side is None:
        return place, place
    return f"{place} {info.side.value}", f"{place} {info.side.value[0].upper()}"


class SensorWatch:
    """Link state of each sensor: from link events (disconnected, connected, reconnected) and from how
    long ago its data last arrived.

    Args:
        sensors: the session's sensors.
        silent_after_s: a sensor whose data stopped this long ago (session time) counts as lost, s.
    """

    def __init__(self, sensors: list[SensorInfo], silent_after_s: float = 3.0) -> None:
        self.sensors = sensors
        self.silent_after_s = silent_after_s
        self.last_data_s: list[float | None] = [None] * len(sensors)
        self.disconnected_at_s: list[float | None] = [None] * len(sensors)

    def update(self, output: PipelineOutput) -> None:
        """Take in one pipeline output: its blocks, pod readings and link events."""
        arrivals = [(b.sensor, b.t_arrival) for b in output.blocks]
        arrivals += [(r.sensor, r.t_s) for r in output.pod_readings]
        for sensor, t in arrivals:
            if 0 <= sensor < len(self.sensors):
                self.last_data_s[sensor] = t
                self.disconnected_at_s[sensor] = None
        for event in output.events:
            which, kind = event.data.get("sensor"), event.data.get("event")
            if not isinstance(which, int) or not 0 <= which < len(self.sensors):
                continue
            if kind == "disconnected":
                self.disconnected_at_s[which] = event.t_s
            elif kind in ("connected", "reconnected"):
                self.disconnected_at_s[which] = None

    def status(self, i: int, now_s: float | None, pipeline: Pipeline) -> SensorStatus:
        """Sensor ``i`` at session time ``now_s`` (s)."""
        label, short = sensor_labels(self.sensors[i])
        stream = pipeline.streams[i]
        lost_packets = stream.lost_packets if stream is not None else None
        rate = pipeline.counters[i].rate_hz
        last, gone = self.last_data_s[i], self.disconnected_at_s[i]
        since = gone if gone is not None else last
        if gone is not None or (
            last is not None and now_s is not None and now_s - last > self.silent_after_s
        ):
            lost_s = None if since is None or now_s is None else max(0.0, now_s - since)
            return SensorStatus(label, short, Link.LOST, lost_s, lost_packets, rate)
        link = Link.WAITING if last is None else Link.OK
        return SensorStatus(label, short, link, None, lost_packets, rate)


class DistanceMeter:
    """Distance run, m: the sum of one foot's stride lengths (a step carries the stride of its foot, and
    each foot's strides cover the whole course, so the foot with more measured strides counts), else
    the distance counter of a foot pod; None when neither is known.

    Strides the engine could not measure add nothing, so the figure errs short.
    """

    def __init__(self) -> None:
        self._by_foot: dict[tuple[int, str | None], tuple[int, float]] = {}  # (sensor, side) -> (strides, m)
        self._pod: dict[int, tuple[float, float]] = {}  # sensor -> (first, latest counter), m

    def update(self, steps: list[StepEvent], pod_readings: list[PodReading]) -> None:
        """Take in final steps and pod readings."""
        for step in steps:
            if step.stride_m is not None and math.isfinite(step.stride_m) and step.stride_m > 0:
                foot = (step.sensor, step.side.value if step.side else None)
                n, metres = self._by_foot.get(foot, (0, 0.0))
                self._by_foot[foot] = (n + 1, metres + step.stride_m)
        for reading in pod_readings:
            if reading.total_distance_m is not None:
                first = self._pod.get(reading.sensor, (reading.total_distance_m, 0.0))[0]
                self._pod[reading.sensor] = (first, reading.total_distance_m)

    @property
    def distance_m(self) -> float | None:
        if self._by_foot:
            return max(self._by_foot.values())[1]
        if self._pod:
            return max(latest - first for first, latest in self._pod.values())
        return None
