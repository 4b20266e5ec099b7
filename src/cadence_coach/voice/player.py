"""One persistent sounddevice output stream fed by a :class:`~.mixer.Mixer`.

The stream is opened once and runs for the whole session, so speaking a cue costs only the wait for the
next callback (one block) plus the device's own buffering. A supervisor thread watches the stream: if it
finishes unexpectedly, its callback stops being called, or it cannot be opened, the cues not yet played
are handed to ``on_unplayed`` (the facade prints them) and the stream is reopened with exponential
backoff while the run goes on.

Null-sink note: a PulseAudio null sink that has been idle runs with a 2 s latency and applies a new
client's low-latency request only after its current period, so a fresh stream can stall for up to 2 s.
:meth:`Player.open` therefore waits until the callback has rendered :data:`WARMUP_S` of audio.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .mixer import CueRecord, Mixer

log = logging.getLogger(__name__)

DEFAULT_RATE_HZ = 48000
DEFAULT_BLOCKSIZE = 256
"""Frames per callback: 5.3 ms at 48 kHz (see benchmarks/voice_latency.py)."""
WARMUP_S = 0.1
"""Audio the callback must have rendered before :meth:`Player.open` returns, s."""
WARMUP_TIMEOUT_S = 3.0
STALL_TIMEOUT_S = 2.5
"""A running stream whose callback has not run for this long counts as lost, s."""
RT_PRIORITY = 10
"""SCHED_FIFO priority asked for the callback thread (PulseAudio uses 5 for its own threads)."""
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Waits between reopen attempts, s; the last one repeats."""


