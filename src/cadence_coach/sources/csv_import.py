"""Import of generic CSV sensor logs (format in docs/csv-import.md).

A header row names the columns: ``t`` (seconds) and any of ``ax,ay,az`` (one full triad),
``gx,gy,gz`` (one full triad) and ``baro_pa``; other columns are ignored. Without ``t`` the sample rate
must be given and sample ``i`` (counting every data row, bad ones included) is at ``i / rate`` s.

The session time base of an imported file *is* the file's own time: block times are the ``t`` values
as written (or ``i / rate``), not shifted to start at 0, so everything derived from them (steps.csv)
can be matched against the file.

A partial triad (say ``ax,ay`` without ``az``) is refused rather than zero-filled: a zero axis would
look like a real, perfectly still axis, bias the acceleration magnitude (impact) and mislead the
mounting estimate, which looks for gravity in all three axes.

The file is read in chunks and parsed with numpy; rows that cannot be used (wrong field count,
non-numeric or missing values) are counted and skipped. Time that goes backwards or repeats, a missing
or absurd rate, an empty file or a file without motion columns raise :class:`UserError`.
"""

from __future__ import annotations

import io
import itertools
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..datatypes import GRAVITY, Placement, SampleBlock, SensorInfo, Side
from ..errors import UserError, file_errors
from ..profiles import CSV_IMPORT_PROFILE

ACC_COLUMNS = ("ax", "ay", "az")
GYRO_COLUMNS = ("gx", "gy", "gz")
TIME_COLUMN = "t"
BARO_COLUMN = "baro_pa"
ACC_UNITS = {"mps2": 1.0, "g": GRAVITY}
"""Accelerometer unit name -> factor to m/s^2."""
GYRO_UNITS = {"rads": 1.0, "dps": math.pi / 180.0}
"""Gyroscope unit name -> factor to rad/s."""
MIN_RATE_HZ = 10.0
MAX_RATE_HZ = 10_000.0
GAP_FACTOR = 3.0
"""A step in time longer than this many median sample periods marks lost samples (``gap_before``)."""
CHUNK_BYTES = 1 << 20


@dataclass(slots=True)
class _Rows:
    """Parsed good rows of one chunk: values of the used columns and their 1-based line numbers."""

    values: np.ndarray
    lines: np.ndarray
    index: np.ndarray  # data-row index (0 = first row after the header), for --rate timing


class CsvSource:
    """Reads a CSV file as :class:`SampleBlock` s of one sensor (index ``sensor``).

    Args:
        path: the CSV file.
        placement: where the sensor was worn.
        side: which side, if known.
        rate_hz: sample rate, Hz; used only when the file has no ``t`` column.
        acc_unit: ``"mps2"`` (m/s^2) or ``"g"``.
        gyro_unit: ``"dps"`` (degrees/s) or ``"rads"`` (rad/s).
        block_s: nominal block length, s; blocks also end at gaps and chunk boundaries.
        sensor: sensor index the blocks carry.
        chunk_bytes: bytes read from the file at a time.

    Attributes:
        sensor_info: the sensor, profile ``csv-import``, address = the file name.
        bad_rows: rows skipped so far; ``first_bad`` describes the first one.
        ignored_columns: header names that are not used.
        size_bytes / bytes_read: file size and how much of it has been read (for progress).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        placement: Placement,
        side: Side | None = None,
        rate_hz: float | None = None,
        acc_unit: str = "mps2",
        gyro_unit: str = "dps",
        block_s: float = 1.0,
        sensor: int = 0,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.path = Path(path)
        self.chunk_bytes = chunk_bytes
        if acc_unit not in ACC_UNITS:
            raise UserError(f"unknown accelerometer unit {acc_unit!r} (use g or mps2)")
        if gyro_unit not in GYRO_UNITS:
            raise UserError(f"unknown gyroscope unit {gyro_unit!r} (use dps or rads)")
        if rate_hz is not None:
            _check_rate(rate_hz, "--rate")
        self.rate_hz = rate_hz
        self.block_s = block_s
        self.sensor = sensor
        self.sensor_info = SensorInfo(CSV_IMPORT_PROFILE, placement, side, address=self.path.name)
        self.bad_rows = 0
        self.first_bad: str | None = None
        self._first_bad_line = 0
        with file_errors(self.path, "the CSV file"):
            self._file: BinaryIO = open(self.path, "rb")
        self.size_bytes = os.fstat(self._file.fileno()).st_size
        self.bytes_read = 0
        try:
            self._read_header(acc_unit, gyro_unit)
        except UserError:
            self._file.close()
            raise

    def _read_header(self, acc_unit: str, gyro_unit: str) -> None:
        first = self._file.readline()
        self.bytes_read = len(first)
        text = first.decode("utf-8", errors="replace").removeprefix("\ufeff").strip()
        if not text:
            raise UserError(f"{self.path}: empty file (expected a header row such as t,ax,ay,az,gx,gy,gz)")
        names = [c.strip().strip('"').strip().lower() for c in text.split(",")]
        dupes = sorted({n for n in names if names.count(n) > 1 and n})
        if dupes:
            raise UserError(f"{self.path}: column {dupes[0]!r} appears more than once in the header")
        self.n_fields = len(names)
        col = {n: i for i, n in enumerate(names)}
        used: list[int] = []

        def take(group: tuple[str, ...], what: str) -> slice | None:
            present = [c for c in group if c in col]
            if not present:
                return None
            if len(present) < len(group):
                missing = ", ".join(c for c in group if c not in col)
                raise UserError(
                    f"{self.path}: {what} needs all of {','.join(group)} (missing {missing}); "
                    "a partial axis set is not imported"
                )
            start = len(used)
            used.extend(col[c] for c in group)
            return slice(start, start + len(group))

        self._acc = take(ACC_COLUMNS, "the accelerometer")
        self._gyro = take(GYRO_COLUMNS, "the gyroscope")
        if self._acc is None and self._gyro is None:
            raise UserError(
                f"{self.path}: no accelerometer (ax,ay,az) or gyroscope (gx,gy,gz) columns in the header "
                f"(found: {', '.join(names)})"
            )
        self._time = self._baro = None
        if TIME_COLUMN in col:
            self._time = len(used)
            used.append(col[TIME_COLUMN])
        elif self.rate_hz is None:
            raise UserError(f"{self.path}: no t column: give the sample rate with --rate HZ")
        if BARO_COLUMN in col:
            self._baro = len(used)
            used.append(col[BARO_COLUMN])
        self._usecols = used
        self._required = [i for i in range(len(used)) if i != self._baro]
        self._acc_scale = ACC_UNITS[acc_unit]
        self._gyro_scale = GYRO_UNITS[gyro_unit]
        known = set(ACC_COLUMNS + GYRO_COLUMNS + (TIME_COLUMN, BARO_COLUMN))
        self.ignored_columns = [n for n in names if n and n not in known]

    # -- reading --------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[SampleBlock]:
        """The file's samples as blocks, in order (the file is read once)."""
        chunks = self._chunks()
        pending: list[_Rows] = []
        need = 2 if self._time is not None else 1
        for rows in chunks:  # collect enough rows to know the sample period
            pending.append(rows)
            if sum(len(r.lines) for r in pending) >= need:
                break
        if sum(len(r.lines) for r in pending) < need:
            what = "data rows" if need == 1 else "two valid data rows (to derive the sample rate from t)"
            raise UserError(f"{self.path}: no usable data: need at least {what}")
        first = _concat(pending)
        period = self._period(first)
        prev_t: float | None = None
        prev_line = 0
        for rows in itertools.chain([first], chunks):
            t = self._times(rows, period)
            if len(t) == 0:
                continue
            _check_monotonic(self.path, t, rows.lines, prev_t, prev_line)
            steps = np.diff(t, prepend=t[0] if prev_t is None else prev_t)
            gaps = np.flatnonzero(steps > GAP_FACTOR * period)
            yield from self._blocks(rows, t, gaps, period)
            prev_t, prev_line = float(t[-1]), int(rows.lines[-1])

    def _period(self, rows: _Rows) -> float:
        if self._time is None:
            assert self.rate_hz is not None
            return 1.0 / self.rate_hz
        t = rows.values[:, self._time]
        _check_monotonic(self.path, t, rows.lines, None, 0)
        median = float(np.median(np.diff(t)))
        _check_rate(1.0 / median, "the t column's median sample rate", hint=" (is t in seconds?)")
        return median

    def _times(self, rows: _Rows, period: float) -> np.ndarray:
        if self._time is not None:
            return rows.values[:, self._time]
        return rows.index * period

    def _blocks(self, rows: _Rows, t: np.ndarray, gaps: np.ndarray, period: float) -> Iterator[SampleBlock]:
        per_block = max(1, round(self.block_s / period))
        starts = sorted({0, *gaps.tolist(), *range(0, len(t), per_block)})
        gap_set = set(gaps.tolist())
        v = rows.values
        for a, b in zip(starts, starts[1:] + [len(t)]):
            acc = v[a:b, self._acc] * self._acc_scale if self._acc else None
            gyro = v[a:b, self._gyro] * self._gyro_scale if self._gyro else None
            baro = v[a:b, self._baro].copy() if self._baro is not None else None
            yield SampleBlock(
                sensor=self.sensor,
                t=t[a:b].copy(),
                acc=acc,
                gyro=gyro,
                baro_pa=baro,
                t_arrival=float(t[b - 1]),
                gap_before=a in gap_set,
                arrival=t[a:b].copy(),  # as if streamed: each sample is there when it is taken
            )

    def _chunks(self) -> Iterator[_Rows]:
        """Good rows of each chunk of the file, in order."""
        line_no = 1  # the header
        data_index = 0
        rest = b""
        while True:
            data = self._file.read(self.chunk_bytes)
            self.bytes_read += len(data)
            if data:
                data = rest + data
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            else:
                data, rest = rest, b""
                if not data:
                    return
            lines = data.decode("utf-8", errors="replace").split("\n")
            if lines[-1] == "":
                lines.pop()
            numbers = np.arange(line_no + 1, line_no + 1 + len(lines))
            line_no += len(lines)
            rows, data_index = self._parse(lines, numbers, data_index)
            if len(rows.lines):
                yield rows

    def _parse(self, lines: list[str], numbers: np.ndarray, data_index: int) -> tuple[_Rows, int]:
        """Vectorised parse of a list of lines; returns the good rows and the next data-row index."""
        nonblank = np.fromiter((bool(s.strip()) for s in lines), bool, len(lines))
        lines = [s for s, keep in zip(lines, nonblank) if keep]
        numbers = numbers[nonblank]
        index = np.arange(data_index, data_index + len(lines))
        fields = np.fromiter((s.count(",") + 1 for s in lines), np.int64, len(lines))
        ok = fields == self.n_fields
        for k in np.flatnonzero(~ok)[:1]:
            self._bad(int(numbers[k]), f"{fields[k]} fields, the header has {self.n_fields}")
        self.bad_rows += int(np.count_nonzero(~ok))
        good = [s for s, keep in zip(lines, ok) if keep]
        numbers, index = numbers[ok], index[ok]
        next_index = data_index + len(lines)
        if not good:
            return _Rows(np.empty((0, len(self._usecols))), numbers, index), next_index
        try:
            values = np.loadtxt(
                io.StringIO("\n".join(good)),
                delimiter=",",
                usecols=self._usecols,
                comments=None,
                ndmin=2,
                dtype=np.float64,
            )
        except ValueError:
            values, keep = self._parse_slowly(good, numbers)
            numbers, index = numbers[keep], index[keep]
        finite = np.isfinite(values[:, self._required]).all(axis=1)
        for k in np.flatnonzero(~finite)[:1]:
            self._bad(int(numbers[k]), "missing or non-finite value")
        self.bad_rows += int(np.count_nonzero(~finite))
        values = values[finite]
        if self._baro is not None:
            baro = values[:, self._baro]
            baro[~np.isfinite(baro)] = np.nan
        return _Rows(values, numbers[finite], index[finite]), next_index

    def _parse_slowly(self, lines: list[str], numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row by row, for chunks that hold a non-numeric value; an empty ``baro_pa`` reads as NaN."""
        out = np.empty((len(lines), len(self._usecols)))
        keep = np.ones(len(lines), bool)
        for r, line in enumerate(lines):
            cells = line.split(",")
            for j, c in enumerate(self._usecols):
                cell = cells[c].strip()
                try:
                    out[r, j] = float(cell) if cell or j != self._baro else math.nan
                except ValueError:
                    keep[r] = False
                    self.bad_rows += 1
                    self._bad(int(numbers[r]), f"non-numeric value {cell[:20]!r}")
                    break
        return out[keep], keep

    def _bad(self, line: int, reason: str) -> None:
        if self.first_bad is None or line < self._first_bad_line:
            self.first_bad = f"line {line}: {reason}"
            self._first_bad_line = line

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "CsvSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_rate(rate_hz: float, what: str, hint: str = "") -> None:
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise UserError(f"{what} is {rate_hz:g} Hz: expected {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g} Hz{hint}")


def _check_monotonic(
    path: Path, t: np.ndarray, lines: np.ndarray, prev_t: float | None, prev_line: int
) -> None:
    steps = np.diff(t, prepend=-math.inf if prev_t is None else prev_t)
    bad = np.flatnonzero(steps <= 0)
    if len(bad):
        k = int(bad[0])
        before, before_line = (t[k - 1], lines[k - 1]) if k > 0 else (prev_t, prev_line)
        raise UserError(
            f"{path}: non-monotonic time at line {lines[k]}: t={t[k]:g} s does not come after "
            f"t={before:g} s (line {before_line})"
        )


def _concat(parts: list[_Rows]) -> _Rows:
    if len(parts) == 1:
        return parts[0]
    return _Rows(
        np.concatenate([p.values for p in parts]),
        np.concatenate([p.lines for p in parts]),
        np.concatenate([p.index for p in parts]),
    )
