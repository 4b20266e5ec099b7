"""The ``cadence-coach`` command line.

Each sub-command is a module in this package with two functions:
``add_parser(subparsers) -> argparse.ArgumentParser`` and ``run(args) -> int``. Adding a command means
adding its module name to :data:`COMMANDS`.

Errors people can cause (a bad flag, a missing or corrupt file, an unknown name) print one line on stderr
and exit with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .. import __version__
from ..errors import UserError

COMMANDS = ["demo", "simulate", "replay", "analyze", "profiles", "decode", "scan", "run", "bench", "audio-check"]
"""Sub-command modules, in the order ``--help`` lists them."""

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command."""
    parser = OneLineParser(
        prog="cadence-coach",
        description="Real-time running cadence and form coach for wearable IMUs and BLE foot pods.",
    )
    parser.add_argument("--version", action="version", version=f"cadence-coach {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        cmd = module.add_parser(sub)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
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
