"""Decoding state of one open IMU sensor (decoders/open_imu.py): counter unwrapping, lost and repeated
packets, gaps and the sensor-to-host clock mapping; raw packets in, timestamped sample blocks out."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..datatypes import PacketBatch, RawPacket, SampleBlock
from ..decoders import open_imu
from ..profiles import Profile
from .base import MalformedLog
from .clock import ClockSync, unwrap_counter, unwrap_one


class OpenImuStream:
    """Decodes the open IMU stream (decoders/open_imu.py) of one sensor: a batch of packets at a time
    with array arithmetic (:meth:`feed_batch` straight from a recording's buffer), or, live, one packet
    at a time with the same arithmetic on plain numbers (the same blocks, without the array set-up).

    ``profile`` is accepted for a uniform constructor; open IMU packets describe their own rate and ranges.

    Attributes:
        lost_packets: packets judged missing from jumps of the sequence counter.
    """

    def __init__(self, sensor: int, profile: Profile | None = None) -> None:
        self.sensor = sensor
        self.lost_packets = 0
        self._malformed = MalformedLog(sensor, "open IMU")
        self._clock = ClockSync()
        self._last_seq: int | None = None
        self._last_t0: int | None = None
        self._next_sensor_t: float | None = None

    @property
    def malformed(self) -> int:
        """Packets that could not be decoded (skipped)."""
        return self._malformed.count

    def feed_many(self, packets: list[RawPacket]) -> list[SampleBlock]:
        """Decode consecutive packets of this sensor: one block per run of samples without a gap."""
        if len(packets) == 1 and self._last_seq is not None:
            return self._feed_one(packets[0])
        batch = open_imu.parse_batch([p.payload for p in packets])
        return self._blocks(batch, np.fromiter((p.t_host for p in packets), np.float64, len(packets)))

    def feed_batch(self, packets: PacketBatch) -> list[SampleBlock]:
        """:meth:`feed_many` for packets read in bulk (this sensor's only): the same blocks, decoded
        straight from the recording's buffer."""
        batch = open_imu.parse_packed(packets.data, packets.start, packets.length)
        return self._blocks(batch, packets.t_host)

    def _blocks(self, batch: open_imu.ImuBatch, t_host: np.ndarray) -> list[SampleBlock]:
        """Sample blocks from decoded packets; ``t_host`` is the arrival time of every input packet, s."""
        if batch.rejected:
            self._malformed.skip(batch.rejected)
        if batch.index.size == 0:
            return []
        ranges = float(batch.acc_range[0]), float(batch.gyro_range[0])
        seq = unwrap_counter(batch.sequence, 16, self._last_seq)
        t0 = unwrap_counter(batch.t0_us, 32, self._last_t0)
        # Drop repeated or late packets: their samples are already past.
        prior = -np.inf if self._last_seq is None else self._last_seq
        keep = seq > np.maximum.accumulate(np.concatenate([[prior], seq[:-1]]))
        if not keep.all():
            batch, seq, t0 = _kept(batch, keep), seq[keep], t0[keep]
            if seq.size == 0:
                return []
        n, period = batch.n_frames, batch.period_s
        prev_seq = np.concatenate([[seq[0] - 1 if self._last_seq is None else self._last_seq], seq[:-1]])
        lost = seq - prev_seq - 1
        self.lost_packets += int(lost.sum())
        self._last_seq, self._last_t0 = int(seq[-1]), int(t0[-1])
        # Sensor time of every sample: packet start + frame index * period.
        t0_s = t0 * 1e-6
        first_frame = np.concatenate([[0], np.cumsum(n)[:-1]])
        frame_in_packet = np.arange(int(n.sum())) - np.repeat(first_frame, n)
        sensor_t = np.repeat(t0_s, n) + frame_in_packet * np.repeat(period, n)
        last_t = t0_s + (n - 1) * period
        expected_t0 = np.concatenate(
            [[np.nan if self._next_sensor_t is None else self._next_sensor_t], last_t[:-1] + period[:-1]]
        )
        gap = (lost > 0) | (t0_s > expected_t0 + 0.5 * period)
        self._next_sensor_t = float(last_t[-1] + period[-1])
        arrival = t_host[batch.index]
        t = self._clock.map(last_t, arrival, sensor_t)
        baro = None
        if not np.all(np.isnan(batch.pressure_pa)):
            baro = np.full(sensor_t.size, np.nan)
            baro[first_frame + n - 1] = batch.pressure_pa
        arr_per_sample = np.repeat(arrival, n)
        cuts = np.flatnonzero(gap)
        bounds = [0, *first_frame[cuts[cuts > 0]].tolist(), sensor_t.size]
        return [
            SampleBlock(
                sensor=self.sensor,
                t=t[a:b],
                acc=batch.acc[a:b],
                gyro=None if batch.gyro is None else batch.gyro[a:b],
                baro_pa=None if baro is None else baro[a:b],
                t_arrival=float(arr_per_sample[b - 1]),
                gap_before=bool(gap[0]) if a == 0 else True,
                acc_range=ranges[0],
                gyro_range=ranges[1],
                arrival=arr_per_sample[a:b],
            )
            for a, b in zip(bounds[:-1], bounds[1:])
        ]

    def _feed_one(self, packet: RawPacket) -> list[SampleBlock]:
        """:meth:`feed_many` for one packet after the first (the live case): the same arithmetic on
        plain numbers, without the batch's array set-up."""
        try:
            p = open_imu.parse(packet.payload)
        except open_imu.DecodeError:
            p = None
        if p is None or p.acc.shape[0] == 0:
            self._malformed.skip()
            return []
        assert self._last_seq is not None and self._last_t0 is not None
        seq = unwrap_one(p.sequence, 16, self._last_seq)
        if seq <= self._last_seq:
            return []  # repeated or late: its samples are already past
        t0 = unwrap_one(p.t0_us, 32, self._last_t0)
        lost = seq - self._last_seq - 1
        self.lost_packets += lost
        self._last_seq, self._last_t0 = seq, t0
        n, period = p.acc.shape[0], p.period_s
        t0_s = t0 * 1e-6
        sensor_t = t0_s + np.arange(n) * period
        last_t = t0_s + (n - 1) * period
        expected = math.nan if self._next_sensor_t is None else self._next_sensor_t
        gap = lost > 0 or t0_s > expected + 0.5 * period
        self._next_sensor_t = last_t + period
        t = self._clock.map_one(last_t, packet.t_host, sensor_t)  # a packet was mapped before this one
        baro = None
        if p.pressure_pa is not None:
            baro = np.full(n, np.nan)
            baro[-1] = p.pressure_pa
        return [
            SampleBlock(
                sensor=self.sensor,
                t=t,
                acc=p.acc,
                gyro=p.gyro,
                baro_pa=baro,
                t_arrival=packet.t_host,
                gap_before=gap,
                acc_range=p.acc_range,
                gyro_range=p.gyro_range,
                arrival=np.full(n, packet.t_host),
            )
        ]


def _kept(batch: open_imu.ImuBatch, keep: np.ndarray) -> open_imu.ImuBatch:
    """The packets of ``batch`` where ``keep`` (one flag per packet) is True, with their frames."""
    frames = np.repeat(keep, batch.n_frames)
    return replace(
        batch,
        index=batch.index[keep],
        sequence=batch.sequence[keep],
        t0_us=batch.t0_us[keep],
        period_s=batch.period_s[keep],
        n_frames=batch.n_frames[keep],
        acc_range=batch.acc_range[keep],
        gyro_range=batch.gyro_range[keep],
        acc=batch.acc[frames],
        gyro=None if batch.gyro is None else batch.gyro[frames],
        pressure_pa=batch.pressure_pa[keep],
    )
