"""``cadence-coach analyze IN1 IN2 ... --out-dir DIR [--jobs N]``: one steps file per input, a bad input
reported and skipped, the exit code saying whether any failed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cli import exit_code
from tests.support.paths import REAL_EXCERPTS

GOOD = ["gaitmap_foot_left_102hz", "gaitmap_foot_right_102hz"]
FLAGS = ["--format", "csv", "--placement", "foot", "--rate", "102.4", "--gyro-unit", "dps"]


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """Two real foot recordings and a CSV without sensor columns, in that order."""
    folder = tmp_path / "in"
    folder.mkdir()
    good = [Path(shutil.copy(REAL_EXCERPTS / f"{n}.csv", folder / f"{n}.csv")) for n in GOOD]
    bad = folder / "thermometer.csv"
    bad.write_text("t,temp\n0,20\n0.01,20\n")
    return [good[0], bad, good[1]]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_good_input_is_written_and_the_bad_one_reported(tmp_path, capsys, inputs, jobs) -> None:
    out_dir = tmp_path / "out"
    code = exit_code(["analyze", *map(str, inputs), *FLAGS, "--out-dir", str(out_dir), "--jobs", jobs])
    assert code == 2
    assert sorted(p.name for p in out_dir.iterdir()) == [f"{n}.steps.csv" for n in GOOD]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 4  # one per input, in command-line order, then the total
    assert lines[0].startswith(f"{inputs[0]}: ") and "steps ->" in lines[0]
    assert lines[1].startswith("error: ") and str(inputs[1]) in lines[1] and "no accelerometer" in lines[1]
    assert lines[2].startswith(f"{inputs[2]}: ")
    assert "2 of 3 inputs analyzed" in lines[3] and "1 failed" in lines[3]


def test_batch_output_is_what_single_analyze_writes(tmp_path, inputs) -> None:
    good = [inputs[0], inputs[2]]
    assert (
        exit_code(["analyze", *map(str, good), *FLAGS, "--out-dir", str(tmp_path / "b"), "--jobs", "2"]) == 0
    )
    for path in good:
        single = tmp_path / f"{path.stem}.single.csv"
        assert exit_code(["analyze", str(path), *FLAGS, "--out", str(single)]) == 0
        batch = (tmp_path / "b" / f"{path.stem}.steps.csv").read_text()
        assert batch == single.read_text() and batch.count("\n") > 5


def test_inputs_with_the_same_stem_do_not_overwrite_each_other(tmp_path, capsys, inputs) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    twin = Path(shutil.copy(inputs[0], other / inputs[0].name))
    code = exit_code(
        ["analyze", str(inputs[0]), str(twin), *FLAGS, "--out-dir", str(tmp_path / "o"), "--jobs", "1"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert f"same output name {inputs[0].stem}.steps.csv" in err and str(twin) in err


def test_a_missing_file_does_not_stop_the_batch(tmp_path, capsys, inputs) -> None:
    missing = tmp_path / "gone.csv"
    code = exit_code(
        ["analyze", str(missing), str(inputs[0]), *FLAGS, "--out-dir", str(tmp_path / "o"), "--jobs", "1"]
    )
    assert code == 2
    assert (tmp_path / "o" / f"{inputs[0].stem}.steps.csv").is_file()
    assert not (tmp_path / "o" / "gone.steps.csv").exists()
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "x.csv"], "--out-dir"),  # several inputs need a folder
        (["--out-dir", "o", "--jobs", "0"], "invalid job count"),
        (["--out", "x.csv", "--out-dir", "o"], "not allowed with"),
    ],
)
def test_usage_errors_are_one_line(tmp_path, capsys, inputs, extra, message) -> None:
    assert exit_code(["analyze", str(inputs[0]), str(inputs[2]), *FLAGS, *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_help_states_the_exit_codes(capsys) -> None:
    assert exit_code(["analyze", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "exit code: 0 when every input was analyzed; 2 on a usage error" in out
    assert "when any input failed" in out
