"""Without the simulated radio (bumble, the optional `sim` extra) every command but `bench` works, and
`bench` says in one line what to install.

Each command runs in a fresh interpreter whose import system refuses bumble, as if it were not installed.
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cadence_coach
from tests.support.paths import DEMO_RECORDING

SRC = Path(cadence_coach.__file__).resolve().parents[1]

WITHOUT_BUMBLE = """
import importlib.abc, sys

class NoBumble(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "bumble":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoBumble())
from cadence_coach.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
assert not any(m.split(".")[0] == "bumble" for m in sys.modules), "bumble was imported"
sys.exit(code)
"""


def without_bumble(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_BUMBLE, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("command", ["demo", "scan", "run", "bench", "simulate", "replay", "analyze"])
def test_help_works_without_bumble(command, tmp_path):
    done = without_bumble(command, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "usage: cadence-coach " + command in done.stdout


def test_profiles_analyze_and_replay_work_without_bumble(tmp_path):
    done = without_bumble("profiles", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "open-imu" in done.stdout

    steps = tmp_path / "steps.csv"
    done = without_bumble("analyze", str(DEMO_RECORDING), "--out", str(steps), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with open(steps, newline="") as f:
        assert len(list(csv.DictReader(f))) > 100  # a 4-minute run

    cues = tmp_path / "cues.csv"
    done = without_bumble(
        "replay", str(DEMO_RECORDING), "--speed", "0", "--audio", "off", "--cues-out", str(cues), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    with open(cues, newline="") as f:
        assert list(csv.DictReader(f))


def test_bench_without_bumble_names_the_extra_and_exits_2(tmp_path):
    done = without_bumble("bench", "--duration", "20", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "cadence-coach bench: error: bench needs the simulated radio: pip install 'cadence-coach[sim]'"
    ]


def test_bench_flags_are_checked_before_the_simulated_radio_is_needed(tmp_path):
    done = without_bumble("bench", "--interval-ms", "5", cwd=tmp_path)
    assert done.returncode == 2
    assert "--interval-ms 5: give 7.5 to 50 ms" in done.stderr
