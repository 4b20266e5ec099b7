"""``cadence-coach check FILE``: read a whole recording and report what is damaged.

Exit code 0: clean; 1: damaged but readable (every intact record recovered, see the report); 2: not
readable (missing, not a recording, a destroyed header, or no record left).
"""

from __future__ import annotations

import argparse

from ..errors import UserError
from ..sources.recording_check import check_recording

EXIT_CLEAN = 0
EXIT_DAMAGED = 1
EXIT_UNREADABLE = 2

EPILOG = (
    "exit code: 0 clean; 1 damaged but readable (each damaged span is listed with its byte offsets, "
    "time span and about how many records it held; `cadence-coach repair` writes a clean copy); "
    "2 unreadable (missing file, not a recording, destroyed header, no record left)"
)


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "check",
        help=summary,
        description="Read a whole recording (.ccrec) and report every damaged span, the records skipped "
        "and a partial last record.",
        epilog=EPILOG,
    )
    p.add_argument("file", metavar="FILE", help="the recording to check")
    return p


def run(args: argparse.Namespace) -> int:
    report = check_recording(args.file)
    if report.unreadable:
        raise UserError(f"{args.file}: no readable record (the whole recording is damaged)")
    for line in report.lines():
        print(line)
    return EXIT_CLEAN if report.clean else EXIT_DAMAGED
