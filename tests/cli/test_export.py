"""``cadence-coach export``: a simulated downhill run (two feet) through the whole path to a FIT file the
SDK and fitdecode read, its laps on the course's descents; and every kind of bad input (one line, exit 2,
nothing written)."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from cadence_coach.cli import main
from cadence_coach.sources.simulator import load_truth
from tests.outputs.test_fit_export import fitdecode_read, sdk_read
from tests.support.cli import exit_code
from tests.support.paths import REAL_EXCERPTS

START = "2026-12-03T07:30:00+01:00"


@pytest.fixture(scope="module")
def downhill(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 240 s simulated run with a -6..-10 % descent, both feet, barometer; read only."""
    out = tmp_path_factory.mktemp("export") / "downhill.ccrec"
    argv = ["simulate", "--scenario", "long-descent-overstride", "--duration", "240", "--seed", "5"]
    assert main([*argv, "--feet", "both", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def exported(downhill: Path) -> tuple[Path, Path]:
    fit, seconds = downhill.with_suffix(".fit"), downhill.with_suffix(".csv")
    assert main(["export", str(downhill), "--start", START, "--fit", str(fit), "--csv", str(seconds)]) == 0
    return fit, seconds


def test_recording_exports_to_a_fit_file_both_readers_read(
    downhill: Path, exported: tuple[Path, Path]
) -> None:
    fit, seconds = exported
    data = fit.read_bytes()
    m, other = sdk_read(data), fitdecode_read(data)
    start = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
    assert m["session_mesgs"][0]["start_time"] == start
    assert len(m["record_mesgs"]) == len(other["record"]) >= 240
    for a, b in zip(m["record_mesgs"], other["record"]):
        assert a["timestamp"] == b["timestamp"] and a.get("distance") == b.get("distance")
        assert a.get("cadence") == b.get("cadence") and a.get("stance_time") == b.get("stance_time")
    truth = load_truth(downhill)
    session = m["session_mesgs"][0]
    true_m = truth.grade[-1, 1]
    assert session["total_distance"] == pytest.approx(true_m, rel=0.05)
    true_drop = truth.grade[0, 3] - truth.grade[:, 3].min()
    assert session["total_descent"] == pytest.approx(true_drop, rel=0.25)
    with open(seconds, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(m["record_mesgs"])
    assert float(rows[-1]["distance_m"]) == pytest.approx(m["record_mesgs"][-1]["distance"], abs=0.01)


def test_laps_lie_on_the_course_descents(downhill: Path, exported: tuple[Path, Path]) -> None:
    m = sdk_read(exported[0].read_bytes())
    start = m["session_mesgs"][0]["start_time"]
    truth = load_truth(downhill)
    downhill_s = truth.grade[truth.grade[:, 2] < -2.0, 0]
    laps = m["lap_mesgs"]
    descents = [lap for lap in laps if lap.get("developer_fields", {}).get(6)]
    assert len(descents) >= 1 and len(laps) >= 2
    spans = [
        ((lap["start_time"] - start).total_seconds(), (lap["timestamp"] - start).total_seconds())
        for lap in descents
    ]
    on_laps = np.array([any(a <= t <= b for a, b in spans) for t in downhill_s])
    assert on_laps.mean() > 0.85  # the course's descent is inside the descent laps
    covered = sum(b - a for a, b in spans)
    assert covered < 1.25 * downhill_s.size + 10  # and the laps are not much longer
    assert all(lap["avg_grade"] < -4 for lap in descents)
    assert sum(lap["total_distance"] for lap in laps) == pytest.approx(
        m["session_mesgs"][0]["total_distance"], abs=0.05
    )
    ends = [lap["timestamp"] for lap in laps]
    assert all(b >= a for a, b in zip(ends, ends[1:]))
    heel = [lap["developer_fields"].get(4) for lap in descents]
    assert all(h is not None and 0 <= h <= 100 for h in heel)


def test_csv_input_needs_start_and_then_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    walk = REAL_EXCERPTS / "gaitmap_foot_left_204hz.csv"
    fit = tmp_path / "walk.fit"
    flags = ["--placement", "foot", "--side", "left", "--rate", "204.8", "--fit", str(fit)]
    assert exit_code(["export", str(walk), *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--start" in err and "gaitmap_foot_left_204hz.csv" in err
    assert not fit.exists()
    assert exit_code(["export", str(walk), *flags, "--start", "2026-12-03T07:30:00Z"]) == 0
    m = sdk_read(fit.read_bytes())
    assert len(m["session_mesgs"]) == 1 and m["session_mesgs"][0]["start_time"].hour == 7
    assert sum(1 for r in m["record_mesgs"] if "cadence" in r) > 10


def test_recording_without_wall_clock_needs_start(downhill: Path, tmp_path: Path, capsys) -> None:
    fit = tmp_path / "x.fit"
    assert exit_code(["export", str(downhill), "--fit", str(fit)]) == 2  # the simulator's start is 1970
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1970-01-01" in err and not fit.exists()
    assert exit_code(["export", str(downhill), "--fit", str(fit), "--start", "yesterday"]) == 2
    assert "invalid start" in capsys.readouterr().err


def test_unwritable_output_touches_nothing(downhill: Path, tmp_path: Path, capsys) -> None:
    fit = tmp_path / "old.fit"
    fit.write_bytes(b"old")
    bad_csv = tmp_path / "missing" / "x.csv"
    argv = ["export", str(downhill), "--start", START, "--fit", str(fit), "--csv", str(bad_csv)]
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad_csv) in err and "no such folder" in err
    assert fit.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.fit"]  # no temporary file left
    assert (
        exit_code(["export", str(downhill), "--start", START, "--fit", str(tmp_path / "no" / "y.fit")]) == 2
    )
    assert capsys.readouterr().err.count("\n") == 1


def test_recording_without_steps_still_has_its_session(standing_recording, tmp_path: Path, capsys) -> None:
    path, _ = standing_recording  # 2 s of a foot standing still; its header has today's start
    fit = tmp_path / "still.fit"
    assert exit_code(["export", str(path), "--fit", str(fit)]) == 0
    assert "no steps detected" in capsys.readouterr().err
    m = sdk_read(fit.read_bytes())
    session = m["session_mesgs"][0]
    assert session["num_laps"] == 1 and "avg_cadence" not in session
    assert abs(session["start_time"] - datetime.now(UTC)) < timedelta(days=1)
    assert session["total_elapsed_time"] == pytest.approx(2.0, abs=0.1)
    assert not any(math.isfinite(r.get("cadence", math.nan)) for r in m["record_mesgs"])
