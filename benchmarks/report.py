"""The session report of an hour's run: time to write it, its size, and time to render it in a browser.

Makes (in a temporary folder, unless ``--recording`` names one) a 1-hour two-foot recording with the
simulator (``cadence-coach simulate --scenario rolling-hills --duration 3600 --feet both``), then:

- runs ``cadence-coach report REC --out report.html`` as a fresh process (after one untimed run, so
  numba's kernel cache is warm): the wall time a user waits for, pipeline and coach included (target
  <= 10 s); and, in this process, the report alone (binning, plots, page) from the activity;
- the file's size (target <= 3 MB);
- opens it in headless Chromium (issue 13's real-browser check): the time from navigation start to
  the whole page parsed, styled and laid out, measured in the page (target <= 3 s), the median of
  ``--runs``; and the whole headless browser run, start-up and screenshot-free exit included, which
  bounds what painting adds.

    python benchmarks/report.py [--recording REC] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.cli import build_parser
from cadence_coach.cli.activity_input import load_activity
from cadence_coach.evaluation import browser
from cadence_coach.outputs.report import render_report

WRITE_TARGET_S = 10.0
SIZE_TARGET_MB = 3.0
RENDER_TARGET_S = 3.0


def simulate_hour(folder: Path) -> Path:
    """A 1-hour two-foot recording of rolling hills (seed 7)."""
    rec = folder / "hour.ccrec"
    cmd = [sys.executable, "-m", "cadence_coach", "simulate", "--scenario", "rolling-hills"]
    cmd += ["--duration", "3600", "--seed", "7", "--feet", "both", "--out", str(rec)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return rec


def command_s(rec: Path, out: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of ``cadence-coach report REC --out OUT`` in a fresh
    process, s: on a shared, busy machine the CPU time is what the command itself costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "cadence_coach", "report", str(rec), "--out", str(out)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recording", type=Path, help="use this recording instead of simulating an hour")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each measurement (median)")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cc-report-bench-") as tmp:
        folder = Path(tmp)
        rec = opts.recording or simulate_hour(folder)
        out = folder / "report.html"
        command_s(rec, out)  # warm-up: numba's cache, the OS's file cache
        runs = [command_s(rec, out) for _ in range(opts.runs)]
        write, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        activity = load_activity(build_parser(["report"]).parse_args(["report", str(rec)]))
        t0 = time.perf_counter()
        render_report(activity, rec.name)
        alone = time.perf_counter() - t0
        size_mb = out.stat().st_size / 1e6
        print(
            f"recording: {rec.name}, {activity.duration_s / 60:.0f} min, {len(activity.steps)} steps, feet {activity.feet}"
        )
        print(
            f"write (whole command): {write:.2f} s (target <= {WRITE_TARGET_S:g} s: {verdict(write, WRITE_TARGET_S)})"
        )
        print(
            f"  CPU time of the command: {cpu:.2f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(f"  the report alone in this process (bins, plots, page): {alone:.2f} s")
        print(f"size: {size_mb:.2f} MB (target <= {SIZE_TARGET_MB:g} MB: {verdict(size_mb, SIZE_TARGET_MB)})")
        if browser.find_chromium() is None:
            print("render: skipped, no Chromium installed (Debian package chromium)")
            return 0
        shown = [browser.render_ms(out, folder) for _ in range(opts.runs)]
        render_s = statistics.median(r[0] for r in shown) / 1000
        whole = statistics.median(r[1] for r in shown)
        print(
            f"render in Chromium (navigation start to the page laid out): {render_s:.2f} s "
            f"(target <= {RENDER_TARGET_S:g} s: {verdict(render_s, RENDER_TARGET_S)}); "
            f"whole headless browser run incl. start-up {whole:.2f} s"
        )
        console = browser.dump_dom(out).console
        print(f"console messages: {len(console)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
