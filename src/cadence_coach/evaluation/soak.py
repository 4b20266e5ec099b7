"""Long sessions through the live path's code, packet by packet, on simulated time (benchmarks/soak.py and
tests/session/test_soak.py).

:class:`LoopedRun` simulates a segment of a two-foot run once (``sources.simulator``, both sensors'
clocks without drift so the segment repeats seamlessly) and hands its packets over and over, each
repeat re-stamped as the continuation of the last (packet counters, sensor clocks, arrival times), so a
session of any length is generated one packet at a time while only one segment is held in memory.

:func:`live_like_session` builds what ``cadence-coach run`` builds once its sensors are connected (a
:class:`~cadence_coach.session.session.Session` over a :class:`~cadence_coach.session.pipeline.Pipeline`
with the coach, a voice, the live view and the steps and cues writers, keeping counts only), and
:func:`soak` feeds it every packet through :func:`~cadence_coach.session.live.record_and_process`, the
function a live session runs on each arriving packet (recording, then session), noting the process's
resident memory and the time per packet for every simulated hour. :func:`container_sizes` lists the
lengths of the containers a session holds, to show that none grows with the session's length.
"""

from __future__ import annotations

import heapq
import os
import struct
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..coach.coach import Coach
from ..coach.config import load_config
from ..datatypes import RawPacket, SensorInfo
from ..outputs.cues_csv import CuesCsvWriter
from ..outputs.steps_csv import StepsCsvWriter
from ..session.live import record_and_process
from ..session.pipeline import Pipeline
from ..session.session import Session
from ..session.view import LiveView
from ..sources.recording import RecordingHeader, RecordingWriter
from ..sources.simulator import simulate
from ..sources.simulator.simulation import SimulatedSensor
from ..sources.simulator.wire import PACKET_SPACING_S, plan_packets
from ..sources.simulator.writer import sensor_packets
from ..voice import Voice

_COUNTER_CLOCK = struct.Struct("<HI")  # open IMU header: sequence (offset 2), sensor time us (offset 4)


@dataclass
class _Segment:
    """One sensor's packets over one segment: arrival times s, payloads, and the per-repeat shifts."""

    arrival: np.ndarray
    payloads: list[bytes]
    uuid: str
    sequence_step: int  # packets planned per segment, lost ones included
    clock_step_us: int  # sensor clock advance per segment, microseconds


class LoopedRun:
    """A simulated two-foot run of any length, one segment simulated and repeated (module docstring).

    Args:
        segment_s: length of the simulated segment, s (each repeat starts with the simulator's few
            seconds of standing still, like a stop at a crossing).
        seed: simulator seed.
        rate_hz: IMU sample rate, Hz; ``1e6 / rate_hz`` must be whole microseconds.
        scenario: simulator scenario.
        loss: packet loss probability.
    """

    def __init__(
        self,
        segment_s: float = 1800.0,
        seed: int = 1,
        rate_hz: float = 400.0,
        scenario: str = "flat-easy",
        loss: float = 0.002,
    ) -> None:
        period_us = 1e6 / rate_hz
        if period_us != round(period_us):
            raise ValueError(f"rate {rate_hz:g} Hz: the sample period must be whole microseconds")
        self.samples_per_segment = int(round(segment_s * rate_hz))
        self.segment_s = self.samples_per_segment / rate_hz
        sim = simulate(scenario, self.segment_s + 1.0, seed, rate_hz, "both", loss=loss)
        rng = np.random.default_rng(seed)
        sensors = []
        for s in sim.sensors:
            link = replace(s.link, drift_ppm=0.0)  # a repeat then continues the sample grid exactly
            t = link.first_sample_s + np.arange(self.samples_per_segment) / rate_hz
            sensors.append(
                SimulatedSensor(s.side, s.imu, link, t, plan_packets(link, t, rng, sim.options["baro"]))
            )
        sim = replace(sim, sensors=sensors)
        self.sensors: list[SensorInfo] = [s.info for s in sensors]
        self._segments = []
        for i, s in enumerate(sensors):
            packets = list(sensor_packets(sim, i))
            self._segments.append(
                _Segment(
                    np.array([p.t_host for p in packets]),
                    [p.payload for p in packets],
                    packets[0].characteristic,
                    len(s.packets),
                    int(round(self.samples_per_segment * period_us)),
                )
            )

    def packets(self, duration_s: float) -> Iterator[RawPacket]:
        """Every sensor's packets arriving before ``duration_s`` (s), merged in arrival order."""
        return heapq.merge(*(self._sensor(i, duration_s) for i in range(len(self._segments))), key=_arrival)

    def _sensor(self, index: int, duration_s: float) -> Iterator[RawPacket]:
        seg = self._segments[index]
        last = -np.inf
        repeat = 0
        while True:
            shift = repeat * self.segment_s
            for arrival, payload in zip((seg.arrival + shift).tolist(), seg.payloads):
                arrival = max(arrival, last + PACKET_SPACING_S)  # a sensor's packets arrive in order
                if arrival >= duration_s:
                    return
                last = arrival
                if repeat:
                    payload = _restamp(payload, repeat * seg.sequence_step, repeat * seg.clock_step_us)
                yield RawPacket(index, arrival, seg.uuid, payload)
            repeat += 1


