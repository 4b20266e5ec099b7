"""A simulated BLE sensor: a bumble peripheral with the profile's real GATT service and a radio timing model.

The sensor advertises like the real device (local name, service UUID), exposes the profile's service
(data characteristics with notify + CCCD, a control characteristic with write) and, once a central has
subscribed and written the profile's start command, streams packets from a :class:`PacketSource`.

Radio timing model: notifications leave only at connection events, every ``interval_ms``. At each event
the sensor sends what its firmware has accumulated since the previous one (packed into notifications of
at most MTU - 3 bytes by the source), at most ``max_packets_per_event`` of them (the rest waits for the
next event). Each packet is lost with probability ``loss``. Range loss is simulated as a disconnect with
reason 0x08 (connection timeout), optionally followed by ``absent_s`` without advertising.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from bumble import gatt, hci
from bumble.controller import Controller
from bumble.core import UUID, AdvertisingData
from bumble.device import Connection, Device
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from ....profiles import Profile, load_profile
from ..gatt_layout import GattLayout
from .packets import PacketSource, SourcePacket

log = logging.getLogger(__name__)

CONNECTION_TIMEOUT = 0x08
"""HCI reason code a central sees when the peer goes out of range (supervision timeout)."""


@dataclass(slots=True)
class SensorCounters:
    """What the simulated sensor did, for tests and benchmarks."""

    connections: int = 0
    connection_events: int = 0
    packets_sent: int = 0
    packets_lost: int = 0
    forced_disconnects: int = 0


class SimulatedSensor:
    """One simulated sensor (see the module docstring).

    Args:
        name: advertised local name (must fit a legacy advertisement with the service UUID).
        source: the packets to stream.
        profile: firmware profile (name or object) giving service, characteristics and commands.
        interval_ms: connection interval, ms, 7.5 to 50.
        loss: probability that a packet is lost on air.
        max_packets_per_event: notifications that fit in one connection event.
        seed: random seed of the loss model.
        address: the sensor's random static address, ``AA:BB:CC:DD:EE:FF``.
        advertising_interval_ms: advertising interval while not connected, ms.
        record_sent: keep every payload sent in :attr:`sent` and every one lost in :attr:`lost` (tests).
    """

    def __init__(
        self,
        name: str,
        source: PacketSource,
        profile: Profile | str = "open-imu",
        *,
        interval_ms: float = 7.5,
        loss: float = 0.0,
        max_packets_per_event: int = 6,
        seed: int = 0,
        address: str = "F0:00:00:00:00:01",
        advertising_interval_ms: float = 20.0,
        record_sent: bool = False,
    ) -> None:
        if not 7.5 <= interval_ms <= 50.0:
            raise ValueError(f"connection interval {interval_ms} ms is outside 7.5..50 ms")
        self.name = name
        self.source = source
        self.profile = load_profile(profile) if isinstance(profile, str) else profile
        self.layout = GattLayout.from_profile(self.profile)
        self.interval_ms = interval_ms
        self.loss = loss
        self.max_packets_per_event = max_packets_per_event
        self.address = address
        self.advertising_interval_ms = advertising_interval_ms
        self.counters = SensorCounters()
        self.sent: list[bytes] | None = [] if record_sent else None
        self.lost: list[bytes] | None = [] if record_sent else None
        self.clock_origin = time.monotonic()
        """Host monotonic time at which sensor time is 0, s."""
        self._rng = random.Random(seed)
        self._device: Device | None = None
        self._data_chars: list[gatt.Characteristic] = []
        self._connection: Connection | None = None
        self._subscribed = False
        self._started = False
        self._outbox: deque[SourcePacket] = deque()
        self._tasks: set[asyncio.Task] = set()
        self._present = True

    @property
    def sensor_time(self) -> float:
        """Current sensor time, s."""
        return time.monotonic() - self.clock_origin

    @property
    def streaming(self) -> bool:
        """Subscribed, and started if the profile has a start command."""
        return self._subscribed and (self._started or not self.layout.start)

    def _advertising_data(self) -> bytes:
        service = UUID(self.layout.service)
        uuid_list = (
            AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS
            if len(service.to_bytes()) == 2
            else AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS
        )
        data = bytes(
            AdvertisingData(
                [
                    (AdvertisingData.FLAGS, bytes([0x06])),  # LE general discoverable, no BR/EDR
                    (uuid_list, service.to_bytes()),
                    (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
                ]
            )
        )
        if len(data) > 31:
            raise ValueError(
                f"name {self.name!r} is too long for a legacy advertisement with the service UUID"
            )
        return data

    def _gatt_service(self) -> gatt.Service:
        props = gatt.Characteristic.Properties
        self._data_chars = [
            gatt.Characteristic(u, props.NOTIFY, gatt.Characteristic.READABLE, b"") for u in self.layout.data
        ]
        chars = list(self._data_chars)
        for char in self._data_chars:
            char.on(gatt.Characteristic.EVENT_SUBSCRIPTION, self._on_subscription)
        if self.layout.control:
            chars.append(
                gatt.Characteristic(
                    self.layout.control,
                    props.WRITE | props.WRITE_WITHOUT_RESPONSE,
                    gatt.Characteristic.WRITEABLE,
                    gatt.CharacteristicValue(write=self._on_control_write),
                )
            )
        return gatt.Service(self.layout.service, chars)

    async def attach(self, link: LocalLink) -> None:
        """Put the sensor on ``link``: power on its host stack and start advertising."""
        controller = Controller(self.name, link=link, public_address=self.address)
        await self.attach_host(Host(controller, AsyncPipeSink(controller)))

    async def attach_host(self, host: Host) -> None:
        """Run the sensor on a bumble host: a virtual controller's, or a real one's for over-the-air tests
        (``Host(transport.source, transport.sink)`` of ``bumble.transport.open_transport("usb:0")``)."""
        self._device = Device(name=self.name, address=hci.Address(self.address), host=host)
        self._device.add_service(self._gatt_service())
        self._device.on(Device.EVENT_CONNECTION, self._on_connection)
        await self._device.power_on()
        self.clock_origin = time.monotonic()
        await self._advertise()

    async def _advertise(self) -> None:
        assert self._device is not None
        if self._present and not self._device.is_advertising and self._connection is None:
            await self._device.start_advertising(
                advertising_data=self._advertising_data(),
                advertising_interval_min=self.advertising_interval_ms,
                advertising_interval_max=self.advertising_interval_ms,
            )

    def _on_connection(self, connection: Connection) -> None:
        self._connection = connection
        self._subscribed = self._started = False
        self._outbox.clear()
        self.source.skip(self.sensor_time)  # firmware streams from the start command on, with no backlog
        self.counters.connections += 1
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        self._spawn(self._stream(connection))

    def _on_disconnection(self, reason: int) -> None:
        log.info("simulated sensor %s: disconnected, reason 0x%02x", self.name, reason)
        self._connection = None
        self._subscribed = self._started = False
        self._spawn(self._advertise())

    def _on_subscription(self, _bearer: object, notify_enabled: bool, _indicate_enabled: bool) -> None:
        self._subscribed = notify_enabled

    def _on_control_write(self, _connection: Connection, value: bytes) -> None:
        value = bytes(value)
        if value in self.layout.start:
            self._started = True
        elif value in self.layout.stop:
            self._started = False

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _stream(self, connection: Connection) -> None:
        """Connection events of one connection: send what the firmware has ready, every interval."""
        assert self._device is not None
        loop = asyncio.get_running_loop()
        interval = self.interval_ms / 1000.0
        next_event = loop.time() + interval
        while self._connection is connection:
            await asyncio.sleep(max(0.0, next_event - loop.time()))
            if self._connection is not connection:
                return
            self.counters.connection_events += 1
            if self.streaming:
                self._outbox.extend(self.source.take(self.sensor_time, connection.att_mtu - 3))
            else:
                self.source.skip(self.sensor_time)
            for _ in range(min(len(self._outbox), self.max_packets_per_event)):
                _, payload = self._outbox.popleft()
                if self.loss and self._rng.random() < self.loss:
                    self.counters.packets_lost += 1
                    if self.lost is not None:
                        self.lost.append(payload)
                    continue
                await self._device.notify_subscriber(connection, self._data_chars[0], payload)
                self.counters.packets_sent += 1
                if self.sent is not None:
                    self.sent.append(payload)
            next_event += interval
            if next_event < loop.time():  # the loop stalled: resume on the event grid, missed events are lost
                next_event += interval * ((loop.time() - next_event) // interval + 1)

    async def force_disconnect(self, absent_s: float = 0.0, reason: int = CONNECTION_TIMEOUT) -> None:
        """Drop the connection as range loss would (reason 0x08), then stay silent for ``absent_s`` s."""
        if self._device is None:
            return
        self.counters.forced_disconnects += 1
        self._present = absent_s <= 0
        if self._device.is_advertising:
            await self._device.stop_advertising()
        if self._connection is not None:
            await self._connection.disconnect(reason=reason)
        if absent_s > 0:
            await asyncio.sleep(absent_s)
            self._present = True
            await self._advertise()

    async def close(self) -> None:
        """Stop scheduled work and power the sensor off the link."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._connection = None
        if self._device is not None:
            await self._device.power_off()
