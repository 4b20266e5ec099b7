"""Packet sources for the simulated sensor: what its firmware would have ready at each connection event.

A source is asked at every connection event for the packets whose samples were all taken by then
(sensor time, s). A frame packer builds packets from a sampled signal the way firmware does: all frames
accumulated since the previous event, packed into as few notifications as the MTU allows.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from ....datatypes import GRAVITY
from ....decoders import open_imu

SourcePacket = tuple[float, bytes]
"""(sensor time of the packet's last sample, s; payload bytes)."""


class PacketSource(Protocol):
    """What a simulated sensor streams."""

    def take(self, until_s: float, max_payload: int) -> list[SourcePacket]:
        """Packets whose samples were all taken by ``until_s`` (sensor time, s), each at most
        ``max_payload`` bytes (MTU - 3), in order."""
        ...

    def skip(self, until_s: float) -> None:
        """Discard samples taken by ``until_s`` (sensor time, s) without sending them (not streaming)."""
        ...


class OpenImuFramePacker:
    """Packs a sampled signal into open IMU packets (decoders/open_imu.py) at each connection event.

    Sample ``i`` is taken at sensor time ``i / rate_hz`` s. The signal repeats when ``loop`` is true,
    otherwise the source runs dry after its last sample. The packet sequence counter advances only
    for packets built, so samples skipped while not streaming show as a time gap, not as lost packets.

    Args:
        acc: specific force, m/s^2, shape (n, 3).
        gyro: angular rate, rad/s, shape (n, 3), or None.
        rate_hz: sample rate, Hz.
        loop: repeat the signal forever.
        acc_range_g: accelerometer full scale, +-g.
        gyro_range_dps: gyroscope full scale, +-degrees/s.
    """

    def __init__(
        self,
        acc: np.ndarray,
        gyro: np.ndarray | None,
        rate_hz: float,
        loop: bool = True,
        acc_range_g: int = 32,
        gyro_range_dps: int = 4000,
    ) -> None:
        self.acc = np.asarray(acc, dtype=np.float64)
        self.gyro = None if gyro is None else np.asarray(gyro, dtype=np.float64)
        self.rate_hz = rate_hz
        self.loop = loop
        self.acc_range_g = acc_range_g
        self.gyro_range_dps = gyro_range_dps
        self._next = 0  # index of the next sample not yet packed or skipped
        self._sequence = 0

    def _due(self, until_s: float) -> int:
        """Index one past the last sample taken by ``until_s``."""
        due = math.floor(until_s * self.rate_hz + 1e-9) + 1
        return due if self.loop else min(due, self.acc.shape[0])

    def take(self, until_s: float, max_payload: int) -> list[SourcePacket]:
        end = self._due(until_s)
        per_packet = open_imu.frames_per_packet(max_payload + 3, self.gyro is not None)
        if per_packet == 0 or end <= self._next:
            return []
        packets = []
        for start in range(self._next, end, per_packet):
            stop = min(start + per_packet, end)
            idx = np.arange(start, stop) % self.acc.shape[0]
            payload = open_imu.encode(
                self._sequence,
                round(start / self.rate_hz * 1e6),
                1.0 / self.rate_hz,
                self.acc[idx],
                None if self.gyro is None else self.gyro[idx],
                acc_range_g=self.acc_range_g,
                gyro_range_dps=self.gyro_range_dps,
            )
            self._sequence += 1
            packets.append(((stop - 1) / self.rate_hz, payload))
        self._next = end
        return packets

    def skip(self, until_s: float) -> None:
        self._next = max(self._next, self._due(until_s))


def demo_imu_signal(
    rate_hz: float, seconds: float = 10.0, cadence_spm: float = 170.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A foot-IMU-like test signal (not a gait model): gravity on z, a periodic swing and impact per stride.

    Returns (acc in m/s^2, gyro in rad/s), each shape (n, 3), n = seconds * rate_hz. One stride is two
    steps, so the pattern repeats at ``cadence_spm / 120`` Hz; a little noise makes every frame distinct.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    phase = 2 * np.pi * (cadence_spm / 120.0) * t
    impact = 6 * GRAVITY * np.exp(-((np.mod(phase, 2 * np.pi) - 0.3) ** 2) / 0.01)
    acc = np.column_stack([8 * np.sin(phase), 2 * np.sin(2 * phase), GRAVITY + impact])
    gyro = np.column_stack([1.5 * np.sin(2 * phase), 9 * np.sin(phase + 0.5), 1.0 * np.cos(phase)])
    acc += rng.normal(0, 0.2, acc.shape)
    gyro += rng.normal(0, 0.02, gyro.shape)
    return acc, gyro
