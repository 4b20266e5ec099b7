"""The runner's saved baseline: where it lives, merging, atomic writes, bad files, and the CLI flag."""

import json
from pathlib import Path

import pytest

from cadence_coach.coach.runner_store import RunnerStore, runners_folder
from cadence_coach.errors import UserError
from cadence_coach.gait.baseline import Learned, SavedBaseline
from tests.support.cli import exit_code


def test_folder_follows_xdg_data_home_else_local_share():
    assert runners_folder({"XDG_DATA_HOME": "/data"}) == Path("/data/cadence-coach/runners")
    assert runners_folder({}) == Path.home() / ".local" / "share" / "cadence-coach" / "runners"


def test_the_tests_never_write_into_the_real_home(runners_in_tmp):
    assert runners_folder().is_relative_to(runners_in_tmp)


def test_save_load_and_merge_by_steps(tmp_path):
    store = RunnerStore("alice", tmp_path, keep_steps=1000)
    assert store.load() is None and store.warning is None
    store.save(SavedBaseline(cadence_at_3mps=Learned(170.0, 400), flat_strike_deg=Learned(4.0, 200)))
    again = RunnerStore("alice", tmp_path, keep_steps=1000)
    saved = again.load()
    assert saved.cadence_at_3mps == Learned(170.0, 400) and saved.flat_impact_g is None
    again.save(SavedBaseline(cadence_at_3mps=Learned(180.0, 400)))
    data = json.loads((tmp_path / "alice.json").read_text())
    assert data["sessions"] == 2 and data["runner"] == "alice"
    assert data["cadence_at_3mps_spm"] == [175.0, 800.0]
    assert data["flat_strike_deg"] == [4.0, 200.0]  # not measured this time: kept
    third = RunnerStore("alice", tmp_path, keep_steps=100)  # old figures count at most 100 steps
    third.load()
    third.save(SavedBaseline(cadence_at_3mps=Learned(165.0, 100)))
    assert json.loads((tmp_path / "alice.json").read_text())["cadence_at_3mps_spm"] == [170.0, 200.0]
    assert [p.name for p in tmp_path.iterdir()] == ["alice.json"]  # no temporary file left behind


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"version": 9}',
        '{"version": 1, "cadence_at_3mps_spm": [900, 10]}',
        '{"version": 1, "flat_impact_g": "heavy"}',
        "\udcff",
    ],
)
def test_unusable_file_warns_in_one_line_and_is_replaced(tmp_path, content):
    path = tmp_path / "bob.json"
    path.write_text(content, errors="surrogateescape")
    store = RunnerStore("bob", tmp_path)
    assert store.load() is None
    assert str(path) in store.warning and "\n" not in store.warning and "population prior" in store.warning
    store.save(SavedBaseline(cadence_at_3mps=Learned(172.0, 50)))
    assert RunnerStore("bob", tmp_path).load().cadence_at_3mps == Learned(172.0, 50)


@pytest.mark.parametrize("name", ["", "../x", ".hidden", "a/b", "x" * 65])
def test_bad_runner_name_is_a_user_error(name):
    with pytest.raises(UserError, match="runner name"):
        RunnerStore(name)


def test_replay_starts_from_and_updates_the_runners_baseline(tmp_path, runners_in_tmp, capsys):
    rec = tmp_path / "run.ccrec"
    assert (
        exit_code(
            ["simulate", "--scenario", "flat-easy", "--duration", "40", "--seed", "1", "--out", str(rec)]
        )
        == 0
    )
    saved = runners_in_tmp / "cadence-coach" / "runners" / "carol.json"
    replay = ["replay", str(rec), "--speed", "0", "--audio", "off", "--runner", "carol"]
    assert exit_code(replay) == 0
    first = json.loads(saved.read_text())
    assert first["sessions"] == 1 and 140 < first["cadence_at_3mps_spm"][0] < 200
    assert "runner carol: baseline saved (1 sessions)" in capsys.readouterr().out
    assert exit_code(replay) == 0
    assert json.loads(saved.read_text())["sessions"] == 2
    saved.write_text("garbage")
    capsys.readouterr()
    assert exit_code(replay) == 0
    err = capsys.readouterr().err
    assert f"warning: runner baseline {saved}: not usable" in err
    assert json.loads(saved.read_text())["sessions"] == 1  # replaced by this session's figures
    assert exit_code(replay[:-1] + ["../evil"]) == 2
