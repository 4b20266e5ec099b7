"""The ``cadence-coach`` command line.

Each sub-command is a module in this package with two functions:
``add_parser(subparsers, summary) -> argparse.ArgumentParser`` and ``run(args) -> int``. Adding a command
means adding its name and one-line summary to :data:`COMMANDS`.

Only the module of the command being run is imported (:func:`main`): the others pull in scipy, the
simulator, bumble or the audio stack, which would cost that command up to half a second of start-up.
The top-level ``--help`` needs only the summaries, which is why they live here.

Errors people can cause (a bad flag, a missing or corrupt file, an unknown name) print one line on stderr
and exit with code 2, never a traceback. SIGTERM is handled as Ctrl-C (``signals.py``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Collection

from .. import __version__
from ..errors import UserError
from .signals import terminate_as_interrupt

COMMANDS = {
    "demo": "replay the bundled downhill run with the live view and the cues",
    "simulate": "write a simulated foot-IMU recording with ground truth (a named scenario or a random run)",
    "replay": "run a recording or a CSV file through the pipeline, coach and voice",
    "analyze": "detect every step of a recording or CSV file and write steps.csv",
    "report": "write a self-contained HTML report of a recording or CSV file: summary, plots, descents",
    "export": "write a recording or CSV file as a FIT activity file (Garmin Connect, Strava, ...)",
    "check": "report the damaged spans of a recording (exit 0 clean, 1 damaged, 2 unreadable)",
    "repair": "write a clean copy of a damaged recording, with every record that can be recovered",
    "profiles": "list the firmware profiles (supported sensor families)",
    "decode": "decode one BLE payload (hex) with a firmware profile's decoder",
    "scan": "list nearby Bluetooth LE sensors",
    "run": "live session: connect to sensors over Bluetooth LE, coach, speak and record",
    "bench": "live session against a simulated runner's sensors on a virtual BLE link: accuracy, latency, CPU",
    "audio-check": "speak a test cue and measure audio latency",
}
"""Sub-command name -> the summary ``--help`` lists for it, in the order ``--help`` lists them."""

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser(full: Collection[str] = tuple(COMMANDS)) -> argparse.ArgumentParser:
    """The top-level parser.

    Args:
        full: the sub-commands whose parsers are built (importing their modules); the others get a
            parser with their summary alone, enough for the top-level ``--help`` and for the error
            message of a wrong name. Default: every sub-command.
    """
    parser = OneLineParser(
        prog="cadence-coach",
        description="Real-time running cadence and form coach for wearable IMUs and BLE foot pods.",
    )
    parser.add_argument("--version", action="version", version=f"cadence-coach {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name, summary in COMMANDS.items():
        if name not in full:
            sub.add_parser(name, help=summary)
            continue
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        cmd = module.add_parser(sub, summary)
        cmd.set_defaults(_run=module.run)
    return parser


def command_named(argv: list[str]) -> str | None:
    """The sub-command an argument list names, if any: its first argument that is not an option (the
    top-level options take no value)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    if argv is None:
        argv = sys.argv[1:]
    command = command_named(argv)
    parser = build_parser([command] if command else [])
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    terminate_as_interrupt()  # SIGTERM (systemd, kill) ends a command as Ctrl-C does
    try:
        return int(args._run(args) or 0)
    except UserError as exc:
        sys.stderr.write(f"cadence-coach {args.command}: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
