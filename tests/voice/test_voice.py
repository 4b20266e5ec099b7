"""Voice unit tests: no sound device needed (one test needs espeak-ng and skips outside CI without it)."""

import argparse
import logging
import threading
import time
import wave
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from cadence_coach.cli import main
from cadence_coach.errors import UserError
from cadence_coach.voice import Voice, parse_audio_mode
from cadence_coach.voice.mixer import DUCK_GAIN, CueRecord, Mixer, make_click
from cadence_coach.voice.player import AudioUnavailable, Player
from cadence_coach.voice.render import (
    EngineInfo,
    InvalidWav,
    PhraseRenderer,
    cache_file_name,
    prepare_clip,
    read_pcm_wav,
    trim_silence,
)
from cadence_coach.voice.wav_sink import WavSink
from tests.support.audio import require, speech_engine_error

RATE = 22050


def tone(seconds, hz=440.0, rate=RATE, amp=0.5):
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def write_wav(path, samples, rate=RATE, truncate_to=None):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.asarray(samples) * 32767).astype("<i2").tobytes())
    if truncate_to is not None:
        data = path.read_bytes()
        path.write_bytes(data[:truncate_to])


class ScriptedEngine:
    """A speech engine whose files are chosen by the test: each runAndWait writes the next script item
    ("empty", "truncated", "silent" or "good") to the file requested by save_to_file."""

    def __init__(self, script, log):
        self.script, self.log, self.props = script, log, {"voice": "test/en", "rate": 175}
        self._pending = None

    def setProperty(self, name, value):
        self.props[name] = value

    def getProperty(self, name):
        return self.props[name]

    def save_to_file(self, text, filename):
        self._pending = (text, filename)

    def runAndWait(self):
        text, filename = self._pending
        kind = self.script.pop(0)
        self.log.append((text, kind))
        path = Path(filename)
        silence = np.zeros(int(0.2 * RATE), dtype=np.float32)
        body = np.concatenate([silence, tone(0.5), silence])
        if kind == "empty":
            path.write_bytes(b"")
        elif kind == "truncated":
            write_wav(path, body, truncate_to=44 + 1000)
        elif kind == "silent":
            write_wav(path, np.zeros_like(body))
        else:
            write_wav(path, body)


def scripted_renderer(tmp_path, script, log, fresh_calls):
    def factory(fresh):
        fresh_calls.append(fresh)
        return ScriptedEngine(script, log)

    return PhraseRenderer(tmp_path / "cache", engine_factory=factory)


# --- render -----------------------------------------------------------------------------------------


def test_cache_name_depends_on_every_key_part():
    base = EngineInfo("gmw/en", 200, "pyttsx3 2.99 espeak 1.51")
    name = cache_file_name("Quick feet", base)
    assert name == cache_file_name("Quick feet", EngineInfo("gmw/en", 200, "pyttsx3 2.99 espeak 1.51"))
    others = {
        cache_file_name("Quick feet!", base),
        cache_file_name("Quick feet", EngineInfo("gmw/en-us", 200, base.version)),
        cache_file_name("Quick feet", EngineInfo("gmw/en", 180, base.version)),
        cache_file_name("Quick feet", EngineInfo("gmw/en", 200, "pyttsx3 2.99 espeak 1.52")),
    }
    assert name not in others and len(others) == 4
    assert name.endswith(".wav")


def test_read_pcm_wav_rejects_bad_files(tmp_path):
    good = tmp_path / "good.wav"
    write_wav(good, tone(0.5))
    samples, rate = read_pcm_wav(good)
    assert rate == RATE and samples.shape == (int(0.5 * RATE),) and samples.dtype == np.float32
    bad = {
        "empty": lambda p: p.write_bytes(b""),
        "not_riff": lambda p: p.write_bytes(b"RIFX" + bytes(100)),
        "truncated": lambda p: write_wav(p, tone(0.5), truncate_to=44 + 2000),
        "short": lambda p: write_wav(p, tone(0.02)),
        "silent": lambda p: write_wav(p, np.zeros(RATE)),
    }
    for name, make in bad.items():
        path = tmp_path / f"{name}.wav"
        make(path)
        with pytest.raises(InvalidWav):
            read_pcm_wav(path)
    with pytest.raises(InvalidWav):
        read_pcm_wav(tmp_path / "missing.wav")


