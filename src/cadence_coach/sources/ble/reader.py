"""BleSensorReader: one sensor over bleak, delivering raw packets and link events, reconnecting on loss.

Connect: find the device by address or advertised name (a scan bounded by ``scan_timeout_s``), connect,
obtain the ATT MTU, subscribe to the profile's data characteristics, write the profile's start command.
Every notification becomes a :class:`~cadence_coach.datatypes.RawPacket` stamped with its arrival time on
the session time base and is handed to ``on_packet`` at once (the callback must not block).

Link loss: an unsolicited disconnect emits a ``disconnected`` :class:`LinkEvent`, then the reader scans
and reconnects with exponential backoff (``backoff_initial_s`` doubling to ``backoff_max_s``) until it
succeeds or the reader is stopped, and emits ``reconnected``. The consumer keeps receiving packets on the
same callback; the events let the session mark the gap and the gait engine reset.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError

from ...datatypes import RawPacket
from ...errors import UserError
from ...profiles import Profile
from .backend_types import PLATFORM, BleakBackends
from .gatt_layout import GattLayout

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", re.I)

LinkEventKind = Literal["connected", "disconnected", "reconnected"]


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """A change of a sensor's link.

    Attributes:
        sensor: index of the sensor in the session's sensor list.
        t_s: when it happened, session time base, s.
        kind: ``connected`` (first connection), ``disconnected`` (link lost), ``reconnected``.
        detail: for people and logs (MTU, outage length, attempts).
        outage_s: for ``reconnected``: time since the link was lost, s.
    """

    sensor: int
    t_s: float
    kind: LinkEventKind
    detail: str = ""
    outage_s: float | None = None

    def record_fields(self) -> dict:
        """Keyword arguments for ``RecordingWriter.write_event(event.t_s, **event.record_fields())``."""
        fields: dict = {"event": self.kind, "sensor": self.sensor, "detail": self.detail}
        if self.outage_s is not None:
            fields["outage_s"] = self.outage_s
        return fields


@dataclass(slots=True)
class LinkStats:
    """Running counts of one reader's link."""

    packets: int = 0
    mtu: int = 0
    disconnects: int = 0
    reconnects: int = 0
    reconnect_durations_s: list[float] = field(default_factory=list)
    """Outage of each reconnect: link lost to streaming again, s."""


def is_address(device: str) -> bool:
    """True if ``device`` is a Bluetooth address (``AA:BB:CC:DD:EE:FF``) or a macOS device UUID."""
    return bool(_ADDRESS.match(device))


