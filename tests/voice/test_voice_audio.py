"""End to end through a real sound server: Voice("on") plays into the PulseAudio null sink started by
scripts/start-null-sink.sh, parec records the sink's monitor, and each cue is found in the recording.

Latency (decision to first audible sample) is printed, not asserted; the clock alignment between the
recording and ``time.monotonic()`` is explained in cadence_coach.evaluation.audio_monitor (error: a few ms, late).
"""

import os
import shutil
import time

import pytest

from cadence_coach.evaluation.audio_monitor import MonitorRecorder, find_clip
from cadence_coach.voice import Voice
from tests.support.audio import require, speech_engine_error

pytestmark = pytest.mark.audio

CUES = {
    "shorten_stride": "Shorten your stride",
    "quick_feet": "Quick feet",
    "eyes_up": "Eyes up",
}
SPEAK_AT_S = (0.2, 1.8, 3.0)
"""When each cue is spoken, s after the recording starts flowing (clips are about 0.5-1.2 s long)."""


@pytest.fixture
def null_sink():
    sink = os.environ.get("CADENCE_NULL_SINK")
    require(bool(sink) and bool(os.environ.get("PULSE_SERVER")), "no null sink: run via scripts/run-tests.sh")
    require(shutil.which("parec") is not None, "parec (pulseaudio-utils) not installed")
    error = speech_engine_error()
    require(error is None, f"pyttsx3/espeak-ng unavailable: {error}")
    return sink


def test_cues_are_heard_in_order_on_the_null_sink(null_sink, tmp_path):
    recorder = MonitorRecorder(null_sink)
    recorder.start()
    voice = Voice("on", CUES, cache_dir=tmp_path / "cache")
    try:
        voice.start()
        assert recorder.wait_for_audio_flow(), "parec delivered no audio"
        assert voice.device_name
        t0 = time.monotonic()
        for cue_id, at in zip(CUES, SPEAK_AT_S):
            time.sleep(max(at - (time.monotonic() - t0), 0.0))
            voice.speak(cue_id, at)
        time.sleep(max(voice.clip("eyes_up").shape[0] / voice.rate_hz, 0.0) + 0.5)
    finally:
        voice.close()
        recording = recorder.stop()
    assert recording.rate_hz == voice.rate_hz
    stats = voice.stats
    assert (stats.queued, stats.played, stats.printed) == (3, 3, 0)

    search_from = 0
    lines = []
    for cue_id, record in zip(CUES, stats.records):
        clip = voice.clip(cue_id)
        match = find_clip(recording.samples, clip, start=search_from)
        assert match.score > 0.6, f"{cue_id} not heard (best correlation {match.score:.2f})"
        search_from = match.index + clip.shape[0]  # the next cue must come after this one
        audible_ms = (recording.time_of(match.index) - record.queued_s) * 1000
        lines.append(
            f"{cue_id}: correlation {match.score:.3f}, queued->device {record.handover_latency_s * 1000:.1f} ms, "
            f"queued->audible {audible_ms:.1f} ms"
        )
    print(
        f"\nnull sink via {voice.device_name!r}, output latency {stats.output_latency_ms:.1f} ms, "
        f"underruns {stats.underruns}"
    )
    print("\n".join(lines))
