"""``cadence-coach analyze IN1 IN2 ... --out-dir DIR [--jobs N]`` (or ``--manifest FILE``): one steps file
per input, a bad input or manifest entry reported and skipped, the exit code saying whether any failed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cadence_coach.cli.input_options import CSV_FLAGS
from tests.support.cli import exit_code
from tests.support.paths import REAL_EXCERPTS, SHARED

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


# --manifest FILE: inputs with their own import flags, paths relative to the manifest's folder.

FOOT = ["--format", "csv", "--placement", "foot", "--gyro-unit", "dps"]
TRUNK_FILE = "mobgap_lowback_ha001_straight"
TRUNK = ["--format", "csv", "--placement", "trunk", "--acc-unit", "g", "--gyro-unit", "dps"]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder with a foot recording (in a sub-folder) and a lower-back one: different import flags."""
    folder = tmp_path / "set"
    (folder / "feet").mkdir(parents=True)
    shutil.copy(REAL_EXCERPTS / f"{GOOD[0]}.csv", folder / "feet" / f"{GOOD[0]}.csv")
    shutil.copy(REAL_EXCERPTS / f"{TRUNK_FILE}.csv", folder / f"{TRUNK_FILE}.csv")
    return folder


def manifest_entries() -> list[dict]:
    return [
        {"file": f"feet/{GOOD[0]}.csv", "argv": [*FOOT, "--rate", "102.4"]},
        {"file": f"{TRUNK_FILE}.csv", "argv": TRUNK},
    ]


def single_analyze(tmp_path: Path, path: Path, flags: list[str]) -> str:
    out = tmp_path / f"{path.stem}.single.csv"
    assert exit_code(["analyze", str(path), *flags, "--out", str(out)]) == 0
    return out.read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_manifest_entries_get_their_own_flags(tmp_path, capsys, mixed, jobs) -> None:
    manifest = mixed / "list.json"
    manifest.write_text(json.dumps(manifest_entries()))
    out_dir = tmp_path / "out"
    code = exit_code(["analyze", "--manifest", str(manifest), "--out-dir", str(out_dir), "--jobs", jobs])
    assert code == 0, capsys.readouterr().err
    for entry in manifest_entries():
        path = mixed / entry["file"]
        written = (out_dir / f"{path.stem}.steps.csv").read_text()
        assert written == single_analyze(tmp_path, path, entry["argv"]) and written.count("\n") > 5
    assert "2 of 2 inputs analyzed" in capsys.readouterr().err


def test_bad_manifest_entries_are_reported_and_skipped(tmp_path, capsys, mixed) -> None:
    entries = [
        {"file": f"{TRUNK_FILE}.csv", "argv": [*TRUNK, "--placement", "elbow"]},  # not a placement
        {"file": "gone.csv", "argv": FOOT},
        {"argv": FOOT},
        {"file": f"{TRUNK_FILE}.csv", "argv": "--placement trunk"},
        *manifest_entries()[:1],
    ]
    manifest = mixed / "list.json"
    manifest.write_text(json.dumps(entries))
    out_dir = tmp_path / "out"
    code = exit_code(["analyze", "--manifest", str(manifest), "--out-dir", str(out_dir), "--jobs", "1"])
    assert code == 2
    assert [p.name for p in out_dir.iterdir()] == [f"{GOOD[0]}.steps.csv"]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 6  # one per entry, then the total
    bad = [line for line in lines if line.startswith("error: ")]
    assert len(bad) == 4
    assert any(f"entry 1 ({TRUNK_FILE}.csv)" in b and "elbow" in b for b in bad)
    assert any(str(mixed / "gone.csv") in b and "no such file" in b for b in bad)
    assert any("entry 3" in b and '"file"' in b for b in bad)
    assert any("entry 4" in b and '"argv"' in b for b in bad)
    assert "1 of 5 inputs analyzed" in lines[-1] and "4 failed" in lines[-1]


def test_command_line_flags_are_the_entries_defaults(tmp_path, mixed) -> None:
    manifest = mixed / "list.json"
    manifest.write_text(
        json.dumps([{"file": f"feet/{GOOD[0]}.csv"}, {"file": f"{TRUNK_FILE}.csv", "argv": TRUNK}])
    )
    args = [
        "analyze",
        "--manifest",
        str(manifest),
        *FOOT,
        "--rate",
        "102.4",
        "--out-dir",
        str(tmp_path / "o"),
    ]
    assert exit_code([*args, "--jobs", "1"]) == 0
    foot = mixed / "feet" / f"{GOOD[0]}.csv"
    expected = single_analyze(tmp_path, foot, [*FOOT, "--rate", "102.4"])
    assert (tmp_path / "o" / f"{GOOD[0]}.steps.csv").read_text() == expected


def test_the_real_dev_cases_json_shape_is_a_manifest(tmp_path, mixed) -> None:
    """cases.json of the real-dev set: an object with "cases", each with more keys than file and argv."""
    cases = [
        {"case": Path(e["file"]).stem, "suite": "real", "flags": {}, "notes": ["x"], **e}
        for e in manifest_entries()
    ]
    manifest = mixed / "cases.json"
    manifest.write_text(json.dumps({"version": 1, "edge_margin_s": 0.2, "cases": cases}))
    assert exit_code(["analyze", "--manifest", str(manifest), "--out-dir", str(tmp_path / "o")]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        f"{Path(e['file']).stem}.steps.csv" for e in cases
    )


@pytest.mark.skipif(not (SHARED / "data" / "real-dev" / "cases.json").is_file(), reason="no real-dev set")
def test_every_entry_of_the_real_dev_cases_json_is_read() -> None:
    from cadence_coach.cli.analyze_batch import read_manifest

    manifest = SHARED / "data" / "real-dev" / "cases.json"
    entries, bad = read_manifest(manifest, {"format": "auto"} | dict.fromkeys(CSV_FLAGS))
    assert bad == [] and len(entries) == len(json.loads(manifest.read_text())["cases"])
    assert all(Path(name).is_file() and flags["placement"] for name, flags in entries)


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("[{", [], "is not JSON"),
        ('{"files": []}', [], '"cases"'),
        ("[]", ["in.csv"], "not both"),
        ("[]", ["--out", "x.csv"], "--manifest needs --out-dir"),
    ],
)
def test_manifest_usage_errors_are_one_line(tmp_path, capsys, content, extra, message) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(content)
    out = [] if "--out" in extra else ["--out-dir", str(tmp_path / "o")]
    assert exit_code(["analyze", "--manifest", str(manifest), *extra, *out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_missing_manifest_is_one_line(tmp_path, capsys) -> None:
    assert exit_code(["analyze", "--manifest", str(tmp_path / "m.json"), "--out-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "m.json" in err[0] and "cannot read the manifest" in err[0]
