"""The cues.csv writer: columns, rounding, quoting, rows on disk as they come, unwritable paths."""

import csv

import pytest

from cadence_coach.datatypes import Cue
from cadence_coach.errors import UserError
from cadence_coach.outputs.cues_csv import CuesCsvWriter, write_cues_csv


def test_cues_csv_round_trip(tmp_path):
    cues = [
        Cue(
            12.3456,
            "quick_feet",
            "Quick feet",
            "grade -7.8 %, cadence 158 < target 171 spm",
            figures={"grade_pct": -7.8125, "cadence_spm": 158.0, "target_cadence_spm": 171.24999},
        ),
        Cue(40.0, "eyes_up", "Eyes up", 'pitch 25 deg "down"'),
    ]
    path = tmp_path / "cues.csv"
    assert write_cues_csv(path, cues) == 2
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["t_s", "cue_id", "text", "reason", "figures"]
    assert rows[1] == [
        "12.346",
        "quick_feet",
        "Quick feet",
        "grade -7.8 %, cadence 158 < target 171 spm",
        "grade_pct=-7.812;cadence_spm=158;target_cadence_spm=171.25",
    ]
    assert rows[2][3:] == ['pitch 25 deg "down"', ""]


def test_cues_csv_rows_are_on_disk_before_close(tmp_path):
    """In the temporary file next to the final one (which a killed session leaves behind), and the final
    file appears whole on close."""
    path = tmp_path / "cues.csv"
    writer = CuesCsvWriter(path)
    writer.write(Cue(1.0, "arms_low", "Relax, arms low", "95 s on this descent"))
    (tmp,) = tmp_path.glob(".cues.csv.*.tmp")
    assert tmp.read_text().count("\n") == 2 and not path.exists()
    writer.close()
    assert path.read_text().count("\n") == 2 and not tmp.exists()


def test_cues_csv_unwritable_path_is_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot create the cues file"):
        CuesCsvWriter(tmp_path / "missing-dir" / "cues.csv")
