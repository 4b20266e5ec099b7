"""SIGTERM handled like Ctrl-C: what systemd (or ``kill``) sends ends a command the way Ctrl-C does.

:func:`terminate_as_interrupt` (installed by ``cli.main``) makes SIGTERM raise ``KeyboardInterrupt``, so
every synchronous command (replay, demo, analyze, simulate, repair) ends as it does on Ctrl-C: outputs
left as they were, a summary of what was done. :func:`stop_on_signals` is for the live commands (run,
bench) on an event loop: SIGINT and SIGTERM set an event the session waits on, so the session ends
normally (recording closed, summary printed).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def terminate_as_interrupt() -> None:
    """From now on SIGTERM raises ``KeyboardInterrupt`` in the main thread, as Ctrl-C does."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


@contextmanager
def stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set ``stop`` (on ``loop``) instead of interrupting; the
    handlers from before are put back on leaving."""
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            loop.remove_signal_handler(sig)
            signal.signal(sig, handler)