class BleSensorReader:
    """Streams one sensor (see the module docstring); use as ``async with`` or call start()/stop().

    Args:
        device: Bluetooth address (or macOS UUID) or advertised local name of the sensor.
        profile: its firmware profile (service, data characteristics, start/stop commands).
        sensor: index of the sensor in the session's sensor list (goes into every packet).
        on_packet: called with every packet, in arrival order, from the event loop; must not block.
            None: packets go to :attr:`packets` (an unbounded asyncio queue).
        on_event: called with every :class:`LinkEvent`, or None.
        session_start: ``time.monotonic()`` at session time 0, s (default: when the reader is made).
        backend: bleak backends to use (default: the platform's).
        scan_timeout_s: longest scan for the device per attempt, s.
        connect_timeout_s: longest connect + GATT set-up per attempt, s.
        backoff_initial_s: first wait between reconnect attempts, s.
        backoff_max_s: longest wait between reconnect attempts, s.
    """

    def __init__(
        self,
        device: str,
        profile: Profile,
        sensor: int = 0,
        on_packet: Callable[[RawPacket], None] | None = None,
        on_event: Callable[[LinkEvent], None] | None = None,
        *,
        session_start: float | None = None,
        backend: BleakBackends = PLATFORM,
        scan_timeout_s: float = 10.0,
        connect_timeout_s: float = 10.0,
        backoff_initial_s: float = 0.1,
        backoff_max_s: float = 5.0,
    ) -> None:
        self.device = device
        self.profile = profile
        self.layout = GattLayout.from_profile(profile)
        self.sensor = sensor
        self.packets: asyncio.Queue[RawPacket] = asyncio.Queue()
        self._on_packet = on_packet or self.packets.put_nowait
        self._on_event = on_event
        self.session_start = time.monotonic() if session_start is None else session_start
        self.backend = backend
        self.scan_timeout_s = scan_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.stats = LinkStats()
        self.address: str | None = None
        """Address of the connected device, once found."""
        self.name: str | None = None
        """Advertised name of the device, once found."""
        self._client: BleakClient | None = None
        self._lost = asyncio.Event()
        self._lost_at: float | None = None
        self._stopping = False
        self._supervisor: asyncio.Task | None = None

    def now(self) -> float:
        """Current time on the session time base, s."""
        return time.monotonic() - self.session_start

    async def __aenter__(self) -> BleSensorReader:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Connect and start streaming; :class:`UserError` if the device is absent or refuses."""
        self._stopping = False
        try:
            await self._connect_once()
        except (BleakError, TimeoutError, OSError) as exc:
            raise UserError(f"could not connect to {self.device!r}: {exc}") from None
        self._emit("connected", f"{self.name or ''} {self.address}, MTU {self.stats.mtu}".strip())
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def stop(self) -> None:
        """Write the stop command (if connected), disconnect and end reconnecting."""
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
            self._supervisor = None
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.is_connected and self.layout.control:
                for command in self.layout.stop:
                    await asyncio.wait_for(
                        client.write_gatt_char(self.layout.control, command, response=True), 2.0
                    )
        except (BleakError, TimeoutError, OSError) as exc:
            log.debug("sensor %d: stop command not written: %s", self.sensor, exc)
        try:
            await asyncio.wait_for(client.disconnect(), 5.0)
        except (BleakError, TimeoutError, OSError) as exc:
            log.debug("sensor %d: disconnect failed: %s", self.sensor, exc)

    async def _find(self) -> BLEDevice:
        wanted = self.device.lower()
        if is_address(self.device):
            match = lambda d, ad: d.address.lower() == wanted  # noqa: E731
        else:
            match = lambda d, ad: ad.local_name == self.device  # noqa: E731
        found = await BleakScanner.find_device_by_filter(
            match, timeout=self.scan_timeout_s, **self.backend.scanner_args()
        )
        if found is None:
            raise UserError(f"no Bluetooth LE device {self.device!r} found within {self.scan_timeout_s:g} s")
        return found

    async def _connect_once(self) -> None:
        """Find, connect, subscribe and start; raises on any failure (leaving nothing connected)."""
        found = await self._find()
        self.address = found.address
        self.name = found.name or self.name
        client = BleakClient(
            found,
            disconnected_callback=self._on_disconnect,
            timeout=self.connect_timeout_s,
            backend=self.backend.client,
        )
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                await client.connect()
                self.stats.mtu = await self._obtain_mtu(client)
                for uuid in self.layout.data:
                    await client.start_notify(uuid, self._on_notification)
                if self.layout.control:
                    for command in self.layout.start:
                        await client.write_gatt_char(self.layout.control, command, response=True)
        except BaseException:
            await self._abandon(client)
            raise
        self._client = client

    @staticmethod
    async def _obtain_mtu(client: BleakClient) -> int:
        """The connection's ATT MTU, bytes. BlueZ negotiates it itself but bleak only learns it on request."""
        backend = client._backend
        if hasattr(backend, "_acquire_mtu"):  # bleak's documented work-around for BlueZ
            try:
                await backend._acquire_mtu()
            except (BleakError, OSError) as exc:
                log.debug("MTU not acquired: %s", exc)
        return client.mtu_size

    async def _abandon(self, client: BleakClient) -> None:
        try:
            await asyncio.wait_for(client.disconnect(), 2.0)
        except (BleakError, TimeoutError, OSError):
            pass

    def _on_notification(self, characteristic: BleakGATTCharacteristic, data: bytearray) -> None:
        self.stats.packets += 1
        self._on_packet(RawPacket(self.sensor, self.now(), characteristic.uuid.lower(), bytes(data)))

    def _on_disconnect(self, client: BleakClient) -> None:
        if self._stopping or client is not self._client:
            return
        self._lost_at = self.now()
        self.stats.disconnects += 1
        self._emit("disconnected", f"{self.address}: link lost")
        self._lost.set()

    async def _supervise(self) -> None:
        """Reconnect after every link loss, with exponential backoff, until stopped."""
        while True:
            await self._lost.wait()
            self._lost.clear()
            self._client = None
            delay = self.backoff_initial_s
            attempts = 0
            while True:
                attempts += 1
                try:
                    await self._connect_once()
                    break
                except Exception as exc:  # noqa: BLE001 - any backend failure: retry, the loop must not die
                    log.info("sensor %d: reconnect attempt %d failed: %s", self.sensor, attempts, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max_s)
            outage = self.now() - (self._lost_at or self.now())
            self.stats.reconnects += 1
            self.stats.reconnect_durations_s.append(outage)
            self._emit(
                "reconnected", f"{self.address}: after {outage * 1000:.0f} ms, {attempts} attempt(s)", outage
            )

    def _emit(self, kind: LinkEventKind, detail: str, outage_s: float | None = None) -> None:
        if self._on_event is not None:
            self._on_event(LinkEvent(self.sensor, self.now(), kind, detail, outage_s))
