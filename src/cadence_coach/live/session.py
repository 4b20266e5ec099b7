"""A live session: BLE readers -> Session (pipeline, coach, voice, view) and a recording, until stopped.

:func:`run_live` connects to the named devices only (one :class:`BleSensorReader` each, one event loop,
one ``session_start``), then hands every packet to the :class:`~cadence_coach.session.Session` and to a
:class:`~cadence_coach.sources.recording.RecordingWriter` as it arrives. Link events go into the
recording and into the session as :class:`RecordedEvent` (a ``disconnected`` one marks a gap, so the
gait engine makes no step across it). The session ends when ``stop`` is set (Ctrl-C) or after
``duration_s``; the recording is flushed and closed whatever happens.

Packets that arrive while the other sensors are still connecting wait in memory: the recording header
and the pipeline need every sensor's name and address first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..sources.ble.backend_types import PLATFORM, BleakBackends
from ..sources.ble.reader import BleSensorReader, LinkEvent, is_address
from ..sources.ble.scan import scan
from ..datatypes import Placement, RawPacket, SensorInfo, Side
from ..errors import UserError
from ..pipeline import PipelineOutput
from ..profiles import Profile, load_profile
from ..session import Session
from ..sources.recording import RecordedEvent, RecordingHeader, RecordingWriter


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """One device the user asked for.

    Attributes:
        device: Bluetooth address or advertised local name.
        profile: firmware profile name, or None to recognise it from the advertisement.
        placement: where it is worn, or None for the profile's default.
        side: which side, or None if not known or irrelevant.
    """

    device: str
    profile: str | None = None
    placement: Placement | None = None
    side: Side | None = None


@dataclass(slots=True)
class LiveRun:
    """What a live session did.

    Attributes:
        session: the session (steps, cues, events, pipeline counters).
        sensors: the sensors, in packet ``sensor`` order.
        readers: one per sensor (link statistics in ``reader.stats``).
        events: every link event, in order.
        recording: the recording file.
        session_start: host ``time.monotonic()`` at session time 0, s.
        wall_s: session length from session_start to the end of streaming, s.
        process_cpu_s: CPU time spent handling packets (session + recording), s.
        spans: per sensor, the [first, last] sample times (session time base, s) of each run of samples
            without a gap.
    """

    session: Session
    sensors: list[SensorInfo]
    readers: list[BleSensorReader]
    events: list[LinkEvent] = field(default_factory=list)
    recording: Path | None = None
    session_start: float = 0.0
    wall_s: float = 0.0
    process_cpu_s: float = 0.0
    spans: list[list[list[float]]] = field(default_factory=list)


SessionFactory = Callable[[list[SensorInfo]], Session]
"""Builds the session (pipeline, coach, voice, view, writers) once the sensors are known."""


def default_recording_path(root: Path | None = None) -> Path:
    """A new file named by the local date-time under ``~/cadence-coach/sessions/`` (never an existing one)."""
    folder = root if root is not None else Path.home() / "cadence-coach" / "sessions"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {folder}: {exc.strerror or exc}") from None
    stem = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}.ccrec"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.ccrec"
        n += 1
    return path


async def resolve_profiles(specs: list[DeviceSpec], backend: BleakBackends, scan_timeout_s: float) -> list[Profile]:
    """Each device's firmware profile: the one named, else the one its advertisement matches (a scan).

    Raises :class:`UserError` if a device without ``--profile`` is not seen or matches no profile.
    """
    profiles: list[Profile | None] = [load_profile(s.profile) if s.profile else None for s in specs]
    if all(p is not None for p in profiles):
        return profiles  # type: ignore[return-value]
    found = await scan(scan_timeout_s, backend=backend)
    for i, spec in enumerate(specs):
        if profiles[i] is not None:
            continue
        if is_address(spec.device):
            hit = next((d for d in found if d.address.lower() == spec.device.lower()), None)
        else:
            hit = next((d for d in found if d.name == spec.device), None)
        if hit is None:
            raise UserError(f"no Bluetooth LE device {spec.device!r} found within {scan_timeout_s:g} s")
        if hit.profile is None:
            raise UserError(f"device {spec.device!r} matches no firmware profile: give --profile")
        profiles[i] = load_profile(hit.profile)
    return profiles  # type: ignore[return-value]


def check_specs(specs: list[DeviceSpec]) -> None:
    """:class:`UserError` for no device or a device named twice."""
    if not specs:
        raise UserError("no device named: give --device NAME_OR_ADDRESS (see `cadence-coach scan`)")
    names = [s.device.lower() for s in specs]
    twice = next((s.device for s, n in zip(specs, names) if names.count(n) > 1), None)
    if twice is not None:
        raise UserError(f"device {twice!r} is named twice")


async def run_live(
    specs: list[DeviceSpec],
    make_session: SessionFactory,
    *,
    record_path: Path,
    backend: BleakBackends = PLATFORM,
    duration_s: float | None = None,
    stop: asyncio.Event | None = None,
    on_event: Callable[[LinkEvent], None] | None = None,
    session_start: float | None = None,
    scan_timeout_s: float = 10.0,
    connect_timeout_s: float = 10.0,
) -> LiveRun:
    """Run a live session (see the module docstring) and return what it did. Compile the gait kernels
    first (:func:`~cadence_coach.gait.kernels.compile_all`), or the first packets wait for the compiler.

    Args:
        specs: the devices to connect to (and only those).
        make_session: builds the session once the sensors are known.
        record_path: recording to create (an existing file is refused).
        backend: bleak backends (a :class:`~cadence_coach.sources.ble.sim_link.SimulatedLink`'s in tests).
        duration_s: end after this long on the session time base, s; None: until ``stop``.
        stop: set it to end the session (SIGINT handler).
        on_event: also called with every link event (to show it).
        session_start: host ``time.monotonic()`` at session time 0, s (default: now).
        scan_timeout_s, connect_timeout_s: per device and attempt, s.

    Raises:
        UserError: no device, a device not found or refusing, an unknown profile, an unwritable
            recording. Nothing is recorded then (no file is created).
    """
    check_specs(specs)
    start = time.monotonic() if session_start is None else session_start
    stop = stop if stop is not None else asyncio.Event()
    profiles = await resolve_profiles(specs, backend, scan_timeout_s)
    pending: list[RawPacket | RecordedEvent] = []
    state: dict = {"run": None, "writer": None}

    def handle(item: RawPacket | RecordedEvent) -> None:
        run: LiveRun | None = state["run"]
        if run is None:
            pending.append(item)
            return
        cpu = time.process_time()
        writer: RecordingWriter = state["writer"]
        if isinstance(item, RawPacket):
            writer.write_packet(item)
        else:
            writer.write_event(item.t_s, **item.data)
        note_spans(run.spans, run.session.process([item]))
        run.process_cpu_s += time.process_time() - cpu

    events: list[LinkEvent] = []

    def link_event(ev: LinkEvent) -> None:
        events.append(ev)
        handle(RecordedEvent(ev.t_s, ev.record_fields()))
        if on_event is not None:
            on_event(ev)

    readers = [
        BleSensorReader(
            spec.device, profile, i, handle, link_event, session_start=start, backend=backend,
            scan_timeout_s=scan_timeout_s, connect_timeout_s=connect_timeout_s,
        )
        for i, (spec, profile) in enumerate(zip(specs, profiles))
    ]
    results = await asyncio.gather(*(r.start() for r in readers), return_exceptions=True)
    try:
        failure = next((r for r in results if isinstance(r, BaseException)), None)
        if failure is not None:
            raise failure
        sensors = [
            SensorInfo(
                profile=profile.name,
                placement=spec.placement or profile.default_placement,
                side=spec.side,
                name=reader.name or ("" if is_address(spec.device) else spec.device),
                address=reader.address or spec.device,
                characteristics=reader.layout.data,
            )
            for spec, profile, reader in zip(specs, profiles, readers)
        ]
        header = RecordingHeader(
            sensors=sensors, source="ble", meta={"app_version": __version__, "devices": [s.device for s in specs]}
        )
        run = LiveRun(make_session(sensors), sensors, readers, events, record_path, start, spans=[[] for _ in sensors])
        try:
            writer = RecordingWriter(record_path, header)
        except OSError as exc:
            raise UserError(f"cannot create recording {record_path}: {exc.strerror or exc}") from None
    except BaseException:
        await stop_readers(readers)
        raise
    try:
        state["writer"] = writer
        state["run"] = run
        for item in pending:
            handle(item)
        pending.clear()
        remaining = None if duration_s is None else max(0.0, start + duration_s - time.monotonic())
        try:
            await asyncio.wait_for(stop.wait(), remaining)
        except TimeoutError:
            pass
        run.wall_s = time.monotonic() - start
    finally:
        await stop_readers(readers)
        state["run"] = None  # nothing after the stop command belongs to the session
        writer.close()
        run.session.finish()  # the steps the gait engine still held
    return run


async def stop_readers(readers: list[BleSensorReader]) -> None:
    """Stop every reader (stop command, disconnect), whatever state each is in."""
    await asyncio.gather(*(r.stop() for r in readers), return_exceptions=True)


def note_spans(spans: list[list[list[float]]], out: PipelineOutput) -> None:
    """Extend each sensor's runs of gap-free samples with the blocks of one feed."""
    for block in out.blocks:
        if len(block) == 0:
            continue
        runs = spans[block.sensor]
        if block.gap_before or not runs:
            runs.append([float(block.t[0]), float(block.t[-1])])
        else:
            runs[-1][1] = float(block.t[-1])
