"""A long live session, packet by packet through the live path's code, on simulated time.

Feeds a two-foot 400 Hz simulated run (one segment simulated and repeated, see
src/cadence_coach/evaluation/soak.py) one packet at a time to the session ``cadence-coach run`` builds
(recording, pipeline, coach, voice off, plain live view, steps and cues writers), and prints per
simulated hour: packets, wall time per packet in the recording and the session (us), CPU time per packet
of the whole process (us, the packet generator's few us included; steadier than wall time on a shared
machine), resident memory (MB), steps so far.
Then the figures against issue 12's targets: memory growth per hour after the first (<= 5 MB/h), the
slowdown per packet (last hour vs second, in CPU time), the containers the session holds that grew with its length
(none), and whether a replay of the recording (``cadence-coach analyze``) gives the same steps.csv.

    python benchmarks/soak.py                  # 12 hours (about 20 minutes of wall time)
    python benchmarks/soak.py --hours 1 --every-min 10
    python benchmarks/soak.py --hours 3 --keep   # the session keeping every step, as before issue 12
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.evaluation.soak import Interval, LoopedRun, grown, soak
from cadence_coach.gait import kernels

GROWTH_TARGET_MB_PER_H = 5.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hours", type=float, default=12.0, help="simulated session length, h (default 12)")
    p.add_argument(
        "--every-min", type=float, default=60.0, help="report interval, simulated min (default 60)"
    )
    p.add_argument(
        "--segment-min", type=float, default=30.0, help="simulated segment repeated, min (default 30)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep every step and cue in the session, as live sessions did before",
    )
    p.add_argument(
        "--work", type=Path, help="folder for the recording and steps files (default: a temporary one)"
    )
    a = p.parse_args()
    kernels.compile_all()
    t0 = time.perf_counter()
    run = LoopedRun(segment_s=a.segment_min * 60.0, seed=a.seed)
    print(f"segment: {run.segment_s / 60:g} min simulated in {time.perf_counter() - t0:.1f} s")
    print(f"{'t (h)':>6} {'packets':>8} {'wall us':>9} {'CPU us':>9} {'RSS MB':>7} {'steps':>7}")

    out = sys.stdout  # the session prints its cues (voice off) to the null device meanwhile

    def show(iv: Interval) -> None:
        line = (
            f"{iv.end_s / 3600:6.2f} {iv.packets:8d} {iv.us_per_packet:9.1f} {iv.cpu_us_per_packet:9.1f} "
            f"{iv.rss_mb:7.1f} {iv.steps:7d}"
        )
        print(line, file=out, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = a.work or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("soak.ccrec", "soak.steps.csv", "soak.cues.csv", "replay.steps.csv"):
            (folder / name).unlink(missing_ok=True)
        wall = time.perf_counter()
        r = soak(
            run,
            a.hours * 3600.0,
            folder,
            every_s=a.every_min * 60.0,
            on_interval=show,
            sizes=True,
            keep=a.keep,
        )
        wall = time.perf_counter() - wall
        replay = folder / "replay.steps.csv"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cadence_coach", "analyze", str(r.recording), "--out", str(replay)],
            check=True,
            capture_output=True,
        )
        replay_s = time.perf_counter() - t0
        same = filecmp.cmp(r.steps_csv, replay, shallow=False)
        differences = "" if same else compare_steps(r.steps_csv, replay)
        size_mb = r.recording.stat().st_size / 1e6
    report(a, r.intervals, wall, r.steps, r.cues, r.lost_packets, size_mb, replay_s, same)
    if differences:
        print(differences)
    return 0 if same else 1


def compare_steps(live: Path, replay: Path) -> str:
    """Where two steps files differ: rows, and per column how many rows and the largest difference."""
    with open(live, encoding="utf-8") as fa, open(replay, encoding="utf-8") as fb:
        names = next(csv.reader(fa))
        next(fb)
        rows = differ = 0
        per: dict[str, list[float]] = {}
        for ra, rb in zip(csv.reader(fa), csv.reader(fb)):
            rows += 1
            if ra == rb:
                continue
            differ += 1
            for name, x, y in zip(names, ra, rb):
                if x != y:
                    try:
                        d = abs(float(x) - float(y))
                    except ValueError:
                        d = float("inf")
                    per.setdefault(name, []).append(d)
    cols = ", ".join(f"{k} in {len(v)} rows (largest {max(v):.4g})" for k, v in per.items())
    return f"rows that differ: {differ} of {rows}: {cols}"


def report(a, ivs: list[Interval], wall, steps, cues, lost, size_mb, replay_s, same) -> None:
    """The summary lines against the targets."""
    per_h = 60.0 / a.every_min
    first = next((iv for iv in ivs if iv.end_s >= 3600.0 - 1e-6), ivs[0])
    rest = [iv for iv in ivs if iv.end_s > first.end_s]
    print(
        f"session: {a.hours:g} h simulated in {wall:.0f} s of wall time; {steps} steps, {cues} cues, "
        f"{lost} packets lost; recording {size_mb:.0f} MB"
    )
    if rest:
        growth = (rest[-1].rss_mb - first.rss_mb) / ((rest[-1].end_s - first.end_s) / 3600.0)
        peak = max(iv.rss_mb for iv in rest) - first.rss_mb
        ok = "met" if growth <= GROWTH_TARGET_MB_PER_H else "NOT met"
        print(
            f"memory after the first hour: {first.rss_mb:.1f} -> {rest[-1].rss_mb:.1f} MB, "
            f"{growth:+.2f} MB/h (largest rise {peak:+.1f} MB; target <= {GROWTH_TARGET_MB_PER_H:g} MB/h: {ok})"
        )
        second = rest[min(len(rest) - 1, int(per_h) - 1)]
        cpu = [iv.cpu_us_per_packet for iv in rest]
        print(
            f"CPU time per packet: {second.cpu_us_per_packet:.1f} us at {second.end_s / 3600:.2f} h, "
            f"{rest[-1].cpu_us_per_packet:.1f} us at {rest[-1].end_s / 3600:.2f} h "
            f"({rest[-1].cpu_us_per_packet / second.cpu_us_per_packet:.2f}x; range {min(cpu):.1f}-{max(cpu):.1f} us; "
            "target: no slowdown)"
        )
    up = grown(ivs[0].sizes, ivs[-1].sizes) if len(ivs) > 1 else {}
    print(
        "containers grown with the session: "
        + (", ".join(f"{k} {b0} -> {b1}" for k, (b0, b1) in up.items()) if up else "none")
        + f" ({len(ivs[-1].sizes)} watched)"
    )
    print(
        f"steps identical to a replay of the recording (analyze, {replay_s:.0f} s): {'yes' if same else 'NO'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
