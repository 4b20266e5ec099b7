"""Replay and analyze throughput: how many times faster than real time a recording goes through.

Builds (in a temporary folder) a recording of one foot-mounted open IMU at 400 Hz, 3 frames per packet
as at a 7.5 ms BLE connection interval, with the simulated runner, then times:

- in-process ``cadence-coach replay --speed 0`` and ``cadence-coach analyze``: the median of the runs
  (wall time, and CPU time of this process, which a busy shared machine disturbs less). The first run
  of this process pays the one-time start-up, so the medians are the engine's own throughput;
- ``cadence-coach analyze`` and ``cadence-coach --help`` each as a whole command in a fresh process
  (``python -m cadence_coach``, after one untimed run so numba's on-disk kernel cache is warm): the
  median wall time and CPU time (user + system), start-up included: what a user waits for, and whether
  that meets issue 10's target (>= 3000x real time; the target's own recording with ``--issue-hour``);
- where the CPU time goes along the bulk path that both commands take (reading, + decoding, + the gait
  engine), per packet and per hour of recording.

    python benchmarks/replay_throughput.py [--minutes 60] [--runs 3] [--issue-hour]

The fresh processes run without PYTHONDONTWRITEBYTECODE: an installed package has its modules' bytecode
compiled, and a user's command does not compile them again each time (with that variable set and the
package run from its source folder, about 60 modules compile at every start).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.cli import analyze
from cadence_coach.cli import main as cli
from cadence_coach.datatypes import PacketBatch
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session, windows
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.simulator import simulate, write
from cadence_coach.streams import make_stream

RATE_HZ = 400.0
INTERVAL_MS = 7.5
TARGET_X = 3000.0
"""Issue 10's target: a 1-hour 400 Hz recording analysed at this many times real time, start-up included."""


def build_recording(path: Path, seconds: float, issue_hour: bool = False) -> int:
    """Simulate one foot-mounted open IMU at 400 Hz (rolling hills, BLE interval 7.5 ms: 3 frames per
    packet) and write the recording; returns its packet count. With ``issue_hour``: the recording of
    issue 10's target instead (``cadence-coach simulate --scenario flat-easy --rate 400 --feet both
    --seed 1``: both feet, the command's 15 ms interval)."""
    if issue_hour:
        sim = simulate("flat-easy", seconds, seed=1, rate_hz=RATE_HZ, feet="both", interval_ms=15.0)
    else:
        sim = simulate(
            "rolling-hills", seconds, seed=2, rate_hz=RATE_HZ, feet="right", interval_ms=INTERVAL_MS
        )
    return write(sim, path).packets_sent


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU time of one in-process command line run, s (its output is discarded)."""
    sink = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = cli(argv)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if code != 0:
        sys.exit(f"{argv[0]} failed: {sink.getvalue()}")
    return wall, cpu


def fresh_process(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and CPU time (user + system), s, of ``cadence-coach ARGV`` in a new Python
    process, after one untimed run (which fills numba's kernel cache if it is empty)."""
    command = [sys.executable, "-m", "cadence_coach", *argv]
    walls, cpus = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"COLUMNS": "100"}
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed: {done.stderr}")
        if i > 0:
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def stage_costs(path: Path, runs: int) -> dict[str, float]:
    """Median CPU time, s, of the bulk path's stages over the whole recording: reading, reading + decoding
    (in analyze's windows), and reading + the whole pipeline (decoding and the gait engine)."""

    def read() -> None:
        with RecordingReader(path) as r:
            for _ in r.batches():
                pass

    def decode() -> None:
        with RecordingReader(path) as r:
            stream = make_stream("open_imu", 0)
            for window in windows(r.batches(), analyze.BATCH):
                for item in window:
                    if isinstance(item, PacketBatch):
                        stream.feed_batch(item)

    def pipeline() -> None:
        with RecordingReader(path) as r:
            Session(Pipeline(r.header.sensors)).run(r.batches(), batch=analyze.BATCH)

    costs = {}
    for name, fn in {"read": read, "read+decode": decode, "read+pipeline": pipeline}.items():
        samples = []
        for _ in range(runs):
            start = time.process_time()
            fn()
            samples.append(time.process_time() - start)
        costs[name] = statistics.median(samples)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the recording (default 60)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the median is shown")
    parser.add_argument(
        "--issue-hour",
        action="store_true",
        help="time issue 10's recording (flat-easy, both feet, 400 Hz, seed 1) instead",
    )
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "bench.ccrec"
        start = time.perf_counter()
        n_packets = build_recording(rec, seconds, args.issue_hour)
        size_mb = rec.stat().st_size / 1e6
        print(
            f"recording: {args.minutes:g} min, {RATE_HZ:g} Hz, {'both feet, 15' if args.issue_hour else INTERVAL_MS:} "
            f"ms interval, {n_packets} packets, "
            f"{size_mb:.1f} MB (built in {time.perf_counter() - start:.1f} s)"
        )
        commands = {
            "replay --speed 0": ["replay", str(rec), "--speed", "0"],
            "analyze": ["analyze", str(rec), "--out", str(Path(tmp) / "steps.csv")],
        }
        timed(commands["analyze"])  # the first run in this process pays the start-up: not counted
        print(f"in-process (start-up paid before; median of {args.runs} runs): the engine's throughput")
        for name, argv in commands.items():
            runs = [timed(argv) for _ in range(args.runs)]
            for label, med in (
                ("wall", statistics.median(w for w, _ in runs)),
                ("cpu", statistics.median(c for _, c in runs)),
            ):
                print(
                    f"  {name:17s} {label:4s} median {med:6.2f} s: {seconds / med:6.0f} x real time, "
                    f"{n_packets / med:7.0f} packets/s, {med / n_packets * 1e6:5.1f} us/packet"
                )
        print(
            f"whole command in a fresh process (start-up included; median of {args.runs} runs): what a user waits for"
        )
        wall, cpu = fresh_process(commands["analyze"], args.runs)
        print(
            f"  {'analyze':17s} wall median {wall:6.2f} s: {seconds / wall:6.0f} x real time "
            f"(cpu {cpu:.2f} s: {seconds / cpu:.0f} x)"
        )
        met = "met" if seconds / wall >= TARGET_X else "NOT met"
        own = args.issue_hour and args.minutes == 60
        which = "issue 10's recording" if own else "not issue 10's recording: --issue-hour, 60 minutes"
        print(f"  target >= {TARGET_X:.0f}x, whole command ({which}): {met}")
        wall, cpu = fresh_process(["--help"], args.runs)
        print(f"  {'--help':17s} wall median {wall:6.3f} s (cpu {cpu:.3f} s)")
        print("stages of the bulk path, in-process:")
        costs = stage_costs(rec, args.runs)
        for name, cpu in costs.items():
            print(
                f"  {name:17s} cpu  median {cpu:6.3f} s: {cpu / n_packets * 1e6:5.2f} us/packet, "
                f"{cpu * 3600 / seconds:6.3f} s per hour of recording"
            )


if __name__ == "__main__":
    main()