def test_render_retries_bad_files_with_fresh_engine_then_uses_cache(tmp_path):
    log, fresh = [], []
    renderer = scripted_renderer(tmp_path, ["empty", "truncated", "good"], log, fresh)
    path = renderer.render_file("Land midfoot")
    assert [k for _, k in log] == ["empty", "truncated", "good"]
    assert fresh == [False, True, True]  # first the shared engine, then new instances
    read_pcm_wav(path)
    assert list(path.parent.glob("*.tmp*")) == []
    again = scripted_renderer(tmp_path, [], log, fresh).render_file("Land midfoot")
    assert again == path and len(log) == 3  # served from the cache, nothing rendered


def test_render_gives_up_after_attempts_and_other_phrases_survive(tmp_path, caplog):
    log, fresh = [], []
    renderer = scripted_renderer(tmp_path, ["silent", "empty", "truncated", "good"], log, fresh)
    with caplog.at_level(logging.WARNING):
        clips = renderer.render_clips({"eyes_up": "Eyes up", "quick_feet": "Quick feet"}, 48000)
    assert list(clips) == ["quick_feet"]
    assert "eyes_up" in caplog.text
    assert clips["quick_feet"].dtype == np.float32


def test_render_without_engine_warns_and_returns_nothing(tmp_path, caplog):
    def broken(fresh):
        raise RuntimeError("could not initialize espeak")

    with caplog.at_level(logging.WARNING):
        clips = PhraseRenderer(tmp_path, engine_factory=broken).render_clips({"a": "A"}, 48000)
    assert clips == {}
    assert "text-to-speech unavailable" in caplog.text and "could not initialize espeak" in caplog.text


