"""``cadence-coach simulate``: write a simulated foot-IMU recording and its ground truth.

A named scenario takes its session settings from the flags (with their defaults); ``--scenario random``
draws the runner, the course, the overstride episodes and the session settings from ``--seed``, and the
flags given override the drawn settings.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import UserError
from ..sources.simulator import (
    DRAW_SCENARIO,
    SCENARIOS,
    Simulation,
    draw_run,
    scenario_names,
    simulate,
    simulate_draw,
    truth_path,
    write,
)

DEFAULTS = {
    "rate": 400.0,
    "feet": "right",
    "interval_ms": 15.0,
    "loss": 0.002,
    "baro": True,
    "acc_range_g": 32,
    "gyro_range_dps": 4000,
}
"""Session settings of a named scenario when the flag is not given (a random run draws its own)."""


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
        + f"; {DRAW_SCENARIO}: a runner, course, overstride episodes and sensor settings drawn from the seed "
        "(docs/simulator.md).",
    )
    p.add_argument("--scenario", required=True, help=f"scenario name, or {DRAW_SCENARIO} (drawn from --seed)")
    p.add_argument(
        "--duration", type=_number(float), help="session length, seconds (random: drawn, 2-15 min)"
    )
    p.add_argument("--seed", type=_number(int), required=True, help="random seed (same seed, same file)")
    p.add_argument("--out", required=True, help="recording to create (.ccrec); must not exist")
    drawn = "; random: drawn"
    p.add_argument("--rate", type=_number(float), help=f"IMU sample rate, Hz (50..2000, default 400{drawn})")
    p.add_argument(
        "--feet", choices=("left", "right", "both"), help=f"instrumented feet (default right{drawn})"
    )
    p.add_argument(
        "--interval-ms", type=_number(float), help=f"BLE connection interval, ms (7.5..50, default 15{drawn})"
    )
    p.add_argument("--loss", type=_number(float), help=f"packet loss probability (default 0.002{drawn})")
    p.add_argument(
        "--no-baro",
        dest="baro",
        action="store_const",
        const=False,
        help=f"no barometer channel (default: 25 Hz pressure{drawn})",
    )
    p.add_argument(
        "--acc-range-g", type=_number(int), help=f"accelerometer full scale, 16 or 32 g (default 32{drawn})"
    )
    p.add_argument(
        "--gyro-range-dps",
        type=_number(int),
        help=f"gyroscope full scale, 2000 or 4000 dps (default 4000{drawn})",
    )
    return p


def run(args: argparse.Namespace) -> int:
    _check_writable(Path(args.out))
    sim = _random(args) if args.scenario == DRAW_SCENARIO else _named(args)
    summary = write(sim, args.out)
    print(
        f"{summary.recording}: {args.scenario}, {sim.duration_s:g} s, {summary.steps} steps, "
        f"{summary.packets_sent} packets ({summary.packets_lost} lost), "
        f"{summary.bytes_written / 1e6:.2f} MB; truth in {summary.truth}"
    )
    return 0


def _given(args: argparse.Namespace) -> dict:
    """The session flags given on the command line (None = not given)."""
    return {k: getattr(args, k) for k in DEFAULTS if getattr(args, k) is not None}


def _named(args: argparse.Namespace) -> Simulation:
    if args.scenario not in SCENARIOS:
        known = ", ".join([*scenario_names(), DRAW_SCENARIO])
        raise UserError(f"unknown scenario {args.scenario!r} (known: {known})")
    if args.duration is None:
        raise UserError(f"scenario {args.scenario}: give --duration SECONDS")
    o = {**DEFAULTS, **_given(args)}
    return simulate(
        args.scenario,
        args.duration,
        args.seed,
        o["rate"],
        o["feet"],
        interval_ms=o["interval_ms"],
        loss=o["loss"],
        baro=o["baro"],
        acc_range_g=o["acc_range_g"],
        gyro_range_dps=o["gyro_range_dps"],
    )


def _random(args: argparse.Namespace) -> Simulation:
    """A drawn run, with the flags given replacing the drawn settings."""
    if args.seed < 0:
        raise UserError(f"seed {args.seed!r}: give a whole number >= 0")
    names = {"rate": "rate_hz", "duration": "duration_s"}
    given = _given(args)
    if args.duration is not None:
        given["duration"] = args.duration
    draw = replace(draw_run(args.seed), **{names.get(k, k): v for k, v in given.items()})
    return simulate_draw(draw)


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
