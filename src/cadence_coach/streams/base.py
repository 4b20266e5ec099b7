"""What every stream decoder shares: the :class:`SensorStream` protocol the pipeline drives, the
per-packet feeding of streams that decode one packet at a time, and the rate-limited log of malformed
payloads."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from ..datatypes import PacketBatch, PodReading, RawPacket, SampleBlock

log = logging.getLogger(__name__)


class SensorStream(Protocol):
    """Turns one sensor's raw packets into sample blocks (or, for pods that compute them, readings).
    Never raises for bad payloads: they are counted in ``malformed`` and skipped."""

    @property
    def malformed(self) -> int:
        """Packets that could not be decoded (counted, logged once in a while, skipped)."""
        ...

    @property
    def lost_packets(self) -> int:
        """Packets detected as missing from the sensor's counters."""
        ...

    def feed_many(self, packets: list[RawPacket]) -> Sequence[SampleBlock | PodReading]:
        """Decode consecutive packets of this sensor: sample blocks (one per run of samples without a
        gap) or pod readings."""
        ...

    def feed_batch(self, packets: PacketBatch) -> Sequence[SampleBlock | PodReading]:
        """:meth:`feed_many` for packets read in bulk (this sensor's only): the same output."""
        ...


Decoded = TypeVar("Decoded", SampleBlock, PodReading)


class PacketwiseStream(Generic[Decoded]):
    """Base of the streams that decode one packet at a time (:meth:`feed`): :meth:`feed_many` and
    :meth:`feed_batch` feed them in order and keep what came out."""

    def feed(self, packet: RawPacket) -> Decoded | None:
        """Decode one packet; None if it gave nothing (malformed, repeated, or not a measurement)."""
        raise NotImplementedError

    def feed_many(self, packets: list[RawPacket]) -> list[Decoded]:
        """Decode consecutive packets of this sensor."""
        return [d for d in map(self.feed, packets) if d is not None]

    def feed_batch(self, packets: PacketBatch) -> list[Decoded]:
        """:meth:`feed_many` for packets read in bulk (rare for these sensors): one packet at a time."""
        return self.feed_many(packets.raw_packets())


class MalformedLog:
    """Counts one sensor's malformed payloads and logs a warning for the first three, then one per
    thousand (a sensor sending garbage must not flood the log).

    Args:
        sensor: index of the sensor in the session's sensor list.
        kind: what the payloads are, for the log line (``"open IMU"``, ``"PMD"``...).
    """

    def __init__(self, sensor: int, kind: str) -> None:
        self.sensor = sensor
        self.kind = kind
        self.count = 0

    def skip(self, k: int = 1, reason: Exception | None = None) -> None:
        """Count ``k`` more malformed payloads (``reason``: why the last one was refused, if known)."""
        before = self.count
        self.count += k
        if before < 3 or self.count // 1000 > before // 1000:
            why = f": {reason}" if reason is not None else ""
            log.warning(
                "sensor %d: %d malformed %s payload(s) skipped (%d so far)%s",
                self.sensor,
                k,
                self.kind,
                self.count,
                why,
            )
