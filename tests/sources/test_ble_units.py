"""Pure parts of the BLE link: profile matching, GATT layout, packet sources."""

import numpy as np
import pytest

from cadence_coach.decoders import open_imu
from cadence_coach.profiles import load_profile
from cadence_coach.sources.ble.gatt_layout import GattLayout
from cadence_coach.sources.ble.reader import LinkEvent, is_address
from cadence_coach.sources.ble.sim.packets import OpenImuFramePacker, demo_imu_signal


def test_profile_matches_by_service_or_name():
    p = load_profile("open-imu")
    assert p.matches(None, ["6E4F0001-8A3C-4B8E-9C2D-0C0ADE1C0AC0"])
    assert p.matches("CC-IMU-L", [])
    assert p.matches("OpenIMU 2", ["180d"])
    assert not p.matches("Polar H10 123", ["0000180d-0000-1000-8000-00805f9b34fb"])
    assert not p.matches(None, [])


def test_gatt_layout_from_open_imu_profile():
    layout = GattLayout.from_profile(load_profile("open-imu"))
    assert layout.service == open_imu.SERVICE_UUID
    assert layout.data == (open_imu.DATA_UUID,)
    assert layout.control == open_imu.CONTROL_UUID
    assert (layout.start, layout.stop) == ((b"\x01",), (b"\x00",))


def test_addresses_and_names_are_told_apart():
    assert is_address("F0:00:00:00:00:01") and is_address("a1b2c3d4-0000-1111-2222-333344445555")
    assert not is_address("CC-IMU-L")


def test_link_event_record_fields():
    ev = LinkEvent(1, 3.5, "reconnected", "after 120 ms", 0.12)
    assert ev.record_fields() == {
        "event": "reconnected",
        "sensor": 1,
        "detail": "after 120 ms",
        "outage_s": 0.12,
    }


def test_frame_packer_fills_mtu_and_keeps_every_frame_once():
    acc, gyro = demo_imu_signal(400.0, seconds=1.0)
    packer = OpenImuFramePacker(acc, gyro, 400.0, loop=False)
    packets = packer.take(0.1, 244) + packer.take(0.1, 244) + packer.take(0.25, 100)
    parsed = [open_imu.parse(p) for _, p in packets]
    assert [p.sequence for p in parsed] == list(range(len(parsed)))
    assert all(len(payload) <= (244 if t <= 0.1 else 100) for t, payload in packets)
    starts = [round(p.t0_us * 400e-6) for p in parsed]
    counts = [p.acc.shape[0] for p in parsed]
    assert starts == list(np.cumsum([0] + counts[:-1]))  # contiguous, no frame twice
    assert sum(counts) == int(0.25 * 400) + 1  # samples at 0, 2.5 ms, ... 250 ms
    assert packets[-1][0] == pytest.approx(0.25)
    np.testing.assert_allclose(parsed[0].acc, acc[: counts[0]], atol=32 * 9.81 / 32768)


def test_frame_packer_skip_leaves_a_time_gap_not_a_sequence_gap():
    acc, gyro = demo_imu_signal(200.0, seconds=1.0)
    packer = OpenImuFramePacker(acc, gyro, 200.0)
    first = packer.take(0.05, 244)
    packer.skip(0.5)
    after = open_imu.parse(packer.take(0.6, 244)[0][1])
    assert after.sequence == len(first)
    assert after.t0_us == pytest.approx(0.505e6)
