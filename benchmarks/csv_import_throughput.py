"""CSV import throughput: rows/s of the parser and x real time of ``analyze`` on a CSV file.

Writes (in a temporary folder) a CSV of one foot IMU at 400 Hz, t + 6 axes + pressure, then reads it
with CsvSource and runs ``cadence-coach analyze`` on it in-process.

    python benchmarks/csv_import_throughput.py [--minutes 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from cadence_coach.cli import main as cli
from cadence_coach.datatypes import Placement
from cadence_coach.sources.csv_import import CsvSource

RATE_HZ = 400.0


def write_csv(path: Path, seconds: float) -> int:
    """A synthetic file; returns its row count."""
    n = int(seconds * RATE_HZ)
    rng = np.random.default_rng(3)
    t = np.arange(n) / RATE_HZ
    data = np.c_[t, rng.normal(0, 20, (n, 3)), rng.normal(0, 300, (n, 3)), 101325 + rng.normal(0, 5, n)]
    np.savetxt(path, data, delimiter=",", header="t,ax,ay,az,gx,gy,gz,baro_pa", comments="", fmt="%.5f")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the file (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is shown")
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        rows = write_csv(path, seconds)
        print(f"csv: {args.minutes:g} min at {RATE_HZ:g} Hz, {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
        parse = []
        for _ in range(args.runs):
            start = time.process_time()
            with CsvSource(path, Placement.FOOT, acc_unit="mps2", gyro_unit="dps") as src:
                got = sum(len(b) for b in src)
            parse.append(time.process_time() - start)
            assert got == rows
        med = statistics.median(parse)
        print(
            f"CsvSource    cpu median {med:6.2f} s: {rows / med:9.0f} rows/s, {seconds / med:6.0f} x real time"
        )
        analyze = []
        argv = ["analyze", str(path), "--placement", "foot", "--out", str(Path(tmp) / "steps.csv")]
        for _ in range(args.runs):
            start = time.process_time()
            with contextlib.redirect_stderr(io.StringIO()):
                assert cli(argv) == 0
            analyze.append(time.process_time() - start)
        med = statistics.median(analyze)
        print(
            f"analyze csv  cpu median {med:6.2f} s: {rows / med:9.0f} rows/s, {seconds / med:6.0f} x real time"
        )


if __name__ == "__main__":
    main()
