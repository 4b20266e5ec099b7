"""Ctrl-C (SIGINT) and SIGTERM, as a user or systemd sends them, on the commands in a process of their own.

replay and demo print what they did and leave their outputs as they were; an interrupted simulate leaves
no file; bench ends early with the figures of the part that ran (`run` under SIGTERM:
tests/session/test_live_faults.py).
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support.paths import DEMO_RECORDING, REPO

pytestmark = pytest.mark.timeout(120)

ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}


def start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cadence_coach", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def signal_after_lines(proc: subprocess.Popen, sig: int, lines: int) -> tuple[int, str, str]:
    """Send ``sig`` once the process has printed ``lines`` lines; its exit code, stdout and stderr."""
    assert proc.stdout is not None
    head = [proc.stdout.readline() for _ in range(lines)]
    assert all(head), f"ended before {lines} lines: {''.join(head)}"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, "".join(head) + out, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_replay_interrupted_says_what_it_did_and_keeps_the_old_cue_log(sig, tmp_path):
    cues = tmp_path / "cues.csv"
    cues.write_text("an earlier cue log\n")
    argv = ["replay", str(DEMO_RECORDING), "--speed", "10", "--audio", "off", "--cues-out", str(cues)]
    code, out, err = signal_after_lines(start(argv), sig, 40)  # one line per step without a terminal
    assert code == 130
    assert "Traceback" not in err
    steps = next(line for line in out.splitlines() if line.startswith("steps: "))
    assert int(steps.split()[1].rstrip(",")) >= 30
    line = next(line for line in err.splitlines() if line.startswith("interrupted: "))
    replayed_s = float(line.split()[1])
    assert 5.0 < replayed_s < 400.0, line  # part of the run, not all of it
    assert f"{cues} left as it was" in line
    assert cues.read_text() == "an earlier cue log\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cues.csv"]  # no temporary file left


def test_demo_interrupted_prints_its_summary(tmp_path):
    code, out, err = signal_after_lines(start(["demo", "--audio", "off"]), signal.SIGTERM, 20)
    assert code == 130
    assert "steps: " in out and "cadence: " in out
    assert "interrupted: " in err and "baseline not updated" in err


@pytest.mark.parametrize("sig, while_writing", [(signal.SIGINT, False), (signal.SIGTERM, True)])
def test_an_interrupted_simulate_leaves_no_file(sig, while_writing, tmp_path):
    out = tmp_path / "run.ccrec"
    proc = start(
        [
            "simulate",
            "--scenario",
            "flat-easy",
            "--seed",
            "1",
            "--duration",
            "3600",
            "--feet",
            "both",
            "--out",
            str(out),
        ]
    )
    if while_writing:  # as soon as the temporary recording appears
        deadline = time.monotonic() + 120.0
        while not any(tmp_path.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, "simulate ended before it could be interrupted while writing"
    else:
        time.sleep(2.0)  # while simulating: nothing written yet
        assert not any(tmp_path.iterdir())
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.ble
def test_bench_under_sigterm_reports_the_part_that_ran():
    proc = start(["bench", "--duration", "60", "--json"])
    time.sleep(12.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "interrupted after " in err
    assert "steps: " in out and "link: " in out
    session_s = float(err.split("interrupted after ")[1].split()[0])
    assert 0.0 <= session_s < 12.0
