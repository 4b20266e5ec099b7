"""Running the command line in-process, as a user would from a shell."""

from __future__ import annotations

from cadence_coach.cli import main


def exit_code(argv: list[str]) -> int:
    """The exit code of ``cadence-coach ARGV``: main's return value, or the code argparse exits with."""
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own errors
        return int(exc.code or 0)
