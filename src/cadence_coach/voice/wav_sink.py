"""``--audio wav:PATH``: the session's audio rendered to a WAV file instead of a sound device.

Cues are placed at their session times (sample-exact) and the metronome, if on, clicks from time 0; the
same :class:`~.mixer.Mixer` as live playback does the mixing, ducking included, so the file sounds like
the session would have. Written when the sink is closed: 16-bit PCM, mono, to a temporary file renamed
into place once whole (cadence_coach.atomic).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..errors import UserError
from .mixer import CueRecord, Mixer

BLOCK = 4096
"""Frames rendered per step, cut shorter at cue starts."""
TAIL_S = 0.5
"""Silence (or metronome) kept after the last cue ends, s."""


class WavSink:
    """Collects cues with their session times, then renders them to ``path`` on :meth:`close`.

    Args:
        path: WAV file to write (its directory must exist).
        rate_hz: sample rate, Hz (clips must be at it).
        metronome_spm: metronome rate, steps/min, or None.
    """

    def __init__(self, path: Path | str, rate_hz: int, metronome_spm: float | None = None) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise UserError(f"cannot write {self.path}: directory {self.path.parent} does not exist")
        self.rate_hz = rate_hz
        self.metronome_spm = metronome_spm
        self._cues: list[tuple[np.ndarray, CueRecord]] = []

    def queue(self, clip: np.ndarray, record: CueRecord) -> None:
        """Place ``clip`` at ``record.t_session_s`` (negative times are placed at 0)."""
        self._cues.append((clip, record))

    def close(self, t_end_s: float | None = None) -> None:
        """Render and write the file; it lasts until ``t_end_s`` (session s) or until the last cue ends
        plus :data:`TAIL_S`, whichever is later. Each cue's ``first_sample_s`` becomes its placed time."""
        starts = [max(int(round(r.t_session_s * self.rate_hz)), 0) for _, r in self._cues]
        ends = [s + clip.shape[0] for s, (clip, _) in zip(starts, self._cues)]
        total = int(round((t_end_s or 0.0) * self.rate_hz))
        total = max([total, *(e + int(TAIL_S * self.rate_hz) for e in ends)])
        order = sorted(range(len(self._cues)), key=starts.__getitem__)
        mixer = Mixer(self.rate_hz, self.metronome_spm, max_block=BLOCK)
        block = np.zeros((BLOCK, 1), dtype=np.float32)
        with atomic_path(self.path, "the WAV file") as tmp, wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate_hz)
            frame, next_cue = 0, 0
            while frame < total:
                while next_cue < len(order) and starts[order[next_cue]] <= frame:
                    clip, record = self._cues[order[next_cue]]
                    record.queued_s = starts[order[next_cue]] / self.rate_hz
                    mixer.queue(clip, record)
                    next_cue += 1
                stop = min(total, frame + BLOCK)
                if next_cue < len(order):
                    stop = min(stop, starts[order[next_cue]])
                out = block[: stop - frame]
                mixer.render(out, frame / self.rate_hz)
                w.writeframes((out[:, 0] * 32767.0).round().astype("<i2").tobytes())
                frame = stop
