"""Session summary figures and the cues.csv writer."""

import csv

import pytest

from cadence_coach.coach.coach import Coach
from cadence_coach.coach.descent import Band
from cadence_coach.datatypes import Cue
from cadence_coach.errors import UserError
from cadence_coach.outputs.cues_csv import CuesCsvWriter, write_cues_csv
from coach_steps import Segment, make_steps, run


def test_summary_figures():
    coach = Coach()
    segs = [Segment(180), Segment(60, grade_pct=-3.0, cadence_spm=180.0, strike_angle_deg=12.0),
            Segment(60, grade_pct=-7.0, cadence_spm=180.0), Segment(60, grade_pct=-12.0, cadence_spm=180.0),
            Segment(60)]
    cues = run(coach, make_steps(segs))
    s = coach.summary
    assert s.descents == 1
    assert s.descent_time_s[Band.GENTLE] == pytest.approx(60.0, abs=3.0)
    assert s.descent_time_s[Band.MODERATE] == pytest.approx(60.0, abs=1.0)
    assert s.descent_time_s[Band.STEEP] == pytest.approx(60.0, abs=1.0)
    assert s.flat_cadence_spm == 170.0 and s.descent_cadence_spm == 180.0
    # steps count from confirmation (10 s in) to the exit (about 2 s after the grade recovers)
    assert s.descent_heel_strike_share == pytest.approx(50 / 172, abs=0.02)
    assert sum(s.cues.values()) == len(cues) and s.cues["ease_off"] >= 1
    lines = s.lines()
    assert lines[0].startswith("descents: 1, 3:0") and "cadence: flat 170 spm, descents 180 spm (+6 %)" in lines
    assert "heel strikes on descents: 29 %" in lines
    assert s.spoken() == "3 minutes downhill, cadence 180 downhill versus 170 on the flat, 29 percent heel strikes downhill."


def test_summary_without_descents():
    coach = Coach()
    run(coach, make_steps([Segment(60)]))
    assert coach.summary.spoken() == "No descents this run."
    assert coach.summary.descent_heel_strike_share is None


def test_cues_csv_round_trip(tmp_path):
    cues = [Cue(12.3456, "quick_feet", "Quick feet", "grade -7.8 %, cadence 158 < target 171 spm"),
            Cue(40.0, "eyes_up", "Eyes up", 'pitch 25 deg "down"')]
    path = tmp_path / "cues.csv"
    assert write_cues_csv(path, cues) == 2
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["t_s", "cue_id", "text", "reason"]
    assert rows[1] == ["12.346", "quick_feet", "Quick feet", "grade -7.8 %, cadence 158 < target 171 spm"]
    assert rows[2][3] == 'pitch 25 deg "down"'


def test_cues_csv_rows_are_on_disk_before_close(tmp_path):
    path = tmp_path / "cues.csv"
    writer = CuesCsvWriter(path)
    writer.write(Cue(1.0, "arms_low", "Relax, arms low", "95 s on this descent"))
    assert path.read_text().count("\n") == 2
    writer.close()


def test_cues_csv_unwritable_path_is_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot create the cues file"):
        CuesCsvWriter(tmp_path / "missing-dir" / "cues.csv")
