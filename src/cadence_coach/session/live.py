"""A live session: BLE readers -> Session (pipeline, coach, voice, view) and a recording, until stopped.

:class:`LiveSession` connects to the named devices only (one :class:`BleSensorReader` each, one event
loop, one ``session_start``), then hands every packet to the :class:`~cadence_coach.session.session.Session` and
to a :class:`~cadence_coach.sources.recording.RecordingWriter` as it arrives. Link events go into the
recording and into the session as :class:`RecordedEvent` (a ``disconnected`` one marks a gap, so the
gait engine makes no step across it). The session ends when ``stop`` is set (Ctrl-C) or after
``duration_s``; the recording is flushed and closed whatever happens.

Packets that arrive while the other sensors are still connecting wait in memory: the recording header
and the pipeline need every sensor's name and address first.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..datatypes import Placement, RawPacket, SensorInfo, Side
from ..errors import UserError, file_errors, write_error_words
from ..gait import kernels
from ..profiles import Profile, load_profile
from ..sources.ble.backend_types import PLATFORM, BleakBackends
from ..sources.ble.reader import BleSensorReader, LinkEvent, is_address
from ..sources.ble.scan import scan
from ..sources.recording import RecordedEvent, RecordingHeader, RecordingWriter
from .session import Session


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
        recording_stopped: why the recording stopped before the session did (disk full...), or None.
    """

    session: Session
    sensors: list[SensorInfo]
    readers: list[BleSensorReader]
    events: list[LinkEvent] = field(default_factory=list)
    recording: Path | None = None
    session_start: float = 0.0
    wall_s: float = 0.0
    process_cpu_s: float = 0.0
    recording_stopped: str | None = None


def print_notice(text: str) -> None:
    """One line on stderr (the default way a live session says something happened)."""
    print(text, file=sys.stderr, flush=True)


SessionFactory = Callable[[list[SensorInfo]], Session]
"""Builds the session (pipeline, coach, voice, view, writers) once the sensors are known."""


def default_recording_path(root: Path | None = None) -> Path:
    """A new file named by the local date-time under ``~/cadence-coach/sessions/`` (never an existing one)."""
    folder = root if root is not None else Path.home() / "cadence-coach" / "sessions"
    with file_errors(folder, "the sessions folder", creating=True):
        folder.mkdir(parents=True, exist_ok=True)
    stem = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}.ccrec"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.ccrec"
        n += 1
    return path


async def resolve_profiles(
    specs: list[DeviceSpec], backend: BleakBackends, scan_timeout_s: float
) -> list[Profile]:
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