def test_trim_silence_keeps_pads_around_sound():
    body = tone(0.3)
    x = np.concatenate([np.zeros(RATE // 2, np.float32), body, np.zeros(RATE, np.float32)])
    x[:100] += 1e-4  # noise far below -40 dB re peak
    trimmed = trim_silence(x, RATE)
    pad = int(round(0.005 * RATE))
    # the tone's first sample is 0, so the first loud sample is one later
    assert abs(trimmed.shape[0] - (body.shape[0] + 2 * pad)) <= 2
    assert np.abs(trimmed[: pad - 1]).max() < 0.01
    assert trim_silence(np.zeros(10, np.float32), RATE).shape == (0,)


def test_prepare_clip_resamples_keeping_pitch_and_scales_volume():
    clip = prepare_clip(tone(0.5, hz=1000.0), RATE, 48000, volume=0.5)
    assert abs(clip.shape[0] - 0.5 * 48000) < 0.02 * 48000
    spectrum = np.abs(np.fft.rfft(clip))
    assert abs(np.argmax(spectrum) * 48000 / clip.shape[0] - 1000.0) < 5
    assert 0.22 < np.abs(clip).max() < 0.27


def test_real_espeak_renders_speech(tmp_path):
    error = speech_engine_error()
    require(error is None, f"pyttsx3/espeak-ng unavailable: {error}")
    clips = PhraseRenderer(tmp_path).render_clips({"shorten_stride": "Shorten your stride"}, 48000)
    clip = clips["shorten_stride"]
    assert 0.4 < clip.shape[0] / 48000 < 3.0
    assert np.abs(clip[:48]).max() < np.abs(clip).max()  # trimmed to start near the speech
    assert len(list(tmp_path.glob("*.wav"))) == 1


# --- mixer and callback -----------------------------------------------------------------------------


def blocks(mixer, n_blocks, size=256, channels=2, t0=100.0):
    out = []
    for i in range(n_blocks):
        buf = np.full((size, channels), np.nan, dtype=np.float32)
        mixer.render(buf, t0 + i)
        out.append(buf.copy())
    return np.concatenate(out)


def test_mixer_plays_queued_cue_from_next_block_on_every_channel():
    mixer = Mixer(48000)
    clip = tone(0.01, rate=48000)  # 480 samples: spans two blocks
    blocks(mixer, 1)
    record = CueRecord("quick_feet", 5.0, 0.0)
    mixer.queue(clip, record)
    out = blocks(mixer, 3, t0=7.0)
    np.testing.assert_allclose(out[:480, 0], clip, atol=1e-7)
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    assert np.all(out[480:] == 0)
    assert record.first_sample_s == 7.0
    assert not mixer.speaking


def test_mixer_metronome_clicks_at_cadence_and_ducks_under_speech():
    rate, spm = 48000, 180
    mixer = Mixer(rate, metronome_spm=spm)
    out = blocks(mixer, 375, channels=1)[:, 0]  # 2 s
    click = make_click(rate)
    interval = rate * 60 / spm
    starts = [int(k * interval) for k in range(6)]
    for s in starts:
        np.testing.assert_allclose(out[s : s + click.shape[0]], click, atol=1e-6)
    quiet = np.ones(out.shape[0], bool)
    for s in starts:
        quiet[s : s + click.shape[0]] = False
    assert np.all(out[quiet] == 0)
    # with speech playing, clicks are scaled by DUCK_GAIN
    speech = np.full(rate, 0.1, dtype=np.float32)
    mixer.queue(speech, CueRecord("eyes_up", 0.0, 0.0))
    during = blocks(mixer, 200, channels=1)[:, 0] - 0.1
    assert abs(np.abs(during[: rate - 256]).max() - DUCK_GAIN * np.abs(click).max()) < 1e-6
    mixer.set_metronome(None)
    assert np.all(blocks(mixer, 20, channels=1)[click.shape[0] :] == 0)


def test_player_callback_counts_underruns_and_mixes():
    player = Player(48000, 256)
    clip = tone(0.004, rate=48000)
    record = CueRecord("arms_low", 0.0, time.monotonic())
    player.mixer.queue(clip, record)
    out = np.zeros((256, 1), dtype=np.float32)
    player._callback(out, 256, None, SimpleNamespace(output_underflow=False))
    assert player.underruns == 0
    np.testing.assert_allclose(out[: clip.shape[0], 0], clip, atol=1e-7)
    assert record.first_sample_s is not None and record.handover_latency_s >= 0
    player._callback(out, 256, None, SimpleNamespace(output_underflow=True))
    assert player.underruns == 1


class FakeStream:
    """Runs the player's callback from a thread like PortAudio would; ``lose()`` simulates unplugging."""

    def __init__(self, callback, finished_callback):
        self.callback, self.finished = callback, finished_callback
        self.active, self.latency = False, 0.012
        self._stop = threading.Event()

    def start(self):
        self.active = True
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        buf = np.zeros((256, 1), dtype=np.float32)
        while not self._stop.wait(0.002):
            self.callback(buf, 256, None, SimpleNamespace(output_underflow=False))

    def lose(self):
        self._stop.set()
        self.active = False
        self.finished()

    def close(self, ignore_errors=True):
        self._stop.set()
        self.active = False


def test_player_reopens_after_device_loss():
    streams, unplayed = [], []
    failures = [AudioUnavailable("no device")]

    def opener(*, callback, finished_callback, **_):
        if len(streams) == 1 and failures:
            raise failures.pop()
        streams.append(FakeStream(callback, finished_callback))
        return streams[-1], "fake device"

    player = Player(48000, 256, on_unplayed=unplayed.append, opener=opener, backoff_s=(0.05,))
    player.open()
    assert player.available and player.device_name == "fake device"
    streams[0]._stop.set()  # callbacks stop; a cue queued now is never started
    lost = CueRecord("ease_off", 1.0, time.monotonic())
    assert player.queue(tone(0.1, rate=48000), lost)
    streams[0].lose()
    assert not player.queue(tone(0.1, rate=48000), CueRecord("eyes_up", 1.1, time.monotonic()))
    deadline = time.monotonic() + 10
    while player.reopens == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert player.reopens == 1 and player.available and len(streams) == 2
    assert unplayed == [lost]
    player.close()


# --- WAV sink, modes, facade ------------------------------------------------------------------------


def test_wav_sink_places_cues_at_session_times(tmp_path):
    rate = 16000
    path = tmp_path / "s.wav"
    sink = WavSink(path, rate, metronome_spm=120)
    a, b = tone(0.25, 300, rate), tone(0.25, 700, rate)
    ra, rb = CueRecord("a", 1.0, 0.0), CueRecord("b", 0.5, 0.0)
    sink.queue(a, ra)
    sink.queue(b, rb)
    sink.close(t_end_s=3.0)
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels()) == (rate, 1)
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32767
    assert x.shape[0] == 3 * rate
    click = make_click(rate)
    # cue b at 0.5 s, cue a at 1.0 s (no click overlaps them: clicks at 0, 0.5 (under b, ducked), 1.0 ...)
    no_click = x.copy()
    for k in range(6):
        s = int(k * rate / 2)
        gain = DUCK_GAIN if k in (1, 2) else 1.0
        no_click[s : s + click.shape[0]] -= gain * click
    np.testing.assert_allclose(no_click[rate // 2 : rate // 2 + b.shape[0]], b, atol=2e-4)
    np.testing.assert_allclose(no_click[rate : rate + a.shape[0]], a, atol=2e-4)
    assert ra.first_sample_s == 1.0 and rb.first_sample_s == 0.5


def test_voice_wav_mode_writes_spoken_cue_at_its_time(tmp_path):
    error = speech_engine_error()
    require(error is None, f"pyttsx3/espeak-ng unavailable: {error}")
    path = tmp_path / "session.wav"
    voice = Voice(f"wav:{path}", {"quick_feet": "Quick feet"}, cache_dir=tmp_path / "cache", rate_hz=16000)
    voice.start()
    voice.speak("quick_feet", 0.75)
    voice.close(t_end_s=2.0)
    clip = voice.clip("quick_feet")
    with wave.open(str(path)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32767
    assert x.shape[0] == max(2 * 16000, 12000 + clip.shape[0] + 8000)
    np.testing.assert_allclose(x[12000 : 12000 + clip.shape[0]], clip, atol=2e-4)
    assert np.all(x[:12000] == 0)
    assert voice.stats.played == 1


def test_wav_sink_missing_directory_is_user_error(tmp_path):
    with pytest.raises(UserError):
        WavSink(tmp_path / "nope" / "x.wav", 48000)


def test_parse_audio_mode():
    assert parse_audio_mode("auto") == "auto"
    assert parse_audio_mode("OFF") == "off"
    assert parse_audio_mode("wav:/tmp/a b.wav") == "wav:/tmp/a b.wav"
    for bad in ("", "loud", "wav:", "wav: ", "on2"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_audio_mode(bad)


def test_voice_off_prints_cues_and_never_queues(capsys):
    voice = Voice("off", {"eyes_up": "Eyes up"})
    voice.start()
    voice.speak("eyes_up", 3.0)
    voice.speak("mystery", 4.0)
    voice.close()
    assert capsys.readouterr().out.splitlines() == ["[cue] Eyes up", "[cue] mystery"]
    assert (voice.stats.queued, voice.stats.printed) == (0, 2)


def test_voice_bad_mode_is_user_error():
    with pytest.raises(UserError):
        Voice("speakers")


def test_audio_check_rejects_bad_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["audio-check", "--repeat", "0"])
    assert exc.value.code == 2
    assert "--repeat" in capsys.readouterr().err


def test_added_phrase_is_spoken_into_the_wav(tmp_path, capsys):
    error = speech_engine_error()
    require(error is None, f"pyttsx3/espeak-ng unavailable: {error}")
    path = tmp_path / "summary.wav"
    voice = Voice(f"wav:{path}", {}, cache_dir=tmp_path / "cache", rate_hz=16000)
    voice.start()
    length = voice.add_phrase("summary", "Two minutes downhill")
    assert 0.5 < length < 5.0
    voice.speak("summary", 1.0)
    voice.close()
    assert voice.stats.played == 1 and voice.clip("summary").shape[0] == round(length * 16000)
    off = Voice("off", {})
    off.start()
    assert off.add_phrase("summary", "Two minutes downhill") == 0.0
    off.speak("summary", 1.0)
    assert capsys.readouterr().out.strip() == "[cue] Two minutes downhill"
