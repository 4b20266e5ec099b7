"""Simulated sensors and a bumble central on one virtual link, with the bleak backends that reach them.

Usage::

    acc, gyro = demo_imu_signal(400.0)
    left = SimulatedSensor("CC-IMU-L", OpenImuFramePacker(acc, gyro, 400.0), interval_ms=7.5)
    async with SimulatedLink([left]) as link:
        async with BleSensorReader("CC-IMU-L", profile, 0, on_packet, backend=link.backend):
            ...
"""

from __future__ import annotations

from collections.abc import Sequence

from bumble.link import LocalLink

from ..backend_types import BleakBackends
from .bumble_backend import DEFAULT_MTU, BumbleCentral, backends_for
from .peripheral import SimulatedSensor


class SimulatedLink:
    """Runs ``sensors`` on a bumble ``LocalLink`` with a central for bleak; an async context manager.

    Args:
        sensors: the simulated sensors (each needs its own address).
        mtu: ATT MTU the central requests, bytes.
    """

    def __init__(self, sensors: Sequence[SimulatedSensor], mtu: int = DEFAULT_MTU) -> None:
        addresses = [s.address for s in sensors]
        if len(set(addresses)) != len(addresses):
            raise ValueError("simulated sensors need distinct addresses")
        self.sensors = list(sensors)
        self.link = LocalLink()
        self.central = BumbleCentral(self.link, mtu=mtu)
        self.backend: BleakBackends = backends_for(self.central)
        """Pass to :class:`~cadence_coach.sources.ble.reader.BleSensorReader` or :func:`~cadence_coach.sources.ble.scan.scan`."""

    async def __aenter__(self) -> SimulatedLink:
        await self.central.power_on()
        for sensor in self.sensors:
            await sensor.attach(self.link)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for sensor in self.sensors:
            await sensor.close()
        await self.central.device.power_off()
