"""Property tests of the CSV importer: any file is imported or refused with one line naming it (a
UserError), and every data row is either a sample or a counted bad row."""

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence_coach.datatypes import Placement
from cadence_coach.errors import UserError
from cadence_coach.sources.csv_import import CsvSource

FOLDER = Path(tempfile.mkdtemp(prefix="csv-fuzz-"))
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COLUMNS = ["t", "ax", "ay", "az", "gx", "gy", "gz", "baro_pa", "note"]
CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", "x", "nan", "-", "1e400", "0x10", " 3 ", '"2"', "1,5"]),
)


def read(data: bytes, chunk_bytes: int = 1 << 20, **kw):
    """(samples, bad rows, data rows) or the UserError's message."""
    path = FOLDER / "in.csv"
    path.write_bytes(data)
    try:
        with CsvSource(path, Placement.FOOT, chunk_bytes=chunk_bytes, **kw) as src:
            blocks = list(src)
    except UserError as exc:
        message = str(exc)
        assert "\n" not in message and str(path) in message, message
        return message
    for b in blocks:
        assert len(b) and np.all(np.diff(b.t) > 0) and np.isfinite(b.t).all()
    return sum(len(b) for b in blocks), src.bad_rows


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([None, 100.0]))
def test_any_bytes_are_imported_or_refused_in_one_line(data, rate):
    read(data, rate_hz=rate)


@SETTINGS
@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=40),
    st.sampled_from([None, 200.0]),
    st.sampled_from([64, 1 << 20]),
)
def test_any_table_is_imported_or_refused_and_every_row_is_counted(header, rows, rate, chunk):
    text = ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows if r)
    got = read(text.encode(), chunk_bytes=chunk, rate_hz=rate)
    if isinstance(got, str):
        return
    samples, bad = got
    assert samples + bad == sum(1 for r in rows if r and ",".join(r).strip())


@SETTINGS
@given(st.integers(5, 400), st.integers(0, 50), st.sampled_from([64, 1 << 20]))
def test_good_rows_with_damaged_ones_keep_the_good(n, damaged, chunk):
    rng = np.random.default_rng(n)
    lines = [
        f"{i * 0.005:.3f},{a:.4f},{b:.4f},{c:.4f}" for i, (a, b, c) in enumerate(rng.normal(0, 3, (n, 3)))
    ]
    bad = rng.choice(n, min(damaged, n), replace=False)
    for k in bad:
        lines[k] = lines[k].replace(",", ";", 1)  # one field short: a bad row
    got = read(("t,ax,ay,az\n" + "\n".join(lines) + "\n").encode(), chunk_bytes=chunk)
    kept = np.setdiff1d(np.arange(n), bad)
    if kept.size < 2:
        assert isinstance(got, str)  # fewer than two rows left to import: one line says so
        return
    if isinstance(got, str):  # the rate comes from the first chunk's rows: damage may thin them out
        assert "sample rate" in got and np.diff(kept).max() * 0.005 > 0.1, got  # below 10 Hz there
    else:
        assert got == (n - len(bad), len(bad))
