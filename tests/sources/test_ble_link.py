"""The bleak reader against simulated sensors on a bumble virtual link (no radio needed)."""

import asyncio

import numpy as np
import pytest
from bleak import BleakClient

from cadence_coach.decoders import open_imu
from cadence_coach.errors import UserError
from cadence_coach.profiles import load_profile
from cadence_coach.sources.ble.reader import BleSensorReader
from cadence_coach.sources.ble.scan import scan
from cadence_coach.sources.ble.sim.link import SimulatedLink
from cadence_coach.sources.ble.sim.packets import OpenImuFramePacker, demo_imu_signal
from cadence_coach.sources.ble.sim.peripheral import SimulatedSensor

pytestmark = [pytest.mark.ble, pytest.mark.timeout(20), pytest.mark.usefixtures("compiled_gait_kernels")]

PROFILE = load_profile("open-imu")


def sensor(name="CC-IMU-L", rate_hz=400.0, address="F0:00:00:00:00:01", **kw) -> SimulatedSensor:
    acc, gyro = demo_imu_signal(rate_hz, seconds=2.0)
    return SimulatedSensor(name, OpenImuFramePacker(acc, gyro, rate_hz), address=address, **kw)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 15))


def test_scan_finds_simulated_sensor_with_its_profile():
    async def go():
        async with SimulatedLink([sensor()]) as link:
            return await scan(0.3, backend=link.backend)

    found = run(go())
    assert [(d.name, d.address, d.profile) for d in found] == [("CC-IMU-L", "F0:00:00:00:00:01", "open-imu")]
    assert open_imu.SERVICE_UUID in found[0].service_uuids


def test_packets_arrive_byte_exact_in_order_minus_losses():
    sim = sensor(loss=0.1, seed=3, record_sent=True)
    received = []

    async def go():
        async with SimulatedLink([sim]) as link:
            async with BleSensorReader(
                "CC-IMU-L", PROFILE, 2, received.append, backend=link.backend
            ) as reader:
                await asyncio.sleep(1.0)
            return reader

    reader = run(go())
    assert reader.stats.mtu == 247
    assert len(received) > 50
    # byte-exact, in order, nothing extra; at most the packet in flight at disconnect is missing
    assert [p.payload for p in received] == sim.sent[: len(received)]
    assert len(sim.sent) - len(received) <= 1
    assert {(p.sensor, p.characteristic) for p in received} == {(2, open_imu.DATA_UUID)}
    assert all(np.diff([p.t_host for p in received]) >= 0)
    seqs = [open_imu.parse(p.payload).sequence for p in received]
    missing = set(range(seqs[0], seqs[-1] + 1)) - set(seqs)
    lost = {open_imu.parse(p).sequence for p in sim.lost}
    assert len(lost) == sim.counters.packets_lost > 0
    assert missing == {s for s in lost if seqs[0] < s < seqs[-1]}


@pytest.mark.parametrize("interval_ms", [7.5, 30.0])
def test_arrivals_follow_the_connection_interval(interval_ms):
    sim = sensor(rate_hz=400.0, interval_ms=interval_ms)
    received = []

    async def go():
        async with SimulatedLink([sim]) as link:
            async with BleSensorReader("CC-IMU-L", PROFILE, 0, received.append, backend=link.backend):
                await asyncio.sleep(0.8)

    run(go())
    spacing_ms = np.median(np.diff([p.t_host for p in received[5:]])) * 1000
    frames = np.median([open_imu.parse(p.payload).acc.shape[0] for p in received[5:]])
    assert 0.5 * interval_ms < spacing_ms < 2.0 * interval_ms
    assert 0.5 * interval_ms * 0.4 <= frames <= 2.0 * interval_ms * 0.4  # 400 Hz = 0.4 frames per ms


def test_forced_disconnect_reconnects_and_streaming_continues():
    sim = sensor()
    received, events = [], []

    async def go():
        async with SimulatedLink([sim]) as link:
            async with BleSensorReader(
                "CC-IMU-L", PROFILE, 0, received.append, events.append, backend=link.backend
            ) as reader:
                await asyncio.sleep(0.3)
                await sim.force_disconnect(absent_s=0.3)
                await asyncio.sleep(0.8)
            return reader

    reader = run(go())
    assert [e.kind for e in events] == ["connected", "disconnected", "reconnected"]
    lost, back = events[1], events[2]
    assert back.outage_s is not None and back.outage_s >= 0.3
    assert reader.stats.reconnects == 1 and reader.stats.reconnect_durations_s == [back.outage_s]
    assert sum(p.t_host < lost.t_s for p in received) > 10
    after = [open_imu.parse(p.payload) for p in received if p.t_host > back.t_s]
    assert len(after) > 10
    assert sim.counters.connections == 2


def test_two_sensors_stream_at_once():
    left, right = sensor("CC-IMU-L"), sensor("CC-IMU-R", address="F0:00:00:00:00:02")
    received = []

    async def go():
        async with SimulatedLink([left, right]) as link:
            readers = [
                BleSensorReader(name, PROFILE, i, received.append, backend=link.backend)
                for i, name in enumerate(["CC-IMU-L", "F0:00:00:00:00:02"])
            ]
            await asyncio.gather(*(r.start() for r in readers))
            await asyncio.sleep(0.5)
            await asyncio.gather(*(r.stop() for r in readers))

    run(go())
    per_sensor = [sum(p.sensor == i for p in received) for i in (0, 1)]
    assert min(per_sensor) > 20


def test_absent_device_is_a_user_error_without_hanging():
    async def go():
        async with SimulatedLink([sensor()]) as link:
            for device in ("CC-IMU-X", "F0:00:00:00:00:09"):
                reader = BleSensorReader(device, PROFILE, 0, backend=link.backend, scan_timeout_s=0.3)
                with pytest.raises(UserError, match="found"):
                    await reader.start()

    run(go())


def test_connect_timeout_to_silent_peer_then_connect_to_present_one():
    async def go():
        async with SimulatedLink([sensor()]) as link:
            absent = BleakClient("F0:00:00:00:00:09", timeout=0.3, backend=link.backend.client)
            with pytest.raises(TimeoutError):
                await absent.connect()
            present = BleakClient("F0:00:00:00:00:01", timeout=2.0, backend=link.backend.client)
            await present.connect()
            try:
                return present.is_connected, present.services.get_characteristic(
                    open_imu.DATA_UUID
                ) is not None
            finally:
                await present.disconnect()

    assert run(go()) == (True, True)
