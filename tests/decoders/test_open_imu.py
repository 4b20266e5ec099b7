import math

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY
from cadence_coach.decoders import open_imu


def test_round_trip_within_one_lsb():
    rng = np.random.default_rng(1)
    acc = rng.normal(0, 50, (10, 3))
    gyro = rng.normal(0, 10, (10, 3))
    payload = open_imu.encode(7, 123456, 0.0025, acc, gyro, pressure_pa=100123.45)
    pkt = open_imu.parse(payload)
    assert pkt.sequence == 7 and pkt.t0_us == 123456
    assert pkt.period_s == pytest.approx(0.0025)
    np.testing.assert_allclose(pkt.acc, acc, atol=32 * GRAVITY / 32768)
    np.testing.assert_allclose(pkt.gyro, gyro, atol=math.radians(4000) / 32768)
    assert pkt.pressure_pa == pytest.approx(100123.45)


def test_known_bytes():
    # version 1, gyro flag, seq 0x0102, t0 1000 us, period 5 ms, +-16 g, +-2000 dps, one frame
    payload = bytes.fromhex("01 01 0201 e8030000 404b4c00 10 d007 010040 0000 00c0 0040 0000 0000")
    pkt = open_imu.parse(payload)
    assert pkt.sequence == 0x0102 and pkt.t0_us == 1000 and pkt.period_s == pytest.approx(0.005)
    np.testing.assert_allclose(pkt.acc[0], [8 * GRAVITY, 0, -8 * GRAVITY])
    np.testing.assert_allclose(pkt.gyro[0], [math.radians(1000), 0, 0])
    assert pkt.pressure_pa is None


def test_clipping_at_full_scale():
    pkt = open_imu.parse(open_imu.encode(0, 0, 0.01, np.array([[1000.0, -1000.0, 0.0]]), acc_range_g=16))
    assert pkt.acc[0, 0] == pytest.approx(16 * GRAVITY * 32767 / 32768)
    assert pkt.acc[0, 1] == pytest.approx(-16 * GRAVITY)


@pytest.mark.parametrize(
    "payload",
    [b"", b"\x01" * 10, open_imu.encode(0, 0, 0.01, np.zeros((2, 3)))[:-1], b"\x09" + b"\x00" * 15],
)
def test_malformed_rejected(payload):
    with pytest.raises(open_imu.DecodeError):
        open_imu.parse(payload)


def test_frames_per_packet():
    assert open_imu.frames_per_packet(247) == (244 - 16) // 12
    assert open_imu.frames_per_packet(23) == 0
