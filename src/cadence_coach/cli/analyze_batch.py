"""``cadence-coach analyze IN1 IN2 ... --out-dir DIR [--jobs N]``: many inputs in one command.

The inputs come from the command line (the import flags apply to each) or from ``--manifest FILE``: JSON,
a list of ``{"file": PATH, "argv": [flags...]}`` (or an object with that list under ``"cases"``, as the
real-dev set's cases.json), PATH relative to FILE's folder; each entry's flags are parsed by the same
import-flag parser as the command line, with the command line's flags as defaults. An entry that cannot be
read is reported on one line and skipped like a failed input.

Start-up (imports, loading the compiled gait kernels) is paid once: the inputs are shared out to a pool of
worker processes started once for the whole batch (``--jobs``, default the core count; forked after the
kernels are loaded where the platform allows, so the workers start warm), or analyzed in this process
with ``--jobs 1``. Each input gives ``DIR/<input stem>.steps.csv`` and one summary line on stderr, in the
order of the command line; a progress bar over the files shows on a terminal. An input that fails is
reported on one line naming it and the problem, its partial steps file is removed, and the batch goes on;
the exit code is 2 if any input failed, else 0.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from .analyze import analyze_file
from .input_options import CSV_FLAGS, add_import_arguments

if TYPE_CHECKING:
    from rich.progress import Progress

EXIT_FAILED = 2


@dataclass(frozen=True, slots=True)
class FileResult:
    """One input's outcome: steps written and notes, or the error that stopped it."""

    input: str
    out: str
    rows: int = 0
    notes: tuple[str, ...] = ()
    error: str = ""

    def summary(self) -> str:
        """The one line reported for this input."""
        if self.error:
            problem = self.error if self.error.startswith(self.input) else f"{self.input}: {self.error}"
            return f"error: {problem}"
        notes = "".join(f"; note: {n}" for n in self.notes)
        found = f"{self.rows} steps" if self.rows else "no steps detected"
        return f"{self.input}: {found} -> {self.out}{notes}"


@dataclass(frozen=True, slots=True)
class Job:
    """One input to analyze, where to write its steps, and the input flags (as a namespace's dict)."""

    input: Path
    out: Path
    flags: dict


def analyze_job(job: Job) -> FileResult:
    """Analyze one input; never raises (the batch goes on whatever one file does)."""
    try:
        result = analyze_file(argparse.Namespace(**job.flags), job.input, job.out)
        return FileResult(str(job.input), str(job.out), result.rows, tuple(result.notes))
    except UserError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a file the readers did not foresee must not stop the batch
        error = f"cannot be analyzed ({type(exc).__name__}: {exc})"
    job.out.unlink(missing_ok=True)
    return FileResult(str(job.input), str(job.out), error=error)


Entry = tuple[str, dict]
"""One input to analyze: its path as given, and its import flags (``format`` and :data:`CSV_FLAGS`)."""


class EntryParser(argparse.ArgumentParser):
    """The import-flag parser for one manifest entry: its errors raise :class:`UserError`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(message)


def import_flags(args: argparse.Namespace) -> dict:
    """The import flags of a parsed command line."""
    return {name: getattr(args, name) for name in ("format", *CSV_FLAGS)}


def read_manifest(path: Path, defaults: dict) -> tuple[list[Entry], list[FileResult]]:
    """The entries of the manifest ``path`` (each entry's ``argv`` parsed over ``defaults``), and a failed
    result for each entry that cannot be read. A manifest that cannot be read at all raises UserError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: the manifest is not JSON ({exc})") from None
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UserError(f'{path}: the manifest must be a JSON list of entries or an object with "cases"')
    parser = EntryParser(prog="argv", add_help=False)
    add_import_arguments(parser)
    entries: list[Entry] = []
    bad: list[FileResult] = []
    for number, item in enumerate(items, start=1):
        file = item.get("file") if isinstance(item, dict) else None
        argv = item.get("argv", []) if isinstance(item, dict) else None
        name = f"{path} entry {number}"
        if not isinstance(file, str) or not file:
            bad.append(FileResult(name, "", error='needs "file": the input\'s path'))
            continue
        name = f"{name} ({file})"
        if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
            bad.append(FileResult(name, "", error='"argv" must be a list of strings'))
            continue
        try:
            flags = parser.parse_args(argv, argparse.Namespace(**defaults))
        except UserError as exc:
            bad.append(FileResult(name, "", error=str(exc)))
            continue
        entries.append((str(path.parent / file), vars(flags)))
    return entries, bad


def plan(entries: list[Entry], out_dir: Path) -> tuple[list[Job], list[FileResult]]:
    """A job per input, except inputs whose steps file would have the same name as an earlier one's
    (reported as failed)."""
    jobs: list[Job] = []
    clashes: list[FileResult] = []
    taken: dict[Path, str] = {}  # output file -> the input that claimed it
    for name, flags in entries:
        out = out_dir / f"{Path(name).stem}.steps.csv"
        if out in taken:
            clashes.append(FileResult(name, str(out), error=f"same output name {out.name} as {taken[out]}"))
            continue
        taken[out] = name
        jobs.append(Job(Path(name), out, flags))
    return jobs, clashes


def results(jobs: list[Job], workers: int) -> Iterator[FileResult]:
    """Each job's result, in order: in this process, or by a pool of ``workers`` processes."""
    if workers <= 1:
        yield from map(analyze_job, jobs)
        return
    from .preparing import prepare_step_detector

    prepare_step_detector()  # loaded once here; forked workers inherit them
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(analyze_job, jobs)


def files_progress() -> Progress:
    """The progress bar over files on stderr (rich is imported here: only a terminal shows it)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    return Progress(
        "analyzing",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )


def inputs(args: argparse.Namespace) -> tuple[list[Entry], list[FileResult]]:
    """The inputs to analyze (from the command line or the manifest), and the manifest entries that
    failed already."""
    if args.manifest is None:
        if not args.input:
            raise UserError("give the inputs to analyze, or --manifest FILE")
        return [(name, import_flags(args)) for name in args.input], []
    if args.input:
        raise UserError("give the inputs on the command line or in --manifest FILE, not both")
    return read_manifest(Path(args.manifest), import_flags(args))


def run_batch(args: argparse.Namespace) -> int:
    """Analyze every input (command line or manifest) into ``args.out_dir``; the exit code."""
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from None
    entries, failed = inputs(args)
    jobs, clashes = plan(entries, out_dir)
    failed += clashes
    for result in failed:
        print(result.summary(), file=sys.stderr)
    total = len(jobs) + len(failed)
    workers = min(args.jobs or os.cpu_count() or 1, len(jobs))
    progress = files_progress() if sys.stderr.isatty() else None
    steps = 0
    with progress if progress is not None else nullcontext():
        task = progress.add_task("files", total=len(jobs)) if progress is not None else None
        for result in results(jobs, workers):
            line = result.summary()
            if progress is not None and task is not None:
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
                progress.advance(task)
            else:
                print(line, file=sys.stderr)
            steps += result.rows
            if result.error:
                failed.append(result)
    tail = f"; {len(failed)} failed" if failed else ""
    print(
        f"{total - len(failed)} of {total} inputs analyzed, {steps} steps written to {out_dir}{tail}",
        file=sys.stderr,
    )
    return EXIT_FAILED if failed else 0
