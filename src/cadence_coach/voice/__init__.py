"""The voice: speaks the coach's cues within milliseconds, or prints them when it cannot.

Usage::

    voice = Voice("auto", {"shorten_stride": "Shorten your stride"}, metronome_spm=172)
    voice.start()                       # renders phrases, opens the sound device (may take a second)
    voice.speak("shorten_stride", 12.3) # never blocks
    voice.close()

Modes (the CLI's ``--audio``): ``auto`` uses a sound device if one works, else prints cues; ``on``
requires one (:class:`~cadence_coach.errors.UserError` otherwise); ``off`` only prints; ``wav:PATH``
renders the session's audio to a WAV file. See docs/audio.md.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError
from .mixer import CueRecord
from .player import DEFAULT_BLOCKSIZE, DEFAULT_RATE_HZ, AudioUnavailable, Player
from .render import PhraseRenderer
from .wav_sink import WavSink

__all__ = ["Voice", "VoiceStats", "CueRecord", "parse_audio_mode"]

log = logging.getLogger(__name__)

KEYWORD_MODES = ("auto", "on", "off")


def parse_audio_mode(text: str) -> str:
    """Validate an ``--audio`` value: ``auto``, ``on``, ``off`` or ``wav:PATH``.

    Raises:
        argparse.ArgumentTypeError: anything else (argparse turns it into a usage error).
    """
    mode = text.strip()
    if mode.lower() in KEYWORD_MODES:
        return mode.lower()
    if mode[:4].lower() == "wav:" and mode[4:].strip():
        return "wav:" + mode[4:].strip()
    raise argparse.ArgumentTypeError(f"invalid audio mode {text!r}: use auto, on, off or wav:PATH")


@dataclass(slots=True)
class VoiceStats:
    """What the voice did so far.

    Attributes:
        queued: cues handed to the audio output.
        played: queued cues whose first sample reached the device (or the WAV file).
        printed: cues printed instead of spoken.
        underruns: output underflows the device reported.
        reopens: times the output stream was reopened after a device failure.
        output_latency_ms: the stream's reported output latency, ms (0 without a device).
        records: the timeline of every queued cue.
    """

    queued: int = 0
    played: int = 0
    printed: int = 0
    underruns: int = 0
    reopens: int = 0
    output_latency_ms: float = 0.0
    records: list[CueRecord] = field(default_factory=list)

    @property
    def latency_ms(self) -> list[float]:
        """Queue-to-device latency of every played cue, ms."""
        return [r.handover_latency_s * 1000 for r in self.records if r.handover_latency_s is not None]

    @property
    def latency_ms_median(self) -> float | None:
        """Median of :attr:`latency_ms`, ms, or None before any cue played."""
        values = self.latency_ms
        return statistics.median(values) if values else None


NO_SOUND_NOTE = "note: no sound device found, so cues will be printed instead of spoken"
"""What ``--audio auto`` says, once, when there is no working sound output."""


class Voice:
    """Speaks cues by id through one output (sound device, WAV file) or prints them.

    Args:
        mode: ``"auto"``, ``"on"``, ``"off"`` or ``"wav:PATH"`` (see :func:`parse_audio_mode`).
        phrases: the text of every cue, by cue id.
        voice: speech engine voice id, None for the default.
        rate_wpm: speaking rate, words/min, None for the engine's default.
        volume: cue loudness, 0..1 of full scale.
        metronome_spm: metronome rate, steps/min (one click per step), None for none.
        cache_dir: rendered-phrase cache, default ``~/.cache/cadence-coach/voice``.
        rate_hz: output sample rate, Hz.
        blocksize: frames per audio callback.
        latency: PortAudio suggested output latency: "low", "high" or seconds.
        device: PortAudio output device (index or name), None for the default.
    """

    def __init__(
        self,
        mode: str = "auto",
        phrases: dict[str, str] | None = None,
        voice: str | None = None,
        rate_wpm: int | None = None,
        volume: float = 1.0,
        metronome_spm: float | None = None,
        cache_dir: Path | str | None = None,
        rate_hz: int = DEFAULT_RATE_HZ,
        blocksize: int = DEFAULT_BLOCKSIZE,
        latency: str | float = "low",
        device: int | str | None = None,
    ) -> None:
        try:
            self.mode = parse_audio_mode(mode)
        except argparse.ArgumentTypeError as exc:
            raise UserError(str(exc)) from None
        if not 0.0 <= volume <= 1.0:
            raise UserError(f"invalid volume {volume}: give a number from 0 to 1")
        self.phrases = dict(phrases or {})
        self.volume = volume
        self.metronome_spm = metronome_spm
        self.rate_hz = rate_hz
        self.blocksize = blocksize
        self.latency = latency
        self.device = device
        self._renderer = PhraseRenderer(cache_dir, voice, rate_wpm)
        self._clips: dict[str, np.ndarray] = {}
        self._player: Player | None = None
        self._sink: WavSink | None = None
        self._stats = VoiceStats()

    @property
    def device_name(self) -> str:
        """Name of the output device in use ("" when none)."""
        return self._player.device_name if self._player else ""

    def clip(self, cue_id: str) -> np.ndarray | None:
        """The rendered audio of a cue (float32 at the output rate), None if it has none."""
        return self._clips.get(cue_id)

    def start(self) -> None:
        """Render the phrases and open the output. Slow (up to seconds): call before the run starts.

        Raises:
            UserError: mode ``on`` without a working sound device or speech engine, or ``wav:PATH``
                without a speech engine or with an unwritable path.
        """
        if self.mode == "off":
            return
        if self.mode.startswith("wav:"):
            self._sink = WavSink(self.mode[4:], self.rate_hz, self.metronome_spm)
            self._render(required=True)
            return
        player = Player(
            self.rate_hz,
            self.blocksize,
            latency=self.latency,
            device=self.device,
            metronome_spm=self.metronome_spm,
            on_unplayed=self._print,
        )
        try:
            player.open()
        except AudioUnavailable as exc:
            if self.mode == "on":
                raise UserError(f"cannot play sound: {exc}") from None
            log.info("no audio output: %s", exc)  # the technical reason, with --verbose
            print(NO_SOUND_NOTE, file=sys.stderr, flush=True)
            return
        self._player = player
        self._render(required=self.mode == "on")

    def _render(self, required: bool) -> None:
        self._clips = self._renderer.render_clips(self.phrases, self.rate_hz, self.volume)
        if required and self.phrases and not self._clips:
            if self._player is not None:
                self._player.close()
            self._player = self._sink = None
            raise UserError("text-to-speech unavailable: install espeak-ng (see docs/audio.md)")

    def add_phrase(self, cue_id: str, text: str) -> float:
        """Render one more phrase now, e.g. the end-of-session summary. Blocks while it renders, so
        never call it in the run loop. Returns the clip's length, s (0 when it has no audio)."""
        self.phrases[cue_id] = text
        if self._player is None and self._sink is None:
            return 0.0
        self._clips.update(self._renderer.render_clips({cue_id: text}, self.rate_hz, self.volume))
        clip = self._clips.get(cue_id)
        return 0.0 if clip is None else len(clip) / self.rate_hz

    def _print(self, record: CueRecord) -> None:
        self._stats.printed += 1
        print(f"[cue] {self.phrases.get(record.cue_id, record.cue_id)}", flush=True)

    def speak(self, cue_id: str, t_session_s: float) -> None:
        """Speak a cue now (live) or at ``t_session_s`` (WAV); prints ``[cue] text`` when it has no audio.

        Never blocks: live playback only appends the pre-rendered clip to the mixer's queue.
        """
        record = CueRecord(cue_id, t_session_s, time.monotonic())
        clip = self._clips.get(cue_id)
        if clip is not None and self._sink is not None:
            self._sink.queue(clip, record)
        elif clip is None or self._player is None or not self._player.queue(clip, record):
            self._print(record)
            return
        self._stats.queued += 1
        self._stats.records.append(record)

    def set_metronome(self, spm: float | None) -> None:
        """Change the live metronome rate (steps/min), None to stop it; no effect on a WAV sink."""
        self.metronome_spm = spm
        if self._player is not None:
            self._player.mixer.set_metronome(spm)

    @property
    def stats(self) -> VoiceStats:
        """Counts and timelines so far (see :class:`VoiceStats`)."""
        s = self._stats
        s.played = sum(r.first_sample_s is not None for r in s.records)
        if self._player is not None:
            s.underruns, s.reopens = self._player.underruns, self._player.reopens
            s.output_latency_ms = self._player.output_latency_s * 1000
        return s

    def close(self, t_end_s: float | None = None) -> None:
        """Close the output; a WAV sink writes its file now, lasting at least until ``t_end_s`` (session s)."""
        if self._player is not None:
            self._player.close()
        if self._sink is not None:
            sink, self._sink = self._sink, None
            sink.close(t_end_s)

    def __enter__(self) -> Voice:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
