import csv

from cadence_coach.datatypes import Side, StepEvent, StrikeClass
from cadence_coach.outputs.steps_csv import STEP_COLUMNS, StepsCsvWriter

HEADER = (
    "t_ic_s,t_to_s,side,step_time_s,cadence_spm,contact_ms,flight_ms,impact_g,strike_angle_deg,"
    "strike,stride_m,grade_pct,trunk_pitch_deg,detected_at_s"
)


def test_rows_in_display_units_and_empty_where_unmeasured(tmp_path):
    full = StepEvent(
        t_ic_s=12.345678,
        detected_at_s=12.36321,
        side=Side.LEFT,
        t_to_s=12.1,
        step_time_s=0.3412,
        cadence_spm=175.84,
        contact_s=0.2456,
        flight_s=0.0951,
        impact_g=7.123,
        strike_angle_deg=12.34,
        strike=StrikeClass.HEEL,
        stride_m=2.34567,
        speed_mps=3.4,
        grade_pct=-6.25,
        trunk_pitch_deg=4.44,
    )
    sparse = StepEvent(t_ic_s=12.7, detected_at_s=12.72, cadence_spm=float("nan"))
    out = tmp_path / "steps.csv"
    with StepsCsvWriter(out) as w:
        w.write([full, sparse])
    assert w.rows == 2
    lines = out.read_text().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(lines))
    assert rows[0] == {
        "t_ic_s": "12.3457",
        "t_to_s": "12.1000",
        "side": "left",
        "step_time_s": "0.3412",
        "cadence_spm": "175.8",
        "contact_ms": "245.6",
        "flight_ms": "95.1",
        "impact_g": "7.12",
        "strike_angle_deg": "12.3",
        "strike": "heel",
        "stride_m": "2.346",
        "grade_pct": "-6.2",
        "trunk_pitch_deg": "4.4",
        "detected_at_s": "12.3632",
    }
    assert rows[1]["t_ic_s"] == "12.7000" and rows[1]["detected_at_s"] == "12.7200"
    empty = [k for k, v in rows[1].items() if v == ""]
    assert len(empty) == len(STEP_COLUMNS) - 2  # NaN cadence is not a figure either


def test_header_written_before_any_step(tmp_path):
    out = tmp_path / "steps.csv"
    w = StepsCsvWriter(out)
    (tmp,) = tmp_path.glob(".steps.csv.*.tmp")  # renamed into place on close
    assert tmp.read_text() == HEADER + "\n" and not out.exists()
    w.close()
    assert out.read_text() == HEADER + "\n"
