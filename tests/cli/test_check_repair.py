"""``cadence-coach check`` and ``repair``: exit codes, report and the clean copy."""

import pytest

from cadence_coach.sources.recording import RecordingReader
from tests.support.cli import exit_code
from tests.support.recordings import write_recording


@pytest.fixture()
def recording(tmp_path):
    path = tmp_path / "run.ccrec"
    write_recording(path, 20.0)
    return path


def test_check_a_clean_recording_exits_0(recording, capsys):
    assert exit_code(["check", str(recording)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "clean" and "packets" in out


def test_check_a_damaged_recording_lists_the_span_and_exits_1(recording, capsys):
    data = bytearray(recording.read_bytes())
    at = len(data) // 2
    data[at : at + 4096] = bytes(4096)
    recording.write_bytes(bytes(data))
    assert exit_code(["check", str(recording)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("damaged: bytes ") and "records lost" in lines[1]
    assert lines[-1].startswith("damaged but readable: 1 damaged spans")


@pytest.mark.parametrize(
    "content, why",
    [(b"CCRE", "only 4 bytes"), (b"not a recording at all", "bad magic"), (None, "no such file")],
)
def test_check_an_unreadable_file_exits_2_with_one_line(tmp_path, content, why, capsys):
    path = tmp_path / "x.ccrec"
    if content is not None:
        path.write_bytes(content)
    assert exit_code(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and why in err


def test_check_a_recording_with_every_record_destroyed_exits_2(recording, capsys):
    data = recording.read_bytes()
    head = 12 + int.from_bytes(data[8:12], "little")
    recording.write_bytes(data[:head] + b"\xff" * (len(data) - head))
    assert exit_code(["check", str(recording)]) == 2
    assert "no readable record" in capsys.readouterr().err


def test_repair_writes_a_clean_copy(recording, tmp_path, capsys):
    data = bytearray(recording.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 100] = b"\xff" * 100
    recording.write_bytes(bytes(data))
    fixed = tmp_path / "fixed.ccrec"
    fixed.write_bytes(b"an older copy")
    assert exit_code(["repair", str(recording), "--out", str(fixed)]) == 0
    assert "written to" in capsys.readouterr().err
    assert exit_code(["check", str(fixed)]) == 0
    with RecordingReader(recording) as a, RecordingReader(fixed) as b:
        assert [p.payload for p in a.packets()] == [p.payload for p in b.packets()]
    assert recording.read_bytes() == bytes(data)  # the damaged file is never changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixed.ccrec", "run.ccrec"]


def test_repair_of_an_unreadable_file_leaves_the_old_copy(tmp_path, capsys):
    bad = tmp_path / "bad.ccrec"
    bad.write_bytes(b"CCRE")
    fixed = tmp_path / "fixed.ccrec"
    fixed.write_bytes(b"an older copy")
    assert exit_code(["repair", str(bad), "--out", str(fixed)]) == 2
    assert fixed.read_bytes() == b"an older copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ccrec", "fixed.ccrec"]


def test_repair_refuses_to_overwrite_its_input(recording, capsys):
    assert exit_code(["repair", str(recording), "--out", str(recording)]) == 2
    assert "another file" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "repair"])
def test_help_names_the_exit_codes(command, capsys):
    assert exit_code([command, "--help"]) == 0
    assert "exit code" in capsys.readouterr().out
