"""Outputs are written whole or not at all: an existing file survives a bad input and Ctrl-C, and no
temporary file is left behind. Bad input messages are one line naming the file and the problem."""

import json

import pytest

from cadence_coach.atomic import atomic_open
from cadence_coach.errors import UserError
from cadence_coach.session.session import Session
from cadence_coach.sources.recording import RecordingWriter
from cadence_coach.sources.simulator import writer as sim_writer
from tests.support.cli import exit_code
from tests.support.recordings import write_recording

OLD = b"t_ic_s\nthe previous analysis\n"


@pytest.fixture()
def folder(tmp_path):
    write_recording(tmp_path / "run.ccrec", 20.0)
    (tmp_path / "keep.csv").write_bytes(OLD)
    return tmp_path


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_good_analysis_replaces_the_file(folder, capsys):
    assert exit_code(["analyze", str(folder / "run.ccrec"), "--out", str(folder / "keep.csv")]) == 0
    assert (folder / "keep.csv").read_bytes().startswith(b"t_ic_s,t_to_s")
    assert names(folder) == ["keep.csv", "run.ccrec"]


@pytest.mark.parametrize("content", [b"CCRE", b"\x00\x01 junk", b'{"steps": []}'])
def test_a_bad_input_leaves_the_old_output(folder, content, capsys):
    bad = folder / ("bad.truth.json" if content.startswith(b"{") else "bad.ccrec")
    bad.write_bytes(content)
    assert exit_code(["analyze", str(bad), "--out", str(folder / "keep.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "not a cadence-coach recording" in err
    assert "--placement" not in err
    assert (folder / "keep.csv").read_bytes() == OLD
    assert names(folder) == sorted(["keep.csv", "run.ccrec", bad.name])


def test_a_failure_mid_analysis_leaves_the_old_output(folder, monkeypatch, capsys):
    calls = []
    real = Session.process

    def fail(self, items):
        calls.append(1)
        if len(calls) == 2:
            raise UserError("run.ccrec: something unreadable half way")
        return real(self, items)

    monkeypatch.setattr(Session, "process", fail)
    assert exit_code(["analyze", str(folder / "run.ccrec"), "--out", str(folder / "keep.csv")]) == 2
    assert len(calls) == 2 and "half way" in capsys.readouterr().err
    assert (folder / "keep.csv").read_bytes() == OLD
    assert names(folder) == ["keep.csv", "run.ccrec"]


def test_ctrl_c_mid_write_leaves_the_old_output_and_says_what_was_done(folder, monkeypatch, capsys):
    calls = []
    real = Session.process

    def interrupted(self, items):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, items)

    monkeypatch.setattr(Session, "process", interrupted)
    assert exit_code(["analyze", str(folder / "run.ccrec"), "--out", str(folder / "keep.csv")]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("interrupted: ") and "keep.csv left as it was" in err
    assert (folder / "keep.csv").read_bytes() == OLD
    assert names(folder) == ["keep.csv", "run.ccrec"]


def test_an_interrupted_simulation_leaves_no_file(tmp_path, monkeypatch, capsys):
    real = RecordingWriter.write_packet

    def interrupted(self, packet):
        if self.packets_written == 500:
            raise KeyboardInterrupt
        real(self, packet)

    monkeypatch.setattr(sim_writer.RecordingWriter, "write_packet", interrupted)
    out = tmp_path / "sim.ccrec"
    argv = ["simulate", "--scenario", "flat-easy", "--duration", "20", "--seed", "1", "--out", str(out)]
    assert exit_code(argv) == 130
    assert names(tmp_path) == []


def test_a_simulation_writes_the_recording_and_its_truth(tmp_path, capsys):
    out = tmp_path / "sim.ccrec"
    argv = ["simulate", "--scenario", "flat-easy", "--duration", "20", "--seed", "1", "--out", str(out)]
    assert exit_code(argv) == 0
    assert names(tmp_path) == ["sim.ccrec", "sim.ccrec.truth.json"]
    assert json.loads((tmp_path / "sim.ccrec.truth.json").read_text())["steps"]


def test_atomic_open_keeps_the_old_file_on_any_exception(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_open(path) as f:
        f.write("half of the new")
        raise KeyboardInterrupt
    assert path.read_text() == "old" and names(tmp_path) == ["a.txt"]
    with atomic_open(path) as f:
        f.write("new")
    assert path.read_text() == "new" and names(tmp_path) == ["a.txt"]


def test_out_in_proc_gives_the_real_reason(folder, capsys):
    assert exit_code(["analyze", str(folder / "run.ccrec"), "--out", "/proc/steps.csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "/proc/steps.csv" in err and "does not accept new files" in err


def test_a_config_that_is_not_utf8_is_one_line(folder, capsys):
    config = folder / "coach.toml"
    config.write_bytes(b"[schedule]\nmin_gap_s = 8 # \xe9t\xe9\n")
    argv = ["replay", str(folder / "run.ccrec"), "--speed", "0", "--audio", "off", "--config", str(config)]
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(config) in err and "not UTF-8" in err
