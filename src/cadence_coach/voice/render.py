"""Pre-render cue phrases to audio once, at start-up.

Text-to-speech is far too slow and too variable for the run loop, so every phrase is synthesised ahead
of time with pyttsx3 (the espeak-ng driver on Linux) into a WAV file in a cache directory, then held in
memory as float32 samples at the output rate. Speaking a cue later only queues those samples.

Cache: one WAV per (text, voice, rate, engine version); the file name is a hash of that key, so a new
espeak-ng or pyttsx3 release, another voice or rate renders afresh. The file holds what the engine wrote
(16-bit PCM at the engine's rate); trimming and resampling happen on load, so one cached file serves any
output rate.

pyttsx3 quirks handled here: ``save_to_file`` only records the text, the file is written when
``runAndWait`` runs, and queueing several ``save_to_file`` calls before one ``runAndWait`` loses all but
one of them; so each phrase gets its own ``save_to_file`` + ``runAndWait``. The espeak driver can still
leave an empty or truncated file, so each file is validated and rendered again (with a fresh engine
instance) when it is bad. The driver prints a line per saved file; that is kept off stdout.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import wave
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from math import gcd
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

MIN_DURATION_S = 0.1
"""Shortest audio accepted as a rendered phrase, s."""
MIN_PEAK = 0.01
"""A rendered phrase whose peak is below this (full scale = 1) counts as silent."""
TRIM_THRESHOLD_DB = -40.0
"""Silence trimming threshold, dB relative to the phrase's peak."""
TRIM_PAD_S = 0.005
"""Audio kept on each side of the first and last sample above the threshold, s."""
RENDER_ATTEMPTS = 3


class SpeechEngine(Protocol):
    """The part of a pyttsx3 engine the renderer uses."""

    def save_to_file(self, text: str, filename: str) -> None: ...

    def runAndWait(self) -> None: ...  # noqa: N802 (pyttsx3's name)

    def setProperty(self, name: str, value: object) -> None: ...  # noqa: N802

    def getProperty(self, name: str) -> object: ...  # noqa: N802


EngineFactory = Callable[[bool], SpeechEngine]
"""Makes a speech engine; the argument asks for a fresh instance instead of a shared one."""


class InvalidWav(ValueError):
    """A rendered WAV file that cannot be used: unreadable, truncated, too short or silent."""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What identifies the speech a given engine set-up produces (part of the cache key)."""

    voice: str
    rate_wpm: int
    version: str


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/cadence-coach/voice``, or ``~/.cache/cadence-coach/voice``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cadence-coach" / "voice"


def cache_file_name(text: str, info: EngineInfo) -> str:
    """File name of the cached rendering of ``text`` by an engine set up as ``info``."""
    key = "\x1f".join([text, info.voice, str(info.rate_wpm), info.version])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".wav"


def read_pcm_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read and validate a rendered phrase.

    Returns:
        (samples, rate): mono float32 samples in [-1, 1] and the file's sample rate, Hz.

    Raises:
        InvalidWav: missing file, bad RIFF/WAVE header, not 16-bit PCM, fewer samples than the header
            promises (truncated), shorter than :data:`MIN_DURATION_S`, or silent.
    """
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate, promised = (
                w.getnchannels(),
                w.getsampwidth(),
                w.getframerate(),
                w.getnframes(),
            )
            raw = w.readframes(promised)
    except (OSError, EOFError, wave.Error) as exc:
        raise InvalidWav(f"{path.name}: unreadable WAV ({exc})") from None
    if width != 2:
        raise InvalidWav(f"{path.name}: {8 * width}-bit samples, expected 16-bit PCM")
    got = len(raw) // (2 * channels)
    if got < promised:
        raise InvalidWav(f"{path.name}: truncated, {got} of {promised} frames")
    if got < MIN_DURATION_S * rate:
        raise InvalidWav(f"{path.name}: only {got} frames")
    samples = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).mean(axis=1).astype(np.float32) / 32768.0
    if float(np.abs(samples).max()) < MIN_PEAK:
        raise InvalidWav(f"{path.name}: silent")
    return samples, rate