def _arrival(p: RawPacket) -> float:
    return p.t_host


def _restamp(payload: bytes, sequence_add: int, clock_add_us: int) -> bytes:
    """The payload with its packet counter and sensor clock advanced (both wrap as the sensor's do)."""
    buf = bytearray(payload)
    seq, clock = _COUNTER_CLOCK.unpack_from(buf, 2)
    _COUNTER_CLOCK.pack_into(buf, 2, (seq + sequence_add) % 65536, (clock + clock_add_us) % 2**32)
    return bytes(buf)


def live_like_session(
    sensors: list[SensorInfo], steps_out: Path, cues_out: Path, stack: ExitStack, keep: bool = False
) -> Session:
    """The session ``cadence-coach run --steps-out --cues-out --audio off`` builds for ``sensors`` (the
    plain-line live view written to the null device); the writers close with ``stack``. ``keep``: keep
    every step and cue in the session, as tests do (a live session does not)."""
    config = load_config(None)
    coach = Coach(config)
    voice = stack.enter_context(Voice("off", {cid: cue.text for cid, cue in config.cues.items()}))
    devnull = stack.enter_context(open(os.devnull, "w", encoding="utf-8"))
    view = LiveView(sensors, live=False, out=devnull, coach=coach)
    steps = stack.enter_context(StepsCsvWriter(steps_out, keep_partial=True))
    cues = stack.enter_context(CuesCsvWriter(cues_out, keep_partial=True))
    return Session(
        Pipeline(sensors),
        coach=coach,
        speaker=voice,
        view=view,
        step_sinks=[steps],
        cue_sinks=[cues],
        keep=keep,
    )


def rss_mb() -> float:
    """Resident memory of this process now, MB (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


@dataclass
class Interval:
    """One reporting interval of a soak, up to simulated time ``end_s`` (s): its packets, the wall time
    spent handling them (recording and session, s), the process's CPU time over the interval (s, the
    packet generator's included: less disturbed by other processes on the machine), the resident memory
    at its end (MB), the steps so far, and the session's :func:`container_sizes` when asked for."""

    end_s: float
    packets: int
    busy_s: float
    cpu_s: float
    rss_mb: float
    steps: int
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def us_per_packet(self) -> float:
        return 1e6 * self.busy_s / max(self.packets, 1)

    @property
    def cpu_us_per_packet(self) -> float:
        return 1e6 * self.cpu_s / max(self.packets, 1)


@dataclass
class SoakResult:
    """A soak's intervals and totals, the recording it made and the steps file it wrote."""

    intervals: list[Interval]
    steps: int
    cues: int
    lost_packets: int
    recording: Path
    steps_csv: Path


