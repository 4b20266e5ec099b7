"""Each cue's reason for people is one short line (under 80 characters); the full figures go to cues.csv."""

import csv
from dataclasses import replace

import pytest

from cadence_coach.cli import main
from cadence_coach.coach.coach import Coach
from cadence_coach.coach.config import CoachConfig, ScheduleSettings
from cadence_coach.coach.scheduler import REASON_MAX_CHARS, short_reason
from tests.support.paths import DEMO_RECORDING
from tests.support.steps import Segment, make_steps, run

DEMO = DEMO_RECORDING
FLAT = Segment(180)
DESCENT = dict(grade_pct=-9.9, cadence_spm=182.0, speed_mps=5.9)
MILD = dict(grade_pct=-7.0, cadence_spm=182.0, speed_mps=3.4)
WORST = dict(
    grade_pct=-9.9, speed_mps=5.9, cadence_spm=121.0, strike_angle_deg=38.0, impact_g=39.5, stride_m=3.99
)
"""An overstride with every fault at once and long figures: the longest reason the rule can give."""

RUNS = {
    "land_midfoot": [FLAT, Segment(30, **DESCENT), Segment(20, **dict(WORST, cadence_spm=170.0))],
    "quick_feet": [
        FLAT,
        Segment(30, **DESCENT),
        Segment(20, **dict(WORST, strike_angle_deg=9.0, impact_g=8.0)),
    ],
    "shorten_stride": [
        FLAT,
        Segment(30, **DESCENT),
        # a long stride with a cadence drop and a harder landing (overstriding needs both)
        Segment(20, **dict(DESCENT, cadence_spm=172.0, stride_m=4.4, impact_g=14.0)),
    ],
    "good_form": [FLAT, Segment(30, **DESCENT), Segment(15, **WORST), Segment(30, **DESCENT)],
    "eyes_up": [FLAT, Segment(30, **MILD, trunk_pitch_deg=8.0), Segment(8, **MILD, trunk_pitch_deg=89.0)],
    "lean_from_ankles": [
        FLAT,
        Segment(30, **DESCENT, trunk_pitch_deg=5.0),
        Segment(10, **DESCENT, trunk_pitch_deg=-45.0),
    ],
    # a steep grade held 30 s, at a cadence usual for the speed (a cadence that looks low keeps the
    # overstride rule watching, and a reminder waits for quiet)
    "ease_off": [FLAT, Segment(60, grade_pct=-39.9, cadence_spm=182, speed_mps=3.4)],
    "arms_low": [FLAT, Segment(400, **DESCENT)],
}


CONFIRMING = CoachConfig(schedule=replace(ScheduleSettings(), confirmations=True))
"""Confirmations ("Good, keep that") are off by default."""


@pytest.mark.parametrize("cue_id", sorted(RUNS))
def test_every_rule_gives_a_short_reason_with_the_figures_behind_it(cue_id):
    cues = run(Coach(CONFIRMING if cue_id == "good_form" else None), make_steps(RUNS[cue_id]))
    mine = [c for c in cues if c.cue_id == cue_id]
    assert mine, [c.cue_id for c in cues]
    for cue in cues:
        assert 0 < len(cue.reason) <= REASON_MAX_CHARS, cue.reason
    if cue_id in ("land_midfoot", "quick_feet", "shorten_stride"):
        figures = mine[0].figures
        assert {
            "grade_pct",
            "cadence_spm",
            "usual_cadence_spm",
            "target_cadence_spm",
            "stride_m",
            "speed_mps",
        } <= set(figures)
        cadence = f"cadence {figures['cadence_spm']:.0f} < usual {figures['usual_cadence_spm']:.0f} spm"
        assert cadence in mine[0].reason


def test_the_worst_fault_comes_first_in_the_reason():
    cues = run(Coach(), make_steps(RUNS["land_midfoot"]))
    cue = next(c for c in cues if c.cue_id == "land_midfoot")
    clauses = cue.reason.split(", ")
    assert clauses[:2] == [
        "grade -9.9 %",
        f"cadence 170 < usual {cue.figures['usual_cadence_spm']:.0f} spm",
    ]
    assert clauses[2].startswith("impact 39.5 g > expected")  # 39.5 g is worse than +38 deg for its limit


def test_short_reason_keeps_whole_leading_clauses():
    long = "grade -12.3 %, cadence 150 < usual 172 spm, strike +38 deg heel (usual +3), impact 39.5 g > expected 9.1 g"
    assert len(long) > REASON_MAX_CHARS
    assert short_reason(long) == "grade -12.3 %, cadence 150 < usual 172 spm, strike +38 deg heel (usual +3)"
    assert short_reason("90 s on this descent") == "90 s on this descent"
    one = "x" * 120
    assert short_reason(one) == "x" * (REASON_MAX_CHARS - 1) + "…"


def test_demo_cues_csv_has_short_reasons_and_every_figure(tmp_path, capsys):
    out = tmp_path / "cues.csv"
    main(["replay", str(DEMO), "--speed", "0", "--audio", "off", "--cues-out", str(out)])
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("cue ")]
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["t_s", "cue_id", "text", "reason", "figures"]
    assert len(rows) == len(printed) >= 2  # the demo's one overstriding episode, cued twice
    for row in rows:
        assert 0 < len(row["reason"]) < 80
    overstride = [r for r in rows if r["cue_id"] in ("land_midfoot", "quick_feet", "shorten_stride")]
    assert overstride
    for row in overstride:
        figures = {k: float(v) for k, v in (pair.split("=") for pair in row["figures"].split(";"))}
        assert {
            "grade_pct",
            "cadence_spm",
            "usual_cadence_spm",
            "target_cadence_spm",
            "impact_g",
            "stride_m",
            "speed_mps",
        } <= set(figures)
        assert f"grade {figures['grade_pct']:+.1f} %" in row["reason"]
        assert f"usual {figures['usual_cadence_spm']:.0f} spm" in row["reason"]
