"""``cadence-coach report INPUT [--out report.html]``: the session report of a recording or a CSV file.

The input runs through the pipeline and the coach as ``replay`` runs it (no audio, no pacing:
:func:`~.activity_input.load_activity`); the report is one HTML file with its plots inline
(docs/report.md). The output file is reserved before the input is read, so a path that cannot be
written fails at once, and it is written whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .activity_input import add_activity_arguments, load_activity

DEFAULT_OUT = "report.html"


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help=summary,
        description=(
            "Run a recording (or a CSV file with the import flags) through the pipeline and the coach, "
            "as replay does but as fast as possible and silently, and write one self-contained HTML "
            "page: summary, plots against distance (elevation with the descents and cues, cadence with "
            "the coach's band, contact time, impact, strike angle, stride, left/right balance), one row "
            "per descent. It opens offline in any browser (docs/report.md)."
        ),
    )
    add_activity_arguments(p)
    p.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="HTML",
        help=f"the report to write (replaced if it exists; default {DEFAULT_OUT})",
    )
    return p


def run(args: argparse.Namespace) -> int:
    from ..outputs.report import ReportFile

    with ReportFile(args.out) as report:  # fails here, before any work, if --out cannot be written
        activity = load_activity(args)
        report.write(activity, Path(args.input).name)
    if not activity.steps:
        print(f"note: no steps detected in {args.input}; the report says so", file=sys.stderr)
    print(f"report written to {args.out}")
    return 0
