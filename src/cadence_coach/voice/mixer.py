"""The audio callback's core: mixes queued cue clips and a metronome click into output blocks.

Producer side (the session loop): :meth:`Mixer.queue` appends to a ``collections.deque``, which never
blocks and is safe against the single consumer. Consumer side (the audio callback, or the WAV sink
offline): :meth:`Mixer.render` pops new cues, sums the active clips and the metronome into a preallocated
buffer and copies it to every output channel. The callback path does no per-sample Python work and
allocates nothing per block beyond small bookkeeping.

While speech plays, the metronome is ducked (attenuated) so the cue stays intelligible; gain changes at
block boundaries, which at a few ms per block is far shorter than a click.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

CLICK_HZ = 1800.0
"""Pitch of the metronome click, Hz."""
CLICK_S = 0.02
"""Length of the metronome click, s."""
CLICK_GAIN = 0.5
"""Peak of the metronome click, full scale = 1."""
DUCK_GAIN = 0.25
"""Metronome gain while speech plays (about -12 dB)."""


@dataclass(slots=True)
class CueRecord:
    """The timeline of one spoken cue.

    Attributes:
        cue_id: the cue's identifier.
        t_session_s: decision time the coach gave, on the session time base, s.
        queued_s: when it was queued, host monotonic clock (``time.monotonic()``), s; for the WAV sink the
            session time at which it is placed.
        first_sample_s: when its first sample was handed to the device, same clock as ``queued_s``; None
            until then (or if it never played).
        output_latency_s: the stream's reported output latency when it was queued (device buffering
            after the hand-over), s; 0 for the WAV sink.
    """

    cue_id: str
    t_session_s: float
    queued_s: float
    first_sample_s: float | None = None
    output_latency_s: float = 0.0

    @property
    def handover_latency_s(self) -> float | None:
        """Queue-to-device latency, s, once the cue has started."""
        return None if self.first_sample_s is None else self.first_sample_s - self.queued_s


def make_click(rate_hz: int) -> np.ndarray:
    """A short decaying sine burst, float32, peak :data:`CLICK_GAIN`."""
    t = np.arange(int(round(CLICK_S * rate_hz))) / rate_hz
    return (CLICK_GAIN * np.sin(2 * np.pi * CLICK_HZ * t) * np.exp(-t / (CLICK_S / 5))).astype(np.float32)


class Mixer:
    """Sums cue clips and an optional metronome into output blocks.

    Args:
        rate_hz: output sample rate, Hz; clips must already be at this rate.
        metronome_spm: metronome rate, steps/min (one click per step), or None for no metronome.
        max_block: largest block expected, frames (bigger blocks work but allocate once).
    """

    def __init__(self, rate_hz: int, metronome_spm: float | None = None, max_block: int = 4096) -> None:
        self.rate_hz = rate_hz
        self._pending: deque[tuple[np.ndarray, CueRecord]] = deque()
        self._active: list[list] = []  # [clip, position, record], touched by the consumer only
        self._mono = np.zeros(max_block, dtype=np.float32)
        click = make_click(rate_hz)
        self._clicks = (click, click * np.float32(DUCK_GAIN))  # (full, ducked)
        self._click_pos = len(click)  # position in the click playing now; len = none playing
        self._frame = 0  # frames rendered so far
        self._next_click = 0.0  # frame index of the next click start
        self._click_interval: float | None = None
        self.set_metronome(metronome_spm)

    @property
    def frames_rendered(self) -> int:
        """Frames produced since the mixer was made."""
        return self._frame

    @property
    def speaking(self) -> bool:
        """True while a cue is queued or playing."""
        return bool(self._pending or self._active)

    def set_metronome(self, spm: float | None) -> None:
        """Start (from the next block) or stop the metronome; ``spm`` in steps/min, None or 0 stops it."""
        if not spm or spm <= 0:
            self._click_interval = None
            return
        self._next_click = float(self._frame)
        self._click_interval = self.rate_hz * 60.0 / spm

    def queue(self, clip: np.ndarray, record: CueRecord) -> None:
        """Queue a clip to start at the next block; never blocks."""
        self._pending.append((clip, record))

    def drain_pending(self) -> list[CueRecord]:
        """Remove and return cues queued but not started (used when the device is lost)."""
        drained = []
        while self._pending:
            drained.append(self._pending.popleft()[1])
        return drained

    def render(self, out: np.ndarray, now_s: float) -> None:
        """Fill ``out`` (frames x channels, float32) with the next block.

        Args:
            out: the device's output buffer, written in full.
            now_s: time stamp given to cues that start in this block (their ``first_sample_s``), s.
        """
        frames = out.shape[0]
        if frames > self._mono.shape[0]:
            self._mono = np.zeros(frames, dtype=np.float32)
        mono = self._mono[:frames]
        mono.fill(0.0)
        while self._pending:
            clip, record = self._pending.popleft()
            record.first_sample_s = now_s
            self._active.append([clip, 0, record])
        speaking = bool(self._active)
        finished = False
        for voice in self._active:
            clip, pos = voice[0], voice[1]
            n = min(frames, clip.shape[0] - pos)
            mono[:n] += clip[pos : pos + n]
            voice[1] = pos + n
            finished |= voice[1] >= clip.shape[0]
        if finished:
            self._active = [v for v in self._active if v[1] < v[0].shape[0]]
        if self._click_interval is not None or self._click_pos < self._clicks[0].shape[0]:
            self._add_clicks(mono, self._clicks[1] if speaking else self._clicks[0])
        self._frame += frames
        np.clip(mono, -1.0, 1.0, out=mono)
        out[:] = mono[:, None]

    def _add_clicks(self, mono: np.ndarray, click: np.ndarray) -> None:
        frames, length = mono.shape[0], click.shape[0]
        if self._click_pos < length:  # tail of a click begun in an earlier block
            n = min(frames, length - self._click_pos)
            mono[:n] += click[self._click_pos : self._click_pos + n]
            self._click_pos += n
        if self._click_interval is None:
            return
        end = self._frame + frames
        while self._next_click < end:
            start = max(int(self._next_click) - self._frame, 0)
            n = min(frames - start, length)
            mono[start : start + n] += click[:n]
            self._click_pos = n
            self._next_click += self._click_interval
