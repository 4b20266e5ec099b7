"""Simulator speed: seconds to simulate and write a one-foot 400 Hz session (prints medians)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.sources.simulator import simulate, write


def run_once(duration_s: float, folder: Path, n: int) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    sim = simulate("rolling-hills", duration_s, seed=n, rate_hz=400, feet="right")
    t1 = time.perf_counter()
    summary = write(sim, folder / f"bench{n}.ccrec")
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, summary.bytes_written


def main() -> int:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 3600.0
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_once(duration, Path(tmp), n) for n in range(repeats)]
    plan = statistics.median(r[0] for r in runs)
    out = statistics.median(r[1] for r in runs)
    size = runs[0][2]
    print(f"simulator, rolling-hills, {duration:g} s at 400 Hz, one foot, {repeats} runs:")
    print(f"  simulate (plan, kinematics, truth) median {plan:.2f} s")
    print(f"  write (signals, packets, file)     median {out:.2f} s")
    print(
        f"  total median {plan + out:.2f} s = {duration / (plan + out):.0f}x real time; file {size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
