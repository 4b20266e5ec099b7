"""``cadence-coach audio-check``: name the output device, speak a test cue, print its latency.

Latency here is from queuing the cue to its first sample being handed to the device (the callback that
starts it), repeated for a median; the device's reported output latency (its buffering after the hand-over)
is printed beside it. Without a working device or speech engine: one line on stderr, exit code 2 (with
``--json`` also the JSON object on stdout, its ``device`` null and ``error`` the reason).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from ..errors import UserError
from ..voice import Voice

TEST_CUE = ("shorten_stride", "Shorten your stride")
GAP_S = 0.2
"""Pause between the end of one test cue and the next, s."""


def repeat_value(text: str) -> int:
    """Parse ``--repeat``: an integer from 1 to 100."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 100:
        raise argparse.ArgumentTypeError(f"invalid repeat {text!r}: give an integer from 1 to 100")
    return n


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "audio-check",
        help=summary,
        description="Name the audio output device, speak a test cue several times and print its latency.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--repeat", type=repeat_value, default=10, help="times to speak the cue (default 10)")
    p.add_argument(
        "--device", default=None, help="PortAudio output device index or name (default: system default)"
    )
    return p


def unavailable(cues: int, error: str) -> dict:
    """The JSON object when no cue can be played: the same keys, nothing measured, and why."""
    return {
        "device": None,
        "rate_hz": None,
        "blocksize": None,
        "cues": cues,
        "played": 0,
        "latency_ms": [],
        "latency_ms_median": None,
        "output_latency_ms": None,
        "underruns": 0,
        "error": error,
    }


def run(args: argparse.Namespace) -> int:
    device = int(args.device) if args.device is not None and args.device.isdigit() else args.device
    voice = Voice("on", dict([TEST_CUE]), device=device)
    try:
        voice.start()
    except UserError as exc:
        if args.json:  # a script reading the JSON gets it all the same
            print(json.dumps(unavailable(args.repeat, str(exc))))
        raise
    try:
        clip = voice.clip(TEST_CUE[0])
        duration_s = clip.shape[0] / voice.rate_hz if clip is not None else 1.0
        for _ in range(args.repeat):
            voice.speak(TEST_CUE[0], 0.0)
            time.sleep(duration_s + GAP_S)
    finally:
        voice.close()
    stats = voice.stats
    latencies = [round(v, 3) for v in stats.latency_ms]
    result = {
        "device": voice.device_name,
        "rate_hz": voice.rate_hz,
        "blocksize": voice.blocksize,
        "cues": args.repeat,
        "played": stats.played,
        "latency_ms": latencies,
        "latency_ms_median": round(statistics.median(latencies), 3) if latencies else None,
        "output_latency_ms": round(stats.output_latency_ms, 3),
        "underruns": stats.underruns,
    }
    if args.json:
        print(json.dumps(result | {"error": None if latencies else "no test cue reached the device"}))
        return 0 if latencies else 1
    print(f"device: {result['device']} ({voice.rate_hz} Hz, {voice.blocksize}-frame blocks)")
    if not latencies:
        print("no test cue reached the device")
        return 1
    print(
        f"queue to device: median {result['latency_ms_median']:.1f} ms "
        f"(min {min(latencies):.1f}, max {max(latencies):.1f}, {len(latencies)} cues)"
    )
    print(f"device output latency (reported): {result['output_latency_ms']:.1f} ms")
    print(f"underruns: {stats.underruns}")
    return 0
