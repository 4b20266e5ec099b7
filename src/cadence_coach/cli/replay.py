"""``cadence-coach replay FILE``: run a recording through the pipeline."""

from __future__ import annotations

import argparse
import sys

from ..datatypes import RawPacket
from ..pipeline import Pipeline
from ..sources.recording import RecordingReader
from ..sources.replay import ReplaySource


def speed_value(text: str) -> float:
    """Parse ``--speed``: a number >= 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: give a number >= 0") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: give a number >= 0")
    return v


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "replay",
        help="run a recording through the pipeline",
        description="Replay a recording through the same pipeline as live data.",
    )
    p.add_argument("file", help="recording (.ccrec)")
    p.add_argument(
        "--speed",
        type=speed_value,
        default=1.0,
        help="1 = original timing (default), 4 = four times faster, 0 = as fast as possible",
    )
    return p


def run(args: argparse.Namespace) -> int:
    with RecordingReader(args.file) as reader:
        pipeline = Pipeline(reader.header.sensors)
        for item in ReplaySource(reader, args.speed):
            if isinstance(item, RawPacket):
                pipeline.feed_packets([item])
        for i, (info, c) in enumerate(zip(reader.header.sensors, pipeline.counters)):
            rate = f"{c.rate_hz:.1f} Hz" if c.rate_hz else "-"
            print(
                f"sensor {i} ({info.profile}, {info.placement.value}"
                f"{', ' + info.side.value if info.side else ''}): "
                f"{c.packets} packets, {c.samples} samples at {rate}, {c.gaps} gaps"
            )
        if reader.truncated or reader.corrupt_records:
            print(
                f"note: recording ends in a truncated record: {reader.truncated}; "
                f"corrupt records skipped: {reader.corrupt_records}",
                file=sys.stderr,
            )
        if pipeline.malformed_packets:
            print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)
    return 0
