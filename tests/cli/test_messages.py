"""Messages: the bench's duration limits, audio-check's JSON without a device, and the one plain note
that there is no sound device, given only by the commands that play sound."""

import json

import pytest

from cadence_coach.voice import NO_SOUND_NOTE
from cadence_coach.voice.player import AudioUnavailable, Player
from tests.support.cli import exit_code
from tests.support.paths import DEMO_RECORDING


@pytest.fixture
def no_sound_device(monkeypatch):
    """PortAudio finds no output device, as on a machine without a sound card."""

    def refuse(self):
        raise AudioUnavailable("no audio output device (Error querying device -1)")

    monkeypatch.setattr(Player, "open", refuse)


@pytest.mark.parametrize("duration", ["0", "5", "-1", "nan", "20000"])
def test_every_bench_duration_out_of_range_gets_the_same_words(duration, capsys):
    assert exit_code(["bench", "--duration", duration]) == 2
    err = capsys.readouterr().err
    assert err == f"cadence-coach bench: error: --duration {float(duration):g}: give 13 to 14400 s\n"


def test_bench_help_names_the_duration_limits(capsys):
    assert exit_code(["bench", "--help"]) == 0
    assert "13 to 14400 s" in capsys.readouterr().out


def test_audio_check_json_without_a_device_is_json(no_sound_device, capsys):
    assert exit_code(["audio-check", "--json", "--repeat", "1"]) == 2
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["device"] is None and result["played"] == 0 and result["latency_ms"] == []
    assert "no audio output device" in result["error"]
    assert len(err.strip().splitlines()) == 1 and "cannot play sound" in err


def test_no_sound_device_is_said_once_in_plain_words(no_sound_device, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    argv = ["replay", str(DEMO_RECORDING), "--speed", "0", "--audio", "auto", "--runner", "t"]
    assert exit_code(argv) == 0
    out, err = capsys.readouterr()
    assert err.count(NO_SOUND_NOTE) == 1 and "no sound device found" in NO_SOUND_NOTE
    assert "Error querying" not in err and "WARNING" not in err
    assert "[cue] " in out  # and the cues are printed


def test_commands_that_play_no_sound_say_nothing_of_it(no_sound_device, capsys, tmp_path):
    rec = tmp_path / "sim.ccrec"
    commands = [
        ["simulate", "--scenario", "flat-easy", "--duration", "15", "--seed", "1", "--out", str(rec)],
        ["analyze", str(rec), "--out", str(tmp_path / "steps.csv")],
        ["check", str(rec)],
        ["repair", str(rec), "--out", str(tmp_path / "fixed.ccrec")],
        ["profiles"],
    ]
    for argv in commands:
        assert exit_code(argv) == 0, argv
        assert "sound" not in capsys.readouterr().err, argv
