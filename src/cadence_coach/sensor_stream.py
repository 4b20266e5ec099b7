"""Per-sensor decoding: raw packets in, timestamped sample blocks out.

A :class:`SensorStream` owns what is stateful about one sensor's data: the decoder chosen by its firmware
profile, counter unwrapping, lost-packet detection and the sensor-to-host clock mapping. Malformed
packets are counted and skipped, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import numpy as np

from .clock import ClockSync, WrapCounter
from .datatypes import PodReading, RawPacket, SampleBlock
from .decoders import open_imu
from .polar_pmd_stream import PolarPmdStream
from .profiles import Profile
from .rsc_stream import RscStream

log = logging.getLogger(__name__)


class SensorStream(Protocol):
    """Turns one sensor's raw packets into sample blocks (or, for pods that compute them, readings)."""

    malformed: int
    """Packets that could not be decoded (counted, logged once in a while, skipped)."""
    lost_packets: int
    """Packets detected as missing from the sensor's counters."""

    def feed(self, packet: RawPacket) -> SampleBlock | PodReading | None:
        """Decode one packet; None if it held no samples or was malformed. Never raises for bad payloads."""
        ...


class OpenImuStream:
    """Decodes the open IMU stream (decoders/open_imu.py) of one sensor.

    ``profile`` is accepted for a uniform constructor; open IMU packets describe their own rate and ranges.
    """

    def __init__(self, sensor: int, profile: Profile | None = None) -> None:
        self.sensor = sensor
        self.malformed = 0
        self.lost_packets = 0
        self._seq = WrapCounter(16)
        self._time = WrapCounter(32)
        self._clock = ClockSync()
        self._last_seq: int | None = None
        self._next_sensor_t: float | None = None

    def feed(self, packet: RawPacket) -> SampleBlock | None:
        try:
            pkt = open_imu.parse(packet.payload)
        except open_imu.DecodeError as exc:
            self.malformed += 1
            if self.malformed <= 3 or self.malformed % 1000 == 0:
                log.warning("sensor %d: malformed packet #%d skipped: %s", self.sensor, self.malformed, exc)
            return None
        n = pkt.acc.shape[0]
        if n == 0:
            return None
        seq = self._seq.unwrap(pkt.sequence)
        if self._last_seq is not None and seq <= self._last_seq:
            return None  # duplicate or late: its samples are already past
        gap = False
        if self._last_seq is not None and seq > self._last_seq + 1:
            self.lost_packets += seq - self._last_seq - 1
            gap = True
        self._last_seq = seq
        t0 = self._time.unwrap(pkt.t0_us) * 1e-6
        sensor_t = t0 + np.arange(n) * pkt.period_s
        if self._next_sensor_t is not None and t0 > self._next_sensor_t + 0.5 * pkt.period_s:
            gap = True
        self._next_sensor_t = float(sensor_t[-1]) + pkt.period_s
        self._clock.observe(float(sensor_t[-1]), packet.t_host)
        t = self._clock.to_host(sensor_t)
        baro = None
        if pkt.pressure_pa is not None:
            baro = np.full(n, np.nan)
            baro[-1] = pkt.pressure_pa
        return SampleBlock(
            sensor=self.sensor,
            t=t,
            acc=pkt.acc,
            gyro=pkt.gyro,
            baro_pa=baro,
            t_arrival=packet.t_host,
            gap_before=gap,
            acc_range=pkt.acc_range,
            gyro_range=pkt.gyro_range,
        )


STREAMS: dict[str, Callable[[int, Profile | None], SensorStream]] = {
    "open_imu": OpenImuStream,
    "polar_pmd": PolarPmdStream,
    "rsc": RscStream,
}
"""Stream decoder class by the ``decoder`` name a firmware profile gives."""


def make_stream(decoder: str, sensor: int, profile: Profile | None = None) -> SensorStream:
    """The stream decoder for a profile's decoder name, configured by the profile; KeyError if unknown."""
    return STREAMS[decoder](sensor, profile)
