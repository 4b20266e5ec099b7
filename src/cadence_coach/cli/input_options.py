"""Input flags shared by the commands that read a recording or a CSV file (replay, analyze).

:func:`add_input_arguments` adds ``--format`` and the CSV import flags to a parser; :func:`open_input`
opens the input named on the command line as an :class:`OpenedInput`, which yields packets (from a
recording: one by one when paced, in bulk as fast as possible) or sample blocks (from a CSV file) for the
pipeline.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..datatypes import PacketBatch, Placement, RawPacket, SampleBlock, SensorInfo, Side
from ..errors import UserError, file_errors
from ..gait.measurable import axes_note
from ..sources.csv_import import ACC_UNITS, GYRO_UNITS, CsvSource
from ..sources.recording import MAGIC, RecordedEvent, RecordingReader
from ..sources.replay import WallClock, paced, record_time

FORMATS = ("auto", "recording", "csv")
CSV_FLAGS = ("placement", "side", "rate", "acc_unit", "gyro_unit")

Item = RawPacket | PacketBatch | RecordedEvent | SampleBlock


def rate_value(text: str) -> float:
    """Parse ``--rate``: a number (its range is checked by the CSV import)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid rate {text!r}: give the sample rate in Hz") from None


def add_input_arguments(parser: argparse.ArgumentParser, several: bool = False) -> None:
    """Add the positional INPUT (a list of them with ``several``: zero or more, the command checks that
    some are given), ``--format`` and the CSV import flags to ``parser``."""
    if several:
        parser.add_argument(
            "input", nargs="*", help="recordings (.ccrec) or CSV files (see docs/csv-import.md)"
        )
    else:
        parser.add_argument("input", help="a recording (.ccrec) or a CSV file (see docs/csv-import.md)")
    add_import_arguments(parser)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--format`` and the CSV import flags (not the input) to ``parser``."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="input format; auto (default): a .csv name or text content is CSV, anything else a recording",
    )
    csv = parser.add_argument_group("CSV import (docs/csv-import.md)")
    csv.add_argument(
        "--placement",
        choices=[p.value for p in Placement],
        help="where the sensor was worn (required for CSV)",
    )
    csv.add_argument("--side", choices=[s.value for s in Side], help="which side, if known")
    csv.add_argument(
        "--rate", type=rate_value, metavar="HZ", help="sample rate when the file has no t column"
    )
    csv.add_argument("--acc-unit", choices=sorted(ACC_UNITS), help="accelerometer unit (default mps2)")
    csv.add_argument("--gyro-unit", choices=sorted(GYRO_UNITS), help="gyroscope unit (default dps)")


def detect_format(path: Path) -> str:
    """``"csv"`` for a .csv name or a file that starts as text, else ``"recording"`` (always for a .ccrec
    name or the start of the recording magic). :class:`UserError` for a JSON file (a ``.truth.json``)."""
    if path.suffix.lower() == ".csv":
        return "csv"
    with file_errors(path, "the input file"), open(path, "rb") as f:
        head = f.read(4096)
    if path.suffix.lower() == ".ccrec" or not head or MAGIC.startswith(head[:8]) or b"\x00" in head:
        return "recording"
    if path.name.endswith(".json") or head.lstrip()[:1] in (b"{", b"["):
        raise UserError(f"{path}: not a cadence-coach recording nor a CSV file (it holds JSON)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a multi-byte character cut at the end of the sample is fine
            return "recording"
    return "csv"


class OpenedInput:
    """A recording or a CSV file, open for the pipeline.

    Attributes:
        path: the input file.
        kind: ``"recording"`` or ``"csv"``.
        sensors: the sensors (index = ``sensor`` of packets and blocks).
        size_bytes: file size, bytes (progress is :attr:`bytes_read` of it).
    """

    def __init__(self, path: Path, reader: RecordingReader | None, csv: CsvSource | None) -> None:
        self.path = path
        self._reader = reader
        self._csv = csv
        self.kind = "csv" if csv is not None else "recording"
        self.sensors: list[SensorInfo] = (
            [csv.sensor_info] if csv is not None else reader.header.sensors  # type: ignore[union-attr]
        )
        self.size_bytes = os.path.getsize(path)

    @property
    def bytes_read(self) -> int:
        """Bytes of the input read so far."""
        return self._csv.bytes_read if self._csv else self._reader.bytes_read  # type: ignore[union-attr]

    def items(self, speed: float = 0.0, clock: WallClock = time) -> Iterator[Item]:
        """Packets and events (recording) or sample blocks (CSV), paced by ``speed`` on ``clock``.

        At speed 0 (no waiting) a recording's packets come in bulk, as :class:`PacketBatch` es (a session
        processes them in the same windows as packets one by one, see ``session.windows``)."""
        if self._csv is not None:
            return paced(self._csv, speed, lambda b: b.t_arrival, clock)
        assert self._reader is not None
        if speed == 0:
            return self._reader.batches()
        return paced(self._reader.records(), speed, record_time, clock)

    def notes(self) -> list[str]:
        """What the user should know after reading: skipped rows or records, truncation."""
        out = []
        if self._csv is not None:
            if self._csv.bad_rows:
                out.append(f"{self._csv.bad_rows} bad rows skipped (first: {self._csv.first_bad})")
            if self._csv.ignored_columns:
                out.append(f"columns ignored: {', '.join(self._csv.ignored_columns)}")
            name = self.path.name
            for axis, why in self._csv.ignored_axes.items():
                out.append(f"{name}: column {axis} ignored ({why})")
            lost = axes_note(self._csv.sensor_info.placement, self._csv.acc_axes, self._csv.gyro_axes)
            if lost:
                out.append(f"{name}: {lost}")
        elif self._reader is not None:
            r = self._reader
            if r.damaged_spans:
                skipped = sum(s.size for s in r.damaged_spans)
                out.append(
                    f"{self.path.name}: {len(r.damaged_spans)} damaged spans skipped ({skipped} bytes), "
                    "every intact record after them read; `cadence-coach check` lists them"
                )
            if r.truncated:
                out.append("the recording ends in a partial record (a session that was cut short)")
            if r.corrupt_records:
                out.append(f"{r.corrupt_records} unusable records skipped")
        return out

    def close(self) -> None:
        if self._csv is not None:
            self._csv.close()
        if self._reader is not None:
            self._reader.close()

    def __enter__(self) -> OpenedInput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_input(args: argparse.Namespace, block_s: float = 1.0, path: Path | None = None) -> OpenedInput:
    """Open ``args.input`` (or ``path``) as given by the flags of :func:`add_input_arguments`.

    Args:
        args: parsed arguments.
        block_s: length of CSV sample blocks, s (shorter blocks pace a replay more smoothly).
        path: the input to open, when ``args.input`` lists several.
    """
    path = Path(args.input) if path is None else path
    kind = args.format if args.format != "auto" else detect_format(path)
    if kind == "recording":
        given = [f"--{f.replace('_', '-')}" for f in CSV_FLAGS if getattr(args, f) is not None]
        if given:
            raise UserError(f"{', '.join(given)} only apply to CSV input; {path} is read as a recording")
        return OpenedInput(path, RecordingReader(path), None)
    if args.placement is None:
        raise UserError(f"{path}: CSV input needs --placement foot|shank|trunk|head")
    source = CsvSource(
        path,
        Placement(args.placement),
        Side(args.side) if args.side else None,
        rate_hz=args.rate,
        acc_unit=args.acc_unit or "mps2",
        gyro_unit=args.gyro_unit or "dps",
        block_s=block_s,
    )
    return OpenedInput(path, None, source)
