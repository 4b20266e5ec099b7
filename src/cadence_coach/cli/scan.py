"""``cadence-coach scan [--timeout S]``: list nearby Bluetooth LE devices and the profile each matches."""

from __future__ import annotations

import argparse
import asyncio

from ..sources.ble.scan import scan


def timeout_value(text: str) -> float:
    """Parse ``--timeout``: seconds, > 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid timeout {text!r}: give seconds > 0") from None
    if not 0 < v < 3600:
        raise argparse.ArgumentTypeError(f"invalid timeout {text!r}: give seconds > 0")
    return v


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "scan",
        help=summary,
        description="Scan for Bluetooth LE devices and show the firmware profile each one matches.",
    )
    p.add_argument("--timeout", type=timeout_value, default=5.0, help="scan time, seconds (default 5)")
    p.add_argument("--all", action="store_true", help="also list devices that match no profile")
    return p


def run(args: argparse.Namespace) -> int:
    devices = asyncio.run(scan(args.timeout))
    shown = [d for d in devices if args.all or d.profile]
    if not shown:
        print(
            f"no known sensors found in {args.timeout:g} s ({len(devices)} other devices; --all lists them)"
        )
        return 0
    for d in shown:
        print(f"{d.address:<20} {d.rssi_dbm:>4} dBm  {d.profile or '-':<12} {d.name or ''}")
    return 0
