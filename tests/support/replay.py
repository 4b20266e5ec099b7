"""Re-emit a recording's records with their original timing, scaled, or as fast as possible, blocking or
under asyncio (the shipped commands pace with :func:`cadence_coach.sources.replay.paced` directly)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

from cadence_coach.datatypes import RawPacket
from cadence_coach.sources.recording import RecordedEvent, RecordingReader
from cadence_coach.sources.replay import WallClock, paced, record_time


class ReplaySource:
    """Re-emits a recording's records.

    Args:
        reader: an open recording.
        speed: 1 = original timing, 4 = four times faster, 0 = as fast as possible.
        clock: the wall clock the blocking iteration paces by (s; :mod:`time` unless a test fakes it).

    Packet times are re-emitted unchanged (the session time base of the recording), so every stage
    downstream sees the same times whatever the speed; only the wall-clock pacing differs.
    """

    def __init__(self, reader: RecordingReader, speed: float = 1.0, clock: WallClock = time) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.reader = reader
        self.speed = speed
        self.clock = clock

    def __iter__(self) -> Iterator[RawPacket | RecordedEvent]:
        """Records, paced by blocking sleeps."""
        return paced(self.reader.records(), self.speed, record_time, self.clock)

    async def __aiter__(self) -> AsyncIterator[RawPacket | RecordedEvent]:
        """Records, paced by asyncio sleeps on the running loop's clock."""
        loop = asyncio.get_running_loop()
        start: float | None = None
        for n, item in enumerate(self.reader.records()):
            if self.speed > 0:
                t = record_time(item)
                if start is None:
                    start = loop.time() - t / self.speed
                delay = start + t / self.speed - loop.time()
                if delay > 0.001:
                    await asyncio.sleep(delay)
            elif n % 256 == 0:
                await asyncio.sleep(0)  # let other tasks run
            yield item
