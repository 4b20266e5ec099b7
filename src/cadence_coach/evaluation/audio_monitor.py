"""Record what a PulseAudio sink actually played (its monitor) and find cues in it.

For the audio end-to-end test and benchmarks/voice_latency.py: proves that cues sounded and measures
decision-to-first-audible-sample latency on a null sink.

Clock alignment: ``parec`` streams the monitor at a known rate with a small latency. A reader thread
stamps every chunk with ``time.monotonic()`` as it arrives. Sample ``k`` of the recording was played by
the sink at ``T0 + k / rate`` (T0 unknown); the chunk ending at sample ``k_end`` arrives at
``T0 + k_end / rate + d`` with a delay ``d >= 0`` (monitor capture, pipe, thread wake-up). So the lower
envelope ``min(arrival - k_end / rate)`` over all chunks is ``T0 + d_min``: the estimate of T0 is late by
``d_min``, the smallest record-path delay seen, a few ms with ``--latency-msec=5`` and hundreds of
chunks. Audible times derived from it are therefore late by ``d_min`` too: measured latencies are an
upper bound, off by at most a few ms. (This is the same lower-envelope idea as cadence_coach.streams.clock.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import fftconvolve

READ_BYTES = 4096


@dataclass(slots=True)
class MonitorRecording:
    """A mono float32 recording of a sink's monitor, with its sample-0 time on ``time.monotonic()``."""

    samples: np.ndarray
    rate_hz: int
    t0_s: float

    def time_of(self, index: int) -> float:
        """Host monotonic time at which sample ``index`` was played, s."""
        return self.t0_s + index / self.rate_hz


@dataclass(slots=True)
class Match:
    """Where a clip best matches a recording."""

    index: int
    """First sample of the match in the recording."""
    score: float
    """Normalised cross-correlation there, -1..1."""


@dataclass
class MonitorRecorder:
    """Records ``<sink>.monitor`` with parec from :meth:`start` to :meth:`stop`.

    Args:
        sink: PulseAudio sink name (e.g. ``cadence_null``).
        rate_hz: recording rate, Hz.
        latency_ms: parec's requested latency, ms.
    """

    sink: str
    rate_hz: int = 48000
    latency_ms: int = 5
    _chunks: list[bytes] = field(default_factory=list)
    _offsets: list[float] = field(default_factory=list)
    _process: subprocess.Popen | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start parec and the reader thread; raises FileNotFoundError without parec."""
        parec = shutil.which("parec")
        if parec is None:
            raise FileNotFoundError("parec (pulseaudio-utils) not found")
        self._process = subprocess.Popen(
            [
                parec,
                f"--device={self.sink}.monitor",
                "--format=float32le",
                f"--rate={self.rate_hz}",
                "--channels=1",
                f"--latency-msec={self.latency_ms}",
                "--raw",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._read, name="monitor-reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        received = 0
        while chunk := os.read(fd, READ_BYTES):
            arrival = time.monotonic()
            self._chunks.append(chunk)
            received += len(chunk)
            self._offsets.append(arrival - (received // 4) / self.rate_hz)

    def wait_for_audio_flow(self, timeout_s: float = 5.0) -> bool:
        """Wait until parec delivers data (a fresh monitor can stall up to the sink's 2 s latency)."""
        deadline = time.monotonic() + timeout_s
        start = len(self._chunks)
        while len(self._chunks) - start < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self._chunks) - start >= 20

    def stop(self) -> MonitorRecording:
        """Stop recording and return what was recorded."""
        assert self._process is not None and self._thread is not None
        self._process.terminate()
        self._process.wait(timeout=5)
        self._thread.join(timeout=5)
        data = b"".join(self._chunks)
        samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4").copy()
        return MonitorRecording(samples, self.rate_hz, min(self._offsets) if self._offsets else float("nan"))


def find_clip(recording: np.ndarray, clip: np.ndarray, start: int = 0, stop: int | None = None) -> Match:
    """Best normalised cross-correlation match of ``clip`` starting within ``recording[start:stop]``.

    The score is the correlation of the clip with each recording window divided by both windows' energy,
    so it is 1 for an exact (scaled) copy and independent of playback volume.
    """
    stop = recording.shape[0] - clip.shape[0] + 1 if stop is None else stop
    segment = recording[start : stop + clip.shape[0] - 1].astype(np.float64)
    template = clip.astype(np.float64)
    if segment.shape[0] < template.shape[0]:
        return Match(start, 0.0)
    corr = fftconvolve(segment, template[::-1], mode="valid")
    energy = np.concatenate(([0.0], np.cumsum(segment**2)))
    window = energy[template.shape[0] :] - energy[: -template.shape[0]]
    score = corr / np.sqrt(np.maximum(window, 1e-12) * float(np.sum(template**2)))
    best = int(np.argmax(score))
    return Match(start + best, float(score[best]))
