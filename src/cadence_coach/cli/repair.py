"""``cadence-coach repair FILE --out FIXED``: write a clean copy of a damaged recording.

The copy has the same header and every record the reader recovered, in order; it is written to a
temporary file next to FIXED and renamed into place once whole. The damaged file is never changed.
"""

from __future__ import annotations

import argparse
import sys

from ..sources.recording_check import repair_recording


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "repair",
        help=summary,
        description="Write a clean copy of a recording: its header and every record that could be "
        "recovered, without the damaged spans (the report of `cadence-coach check` says what they held). "
        "FILE itself is never changed.",
        epilog="exit code: 0 when the copy was written (also for a clean FILE); 2 when FILE is not a "
        "readable recording or FIXED cannot be written (an existing FIXED is then left as it was)",
    )
    p.add_argument("file", metavar="FILE", help="the damaged recording")
    p.add_argument(
        "--out", required=True, metavar="FIXED", help="the clean copy to write (replaced if it exists)"
    )
    return p


def run(args: argparse.Namespace) -> int:
    try:
        report = repair_recording(args.file, args.out)
    except KeyboardInterrupt:
        print(f"interrupted: {args.out} not written (left as it was)", file=sys.stderr)
        return 130
    for line in report.lines():
        print(line, file=sys.stderr)
    print(f"{report.packets} packets and {report.events} events written to {args.out}", file=sys.stderr)
    return 0
