"""``cadence-coach profiles``: list the firmware profiles."""

from __future__ import annotations

import argparse

from ..profiles import PROFILE_DIR, all_profiles


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        "profiles",
        help=summary,
        description=f"List the firmware profiles in {PROFILE_DIR}.",
    )


def run(args: argparse.Namespace) -> int:
    profiles = all_profiles()
    rows = [("NAME", "PLACEMENT", "DECODER", "DESCRIPTION")]
    rows += [(p.name, p.default_placement.value, p.decoder, p.description) for p in profiles]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    return 0
