import subprocess
import sys

import numpy as np
import pytest

from tests.support.cli import exit_code

HEADER = (
    "t_ic_s,t_to_s,side,step_time_s,cadence_spm,contact_ms,flight_ms,impact_g,strike_angle_deg,"
    "strike,stride_m,grade_pct,trunk_pitch_deg,detected_at_s\n"
)


def standing_csv(path, seconds=3.0, rate=100.0, header="t,ax,ay,az,gx,gy,gz"):
    t = np.arange(int(seconds * rate)) / rate
    data = np.c_[t, np.zeros((len(t), 2)), np.full(len(t), 9.81), np.zeros((len(t), 3))]
    np.savetxt(path, data, delimiter=",", header=header, comments="", fmt="%.4f")
    return path


def test_csv_without_steps_gives_header_only(tmp_path, capsys):
    out = tmp_path / "steps.csv"
    code = exit_code(
        ["analyze", str(standing_csv(tmp_path / "in.csv")), "--placement", "foot", "--out", str(out)]
    )
    assert code == 0
    assert out.read_text() == HEADER
    assert "no steps detected" in capsys.readouterr().err


def test_recording_without_steps_gives_header_only(tmp_path, standing_recording):
    rec, _ = standing_recording
    out = tmp_path / "steps.csv"
    assert exit_code(["analyze", str(rec), "--out", str(out)]) == 0
    assert out.read_text() == HEADER


@pytest.mark.parametrize(
    "header, placement, note",
    [
        (
            "t,ax,b,az,c,d,e",
            "trunk",
            "in.csv: accelerometer without ay, no gyroscope: side and trunk pitch cannot be measured",
        ),
        (
            "t,ax,ay,az,x,y,z",
            "foot",
            "in.csv: no gyroscope: contact time, strike angle, stride, speed and grade cannot be measured",
        ),
        ("t,x,y,z,gx,gy,gz", "shank", "in.csv: no accelerometer: impact cannot be measured"),
    ],
)
def test_a_partial_axis_set_is_analysed_with_a_note(tmp_path, capsys, header, placement, note):
    out = tmp_path / "steps.csv"
    assert (
        exit_code(
            [
                "analyze",
                str(standing_csv(tmp_path / "in.csv", header=header)),
                "--placement",
                placement,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert f"note: {note}\n" in capsys.readouterr().err


def test_a_constant_axis_is_ignored_with_a_note(tmp_path, capsys):
    src = standing_csv(tmp_path / "in.csv", header="t,ax,ay,az,gx,gy,gz")
    rows = src.read_text().splitlines()
    rows[1:] = [r + f"{i % 3}" for i, r in enumerate(rows[1:])]  # gz varies, the rest is still constant
    src.write_text("\n".join(rows) + "\n")
    assert exit_code(["analyze", str(src), "--placement", "trunk", "--out", str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert "note: in.csv: column ax ignored (constant)" in err
    assert (
        "note: in.csv: no accelerometer, gyroscope without gx, gy: impact, contact time, side and trunk pitch cannot be measured"
        in err
    )


def test_text_content_is_read_as_csv_whatever_the_name(tmp_path):
    src = standing_csv(tmp_path / "in.txt")
    assert exit_code(["analyze", str(src), "--placement", "trunk", "--out", str(tmp_path / "s.csv")]) == 0


def one_error_line(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    "make, flags, message",
    [
        (lambda p: standing_csv(p), ["--placement", "elbow"], "invalid choice"),
        (lambda p: standing_csv(p), [], "needs --placement"),
        (lambda p: standing_csv(p, header="t,temp,x,y,z,a,b"), ["--placement", "foot"], "no accelerometer"),
        (
            lambda p: p.write_text("t\n0\n0.01\n0.02\n"),
            ["--placement", "trunk"],
            "nothing to detect steps from",
        ),
        (
            lambda p: p.write_text("t,baro_pa\n0,1e5\n0.01,1e5\n"),
            ["--placement", "foot"],
            "nothing to detect steps from",
        ),
        (
            lambda p: p.write_text("t,ax,ay,az\n0,0,0,9.8\n0.01,0,0,9.8\n0.005,0,0,9.8\n"),
            ["--placement", "foot"],
            "non-monotonic time",
        ),
        (lambda p: p.write_text("ax,ay,az\n0,0,9.8\n"), ["--placement", "foot"], "--rate"),
        (lambda p: p.write_text("ax,ay,az\n0,0,9.8\n"), ["--placement", "foot", "--rate", "0"], "Hz"),
        (
            lambda p: p.write_text("ax,ay,az\n0,0,9.8\n"),
            ["--placement", "foot", "--rate", "fast"],
            "invalid rate",
        ),
        (lambda p: p.write_text(""), ["--placement", "foot"], "empty file"),
        (lambda p: None, ["--placement", "foot"], "no such file"),
        (
            lambda p: p.mkdir(),
            ["--placement", "foot"],
            "in.csv: cannot read the CSV file (it is a directory)",
        ),
    ],
)
def test_bad_csv_input_is_one_line_exit_2(tmp_path, capsys, make, flags, message):
    src = tmp_path / "in.csv"
    make(src)
    out = tmp_path / "steps.csv"
    assert exit_code(["analyze", str(src), "--out", str(out), *flags]) == 2
    assert message in one_error_line(capsys)


@pytest.mark.parametrize(
    "content, flags, message",
    [
        (b"\x00\x01\x02 binary junk", [], "not a cadence-coach recording"),
        (b"CCREC\x00\r\n\x05\x00\x00\x00{bad}", [], "corrupt recording header"),
        (b"CCREC\x00\r\n", ["--placement", "foot"], "only apply to CSV"),
    ],
)
def test_bad_recording_is_one_line_exit_2(tmp_path, capsys, content, flags, message):
    src = tmp_path / "run.ccrec"
    src.write_bytes(content)
    assert exit_code(["analyze", str(src), "--out", str(tmp_path / "s.csv"), *flags]) == 2
    assert message in one_error_line(capsys)


def test_missing_output_folder_is_a_user_error(tmp_path, capsys):
    src = standing_csv(tmp_path / "in.csv")
    code = exit_code(
        ["analyze", str(src), "--placement", "foot", "--out", str(tmp_path / "no" / "steps.csv")]
    )
    assert code == 2
    assert "cannot create" in one_error_line(capsys)


def test_real_entry_point_reports_without_traceback(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("t,ax,ay,az\n0,0,0,9.8\n0,0,0,9.8\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cadence_coach",
            "analyze",
            str(bad),
            "--placement",
            "foot",
            "--out",
            str(tmp_path / "s.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "non-monotonic time" in proc.stderr


def test_replay_csv_reports_its_samples(tmp_path, capsys):
    src = standing_csv(tmp_path / "in.csv", seconds=2.0, rate=200.0)
    assert (
        exit_code(
            ["replay", str(src), "--format", "csv", "--placement", "foot", "--side", "right", "--speed", "0"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "csv-import, foot, right" in out and "400 samples at 200.0 Hz" in out