class LiveSession:
    """One live session (see the module docstring): connect, then packets and link events in, until stopped.

    ``await LiveSession(specs, make_session, record_path=path).run()`` runs it once.

    Args:
        specs: the devices to connect to (and only those).
        make_session: builds the session once the sensors are known.
        record_path: recording to create (an existing file is refused).
        backend: bleak backends (a :class:`~cadence_coach.sources.ble.sim.link.SimulatedLink`'s in tests).
        duration_s: end after this long on the session time base, s; None: until ``stop``.
        stop: set it to end the session (SIGINT handler).
        on_event: also called with every link event (to show it).
        on_notice: called with a one-line notice (the recording stopped); default: printed on stderr.
        session_start: host ``time.monotonic()`` at session time 0, s (default: when :meth:`run` starts).
        scan_timeout_s, connect_timeout_s: per device and attempt, s.
    """

    def __init__(
        self,
        specs: list[DeviceSpec],
        make_session: SessionFactory,
        *,
        record_path: Path,
        backend: BleakBackends = PLATFORM,
        duration_s: float | None = None,
        stop: asyncio.Event | None = None,
        on_event: Callable[[LinkEvent], None] | None = None,
        on_notice: Callable[[str], None] = print_notice,
        session_start: float | None = None,
        scan_timeout_s: float = 10.0,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self.specs = specs
        self.make_session = make_session
        self.record_path = record_path
        self.backend = backend
        self.duration_s = duration_s
        self.stop = stop if stop is not None else asyncio.Event()
        self.on_event = on_event
        self.on_notice = on_notice
        self.recording_stopped: str | None = None
        self.start = session_start
        self.scan_timeout_s = scan_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.events: list[LinkEvent] = []
        self._pending: list[RawPacket | RecordedEvent] = []
        self._open: tuple[LiveRun, RecordingWriter] | None = None
        """Set from the recording's opening to the stop; items that come outside it wait in _pending."""

    async def run(self) -> LiveRun:
        """Connect, stream until ``stop`` or ``duration_s``, stop the readers and close the recording.

        Raises:
            UserError: no device, a device not found or refusing, an unknown profile, an unwritable
                recording. Nothing is recorded then (no file is created).
        """
        check_specs(self.specs)
        # Seconds on a fresh install, and the event loop stands still meanwhile: callers with an in-process
        # radio (the simulated link) compile before starting it; this is a no-op then.
        kernels.compile_all()
        if self.start is None:
            self.start = time.monotonic()
        profiles = await resolve_profiles(self.specs, self.backend, self.scan_timeout_s)
        run, writer = await self._connect(profiles, self.start)
        try:
            await self._stream(run, writer)
        finally:
            await stop_readers(run.readers)
            self._open = None  # nothing after the stop command belongs to the session
            writer.close()
            run.session.finish()  # the steps the gait engine still held
            run.recording_stopped = self.recording_stopped
        return run

    async def _connect(self, profiles: list[Profile], start: float) -> tuple[LiveRun, RecordingWriter]:
        """Start every reader at once, then build the session and open the recording; on any failure
        stop every reader and re-raise."""
        readers = [
            BleSensorReader(
                spec.device,
                profile,
                i,
                self._on_item,
                self._on_link_event,
                session_start=start,
                backend=self.backend,
                scan_timeout_s=self.scan_timeout_s,
                connect_timeout_s=self.connect_timeout_s,
            )
            for i, (spec, profile) in enumerate(zip(self.specs, profiles))
        ]
        results = await asyncio.gather(*(r.start() for r in readers), return_exceptions=True)
        try:
            failure = next((r for r in results if isinstance(r, BaseException)), None)
            if failure is not None:
                raise failure
            sensors = [
                sensor_info(spec, profile, reader)
                for spec, profile, reader in zip(self.specs, profiles, readers)
            ]
            run = LiveRun(self.make_session(sensors), sensors, readers, self.events, self.record_path, start)
            return run, self._create_recording(sensors)
        except BaseException:
            await stop_readers(readers)
            raise

    def _create_recording(self, sensors: list[SensorInfo]) -> RecordingWriter:
        header = RecordingHeader(
            sensors=sensors,
            source="ble",
            meta={"app_version": __version__, "devices": [s.device for s in self.specs]},
        )
        with file_errors(self.record_path, "the recording", creating=True):
            return RecordingWriter(self.record_path, header, on_failure=self._recording_failed)

    def _recording_failed(self, exc: OSError) -> None:
        """The recording could not be written: say so once; the session goes on without it."""
        t_s = time.monotonic() - (self.start or 0.0)
        self.recording_stopped = f"stopped at {t_s:.1f} s: {write_error_words(exc)}"
        self.on_notice(
            f"recording {self.recording_stopped} ({self.record_path}); what was recorded until then "
            "is kept, coaching goes on"
        )

    async def _stream(self, run: LiveRun, writer: RecordingWriter) -> None:
        """Hand on what waited while the sensors connected, then everything as it comes, until the end."""
        self._open = (run, writer)
        for item in self._pending:
            self._on_item(item)
        self._pending.clear()
        remaining = (
            None
            if self.duration_s is None
            else max(0.0, run.session_start + self.duration_s - time.monotonic())
        )
        try:
            await asyncio.wait_for(self.stop.wait(), remaining)
        except TimeoutError:
            pass
        run.wall_s = time.monotonic() - run.session_start

    def _on_item(self, item: RawPacket | RecordedEvent) -> None:
        """A packet or link event in: into the recording, then through the session (it waits while the
        recording is not open yet)."""
        if self._open is None:
            self._pending.append(item)
            return
        run, writer = self._open
        cpu = time.process_time()
        record_and_process(run.session, writer, item)
        run.process_cpu_s += time.process_time() - cpu

    def _on_link_event(self, ev: LinkEvent) -> None:
        """Connected, disconnected or reconnected: kept, recorded and fed to the session, then shown."""
        self.events.append(ev)
        self._on_item(RecordedEvent(ev.t_s, ev.record_fields()))
        if self.on_event is not None:
            self.on_event(ev)


def record_and_process(session: Session, writer: RecordingWriter, item: RawPacket | RecordedEvent) -> None:
    """What a live session does with each packet or link event as it arrives: append it to the
    recording, then run it through the session (decode, gait, coach, voice, view, writers). The soak
    benchmark (benchmarks/soak.py) drives this same function with simulated packets."""
    if isinstance(item, RawPacket):
        writer.write_packet(item)
    else:
        writer.write_event(item.t_s, **item.data)
    session.process([item])


def sensor_info(spec: DeviceSpec, profile: Profile, reader: BleSensorReader) -> SensorInfo:
    """What the recording header and the pipeline know of a connected sensor."""
    return SensorInfo(
        profile=profile.name,
        placement=spec.placement or profile.default_placement,
        side=spec.side,
        name=reader.name or ("" if is_address(spec.device) else spec.device),
        address=reader.address or spec.device,
        characteristics=reader.layout.data,
    )


async def stop_readers(readers: list[BleSensorReader]) -> None:
    """Stop every reader (stop command, disconnect), whatever state each is in."""
    await asyncio.gather(*(r.stop() for r in readers), return_exceptions=True)
