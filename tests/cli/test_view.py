"""``--view coach|detail`` on a terminal (a pseudo-terminal of 80x24), and plain lines without one."""

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import cadence_coach
from cadence_coach.cli import main
from cadence_coach.coach.runner_store import runners_folder

SRC = Path(cadence_coach.__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(*argv: str, columns: int = 80, rows: int = 24) -> str:
    """Run ``cadence-coach ARGV`` with stdout on a pseudo-terminal of that size; its output, escapes removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(SRC)}
    for name in ("COLUMNS", "LINES", "NO_COLOR", "TERM_PROGRAM"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_coach", *argv],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


@pytest.mark.parametrize("view", ["coach", "detail"])
def test_demo_on_a_terminal_shows_the_chosen_view(view):
    text = on_terminal(
        "demo", "--speed", "0", "--audio", "off", *(["--view", view] if view == "detail" else [])
    )
    coach_marks = ["CADENCE COACH", "04:00", "638 steps", "steps/min", "target", "last cue", "foot left"]
    if view == "coach":
        assert all(mark in text for mark in coach_marks), text
        assert "latest steps" not in text
    else:
        detail_marks = ["latest steps", "strike", "last cues", "session time", "Land midfoot"]
        assert all(mark in text for mark in detail_marks), text
        assert "CADENCE COACH" not in text
    assert "steps: 638, cues: " in text  # the summary follows either view


def test_without_a_terminal_either_view_prints_one_line_per_step_and_cue(capsys):
    main(["demo", "--speed", "0", "--audio", "off", "--view", "detail"])
    detail = capsys.readouterr().out
    shutil.rmtree(runners_folder())  # the second run starts from the prior too, as the first did
    main(["demo", "--speed", "0", "--audio", "off"])
    coach = capsys.readouterr().out
    assert detail == coach
    assert sum(line.startswith("step ") for line in coach.splitlines()) == 638
    assert "CADENCE COACH" not in coach and "latest steps" not in coach


def test_an_unknown_view_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--view", "big"])
    assert exc.value.code == 2
    assert "invalid choice: 'big'" in capsys.readouterr().err
