"""``cadence-coach replay INPUT``: run a recording or a CSV file through the pipeline."""

from __future__ import annotations

import argparse
import sys

from ..pipeline import Pipeline
from ..view import LiveView
from .input_options import add_input_arguments, feed, open_input

PACED_BLOCK_S = 0.05
"""CSV block length when pacing, s: short enough that the view moves smoothly."""


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
        help="run a recording or a CSV file through the pipeline",
        description="Replay a recording (or a CSV file) through the same pipeline as live data.",
    )
    add_input_arguments(p)
    p.add_argument(
        "--speed",
        type=speed_value,
        default=1.0,
        help="1 = original timing (default), 4 = four times faster, 0 = as fast as possible",
    )
    return p


def run(args: argparse.Namespace) -> int:
    with open_input(args, block_s=PACED_BLOCK_S if args.speed > 0 else 1.0) as source:
        pipeline = Pipeline(source.sensors)
        view = LiveView(source.sensors)
        try:
            for item in source.items(args.speed):
                output = feed(pipeline, item)
                if output is not None:
                    view.update(output, pipeline)
        finally:
            view.close(pipeline)
        for i, (info, c) in enumerate(zip(source.sensors, pipeline.counters)):
            rate = f"{c.rate_hz:.1f} Hz" if c.rate_hz else "-"
            packets = f"{c.packets} packets, " if source.kind == "recording" else ""
            print(
                f"sensor {i} ({info.profile}, {info.placement.value}"
                f"{', ' + info.side.value if info.side else ''}): "
                f"{packets}{c.samples} samples at {rate}, {c.gaps} gaps"
            )
        for note in source.notes():
            print(f"note: {note}", file=sys.stderr)
        if pipeline.malformed_packets:
            print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)
    return 0
