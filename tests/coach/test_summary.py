"""Session summary figures: time per descent band, cadence flat and downhill, heel strikes, cues given."""

import pytest

from cadence_coach.coach.coach import Coach
from cadence_coach.coach.descent import Band
from tests.support.steps import Segment, make_steps, run


def test_summary_figures():
    coach = Coach()
    segs = [
        Segment(180),
        Segment(60, grade_pct=-3.0, cadence_spm=180.0, strike_angle_deg=12.0),
        Segment(60, grade_pct=-7.0, cadence_spm=180.0),
        Segment(60, grade_pct=-12.0, cadence_spm=180.0),
        Segment(60),
    ]
    cues = run(coach, make_steps(segs))
    s = coach.summary
    assert s.descents == 1
    assert s.descent_time_s[Band.GENTLE] == pytest.approx(60.0, abs=3.0)
    assert s.descent_time_s[Band.MODERATE] == pytest.approx(60.0, abs=1.0)
    assert s.descent_time_s[Band.STEEP] == pytest.approx(60.0, abs=1.0)
    assert s.flat_cadence_spm == 170.0 and s.descent_cadence_spm == 180.0
    # steps count from confirmation (about 2.7 s in at 1.5 pp below the reference grade) to the exit
    # (about 2 s after the grade recovers): 172 heel strikes of the -3 % stretch's 60 s among 538
    assert s.descent_heel_strike_share == pytest.approx(172 / 538, abs=0.02)
    assert sum(s.cues.values()) == len(cues) and s.cues["ease_off"] >= 1
    lines = s.lines()
    assert (
        lines[0].startswith("descents: 1, 3:0") and "cadence: flat 170 spm, descents 180 spm (+6 %)" in lines
    )
    assert "heel strikes on descents: 32 %" in lines
    assert (
        s.spoken()
        == "3 minutes downhill, cadence 180 downhill versus 170 on the flat, 32 percent heel strikes downhill."
    )


def test_summary_without_descents():
    coach = Coach()
    run(coach, make_steps([Segment(60)]))
    assert coach.summary.spoken() == "No descents this run."
    assert coach.summary.descent_heel_strike_share is None
