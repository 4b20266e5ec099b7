"""The one data path every source feeds: packets -> sensor streams -> sample blocks -> gait engine -> steps.

Live BLE, paced replay and the simulator hand raw packets to :meth:`Pipeline.feed_packets`; a recording
read in bulk (``analyze``, replay at speed 0) hands :class:`PacketBatch` es to
:meth:`Pipeline.feed_packet_batch`; sources that already have samples in physical units (CSV import) hand
blocks to :meth:`Pipeline.feed_block`. All return what the later stages produced, so the caller (the
session loop, ``analyze``, a test) decides what to show, speak or write.

Packets must be fed in arrival order (as they are recorded): each feed tells the gait engine that every
sensor's data up to the feed's latest arrival is in, which is what lets it release steps with their
cross-sensor figures final. :meth:`Pipeline.finish` hands on what it still holds at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..datatypes import Cue, PacketBatch, PodReading, RawPacket, SampleBlock, SensorInfo, StepEvent
from ..errors import UserError
from ..gait.engine import GaitEngine
from ..profiles import CSV_IMPORT_PROFILE, load_profile
from ..sources.recording import RecordedEvent
from ..streams import SensorStream, make_stream


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
    """What one feed produced.

    Attributes:
        blocks: decoded sample blocks.
        detected: steps confirmed at initial contact (their ``detected_at_s`` is now); the figures
            that need the rest of the stance are still None and the step time is provisional.
        steps: steps whose figures are final, with every figure the sensors allow (the same objects as
            in an earlier ``detected``), in the engine's release order (see :mod:`.gait.engine`):
            the same whatever the feeds' sizes.
        cues: coaching cues decided.
        pod_readings: speed and cadence as computed by RSC foot pods (no samples to detect steps in).
        events: link events (connected, disconnected, reconnected) handed in with the packets, for the
            live view.
    """

    blocks: list[SampleBlock] = field(default_factory=list)
    detected: list[StepEvent] = field(default_factory=list)
    steps: list[StepEvent] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    pod_readings: list[PodReading] = field(default_factory=list)
    events: list[RecordedEvent] = field(default_factory=list)


class Pipeline:
    """Wires the stages for a session's sensors.

    Args:
        sensors: the session's sensors (index = packet ``sensor``).
    """

    def __init__(self, sensors: list[SensorInfo]) -> None:
        self.sensors = sensors
        self.streams: list[SensorStream | None] = []
        for i, info in enumerate(sensors):
            if info.profile == CSV_IMPORT_PROFILE:
                self.streams.append(None)  # its samples arrive as blocks: no packets to decode
                continue
            profile = load_profile(info.profile)
            try:
                self.streams.append(make_stream(profile.decoder, i, profile))
            except KeyError:
                raise UserError(
                    f"firmware profile {info.profile!r}: no decoder {profile.decoder!r}"
                ) from None
        self.engine = GaitEngine(sensors)
        self.counters = [SensorCounters() for _ in sensors]
        self._gap_pending: set[int] = set()

    @property
    def malformed_packets(self) -> int:
        return sum(s.malformed for s in self.streams if s is not None)

    @property
    def lost_packets(self) -> int:
        return sum(s.lost_packets for s in self.streams if s is not None)

    def mark_gap(self, sensor: int) -> None:
        """The link of ``sensor`` was lost: its next block starts after a gap, so no step spans it
        (whatever the stream's own counters show)."""
        self._gap_pending.add(sensor)

    def feed_packets(self, packets: list[RawPacket]) -> PipelineOutput:
        """Decode packets (live: one; replay and analyze: a batch) and run the later stages."""
        out = PipelineOutput()
        by_sensor: dict[int, list[RawPacket]] = {}
        for p in packets:
            if 0 <= p.sensor < len(self.streams):
                by_sensor.setdefault(p.sensor, []).append(p)
        for sensor, group in by_sensor.items():
            stream = self.streams[sensor]
            if stream is None:
                continue  # a sensor whose samples arrive as blocks
            self.counters[sensor].packets += len(group)
            self._run_decoded(stream.feed_many(group), out)
        if packets:
            out.steps.extend(self.engine.release(max(p.t_host for p in packets)))
        return out

    def feed_packet_batch(self, batch: PacketBatch) -> PipelineOutput:
        """:meth:`feed_packets` for packets read in bulk: the same output, decoded from the batch's arrays."""
        out = PipelineOutput()
        if len(batch) == 0:
            return out
        sensor = batch.sensor
        if sensor[0] == sensor[-1] and (sensor == sensor[0]).all():
            groups = [(int(sensor[0]), batch)]
        else:  # one group per sensor, in order of first appearance (as feed_packets)
            present, first_at = np.unique(sensor, return_index=True)
            groups = [(int(s), batch[sensor == s]) for s in present[np.argsort(first_at)]]
        for s, group in groups:
            stream = self.streams[s] if s < len(self.streams) else None
            if stream is None:
                continue
            self.counters[s].packets += len(group)
            self._run_decoded(stream.feed_batch(group), out)
        out.steps.extend(self.engine.release(float(batch.t_host.max())))
        return out

    def _run_decoded(self, items: Sequence[SampleBlock | PodReading], out: PipelineOutput) -> None:
        for item in items:
            if isinstance(item, PodReading):
                out.pod_readings.append(item)
            else:
                self._run_block(item, out)

    def feed_block(self, block: SampleBlock) -> PipelineOutput:
        """Run the stages after decoding on one block of samples (sources that decode themselves)."""
        out = PipelineOutput()
        self._run_block(block, out)
        if len(block):
            out.steps.extend(self.engine.release(float(block.arrival_times()[-1])))
        return out

    def finish(self) -> PipelineOutput:
        """The end of the session: the steps the engine still holds (``steps``)."""
        return PipelineOutput(steps=self.engine.finish())

    def _run_block(self, block: SampleBlock, out: PipelineOutput) -> None:
        if block.sensor in self._gap_pending:
            self._gap_pending.discard(block.sensor)
            block.gap_before = True
        c = self.counters[block.sensor]
        c.samples += len(block)
        c.gaps += int(block.gap_before)
        if c.first_t is None:
            c.first_t = float(block.t[0])
        c.last_t = float(block.t[-1])
        out.blocks.append(block)
        out.detected.extend(self.engine.detect(block))
