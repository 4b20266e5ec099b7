"""Per-sensor decoding: raw packets in, timestamped sample blocks out.

A :class:`SensorStream` owns what is stateful about one sensor's data: the decoder chosen by its firmware
profile, counter unwrapping, lost-packet detection and the sensor-to-host clock mapping. Malformed
packets are counted and skipped, never raised.
"""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np

from .clock import ClockSync, WrapCounter
from .datatypes import RawPacket, SampleBlock
from .decoders import open_imu

log = logging.getLogger(__name__)

_FRAME_INDEX = np.arange(256.0)
"""0..255: frame numbers within a packet (a packet holds at most 255 frames)."""


class SensorStream(Protocol):
    """Turns one sensor's raw packets into sample blocks."""

    malformed: int
    """Packets that could not be decoded (counted, logged once in a while, skipped)."""
    lost_packets: int
    """Packets detected as missing from the sensor's counters."""

    def feed(self, packet: RawPacket) -> SampleBlock | None:
        """Decode one packet; None if it held no samples or was malformed."""
        ...


class OpenImuStream:
    """Decodes the open IMU stream (decoders/open_imu.py) of one sensor."""

    def __init__(self, sensor: int) -> None:
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
        sensor_t = _FRAME_INDEX[:n] * pkt.period_s + t0
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


STREAMS = {"open_imu": OpenImuStream}
"""Stream decoder class by the ``decoder`` name a firmware profile gives."""


def make_stream(decoder: str, sensor: int) -> SensorStream:
    """The stream decoder for a profile's decoder name; KeyError if unknown."""
    return STREAMS[decoder](sensor)
