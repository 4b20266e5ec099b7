"""``cadence-coach report`` and ``--report`` on replay and demo: real inputs through the whole pipeline
and the coach into the page; bad output paths fail first, in one line, touching nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import exit_code
from tests.support.paths import DEMO_RECORDING, REAL_EXCERPTS


def figures(html: str) -> list[str]:
    return re.findall(r'<figure id="(\w+)">', html)


def test_report_of_a_trunk_csv_is_against_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "walk.html"
    csv = REAL_EXCERPTS / "mobgap_lowback_ha001_straight.csv"
    argv = ["report", str(csv), "--placement", "trunk", "--acc-unit", "g", "--gyro-unit", "dps"]
    assert exit_code([*argv, "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"report written to {out}"
    html = out.read_text()
    assert "No distance was measured" in html and "time, min" in html
    assert "elevation" not in figures(html) and "cadence" in figures(html)
    assert "balance" not in figures(html)  # one sensor on the trunk
    steps = re.search(r"<tr><th>steps</th><td>(\d+) \(no foot sensor\)</td></tr>", html)
    assert steps is not None and int(steps.group(1)) > 10


def test_an_unwritable_report_fails_in_one_line_before_the_input_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder" / "r.html"
    assert exit_code(["report", str(DEMO_RECORDING), "--out", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err == f"cadence-coach report: error: {missing}: cannot create the report (no such folder)\n"
    )
    cues = tmp_path / "cues.csv"
    argv = ["replay", str(DEMO_RECORDING), "--speed", "0", "--audio", "off", "--cues-out", str(cues)]
    assert exit_code([*argv, "--report", str(missing)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no cues file, no temporary file


def test_replay_writes_the_report_at_the_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "replay.html"
    argv = ["replay", str(DEMO_RECORDING), "--speed", "0", "--audio", "off", "--view", "detail"]
    assert exit_code([*argv, "--report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"report written to {out}" in printed
    html = out.read_text()
    assert figures(html) == ["elevation", "cadence", "contact", "impact", "strike", "stride", "balance"]
    cues = int(re.search(r"steps: \d+, cues: (\d+)", printed).group(1))  # type: ignore[union-attr]
    assert cues >= 1 and len(re.findall(r"<g id=\"elevation-cue\d+\"><title>", html)) == cues  # hover text
    assert "coach&#x27;s band" in html or "coach's band" in html  # the coach's cadence band is drawn


def test_the_report_modules_load_only_for_a_report() -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from cadence_coach.cli import main\n"
        "for c in ('replay', 'demo', 'run', 'report', 'analyze'):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main([c, '--help'])\n"
        "print(' '.join(m for m in sys.modules if m.startswith(('matplotlib', 'cadence_coach.outputs.report'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
