"""``cadence-coach demo``: replay the bundled downhill run through the whole pipeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from .replay import add_coaching_arguments, run_session

DEMO_RUNNER = "demo"
"""The demo's own runner (its saved baseline), so that running the demo never changes a real runner's."""
DEMO_RECORDING = Path(__file__).resolve().parents[3] / "recordings" / "demo-descent.ccrec"
"""The bundled recording (made by the simulator; recordings/README.md says how)."""


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help=summary,
        description=(
            "Replay a bundled simulated run with a long descent (recordings/demo-descent.ccrec) through "
            "the whole pipeline, with the live view and the cues it speaks (or prints, without a sound "
            "device). Accelerated by default; --speed 1 for real time."
        ),
    )
    add_coaching_arguments(p, speed_default=10.0, runner_default=DEMO_RUNNER)
    return p


def run(args: argparse.Namespace) -> int:
    args.input = str(DEMO_RECORDING)
    args.format = "recording"
    for flag in ("placement", "side", "rate", "acc_unit", "gyro_unit"):
        setattr(args, flag, None)
    return run_session(args)
