"""``cadence-coach export INPUT --fit OUT.fit [--csv OUT.csv]``: the session as a FIT activity file (and
its seconds as CSV) for Garmin Connect, Strava, intervals.icu, GoldenCheetah, Runalyze (docs/export.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UserError
from ..outputs.fit_export import write_export
from .activity_input import add_activity_arguments, input_start, load_activity

FIT_EPOCH_YEAR = 1990
"""FIT counts time from 1989-12-31: a start before 1990 (a simulated recording's 1970) is no wall-clock time."""


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help=summary,
        description=(
            "Run a recording (or a CSV file) through the pipeline and the coach and write a FIT activity "
            "file: one record a second with cadence, stance time, step length and grade, one lap per "
            "descent and per stretch between, and developer fields for impact, strike angle and class "
            "and the cues spoken (docs/export.md)."
        ),
        epilog="exit code: 0 written; 2 on a usage error, an unreadable input or an unwritable output "
        "(nothing is written then)",
    )
    add_activity_arguments(p)
    p.add_argument(
        "--fit", required=True, metavar="OUT.fit", help="FIT file to write (replaced if it exists)"
    )
    p.add_argument(
        "--csv", metavar="OUT.csv", help="also write the per-second records as CSV (replaced if it exists)"
    )
    return p


def run(args: argparse.Namespace) -> int:
    start = input_start(args)
    if start is None or start.year < FIT_EPOCH_YEAR:
        has = (
            "a CSV file has no wall-clock time"
            if start is None
            else f"its recorded start is {start:%Y-%m-%d}"
        )
        raise UserError(f"{args.input}: {has}: give --start ISO-8601 (e.g. 2026-12-03T07:30:00+01:00)")
    activity = load_activity(args)
    fit, out_csv = Path(args.fit), Path(args.csv) if args.csv else None
    size = write_export(activity, start, fit, out_csv)
    summary = activity.summary
    assert summary is not None
    km = "-" if summary.distance_m is None else f"{summary.distance_m / 1000:.2f} km"
    print(
        f"{fit}: {size} bytes, {len(activity.seconds or ())} records, {len(activity.segments)} laps "
        f"({sum(s.descent for s in activity.segments)} descents), {summary.steps} steps, {km}"
        + (f"; {out_csv}" if out_csv else ""),
        file=sys.stderr,
    )
    if not activity.steps:
        print(f"note: no steps detected in {args.input}; the FIT file has its session alone", file=sys.stderr)
    return 0