def trim_silence(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Cut leading and trailing silence (below :data:`TRIM_THRESHOLD_DB` re the peak), keeping
    :data:`TRIM_PAD_S` on each side. Leading silence would add straight to cue latency."""
    peak = float(np.abs(samples).max()) if samples.size else 0.0
    if peak == 0.0:
        return samples[:0]
    loud = np.flatnonzero(np.abs(samples) >= peak * 10 ** (TRIM_THRESHOLD_DB / 20))
    pad = int(round(TRIM_PAD_S * rate_hz))
    return samples[max(int(loud[0]) - pad, 0) : int(loud[-1]) + 1 + pad]


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Polyphase resampling between integer rates; float32 out."""
    if from_hz == to_hz:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly  # imported here: scipy.signal costs half a second at start-up

    g = gcd(from_hz, to_hz)
    return resample_poly(samples, to_hz // g, from_hz // g).astype(np.float32)


def prepare_clip(samples: np.ndarray, from_hz: int, to_hz: int, volume: float) -> np.ndarray:
    """Trimmed, resampled, volume-scaled and clipped float32 samples ready to mix."""
    out = resample(trim_silence(samples, from_hz), from_hz, to_hz) * np.float32(volume)
    return np.clip(out, -1.0, 1.0).astype(np.float32, copy=False)


def pyttsx3_engine(fresh: bool) -> SpeechEngine:
    """A pyttsx3 engine with the platform's default driver (espeak-ng on Linux).

    Raises whatever pyttsx3 raises when the library or its speech back-end is missing.
    """
    import pyttsx3

    return pyttsx3.Engine() if fresh else pyttsx3.init()


def engine_version(engine: SpeechEngine) -> str:
    """pyttsx3's version, its driver and (for espeak) the espeak-ng library version."""
    try:
        version = f"pyttsx3 {metadata.version('pyttsx3')}"
    except metadata.PackageNotFoundError:
        version = "pyttsx3 ?"
    driver = getattr(engine, "driver_name", "")
    version += f" {driver}"
    if driver == "espeak":
        try:
            from pyttsx3.drivers import _espeak

            version += f" {_espeak.Info(None).decode()}"
        except Exception:  # noqa: BLE001 - the version only refines the cache key
            pass
    return version


class PhraseRenderer:
    """Renders phrases to validated, cached WAV files and loads them as mixable clips.

    Args:
        cache_dir: where rendered WAV files live (created if missing); default :func:`default_cache_dir`.
        voice: speech engine voice id (e.g. ``gmw/en``), None for the engine's default.
        rate_wpm: speaking rate, words per minute, None for the engine's default.
        engine_factory: makes the speech engine; tests pass one that writes chosen bytes.
    """

    def __init__(
        self,
        cache_dir: Path | str | None = None,
        voice: str | None = None,
        rate_wpm: int | None = None,
        engine_factory: EngineFactory = pyttsx3_engine,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.voice = voice
        self.rate_wpm = rate_wpm
        self._engine_factory = engine_factory
        self._engine: SpeechEngine | None = None
        self._info: EngineInfo | None = None

    def _setup_engine(self, fresh: bool) -> SpeechEngine:
        engine = self._engine_factory(fresh)
        if self.voice is not None:
            engine.setProperty("voice", self.voice)
        if self.rate_wpm is not None:
            engine.setProperty("rate", self.rate_wpm)
        self._engine = engine
        return engine

    def engine_info(self) -> EngineInfo:
        """Voice, rate and version of the configured engine (starts the engine on first use)."""
        if self._info is None:
            engine = self._engine or self._setup_engine(fresh=False)
            self._info = EngineInfo(
                voice=str(engine.getProperty("voice")),
                rate_wpm=int(engine.getProperty("rate")),  # type: ignore[call-overload]
                version=engine_version(engine),
            )
        return self._info

    def render_file(self, text: str) -> Path:
        """The cached WAV of ``text``, rendering it first if it is missing or invalid.

        Raises:
            InvalidWav: every attempt produced an unusable file (the last reason is given).
            Exception: whatever the speech engine raises when it cannot start.
        """
        info = self.engine_info()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        path = self.cache_dir / cache_file_name(text, info)
        with contextlib.suppress(InvalidWav):
            read_pcm_wav(path)
            return path
        tmp = path.with_suffix(f".tmp{os.getpid()}.wav")
        last_error: InvalidWav | None = None
        for attempt in range(RENDER_ATTEMPTS):
            engine = self._engine if attempt == 0 and self._engine else self._setup_engine(fresh=True)
            with contextlib.redirect_stdout(io.StringIO()):  # the espeak driver prints per saved file
                engine.save_to_file(text, str(tmp))
                engine.runAndWait()
            try:
                read_pcm_wav(tmp)
            except InvalidWav as exc:
                last_error = exc
                log.info("render of %r attempt %d failed: %s", text, attempt + 1, exc)
                continue
            os.replace(tmp, path)
            return path
        tmp.unlink(missing_ok=True)
        assert last_error is not None
        raise last_error

    def render_clips(
        self, phrases: dict[str, str], rate_hz: int, volume: float = 1.0
    ) -> dict[str, np.ndarray]:
        """Clips (float32 at ``rate_hz``) of every phrase that could be rendered, by cue id.

        A phrase that fails is logged as a warning and left out; if the speech engine cannot start at all,
        one warning names the cause and no clip is returned.
        """
        try:
            self.engine_info()
        except Exception as exc:  # noqa: BLE001 - pyttsx3/espeak-ng missing or broken: cues get printed
            log.warning("text-to-speech unavailable (%s: %s); cues will be printed", type(exc).__name__, exc)
            return {}
        clips: dict[str, np.ndarray] = {}
        for cue_id, text in phrases.items():
            try:
                samples, file_rate = read_pcm_wav(self.render_file(text))
            except Exception as exc:  # noqa: BLE001 - one bad phrase must not silence the others
                log.warning("no audio for cue %s (%r): %s; it will be printed", cue_id, text, exc)
                continue
            clips[cue_id] = prepare_clip(samples, file_rate, rate_hz, volume)
        return clips
