"""A session: one source through the pipeline, to the coach, the voice, the view and the writers.

Live BLE, replay and ``analyze`` all go through :class:`Session`; they differ only in where packets come
from and which outputs are attached. Every output is optional.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from ..datatypes import Cue, PacketBatch, RawPacket, SampleBlock, StepEvent
from ..sources.recording import RecordedEvent
from .pipeline import Pipeline, PipelineOutput


class StepSink(Protocol):
    def write(self, steps: list[StepEvent]) -> None: ...


class CueSink(Protocol):
    def write(self, cue: Cue) -> None: ...


class Coach(Protocol):
    def feed(self, step: StepEvent) -> list[Cue]: ...


class Speaker(Protocol):
    def speak(self, cue_id: str, t_session_s: float) -> None: ...


class View(Protocol):
    def update(self, output: PipelineOutput, pipeline: Pipeline) -> None: ...


Item = RawPacket | PacketBatch | SampleBlock | RecordedEvent


def windows(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive items, ``size`` at a time; a :class:`PacketBatch` counts as its packets and is split
    where a window ends. So a recording read in bulk is processed in the same windows as when it is read
    packet by packet, and gives the same results."""
    window: list[Item] = []
    room = size
    for item in items:
        if isinstance(item, PacketBatch):
            start, count = 0, len(item)
            while count - start >= room:
                window.append(item if start == 0 and count == room else item[start : start + room])
                start += room
                yield window
                window, room = [], size
            if start < count:
                window.append(item if start == 0 else item[start:])
                room -= count - start
            continue
        window.append(item)
        room -= 1
        if room == 0:
            yield window
            window, room = [], size
    if window:
        yield window


class Session:
    """Wires a pipeline to its consumers.

    Args:
        pipeline: the decoding and gait stages for the session's sensors.
        coach: turns completed steps into cues.
        speaker: speaks cues (never blocks).
        view: the live terminal view.
        step_sinks, cue_sinks: writers (steps.csv, cues.csv, session log).
        keep: keep every step, cue and link event in :attr:`steps`, :attr:`cues` and :attr:`events`
            (tests, benchmarks, the bench's scoring). A live session or replay passes False: its memory
            then stays flat however long it runs, and only the counts and the last step are kept.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        coach: Coach | None = None,
        speaker: Speaker | None = None,
        view: View | None = None,
        step_sinks: Iterable[StepSink] = (),
        cue_sinks: Iterable[CueSink] = (),
        keep: bool = True,
    ) -> None:
        self.pipeline = pipeline
        self.coach = coach
        self.speaker = speaker
        self.view = view
        self.step_sinks = list(step_sinks)
        self.cue_sinks = list(cue_sinks)
        self.steps: list[StepEvent] = []
        self.cues: list[Cue] = []
        self.events: list[RecordedEvent] = []
        self.keep = keep
        self.step_count = 0
        self.cue_count = 0
        self.last_step: StepEvent | None = None

    def process(self, items: list[Item]) -> PipelineOutput:
        """Run a batch of consecutive items (packets of any sensors, packets read in bulk, blocks,
        recorded events). Packets with no other item between them are decoded together.

        A ``disconnected`` event (live link loss, or one read back from a recording) marks a gap in
        that sensor's data, so the gait engine makes no step across it.
        """
        out = PipelineOutput()
        run: list = []  # consecutive RawPackets, or consecutive PacketBatches
        for item in items:
            if isinstance(item, (RawPacket, PacketBatch)):
                if run and isinstance(run[0], PacketBatch) != isinstance(item, PacketBatch):
                    self._feed(out, run)
                    run = []
                run.append(item)
                continue
            if run:
                self._feed(out, run)
                run = []
            if isinstance(item, SampleBlock):
                self._merge(out, self.pipeline.feed_block(item))
            else:
                if self.keep:
                    self.events.append(item)
                out.events.append(item)
                if item.data.get("event") == "disconnected" and isinstance(item.data.get("sensor"), int):
                    self.pipeline.mark_gap(item.data["sensor"])
        if run:
            self._feed(out, run)
        self._deliver(out)
        return out

    def finish(self) -> PipelineOutput:
        """End the session: the steps the gait engine still holds (waiting for another sensor, or open
        at the end) go to the sinks and the coach like any others. Call it once, after the last item."""
        out = self.pipeline.finish()
        self._deliver(out)
        return out

    def _deliver(self, out: PipelineOutput) -> None:
        """Hand one feed's steps and cues to the writers, the coach, the voice and the view."""
        if out.steps:
            self.step_count += len(out.steps)
            self.last_step = out.steps[-1]
            if self.keep:
                self.steps.extend(out.steps)
            for sink in self.step_sinks:
                sink.write(out.steps)
        if self.coach is not None:
            for step in out.steps:
                out.cues.extend(self.coach.feed(step))
        self.cue_count += len(out.cues)
        for cue in out.cues:
            if self.keep:
                self.cues.append(cue)
            if self.speaker is not None:
                self.speaker.speak(cue.cue_id, cue.t_s)
            for cue_sink in self.cue_sinks:
                cue_sink.write(cue)
        if self.view is not None:
            self.view.update(out, self.pipeline)

    def _feed(self, out: PipelineOutput, run: list) -> None:
        """Decode a run of packets (RawPackets, or PacketBatches) together and merge what it gave."""
        if isinstance(run[0], PacketBatch):
            self._merge(out, self.pipeline.feed_packet_batch(PacketBatch.concat(run)))
        else:
            self._merge(out, self.pipeline.feed_packets(run))

    @staticmethod
    def _merge(into: PipelineOutput, part: PipelineOutput) -> None:
        into.blocks.extend(part.blocks)
        into.detected.extend(part.detected)
        into.steps.extend(part.steps)
        into.cues.extend(part.cues)
        into.pod_readings.extend(part.pod_readings)

    def run(self, source: Iterable[Item], batch: int = 1) -> None:
        """Process a whole synchronous source, ``batch`` items at a time (1 for live pacing; a
        :class:`PacketBatch` counts as its packets, see :func:`windows`), then :meth:`finish`."""
        for window in windows(source, batch):
            self.process(window)
        self.finish()
