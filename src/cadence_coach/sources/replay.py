"""Replay a recording into the pipeline with its original timing, scaled, or as fast as possible."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TypeVar

from ..datatypes import RawPacket
from .recording import RecordedEvent, RecordingReader

T = TypeVar("T")


def paced(items: Iterable[T], speed: float, time_of: Callable[[T], float]) -> Iterator[T]:
    """Yields ``items`` no earlier than their stream time (``time_of(item)``, s) divided by ``speed``.

    The first item is yielded at once and sets the origin; ``speed`` 0 yields without waiting.
    Blocking sleeps: for scripts, ``analyze`` and replay outside an event loop.
    """
    start: float | None = None
    for item in items:
        if speed > 0:
            t = time_of(item)
            if start is None:
                start = time.monotonic() - t / speed
            delay = start + t / speed - time.monotonic()
            if delay > 0.001:
                time.sleep(delay)
        yield item


def record_time(item: RawPacket | RecordedEvent) -> float:
    """Stream time of a recording record, s."""
    return item.t_host if isinstance(item, RawPacket) else item.t_s


class ReplaySource:
    """Re-emits a recording's records.

    Args:
        reader: an open recording.
        speed: 1 = original timing, 4 = four times faster, 0 = as fast as possible.

    Packet times are re-emitted unchanged (the session time base of the recording), so every stage
    downstream sees the same times whatever the speed; only the wall-clock pacing differs.
    """

    def __init__(self, reader: RecordingReader, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.reader = reader
        self.speed = speed

    def __iter__(self) -> Iterator[RawPacket | RecordedEvent]:
        """Records, paced by blocking sleeps (for scripts and ``analyze``)."""
        return paced(self.reader.records(), self.speed, record_time)

    async def __aiter__(self) -> AsyncIterator[RawPacket | RecordedEvent]:
        """Records, paced by asyncio sleeps (for the live session loop)."""
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
                await asyncio.sleep(0)  # let the view and the voice run
            yield item
