"""Radio and clock model: when each sample is taken, which packet carries it, when the packet arrives.

The sensor's crystal runs at ``1 + drift`` times the host's rate from a random offset, so its sample
times on the session time base are ``t_k = t_first + k * period / (1 + drift)``. Its clock field is
microseconds since an arbitrary origin, u32, and wraps. Packets leave at BLE connection events every
``interval_s``: each event carries the frames sampled since the previous one (split into several
packets when they do not fit in one), and arrives 0..1 ms after the event. Lost packets still use up a
sequence number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...decoders import open_imu

JITTER_S = 0.001
"""Largest delay from connection event to arrival, s."""
PACKET_SPACING_S = 0.0001
"""Extra delay of each further packet sent in the same connection event, s."""
BARO_PERIOD_S = 0.04
"""Barometer reading period (25 Hz), s."""
BURST_SHARE = 0.3
"""Share of the loss probability that comes as bursts of 2..19 consecutive packets."""
MEAN_BURST = 10.5


@dataclass(frozen=True)
class Link:
    """One sensor's clock and BLE link.

    Attributes:
        rate_hz: nominal sample rate, Hz.
        clock_offset_us: sensor clock reading at session time 0, microseconds.
        drift_ppm: sensor crystal rate error vs the host, parts per million.
        first_sample_s: session time of the first sample, s.
        interval_s: connection interval, s.
        first_event_s: session time of the first connection event, s.
        loss: packet loss probability.
        mtu: ATT MTU, bytes.
        first_sequence: sequence counter of the first packet.
    """

    rate_hz: float
    clock_offset_us: float
    drift_ppm: float
    first_sample_s: float
    interval_s: float
    first_event_s: float
    loss: float
    mtu: int = 247
    first_sequence: int = 0

    @classmethod
    def random(cls, rng: np.random.Generator, rate_hz: float, interval_s: float, loss: float) -> Link:
        """A link with random clock offset, drift (+-40 ppm), start phases and counter start."""
        return cls(
            rate_hz=rate_hz,
            clock_offset_us=float(rng.uniform(0, 2**32)),
            drift_ppm=float(rng.uniform(-40.0, 40.0)),
            first_sample_s=float(rng.uniform(0.01, 0.1)),
            interval_s=interval_s,
            first_event_s=float(rng.uniform(0.0, interval_s)),
            loss=loss,
            first_sequence=int(rng.integers(0, 65536)),
        )

    @property
    def period_s(self) -> float:
        """Nominal sample period (sensor clock), s."""
        return 1.0 / self.rate_hz

    def sample_times(self, end_s: float) -> np.ndarray:
        """Session times of the samples taken up to ``end_s``, s."""
        step = self.period_s / (1.0 + self.drift_ppm * 1e-6)
        n = int(np.floor((end_s - self.first_sample_s) / step)) + 1
        return self.first_sample_s + np.arange(max(n, 0)) * step

    def sensor_time_us(self, index: np.ndarray) -> np.ndarray:
        """Sensor clock of samples by index, microseconds (not wrapped)."""
        first = self.clock_offset_us + (1.0 + self.drift_ppm * 1e-6) * self.first_sample_s * 1e6
        return first + np.asarray(index) * self.period_s * 1e6


@dataclass(frozen=True)
class PacketPlan:
    """Every packet a sensor sends (arrays of equal length, in sending order).

    Attributes:
        start: index of its first sample.
        count: number of samples.
        arrival_s: session time it arrives (meaningless when lost), s.
        sequence: its sequence counter (not wrapped).
        lost: True if it never arrives.
        pressure: True if it carries a barometer reading (taken with its last sample).
    """

    start: np.ndarray
    count: np.ndarray
    arrival_s: np.ndarray
    sequence: np.ndarray
    lost: np.ndarray
    pressure: np.ndarray

    def __len__(self) -> int:
        return int(self.start.shape[0])


def plan_packets(
    link: Link, t_samples: np.ndarray, rng: np.random.Generator, with_pressure: bool
) -> PacketPlan:
    """Group samples into packets at connection events and decide arrivals and losses."""
    fpp = open_imu.frames_per_packet(link.mtu, has_gyro=True, has_pressure=with_pressure)
    last = t_samples[-1] if t_samples.size else 0.0
    events = link.first_event_s + link.interval_s * np.arange(
        int(np.ceil((last - link.first_event_s) / link.interval_s)) + 2
    )
    upto = np.searchsorted(t_samples, events, side="right")
    before = np.concatenate(([0], upto[:-1]))
    frames = upto - before
    per_event = -(-frames // fpp)  # packets per event (ceil)
    event_of = np.repeat(np.arange(events.size), per_event)
    first_packet_of_event = np.concatenate(([0], np.cumsum(per_event)[:-1]))
    within = np.arange(event_of.size) - first_packet_of_event[event_of]
    start = before[event_of] + within * fpp
    count = np.minimum(fpp, upto[event_of] - start)
    jitter = rng.uniform(0.0, JITTER_S, events.size)
    arrival = events[event_of] + jitter[event_of] + within * PACKET_SPACING_S
    n = start.size
    lost = _losses(rng, n, link.loss)
    sequence = link.first_sequence + np.arange(n)
    t_last = t_samples[start + count - 1] if n else np.zeros(0)
    baro_slot = np.floor(t_last / BARO_PERIOD_S)
    pressure = (
        np.concatenate(([True], np.diff(baro_slot) > 0))[:n] if with_pressure else np.zeros(n, dtype=bool)
    )
    return PacketPlan(start, count, arrival, sequence, lost, pressure)


def _losses(rng: np.random.Generator, n: int, loss: float) -> np.ndarray:
    """Lost-packet mask: single losses plus occasional bursts, ``loss`` of all packets on average."""
    lost = rng.random(n) < loss * (1.0 - BURST_SHARE)
    burst_starts = np.flatnonzero(rng.random(n) < loss * BURST_SHARE / MEAN_BURST)
    for s, length in zip(burst_starts, rng.integers(2, 20, burst_starts.size)):
        lost[s : s + length] = True
    return lost


def encode_packets(
    link: Link,
    plan: PacketPlan,
    first: int,
    stop: int,
    acc: np.ndarray,
    gyro: np.ndarray,
    pressure: np.ndarray | None,
    sample_offset: int,
    acc_range_g: int,
    gyro_range_dps: int,
) -> Iterator[tuple[float, bytes]]:
    """(arrival time, payload) of the packets ``first .. stop - 1`` that arrive.

    ``acc``/``gyro``/``pressure`` hold the samples from index ``sample_offset`` on and must cover those
    packets' samples.
    """
    t0_us = np.rint(link.sensor_time_us(plan.start[first:stop])).astype(np.int64) % 2**32
    for j in range(first, stop):
        if plan.lost[j]:
            continue
        a = int(plan.start[j]) - sample_offset
        b = a + int(plan.count[j])
        p = float(pressure[b - 1]) if pressure is not None and plan.pressure[j] else None
        payload = open_imu.encode(
            int(plan.sequence[j]),
            int(t0_us[j - first]),
            link.period_s,
            acc[a:b],
            gyro[a:b],
            pressure_pa=p,
            acc_range_g=acc_range_g,
            gyro_range_dps=gyro_range_dps,
        )
        yield float(plan.arrival_s[j]), payload
