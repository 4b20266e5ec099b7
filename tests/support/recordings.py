"""Builds small open IMU recordings for tests (synthetic, still-standing signals)."""

import numpy as np

from cadence_coach.datatypes import GRAVITY, Placement, RawPacket, SensorInfo, Side
from cadence_coach.decoders import open_imu
from cadence_coach.sources.recording import RecordingHeader, RecordingWriter

FOOT = SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "CC-IMU", "AA:BB", (open_imu.DATA_UUID,))


def packets(seconds: float, rate_hz: float = 400.0, frames: int = 3, t0: float = 0.0) -> list[RawPacket]:
    """Packets of one standing foot sensor; packet i arrives 5 ms after its last sample."""
    n = int(seconds * rate_hz / frames)
    acc = np.tile([0.0, 0.0, GRAVITY], (frames, 1))
    gyro = np.zeros((frames, 3))
    out = []
    for i in range(n):
        first = i * frames
        payload = open_imu.encode(i, int(first / rate_hz * 1e6), 1 / rate_hz, acc, gyro)
        out.append(RawPacket(0, t0 + (first + frames - 1) / rate_hz + 0.005, open_imu.DATA_UUID, payload))
    return out


def write_recording(path, seconds: float, **kw) -> list[RawPacket]:
    """Write a recording of ``seconds`` and return its packets."""
    pk = packets(seconds, **kw)
    with RecordingWriter(path, RecordingHeader([FOOT], source="test")) as w:
        for p in pk:
            w.write_packet(p)
    return pk
