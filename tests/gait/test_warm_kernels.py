"""``kernels.compile_all`` warms every gait kernel for the array layouts the detectors really pass: after
it, running the engine on foot, shank and trunk inputs compiles nothing more (a variant missed there
would compile in the middle of a live session, stalling it for a second or more)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import DEMO_RECORDING, REAL_EXCERPTS

PROBE = """
import sys
from numba.core.registry import CPUDispatcher
from cadence_coach.cli import main
from cadence_coach.gait import kernels, landing_kernels, trunk_kernels

def signatures():
    out = {}
    for module in (kernels, landing_kernels, trunk_kernels):
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher):
                out[module.__name__ + "." + name] = set(map(str, obj.signatures))
    return out

kernels.compile_all()
warm = signatures()
for argv in sys.argv[1:]:
    assert main(argv.split("|")) == 0, argv
late = {k: v - warm.get(k, set()) for k, v in signatures().items() if v - warm.get(k, set())}
print(sorted(late))
"""


def test_no_gait_kernel_compiles_after_compile_all(tmp_path):
    foot = REAL_EXCERPTS / "gaitmap_foot_left_204hz.csv"
    back = REAL_EXCERPTS / "mobgap_lowback_ha001_straight.csv"
    runs = [
        f"analyze|{DEMO_RECORDING}|--out|{tmp_path / 'demo.csv'}",
        f"analyze|{foot}|--placement|foot|--side|left|--rate|204.8|--out|{tmp_path / 'foot.csv'}",
        f"analyze|{foot}|--placement|shank|--rate|204.8|--out|{tmp_path / 'shank.csv'}",
        f"analyze|{back}|--placement|trunk|--acc-unit|g|--out|{tmp_path / 'back.csv'}",
    ]
    done = subprocess.run([sys.executable, "-c", PROBE, *runs], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout
