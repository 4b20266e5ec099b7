"""Import of generic CSV sensor logs (format in docs/csv-import.md).

A header row names the columns: ``t`` (seconds), any of ``ax,ay,az`` and ``gx,gy,gz`` and
``baro_pa``; other columns are ignored. Without ``t`` the sample rate must be given and sample ``i``
(counting every data row, bad ones included) is at ``i / rate`` s.

Partial axis sets (the representation every detector reads, see ``datatypes.SampleBlock``): any subset
of the six motion axes is imported. Blocks carry ``acc`` and ``gyro`` as (n, 3) arrays whose missing
axes are NaN columns, or None when no axis of that sensor is there; ``CsvSource.acc_axes`` /
``gyro_axes`` (and each block's) say which are measured. A missing axis is never zero-filled: a zero
axis would look like a real, perfectly still axis. An axis column that is empty, non-numeric or NaN in
every row, or constant (every value the same: a logger's placeholder for an axis it does not have; a
real axis always shows some noise), is ignored with a note; this is judged on the first chunk of the
file (1 MiB, minutes of samples). When every axis is constant (a sensor that never moved) they are kept:
there are no steps, which is the right answer. A file with no usable axis at all (only ``t``, or only
``baro_pa``) raises :class:`UserError`.

The session time base of an imported file *is* the file's own time: block times are the ``t`` values
as written (or ``i / rate``), not shifted to start at 0, so everything derived from them (steps.csv)
can be matched against the file.

The file is read in chunks and parsed with numpy; rows that cannot be used (wrong field count,
non-numeric or missing values in a used column) are counted and skipped. Time that goes backwards or
repeats, a missing or absurd rate, an empty file or a file without motion columns raise
:class:`UserError`.
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
        self._names = names
        col = {n: i for i, n in enumerate(names)}
        candidates = [c for c in ACC_COLUMNS + GYRO_COLUMNS if c in col]
        if not candidates:
            raise UserError(
                f"{self.path}: nothing to detect steps from: no accelerometer (ax, ay, az) or gyroscope "
                f"(gx, gy, gz) column in the header (found: {', '.join(n for n in names if n)})"
            )
        if TIME_COLUMN not in col and self.rate_hz is None:
            raise UserError(f"{self.path}: no t column: give the sample rate with --rate HZ")
        self._head = self._file.read(CHUNK_BYTES)
        self.bytes_read += len(self._head)
        self.ignored_axes = self._unusable_axes(candidates, col)
        axes = [c for c in candidates if c not in self.ignored_axes]
        if not axes:
            raise UserError(
                f"{self.path}: nothing to detect steps from: every motion column is empty or not numeric "
                f"({', '.join(candidates)})"
            )
        used = [col[c] for c in axes]
        self._acc = [axes.index(c) if c in axes else -1 for c in ACC_COLUMNS]
        self._gyro = [axes.index(c) if c in axes else -1 for c in GYRO_COLUMNS]
        self.acc_axes = (self._acc[0] >= 0, self._acc[1] >= 0, self._acc[2] >= 0)
        self.gyro_axes = (self._gyro[0] >= 0, self._gyro[1] >= 0, self._gyro[2] >= 0)
        self._time = self._baro = None
        if TIME_COLUMN in col:
            self._time = len(used)
            used.append(col[TIME_COLUMN])
        if BARO_COLUMN in col:
            self._baro = len(used)
            used.append(col[BARO_COLUMN])
        self._usecols = used
        self._required = [i for i in range(len(used)) if i != self._baro]
        self._acc_scale = ACC_UNITS[acc_unit]
        self._gyro_scale = GYRO_UNITS[gyro_unit]
        known = set(ACC_COLUMNS + GYRO_COLUMNS + (TIME_COLUMN, BARO_COLUMN))
        self.ignored_columns = [n for n in names if n and n not in known]

    def _unusable_axes(self, candidates: list[str], col: dict[str, int]) -> dict[str, str]:
        """Axis columns of the first chunk that carry no measurement: name -> why (``"no numeric
        value"`` or ``"constant"``). Constant axes are kept when every axis is constant."""
        text = self._head.decode("utf-8", errors="replace")
        if len(self._head) == CHUNK_BYTES:
            text = text[: text.rfind("\n") + 1]  # the last line may be cut
        every = _load_whole(text, self.n_fields)  # well-formed lines: parsed at once, else cell by cell
        self._head_parsed = (text, every)  # kept for the first chunk's rows
        if every is None:
            cells = [line.split(",") for line in text.split("\n") if line.strip()]
            cells = [c for c in cells if len(c) == self.n_fields]
        empty, constant = {}, {}
        for name in candidates:
            if every is not None:
                values = every[:, col[name]]
            else:
                values = _floats([c[col[name]] for c in cells])
            values = values[np.isfinite(values)]
            if values.size == 0:
                empty[name] = "no numeric value"
            elif values.size > 1 and np.all(values == values[0]):
                constant[name] = "constant"
        if len(empty) + len(constant) == len(candidates):
            return empty  # nothing moves: keep the constant axes (a sensor at rest has no steps)
        return empty | constant

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
        _check_rate(
            1.0 / median, f"{self.path}: the t column's median sample rate", hint=" (is t in seconds?)"
        )
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
            acc = _triad(v[a:b], self._acc, self._acc_scale)
            gyro = _triad(v[a:b], self._gyro, self._gyro_scale)
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
        head, self._head = self._head, b""
        while True:
            data = head or self._file.read(self.chunk_bytes)
            if not head:
                self.bytes_read += len(data)
            head = b""
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
            text = data.decode("utf-8", errors="replace")
            fast = self._parse_whole(text, line_no, data_index)
            if fast is not None:
                rows, line_no, data_index = fast
            else:
                lines = text.split("\n")
                if lines[-1] == "":
                    lines.pop()
                numbers = np.arange(line_no + 1, line_no + 1 + len(lines))
                line_no += len(lines)
                rows, data_index = self._parse(lines, numbers, data_index)
            if len(rows.lines):
                yield rows

    def _parse_whole(self, text: str, line_no: int, data_index: int) -> tuple[_Rows, int, int] | None:
        """A chunk of well-formed lines parsed in one call (most files): the good rows, the last line's
        number and the next data-row index; None if any line is blank, has another number of fields than
        the header or a value that is not a number (:meth:`_parse` then sorts them out line by line)."""
        head, every = self._head_parsed
        self._head_parsed = ("", None)
        if text != head:
            every = _load_whole(text, self.n_fields)
        if every is None:
            return None
        n = len(every)
        values = every[:, self._usecols]
        numbers = np.arange(line_no + 1, line_no + 1 + n)
        index = np.arange(data_index, data_index + n)
        return self._keep_finite(values, numbers, index), line_no + n, data_index + n

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
        return self._keep_finite(values, numbers, index), next_index

    def _keep_finite(self, values: np.ndarray, numbers: np.ndarray, index: np.ndarray) -> _Rows:
        """The parsed rows whose motion values are all finite (the others counted as bad rows); a
        barometer reading that is not finite becomes NaN (unknown) without dropping its row."""
        finite = np.isfinite(values[:, self._required]).all(axis=1)
        for k in np.flatnonzero(~finite)[:1]:
            self._bad(int(numbers[k]), "missing or non-finite value")
        self.bad_rows += int(np.count_nonzero(~finite))
        values = values[finite]
        if self._baro is not None:
            values[~np.isfinite(values[:, self._baro]), self._baro] = np.nan
        return _Rows(values, numbers[finite], index[finite])

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

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _load_whole(text: str, n_fields: int) -> np.ndarray | None:
    """Every column of ``text``'s lines as floats, one row per line, if every line has ``n_fields``
    numbers (the common case, parsed in one call); else None (blank or ragged lines, text, CR-LF)."""
    n = text.count("\n") + (not text.endswith("\n"))
    if not text or "\r" in text or text.count(",") != n * (n_fields - 1):
        return None
    try:  # every column: loadtxt then checks that each row has the same number of fields
        every = np.loadtxt(io.StringIO(text), delimiter=",", comments=None, ndmin=2, dtype=np.float64)
    except ValueError:
        return None
    return every if every.shape == (n, n_fields) else None  # not if blank lines were skipped


def _floats(cells: list[str]) -> np.ndarray:
    """The cells as floats; NaN where a cell is empty or not a number."""
    try:
        return np.array(cells, dtype=np.float64)
    except ValueError:
        out = np.full(len(cells), np.nan)
        for i, cell in enumerate(cells):
            try:
                out[i] = float(cell)
            except ValueError:
                pass
        return out


def _triad(values: np.ndarray, columns: list[int], scale: float) -> np.ndarray | None:
    """The (n, 3) triad of a sensor from the parsed ``values``: ``columns[k]`` is the value column of
    axis k or -1 (not measured: NaN); None when no axis is measured."""
    if max(columns) < 0:
        return None
    out = np.full((values.shape[0], 3), np.nan)
    for k, c in enumerate(columns):
        if c >= 0:
            out[:, k] = values[:, c] * scale
    return out


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