def raise_thread_priority() -> bool:
    """Move the calling thread to real-time (SCHED_FIFO) scheduling if the system allows it.

    PortAudio's ALSA back-end leaves its callback thread at normal priority; on a loaded machine the
    thread then misses deadlines (underruns). Allowed for root or with an rtprio limit; otherwise the
    thread stays as it is. Returns True if it worked.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(RT_PRIORITY))
    except (OSError, AttributeError):  # no permission, or not Linux
        return False
    return True


class AudioUnavailable(Exception):
    """No usable audio output: PortAudio missing, no output device, or the stream would not open."""


class OutputStream(Protocol):
    """The part of ``sounddevice.OutputStream`` the player uses."""

    active: bool
    latency: float

    def start(self) -> None: ...

    def close(self, ignore_errors: bool = True) -> None: ...


StreamOpener = Callable[..., tuple[OutputStream, str]]
"""Opens and returns (stream, device name); keyword arguments as :func:`open_sounddevice_stream`."""


def open_sounddevice_stream(
    *,
    rate_hz: int,
    blocksize: int,
    latency: str | float,
    device: int | str | None,
    callback: Callable[[np.ndarray, int, Any, Any], None],
    finished_callback: Callable[[], None],
) -> tuple[OutputStream, str]:
    """An opened (not yet started) float32 ``sounddevice.OutputStream`` (mono if the device allows, else stereo).

    Raises:
        AudioUnavailable: PortAudio cannot be loaded, there is no output device, or it refuses the settings.
    """
    try:
        import sounddevice as sd
    except OSError as exc:  # raised when the PortAudio library is missing
        raise AudioUnavailable(f"PortAudio not available ({exc})") from None
    try:
        info = sd.query_devices(device, kind="output")
    except (ValueError, sd.PortAudioError) as exc:
        raise AudioUnavailable(f"no audio output device ({exc})") from None
    if info["max_output_channels"] < 1:
        raise AudioUnavailable(f"device {info['name']!r} has no output channels")
    error: Exception | None = None
    for channels in (1, 2):  # mono where the device takes it, else stereo with the same signal
        try:
            stream = sd.OutputStream(
                samplerate=rate_hz,
                blocksize=blocksize,
                device=device,
                channels=channels,
                dtype="float32",
                latency=latency,
                callback=callback,
                finished_callback=finished_callback,
            )
        except (ValueError, sd.PortAudioError) as exc:
            error = exc
            continue
        return stream, str(info["name"])
    raise AudioUnavailable(f"cannot open {info['name']!r} at {rate_hz} Hz ({error})")


class Player:
    """Plays mixer output through one persistent stream, reopening it when the device is lost.

    Args:
        rate_hz: output sample rate, Hz (clips must be rendered at it).
        blocksize: frames per callback.
        latency: PortAudio suggested latency: ``"low"``, ``"high"`` or seconds.
        device: PortAudio device index or name substring; None for the default output.
        metronome_spm: metronome rate, steps/min, or None.
        on_unplayed: called (from the supervisor thread) with each queued cue lost to a device failure.
        opener: opens the stream; the default uses sounddevice.
        backoff_s: waits between reopen attempts after a device loss, s; the last one repeats.
    """

    def __init__(
        self,
        rate_hz: int = DEFAULT_RATE_HZ,
        blocksize: int = DEFAULT_BLOCKSIZE,
        latency: str | float = "low",
        device: int | str | None = None,
        metronome_spm: float | None = None,
        on_unplayed: Callable[[CueRecord], None] = lambda record: None,
        opener: StreamOpener = open_sounddevice_stream,
        backoff_s: tuple[float, ...] = BACKOFF_S,
    ) -> None:
        self.mixer = Mixer(rate_hz, metronome_spm, max_block=max(blocksize, 4096))
        self.blocksize = blocksize
        self.latency = latency
        self.device = device
        self.device_name = ""
        self.underruns = 0
        self.reopens = 0
        self._on_unplayed = on_unplayed
        self._opener = opener
        self._backoff_s = backoff_s
        self._stream: OutputStream | None = None
        self._output_latency_s = 0.0
        self._heartbeat = 0.0
        self._priority_tried = False
        self._failed = threading.Event()
        self._closing = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def rate_hz(self) -> int:
        """Output sample rate, Hz."""
        return self.mixer.rate_hz

    @property
    def available(self) -> bool:
        """True while a stream is open and running."""
        return self._stream is not None and not self._failed.is_set()

    @property
    def output_latency_s(self) -> float:
        """Output latency the last opened stream reported, s (0 before any opened)."""
        return self._output_latency_s

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if not self._priority_tried:
            self._priority_tried = True
            raise_thread_priority()
        now = time.monotonic()
        self._heartbeat = now
        if status.output_underflow:
            self.underruns += 1
        self.mixer.render(outdata, now)

    def _finished(self) -> None:
        if not self._closing.is_set():
            self._failed.set()

    def _open_stream(self) -> None:
        stream, name = self._opener(
            rate_hz=self.rate_hz,
            blocksize=self.blocksize,
            latency=self.latency,
            device=self.device,
            callback=self._callback,
            finished_callback=self._finished,
        )
        self._failed.clear()
        self._heartbeat = time.monotonic()
        start_frame = self.mixer.frames_rendered
        try:
            stream.start()
        except Exception as exc:  # noqa: BLE001 - PortAudioError or a platform error
            stream.close(ignore_errors=True)
            raise AudioUnavailable(f"cannot start {name!r} ({exc})") from None
        self._stream, self.device_name = stream, name
        self._output_latency_s = float(stream.latency)
        deadline = time.monotonic() + WARMUP_TIMEOUT_S
        while (
            self.mixer.frames_rendered - start_frame < WARMUP_S * self.rate_hz and time.monotonic() < deadline
        ):
            time.sleep(0.01)

    def open(self) -> None:
        """Open and start the stream, then supervise it until :meth:`close`.

        Raises:
            AudioUnavailable: the first open failed (later failures are retried in the background).
        """
        self._open_stream()
        self._supervisor = threading.Thread(target=self._supervise, name="voice-supervisor", daemon=True)
        self._supervisor.start()

    def queue(self, clip: np.ndarray, record: CueRecord) -> bool:
        """Queue a clip to play now; False (nothing queued) while no stream is running. Never blocks."""
        if not self.available:
            return False
        record.output_latency_s = self.output_latency_s
        self.mixer.queue(clip, record)
        return True

    def _healthy(self) -> bool:
        stream = self._stream
        return (
            stream is not None
            and not self._failed.is_set()
            and stream.active
            and time.monotonic() - self._heartbeat < STALL_TIMEOUT_S
        )

    def _supervise(self) -> None:
        attempt = 0
        while not self._closing.wait(0.2):
            if self._healthy():
                continue
            if self._stream is not None:
                log.warning("audio device %r lost; cues will be printed until it is back", self.device_name)
                self._failed.set()
                self._stream.close(ignore_errors=True)
                self._stream = None
                for record in self.mixer.drain_pending():
                    self._on_unplayed(record)
                attempt = 0
            if self._closing.wait(self._backoff_s[min(attempt, len(self._backoff_s) - 1)]):
                return
            attempt += 1
            try:
                self._open_stream()
            except AudioUnavailable as exc:
                log.info("audio reopen attempt %d failed: %s", attempt, exc)
                continue
            self.reopens += 1
            log.warning("audio device %r is back", self.device_name)

    def close(self) -> None:
        """Stop supervising and close the stream; cues still playing are cut."""
        self._closing.set()
        if self._supervisor is not None:
            self._supervisor.join()
        if self._stream is not None:
            self._stream.close(ignore_errors=True)
            self._stream = None
