"""The sound server dies mid-session and comes back: cues are printed meanwhile and sound again once it
is back, with the same Voice (no restart). A PulseAudio daemon of the test's own is killed (SIGKILL) and
started again on the same socket; PortAudio reaches it through ALSA's pulse plugin, as in
test_voice_audio.py, and the cue after the restart is found in the new null sink's monitor.

Finding: PortAudio needs no re-initialisation for this; each reopen of ALSA's ``default`` device makes
a new connection to the server (docs/audio.md).
"""

import os
import shutil
import time

import pytest

from cadence_coach.evaluation.audio_monitor import MonitorRecorder, find_clip
from cadence_coach.evaluation.private_pulse import PrivatePulse
from cadence_coach.voice import Voice
from tests.support.audio import require, speech_engine_error

pytestmark = [pytest.mark.audio, pytest.mark.timeout(90)]

CUES = {"shorten_stride": "Shorten your stride", "quick_feet": "Quick feet", "eyes_up": "Eyes up"}


def wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def pulse(tmp_path, monkeypatch):
    require(bool(os.environ.get("CADENCE_NULL_SINK")), "no null sink: run via scripts/run-tests.sh")
    require(shutil.which("pulseaudio") is not None and shutil.which("parec") is not None, "no PulseAudio")
    error = speech_engine_error()
    require(error is None, f"pyttsx3/espeak-ng unavailable: {error}")
    server = PrivatePulse(tmp_path / "pulse-home")
    server.folder.mkdir()
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    server.start()
    yield server
    server.kill()


def test_cues_are_printed_while_the_server_is_gone_and_heard_once_it_is_back(pulse, tmp_path, capsys):
    voice = Voice("on", CUES, cache_dir=tmp_path / "cache")
    voice.start()
    try:
        player = voice._player
        assert player is not None and player.available
        voice.speak("shorten_stride", 1.0)
        assert wait_until(lambda: voice.stats.played == 1, 5.0)

        pulse.kill()
        assert wait_until(lambda: not player.available, 5.0), "the lost server was not noticed"
        voice.speak("quick_feet", 2.0)
        assert "[cue] Quick feet" in capsys.readouterr().out  # printed meanwhile, never lost

        time.sleep(1.0)
        pulse.start()
        assert wait_until(lambda: player.available, 20.0), "the stream was not reopened"
        recorder = MonitorRecorder(PrivatePulse.SINK)
        recorder.start()
        try:
            assert recorder.wait_for_audio_flow(), "parec delivered no audio"
            voice.speak("eyes_up", 3.0)
            time.sleep(len(voice.clip("eyes_up")) / voice.rate_hz + 0.8)
        finally:
            recording = recorder.stop()
        stats = voice.stats
    finally:
        voice.close()
    assert stats.reopens >= 1
    assert (stats.queued, stats.played, stats.printed) == (2, 2, 1)
    match = find_clip(recording.samples, voice.clip("eyes_up"))
    assert match.score > 0.6, f"the cue after the restart was not heard (best correlation {match.score:.2f})"
