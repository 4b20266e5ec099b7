"""``cadence-coach simulate``: write a simulated foot-IMU recording and its ground truth."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..sources.simulator import SCENARIOS, simulate, truth_path, write


def _number(kind: type) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"invalid number {text!r}")
        return value

    return parse


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "simulate",
        help=summary,
        description="Simulate a runner wearing foot IMUs on a scenario course; writes OUT (a recording) "
        "and OUT.truth.json (the ground truth). Scenarios: "
        + "; ".join(f"{name}: {text}" for name, (text, _) in SCENARIOS.items())
        + ".",
    )
    p.add_argument("--scenario", required=True, help="scenario name")
    p.add_argument("--duration", type=_number(float), required=True, help="session length, seconds")
    p.add_argument("--seed", type=_number(int), required=True, help="random seed (same seed, same file)")
    p.add_argument("--out", required=True, help="recording to create (.ccrec); must not exist")
    p.add_argument("--rate", type=_number(float), default=400.0, help="IMU sample rate, Hz (50..2000, default 400)")
    p.add_argument("--feet", choices=("left", "right", "both"), default="right", help="instrumented feet (default right)")
    p.add_argument("--interval-ms", type=_number(float), default=15.0, help="BLE connection interval, ms (7.5..50, default 15)")
    p.add_argument("--loss", type=_number(float), default=0.002, help="packet loss probability (default 0.002)")
    p.add_argument("--no-baro", dest="baro", action="store_false", help="no barometer channel (default: 25 Hz pressure)")
    p.add_argument("--acc-range-g", type=_number(int), default=32, help="accelerometer full scale, 16 or 32 g (default 32)")
    p.add_argument("--gyro-range-dps", type=_number(int), default=4000, help="gyroscope full scale, 2000 or 4000 dps (default 4000)")
    return p


def run(args: argparse.Namespace) -> int:
    _check_writable(Path(args.out))
    sim = simulate(
        args.scenario,
        args.duration,
        args.seed,
        args.rate,
        args.feet,
        interval_ms=args.interval_ms,
        loss=args.loss,
        baro=args.baro,
        acc_range_g=args.acc_range_g,
        gyro_range_dps=args.gyro_range_dps,
    )
    summary = write(sim, args.out)
    print(
        f"{summary.recording}: {args.scenario}, {args.duration:g} s, {summary.steps} steps, "
        f"{summary.packets_sent} packets ({summary.packets_lost} lost), "
        f"{summary.bytes_written / 1e6:.2f} MB; truth in {summary.truth}"
    )
    return 0


def _check_writable(out: Path) -> None:
    """Refuse before simulating if the recording or its sidecar exists or the folder is not writable."""
    for path in (out, truth_path(out)):
        if path.exists():
            raise UserError(f"{path}: already exists (choose another --out)")
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"{out}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UserError(f"{out}: folder {folder} is not writable")
