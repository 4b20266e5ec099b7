"""The one data path every source feeds: packets -> sensor streams -> ring buffers -> gait -> coach.

Live BLE, replay and the simulator hand raw packets to :meth:`Pipeline.feed_packet`; sources that already
have samples in physical units (CSV import) hand blocks to :meth:`Pipeline.feed_block`. Both return what
the later stages produced, so the caller (the session loop, ``analyze``, a test) decides what to show,
speak or write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .datatypes import Cue, RawPacket, SampleBlock, SensorInfo, StepEvent
from .errors import UserError
from .profiles import load_profile
from .ringbuffer import StreamBuffer
from .sensor_stream import SensorStream, make_stream
from .sources.csv_import import PROFILE_NAME as CSV_IMPORT_PROFILE


@dataclass(slots=True)
class SensorCounters:
    """Running counts for one sensor, for the live view and the session summary."""

    packets: int = 0
    samples: int = 0
    gaps: int = 0
    first_t: float | None = None
    last_t: float | None = None

    @property
    def rate_hz(self) -> float | None:
        """Mean sample rate seen so far, Hz."""
        if self.first_t is None or self.last_t is None or self.last_t <= self.first_t:
            return None
        return (self.samples - 1) / (self.last_t - self.first_t)


@dataclass(slots=True)
class PipelineOutput:
    """What one fed packet or block produced."""

    block: SampleBlock | None = None
    steps: list[StepEvent] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)


class Pipeline:
    """Wires the stages for a session's sensors.

    Args:
        sensors: the session's sensors (index = packet ``sensor``).
        ring_seconds: history each sensor's ring buffer holds, s (sized for 1000 Hz).
    """

    def __init__(self, sensors: list[SensorInfo], ring_seconds: float = 30.0) -> None:
        self.sensors = sensors
        self.streams: list[SensorStream | None] = []
        for i, info in enumerate(sensors):
            if info.profile == CSV_IMPORT_PROFILE:
                self.streams.append(None)  # its samples arrive as blocks: no packets to decode
                continue
            profile = load_profile(info.profile)
            try:
                self.streams.append(make_stream(profile.decoder, i))
            except KeyError:
                raise UserError(f"firmware profile {info.profile!r}: no decoder {profile.decoder!r}") from None
        self.rings = [StreamBuffer(int(ring_seconds * 1000)) for _ in sensors]
        self.counters = [SensorCounters() for _ in sensors]

    @property
    def malformed_packets(self) -> int:
        return sum(s.malformed for s in self.streams if s is not None)

    @property
    def lost_packets(self) -> int:
        return sum(s.lost_packets for s in self.streams if s is not None)

    def feed_packet(self, packet: RawPacket) -> PipelineOutput:
        """Decode one packet and run the later stages on its samples."""
        if not 0 <= packet.sensor < len(self.streams):
            return PipelineOutput()
        stream = self.streams[packet.sensor]
        if stream is None:
            return PipelineOutput()
        self.counters[packet.sensor].packets += 1
        block = stream.feed(packet)
        if block is None:
            return PipelineOutput()
        return self.feed_block(block)

    def feed_block(self, block: SampleBlock) -> PipelineOutput:
        """Run the stages after decoding on one block of samples."""
        c = self.counters[block.sensor]
        c.samples += len(block)
        c.gaps += int(block.gap_before)
        if c.first_t is None:
            c.first_t = float(block.t[0])
        c.last_t = float(block.t[-1])
        self.rings[block.sensor].push_block(block)
        return PipelineOutput(block=block)
