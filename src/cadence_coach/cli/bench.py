"""``cadence-coach bench``: the live session against simulated sensors on a virtual BLE link, scored."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from typing import TYPE_CHECKING

from ..errors import UserError
from ..sources.simulator.simulation import duration_range
from ..voice import parse_audio_mode
from .signals import stop_on_signals

if TYPE_CHECKING:
    from ..session.bench_score import BenchResult

SUPPORTED_PROFILES = ("open-imu",)
"""Profiles whose simulated sensor can stream the simulated runner's IMU data."""
NEEDS_SIM = "bench needs the simulated radio: pip install 'cadence-coach[sim]'"
DURATION_S = duration_range()
"""Shortest and longest bench session, s: the simulated runner's (the session takes as long in wall time)."""


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "bench",
        help=summary,
        description=(
            "Simulate a runner, stream each instrumented foot from a simulated sensor in real time over a "
            "bumble virtual link, run the same live path as `run` (reader, pipeline, coach, voice, recording), "
            "force range-loss disconnects, and print steps detected vs true, F1, latency, reconnects, "
            "packets lost and CPU use. Takes --duration seconds of wall time; Ctrl-C (or SIGTERM) ends it "
            "early with the figures of the part that ran."
        ),
    )
    p.add_argument(
        "--profile", default="open-imu", help="firmware profile of the simulated sensors (open-imu)"
    )
    p.add_argument(
        "--scenario", default="flat-easy", help="simulator scenario (see `cadence-coach simulate --help`)"
    )
    p.add_argument(
        "--duration",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=f"session length, {DURATION_S[0]:g} to {DURATION_S[1]:g} s of wall time (default 60)",
    )
    p.add_argument(
        "--interval-ms", type=float, default=7.5, metavar="X", help="connection interval, ms (default 7.5)"
    )
    p.add_argument("--disconnects", type=int, default=0, metavar="K", help="forced range losses (default 0)")
    p.add_argument("--sensors", type=int, default=1, help="1 (left foot) or 2 (both feet)")
    p.add_argument(
        "--rate", type=float, default=200.0, metavar="HZ", help="IMU sample rate, Hz (default 200)"
    )
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    p.add_argument("--audio", type=parse_audio_mode, default="off", help="voice mode (default off)")
    p.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    return p


def check_args(args: argparse.Namespace) -> None:
    """:class:`UserError` for what the bench cannot do (the scenario and rate are ``simulate()``'s to check)."""
    if args.profile not in SUPPORTED_PROFILES:
        raise UserError(f"bench supports profile {', '.join(SUPPORTED_PROFILES)} only, not {args.profile!r}")
    if args.sensors not in (1, 2):
        raise UserError(f"--sensors {args.sensors}: give 1 or 2")
    lo, hi = DURATION_S
    if not (math.isfinite(args.duration) and lo <= args.duration <= hi):
        raise UserError(f"--duration {args.duration:g}: give {lo:g} to {hi:g} s")
    if args.disconnects < 0:
        raise UserError(f"--disconnects {args.disconnects}: give a whole number >= 0")
    if not 7.5 <= args.interval_ms <= 50.0:
        raise UserError(f"--interval-ms {args.interval_ms:g}: give 7.5 to 50 ms")


def run(args: argparse.Namespace) -> int:
    check_args(args)
    try:  # imported here: the simulated radio is optional, and bumble is slow to load
        from ..session.bench import run_bench
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != "bumble":
            raise
        raise UserError(NEEDS_SIM) from None
    from ..session.bench_report import report_json, report_lines
    from .preparing import prepare_step_detector

    prepare_step_detector()  # run_bench's own call is then a no-op

    async def bench() -> tuple[BenchResult, bool]:
        stop = asyncio.Event()
        with stop_on_signals(asyncio.get_running_loop(), stop):
            result = await run_bench(
                args.profile,
                args.scenario,
                args.duration,
                interval_ms=args.interval_ms,
                disconnects=args.disconnects,
                sensors=args.sensors,
                rate_hz=args.rate,
                seed=args.seed,
                audio=args.audio,
                stop=stop,
            )
        return result, stop.is_set()

    result, interrupted = asyncio.run(bench())
    if interrupted:
        print(
            f"interrupted after {result.session_s:.1f} s of {args.duration:g} s: the figures are for the "
            "part that ran",
            file=sys.stderr,
        )
    print("\n".join(report_lines(result)), flush=True)
    if args.json:
        print(json.dumps(report_json(result)))
    return 0
