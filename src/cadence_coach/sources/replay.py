"""Pacing: hand out a recording's records (or any timed items) with their original timing, scaled, or as
fast as possible."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from ..datatypes import RawPacket
from .recording import RecordedEvent

T = TypeVar("T")


class WallClock(Protocol):
    """What pacing needs of a clock, in s: the :mod:`time` module (tests pass a fake whose sleep only
    advances its own time)."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float, /) -> None: ...


def paced(
    items: Iterable[T], speed: float, time_of: Callable[[T], float], clock: WallClock = time
) -> Iterator[T]:
    """Yields ``items`` no earlier than their stream time (``time_of(item)``, s) divided by ``speed``.

    The first item is yielded at once and sets the origin; ``speed`` 0 yields without waiting.
    Blocking sleeps (``clock.sleep``): for scripts, ``analyze`` and replay outside an event loop.
    """
    start: float | None = None
    for item in items:
        if speed > 0:
            t = time_of(item)
            if start is None:
                start = clock.monotonic() - t / speed
            delay = start + t / speed - clock.monotonic()
            if delay > 0.001:
                clock.sleep(delay)
        yield item


def record_time(item: RawPacket | RecordedEvent) -> float:
    """Stream time of a recording record, s."""
    return item.t_host if isinstance(item, RawPacket) else item.t_s
