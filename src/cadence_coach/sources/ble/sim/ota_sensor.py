"""Serve the simulated sensor over a real Bluetooth controller, for over-the-air bench tests.

Untested in CI (needs a USB dongle or a vhci device); see docs/ble.md. Example, as root on a Raspberry Pi
with a second adapter (``hci1``) taken down for bumble::

    python -m cadence_coach.sources.ble.sim.ota_sensor --transport hci-socket:1 --rate 400 --interval-ms 7.5

With ``--bluez-vhci`` no radio is needed: BlueZ gets a new adapter backed by a bumble virtual controller
(kernel vhci) on the same virtual link as the sensor.
"""

from __future__ import annotations

import argparse
import asyncio

from bumble.controller import Controller
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport import open_transport

from .packets import OpenImuFramePacker, demo_imu_signal
from .peripheral import SimulatedSensor


async def serve(
    transport_spec: str, name: str, rate_hz: float, interval_ms: float, address: str, bluez_vhci: bool = False
) -> None:
    """Advertise and stream the demo signal as ``name`` until cancelled.

    The sensor's host runs on the controller behind ``transport_spec``; with ``bluez_vhci`` the transport
    (``vhci``) instead gives BlueZ a virtual controller on the sensor's own virtual link.
    """
    acc, gyro = demo_imu_signal(rate_hz, seconds=10.0)
    sensor = SimulatedSensor(
        name, OpenImuFramePacker(acc, gyro, rate_hz), interval_ms=interval_ms, address=address
    )
    async with await open_transport(transport_spec) as transport:
        if bluez_vhci:
            link = LocalLink()
            Controller("bluez", host_source=transport.source, host_sink=transport.sink, link=link)
            await sensor.attach(link)
        else:
            await sensor.attach_host(Host(transport.source, transport.sink))
        print(
            f"simulated sensor {name} ({address}) advertising on {transport_spec}; Ctrl-C stops", flush=True
        )
        try:
            await asyncio.Event().wait()
        finally:
            await sensor.close()


def main() -> None:
    p = argparse.ArgumentParser(description="Serve the simulated open IMU sensor over a real controller.")
    p.add_argument("--transport", default="usb:0", help="bumble transport, e.g. usb:0, hci-socket:1, vhci")
    p.add_argument("--name", default="CC-IMU-L", help="advertised name")
    p.add_argument("--address", default="F0:00:00:00:00:01", help="random static address")
    p.add_argument("--rate", type=float, default=400.0, help="sample rate, Hz")
    p.add_argument(
        "--interval-ms", type=float, default=7.5, help="packing interval, ms (set to the connection interval)"
    )
    p.add_argument(
        "--bluez-vhci", action="store_true", help="give BlueZ a virtual adapter on the sensor's link"
    )
    a = p.parse_args()
    try:
        asyncio.run(serve(a.transport, a.name, a.rate, a.interval_ms, a.address, a.bluez_vhci))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
