"""``cadence-coach replay FILE``: run a recording through the pipeline."""

from __future__ import annotations

import argparse
import statistics
import sys

from ..coach.coach import Coach
from ..coach.config import load_config
from ..datatypes import StepEvent
from ..pipeline import Pipeline, PipelineOutput
from ..session import Session
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


class StepPrinter:
    """Prints each completed step as one line (the plain-text view)."""

    def update(self, out: PipelineOutput) -> None:
        for s in out.steps:
            print(format_step(s), flush=True)
        for c in out.cues:
            print(f"{c.t_s:8.2f}s  CUE {c.cue_id}: {c.text}  ({c.reason})", flush=True)


def _num(v: float | None, fmt: str) -> str:
    return "-" if v is None else format(v, fmt)


def format_step(s: StepEvent) -> str:
    """One step as a line of figures; '-' where a figure was not measurable."""
    side = s.side.value[0].upper() if s.side else "?"
    contact = None if s.contact_s is None else s.contact_s * 1000
    latency = (s.detected_at_s - s.t_ic_s) * 1000
    return (
        f"{s.t_ic_s:8.2f}s {side} cadence {_num(s.cadence_spm, '5.1f')} spm  contact {_num(contact, '4.0f')} ms"
        f"  strike {_num(s.strike_angle_deg, '+5.1f')} deg {s.strike.value if s.strike else '-':4s}"
        f"  stride {_num(s.stride_m, '4.2f')} m  grade {_num(s.grade_pct, '+5.1f')} %"
        f"  impact {_num(s.impact_g, '4.1f')} g  latency {latency:4.0f} ms"
    )


def run_replay(path: str, speed: float) -> int:
    """Replay ``path`` at ``speed`` with the plain view; prints a summary at the end."""
    with RecordingReader(path) as reader:
        coach = Coach(load_config(None))
        session = Session(Pipeline(reader.header.sensors), coach=coach, view=StepPrinter())
        session.run(ReplaySource(reader, speed), batch=256 if speed == 0 else 1)
        pipeline = session.pipeline
        print()
        for i, (info, c) in enumerate(zip(reader.header.sensors, pipeline.counters)):
            rate = f"{c.rate_hz:.1f} Hz" if c.rate_hz else "-"
            print(
                f"sensor {i} ({info.profile}, {info.placement.value}"
                f"{', ' + info.side.value if info.side else ''}): "
                f"{c.packets} packets, {c.samples} samples at {rate}, {c.gaps} gaps"
            )
        steps = session.steps
        cad = [s.cadence_spm for s in steps if s.cadence_spm is not None]
        lat = [(s.detected_at_s - s.t_ic_s) * 1000 for s in steps]
        print(f"steps: {len(steps)}", end="")
        if cad:
            print(f", median cadence {statistics.median(cad):.1f} spm", end="")
        if lat:
            print(f", detection latency median {statistics.median(lat):.1f} ms", end="")
        print()
        print("\n".join(coach.summary.lines()))
        if reader.truncated or reader.corrupt_records:
            print(
                f"note: recording ends in a truncated record: {reader.truncated}; "
                f"corrupt records skipped: {reader.corrupt_records}",
                file=sys.stderr,
            )
        if pipeline.malformed_packets:
            print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    return run_replay(args.file, args.speed)
