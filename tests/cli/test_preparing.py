"""The first run's compile shows "preparing the step detector (first run only): k/n"; a warm run shows nothing."""

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import cadence_coach
from cadence_coach.cli.preparing import MESSAGE, PreparingLine

SRC = Path(cadence_coach.__file__).resolve().parents[1]
PROBE = "from cadence_coach.cli.preparing import prepare_step_detector; print(prepare_step_detector().calls)"
"""Prepares the step detector as the commands do, and prints the progress calls it saw."""


def prepare_in_fresh_process(cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=600, check=True
    )


def test_a_cold_cache_shows_progress_and_a_warm_one_nothing(tmp_path):
    cold = prepare_in_fresh_process(tmp_path)
    calls = ast.literal_eval(cold.stdout)
    n = calls[-1][1]
    assert calls == [(k, n) for k in range(1, n + 1)] and n >= 10  # every kernel compiled, in order
    assert re.fullmatch(
        rf"{re.escape(MESSAGE)}: {n}/{n}\n", cold.stderr
    )  # stderr is not a terminal: one line
    warm = prepare_in_fresh_process(tmp_path)
    assert ast.literal_eval(warm.stdout) == [] and warm.stderr == ""


def test_on_a_terminal_the_line_is_rewritten_in_place():
    out = io.StringIO()
    line = PreparingLine(out, live=True, columns=80)
    line(1, 3)
    line(2, 3)
    assert out.getvalue() == f"\r{MESSAGE}: 1/3\r{MESSAGE}: 2/3"
    line(3, 3)
    line.finish()
    assert out.getvalue().endswith(f"\r{MESSAGE}: 3/3\n")


def test_nothing_compiled_nothing_written():
    for live in (True, False):
        out = io.StringIO()
        PreparingLine(out, live=live).finish()
        assert out.getvalue() == ""


def test_on_a_narrow_terminal_the_line_is_shortened_so_it_never_wraps():
    out = io.StringIO()
    line = PreparingLine(out, live=True, columns=40)
    for k in range(1, 15):
        line(k, 14)
    line.finish()
    shown = out.getvalue().split("\r")[1:]
    assert shown[0] == "preparing: 1/14" and shown[-1] == "preparing: 14/14\n"
    assert all(len(text.rstrip("\n")) < 40 for text in shown)


SHANK_PROBE = """
import sys
from cadence_coach.cli.preparing import prepare_step_detector
from cadence_coach.datatypes import Placement
from cadence_coach.gait import kernels
prepare_step_detector(placements=[Placement.SHANK])
print(sorted(kernels._compiled), "cffi" in sys.modules, "scipy.linalg" in sys.modules)
import cffi, scipy.linalg  # still importable afterwards
"""


def test_only_the_kernels_of_the_inputs_placements_load_and_numba_skips_cffi_and_blas(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-c", SHANK_PROBE], env=env, capture_output=True, text=True, timeout=600, check=True
    )
    assert proc.stdout.split() == ["['history',", "'landing']", "False", "False"]