def soak(
    run: LoopedRun,
    duration_s: float,
    folder: Path,
    every_s: float = 3600.0,
    on_interval: Callable[[Interval], None] | None = None,
    sizes: bool = False,
    keep: bool = False,
) -> SoakResult:
    """Feed ``duration_s`` (s) of ``run``'s packets one by one to a live-like session that records them
    into ``folder``; an :class:`Interval` every ``every_s`` of simulated time (with
    :func:`container_sizes` of the session if ``sizes``)."""
    recording, steps_csv = folder / "soak.ccrec", folder / "soak.steps.csv"
    intervals: list[Interval] = []
    header = RecordingHeader(sensors=run.sensors, source="simulator", meta={"soak_s": duration_s})
    with ExitStack() as stack, open(os.devnull, "w", encoding="utf-8") as devnull, redirect_stdout(devnull):
        session = live_like_session(run.sensors, steps_csv, folder / "soak.cues.csv", stack, keep)
        writer = stack.enter_context(RecordingWriter(recording, header))
        end, count, busy, cpu = every_s, 0, 0.0, time.process_time()

        def close_interval(t_end: float) -> None:
            nonlocal count, busy, cpu
            now = time.process_time()
            iv = Interval(t_end, count, busy, now - cpu, rss_mb(), session.step_count)
            if sizes:
                iv.sizes = container_sizes(session)
            intervals.append(iv)
            if on_interval is not None:
                on_interval(iv)
            count, busy, cpu = 0, 0.0, time.process_time()

        for packet in run.packets(duration_s):
            while packet.t_host >= end:
                close_interval(end)
                end += every_s
            t0 = time.perf_counter()
            record_and_process(session, writer, packet)
            busy += time.perf_counter() - t0
            count += 1
        t0 = time.perf_counter()
        session.finish()
        busy += time.perf_counter() - t0
        close_interval(min(end, duration_s))
    return SoakResult(
        intervals, session.step_count, session.cue_count, session.pipeline.lost_packets, recording, steps_csv
    )


_CONTAINERS = (list, deque, dict, set, bytearray)
_LEAVES = (str, bytes, int, float, bool, type(None), Path)


def grown(before: dict[str, int], after: dict[str, int], share: float = 0.25, slack: int = 100) -> dict:
    """The containers of ``after`` that grew by more than ``share`` and ``slack`` items since ``before``:
    {path: (before, after)}. Between two points of a session, one a multiple of the other, a container
    that keeps something of every step or packet shows here; a bounded buffer or a time window does not."""
    out = {}
    for path, n in after.items():
        was = before.get(path, 0)
        if n > was + slack and n > was * (1 + share):
            out[path] = (was, n)
    return out


def container_sizes(root: object, max_depth: int = 8) -> dict[str, int]:
    """Length of every list, deque, dict, set, bytearray and numpy array reachable from ``root`` through
    attributes and small containers, by attribute path (each object once, at its shortest path)."""
    sizes: dict[str, int] = {}
    seen: set[int] = set()
    todo: deque[tuple[str, object, int]] = deque([("", root, 0)])
    while todo:
        path, obj, depth = todo.popleft()
        if id(obj) in seen or isinstance(obj, _LEAVES) or callable(obj) and not hasattr(obj, "__dict__"):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            sizes[path] = int(obj.size)
            continue
        if isinstance(obj, _CONTAINERS):
            sizes[path] = len(obj)
            items = list(obj.items()) if isinstance(obj, dict) else list(enumerate(obj))
            if len(obj) <= 16 and not isinstance(obj, bytearray):
                todo.extend((f"{path}[{k!r}]", v, depth + 1) for k, v in items)
            continue
        if isinstance(obj, tuple) and len(obj) <= 16:
            todo.extend((f"{path}[{k}]", v, depth + 1) for k, v in enumerate(obj))
            continue
        if depth >= max_depth or type(obj).__module__.split(".")[0] != "cadence_coach":
            continue
        for name in _attributes(obj):
            try:
                value = getattr(obj, name)
            except AttributeError:
                continue
            todo.append((f"{path}.{name}" if path else name, value, depth + 1))
    return sizes


def _attributes(obj: object) -> list[str]:
    names = list(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return [n for n in names if n != "__weakref__"]
