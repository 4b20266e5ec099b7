"""A live session's cue log on a file that cannot grow (RLIMIT_FSIZE, the kernel refuses writes past it):
the first write error becomes one notice, later rows are dropped, and what reached the file is kept."""

import csv
import resource

from cadence_coach.datatypes import Cue
from cadence_coach.outputs.cues_csv import CuesCsvWriter
from cadence_coach.outputs.guard import WriteGuard

LIMIT_BYTES = 4096


def test_a_full_file_stops_the_log_once_and_keeps_its_rows(tmp_path):
    path = tmp_path / "cues.csv"
    notices: list[str] = []
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, limits[1]))
    try:
        with WriteGuard(
            CuesCsvWriter(path, keep_partial=True), path, "the cues file", notices.append
        ) as guard:
            for i in range(200):  # about 60 bytes a row: the limit is passed after some 65 rows
                guard.write(
                    Cue(float(i), "quick_feet", "Quick feet", f"cadence {150 + i % 9} < target 171 spm")
                )
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
    assert notices == [
        f"the cues file {path} stopped: the file size limit was reached; what was written is kept"
    ]
    assert guard.stopped == "the file size limit was reached"
    assert path.exists() and not list(tmp_path.glob(".cues.csv.*"))
    assert 0 < path.stat().st_size <= LIMIT_BYTES
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    whole = [r for r in rows[1:] if len(r) == 5]
    assert len(whole) >= 50
    assert [float(r[0]) for r in whole] == [float(i) for i in range(len(whole))]  # in order, none missing
