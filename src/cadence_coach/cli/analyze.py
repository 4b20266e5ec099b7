"""``cadence-coach analyze INPUT --out steps.csv``: every step of an input, as fast as possible."""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, nullcontext

from ..export import StepsCsvWriter
from ..gait import kernels
from ..pipeline import Pipeline
from ..session import Session, windows
from .input_options import add_input_arguments, open_input

PROGRESS_MIN_BYTES = 4 << 20
"""Inputs smaller than this finish too fast to need a progress bar."""
BATCH = 2048
"""Items (packets, events) handed to the pipeline at once (and between two progress updates)."""


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "analyze",
        help=summary,
        description="Run an input through the pipeline as fast as possible and write one row per step.",
    )
    add_input_arguments(p)
    p.add_argument(
        "--out", required=True, metavar="STEPS_CSV", help="steps file to write (replaced if it exists)"
    )
    return p


def progress_bar() -> AbstractContextManager:
    """The progress bar on stderr (rich is imported here: only a terminal shows it)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    return Progress(
        "analyzing", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=Console(file=sys.stderr), transient=True,
    )


def run(args: argparse.Namespace) -> int:
    with open_input(args) as source:
        kernels.compile_all()
        pipeline = Pipeline(source.sensors)
        show = sys.stderr.isatty() and source.size_bytes >= PROGRESS_MIN_BYTES
        progress = progress_bar() if show else nullcontext()
        with StepsCsvWriter(args.out) as writer, progress:
            task = progress.add_task("analyze", total=source.size_bytes) if show else None
            session = Session(pipeline, step_sinks=[writer])
            for window in windows(source.items(speed=0.0), BATCH):
                session.process(window)
                if task is not None:
                    progress.update(task, completed=source.bytes_read)
            session.finish()
        for note in source.notes():
            print(f"note: {note}", file=sys.stderr)
        if pipeline.malformed_packets:
            print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)
        if writer.rows == 0:
            print(f"note: no steps detected; {args.out} has only its header", file=sys.stderr)
        else:
            print(f"{writer.rows} steps written to {args.out}", file=sys.stderr)
    return 0
