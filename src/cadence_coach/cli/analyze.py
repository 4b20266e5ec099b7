"""``cadence-coach analyze INPUT --out steps.csv``: every step of an input, as fast as possible.

With ``--out-dir DIR`` it takes any number of inputs, or a manifest naming inputs with their own import
flags (``--manifest FILE``), and writes ``DIR/<input stem>.steps.csv`` for each (cli/analyze_batch.py);
:func:`analyze_file` is the one-input work both do.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from ..outputs.steps_csv import StepsCsvWriter
from ..session.pipeline import Pipeline
from ..session.session import Session, windows
from .input_options import add_input_arguments, open_input
from .preparing import prepare_step_detector

if TYPE_CHECKING:
    from rich.progress import Progress

PROGRESS_MIN_BYTES = 4 << 20
"""Inputs smaller than this finish too fast to need a progress bar."""
BATCH = 2048
"""Items (packets, events) handed to the pipeline at once (and between two progress updates)."""

EPILOG = (
    "exit code: 0 when every input was analyzed; 2 on a usage error or, with --out-dir, when any input "
    "failed (each failed input is reported on one line and skipped, the others are still analyzed)"
)


def jobs_value(text: str) -> int:
    """Parse ``--jobs``: a positive number of worker processes."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"invalid job count {text!r}: give a number of processes >= 1")
    return int(text)


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "analyze",
        help=summary,
        description="Run inputs through the pipeline as fast as possible and write one row per step.",
        epilog=EPILOG,
    )
    add_input_arguments(p, several=True)
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--out", metavar="STEPS_CSV", help="steps file to write, for one input (replaced if it exists)"
    )
    out.add_argument(
        "--out-dir",
        metavar="DIR",
        help="write DIR/<input stem>.steps.csv for every input (DIR is created if missing; the CSV import "
        "flags apply to every CSV input)",
    )
    p.add_argument(
        "--manifest",
        metavar="FILE",
        help="with --out-dir: a JSON list of inputs with their own import flags, "
        '[{"file": PATH, "argv": ["--placement", "foot", ...]}, ...] or {"cases": [...]}; PATH is '
        "relative to FILE's folder; flags given on the command line are the defaults of every entry",
    )
    p.add_argument(
        "--jobs",
        type=jobs_value,
        metavar="N",
        help="with --out-dir: worker processes analyzing files in parallel (default: the number of cores)",
    )
    return p


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an analysis: how far it had got (steps found, bytes of the input read of its size)."""

    def __init__(self, steps: int, bytes_read: int, size_bytes: int) -> None:
        super().__init__(steps, bytes_read, size_bytes)
        self.steps, self.bytes_read, self.size_bytes = steps, bytes_read, size_bytes


@dataclass(frozen=True, slots=True)
class Analyzed:
    """What one input gave: steps written, and notes for the user (skipped rows, truncation...)."""

    rows: int
    notes: list[str]


def progress_bar() -> Progress:
    """The progress bar on stderr (rich is imported here: only a terminal shows it)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    return Progress(
        "analyzing",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )


def analyze_file(args: argparse.Namespace, path: Path, out: Path, show_progress: bool = False) -> Analyzed:
    """Analyze one input (read with the input flags of ``args``) into the steps file ``out``."""
    with open_input(args, path=path) as source:
        prepare_step_detector(placements=[s.placement for s in source.sensors])  # no-op once loaded
        pipeline = Pipeline(source.sensors)
        show = show_progress and source.size_bytes >= PROGRESS_MIN_BYTES
        progress = progress_bar() if show else None
        with StepsCsvWriter(out) as writer, progress if progress is not None else nullcontext():
            task = progress.add_task("analyze", total=source.size_bytes) if progress is not None else None
            session = Session(pipeline, step_sinks=[writer], keep=False)
            try:
                for window in windows(source.items(speed=0.0), BATCH):
                    session.process(window)
                    if progress is not None and task is not None:
                        progress.update(task, completed=source.bytes_read)
            except KeyboardInterrupt:
                raise Interrupted(writer.rows, source.bytes_read, source.size_bytes) from None
            session.finish()
        notes = source.notes()
    if pipeline.malformed_packets:
        notes.append(f"{pipeline.malformed_packets} malformed packets skipped")
    return Analyzed(writer.rows, notes)


def run(args: argparse.Namespace) -> int:
    if args.out_dir is not None:
        from .analyze_batch import run_batch

        return run_batch(args)
    if args.manifest is not None:
        raise UserError("--manifest needs --out-dir DIR (one steps file per input)")
    if not args.input:
        raise UserError("give an input to analyze (or --manifest FILE with --out-dir DIR)")
    if len(args.input) > 1:
        raise UserError(
            f"{len(args.input)} inputs: give --out-dir DIR to analyze several (--out names one file)"
        )
    if args.jobs is not None:
        raise UserError("--jobs only applies with --out-dir")
    try:
        result = analyze_file(args, Path(args.input[0]), Path(args.out), show_progress=sys.stderr.isatty())
    except Interrupted as stop:
        share = 100.0 * min(stop.bytes_read, stop.size_bytes) / max(stop.size_bytes, 1)
        print(
            f"interrupted: {stop.steps} steps found in the first {share:.0f} % of {args.input[0]}; "
            f"{args.out} left as it was",
            file=sys.stderr,
        )
        return 130
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.rows == 0:
        print(f"note: no steps detected; {args.out} has only its header", file=sys.stderr)
    else:
        print(f"{result.rows} steps written to {args.out}", file=sys.stderr)
    return 0
