"""``cadence-coach demo``: replay the bundled downhill recording through the whole pipeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from .replay import run_replay, speed_value

DEMO_RECORDING = Path(__file__).resolve().parents[3] / "recordings" / "demo-descent.ccrec"
"""The bundled recording (made by the simulator; recordings/README.md says how)."""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="replay the bundled downhill run with the live view and the cues",
        description=(
            "Replay a bundled simulated run with a long descent (recordings/demo-descent.ccrec) through "
            "the whole pipeline, with the live view and the cues it would speak. Accelerated by default."
        ),
    )
    p.add_argument("--speed", type=speed_value, default=10.0, help="replay speed (default 10; 1 = real time)")
    p.add_argument("--file", default=str(DEMO_RECORDING), help=argparse.SUPPRESS)
    return p


def run(args: argparse.Namespace) -> int:
    return run_replay(args.file, args.speed)
