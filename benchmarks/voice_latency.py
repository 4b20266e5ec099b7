"""Cue latency through a real sound server (PulseAudio null sink), with both CPU cores busy.

Speaks N cues through Voice("on") and records the null sink's monitor with parec. Prints, per block size:
median and p95 of (first sample handed to the device - decision) and of (first audible sample in the
monitor recording - decision), the stream's reported output latency, and underruns. Decision = the moment
``Voice.speak`` is called. Clock alignment of the recording: see cadence_coach.evaluation.audio_monitor (audible
times are late by the smallest record-path delay, a few ms, so audible latencies are upper bounds).

Run: ``.venv/bin/python benchmarks/voice_latency.py [--cues 30] [--blocksize 256 128 512] [--no-load]``.
Without a null sink in the environment it starts one with scripts/start-null-sink.sh.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cadence_coach.evaluation.audio_monitor import MonitorRecorder, find_clip
from cadence_coach.voice import Voice

ROOT = Path(__file__).resolve().parent.parent
PHRASE = {"quick_feet": "Quick feet"}
GAP_S = 0.15
"""Silence between consecutive cues, s."""
SEARCH_BEFORE_S, SEARCH_AFTER_S = 0.05, 0.5
"""Window around the decision time in which each cue is looked for in the recording, s."""


def busy_loop() -> None:
    while True:
        pass


def measure(blocksize: int, latency: str | float, cues: int, cache_dir: Path, sink: str) -> dict[str, float]:
    recorder = MonitorRecorder(sink)
    recorder.start()
    voice = Voice("on", PHRASE, cache_dir=cache_dir, blocksize=blocksize, latency=latency)
    try:
        voice.start()
        if not recorder.wait_for_audio_flow():
            raise RuntimeError("parec delivered no audio")
        clip = voice.clip("quick_feet")
        assert clip is not None
        for i in range(cues):
            voice.speak("quick_feet", float(i))
            time.sleep(clip.shape[0] / voice.rate_hz + GAP_S)
        time.sleep(0.3)
    finally:
        voice.close()
        recording = recorder.stop()
    stats = voice.stats
    handover = np.array(stats.latency_ms)
    audible, missed = [], 0
    for record in stats.records:
        expected = int((record.queued_s - recording.t0_s) * recording.rate_hz)
        lo = max(expected - int(SEARCH_BEFORE_S * recording.rate_hz), 0)
        match = find_clip(recording.samples, clip, lo, expected + int(SEARCH_AFTER_S * recording.rate_hz))
        if match.score < 0.6:
            missed += 1
            continue
        audible.append((recording.time_of(match.index) - record.queued_s) * 1000)
    aud = np.array(audible)
    return {
        "handover_median": float(np.median(handover)),
        "handover_p95": float(np.percentile(handover, 95)),
        "audible_median": float(np.median(aud)) if aud.size else float("nan"),
        "audible_p95": float(np.percentile(aud, 95)) if aud.size else float("nan"),
        "output_latency": stats.output_latency_ms,
        "underruns": stats.underruns,
        "missed": missed,
        "played": stats.played,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=30)
    parser.add_argument("--blocksize", type=int, nargs="+", default=[256])
    parser.add_argument("--latency", default="low", help="PortAudio suggested latency: low, high or seconds")
    parser.add_argument("--no-load", action="store_true", help="do not busy both cores")
    args = parser.parse_args()
    latency = args.latency if args.latency in ("low", "high") else float(args.latency)
    sink = os.environ.get("CADENCE_NULL_SINK")
    if not sink:
        if os.environ.get("CADENCE_BENCH_NULL_SINK_TRIED"):
            print("voice_latency: skipped, no PulseAudio null sink could be started")
            return 0
        env = dict(os.environ, CADENCE_BENCH_NULL_SINK_TRIED="1")
        script = 'source "$0"; "$@"'
        cmd = ["bash", "-c", script, str(ROOT / "scripts" / "start-null-sink.sh"), sys.executable, *sys.argv]
        return subprocess.call(cmd, env=env)
    load = [] if args.no_load else [multiprocessing.Process(target=busy_loop, daemon=True) for _ in range(2)]
    for p in load:
        p.start()
    print(
        f"voice latency, {args.cues} cues of {PHRASE['quick_feet']!r}, "
        f"{'2 busy-loop processes' if load else 'no extra load'}, latency {args.latency}, null sink {sink}"
    )
    print("block  to-device ms (median/p95)  audible ms (median/p95)  output latency ms  underruns  heard")
    try:
        with tempfile.TemporaryDirectory() as cache:
            for bs in args.blocksize:
                r = measure(bs, latency, args.cues, Path(cache), sink)
                print(
                    f"{bs:5d}  {r['handover_median']:8.1f} / {r['handover_p95']:5.1f}"
                    f"        {r['audible_median']:8.1f} / {r['audible_p95']:5.1f}"
                    f"       {r['output_latency']:8.1f}       {r['underruns']:5d}"
                    f"   {r['played'] - r['missed']}/{args.cues}"
                )
    finally:
        for p in load:
            p.terminate()
            p.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
