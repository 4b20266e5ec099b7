"""Replay and analyze throughput: how many times faster than real time a recording goes through.

Builds (in a temporary folder) a recording of one foot-mounted open IMU at 400 Hz, 3 frames per packet
as at a 7.5 ms BLE connection interval, with the simulated runner, then times in-process
``cadence-coach replay --speed 0`` and ``cadence-coach analyze`` on it.

    python benchmarks/replay_throughput.py [--minutes 60] [--runs 3]

Prints the median of the runs (wall time, and CPU time of this process, which a busy shared machine
disturbs less): x real time, packets/s, us/packet; then where the CPU time goes along the bulk path that
both commands take (reading, + decoding, + the gait engine), per packet and per hour of recording.
The commands run in this process, so the one-time start-up (imports, loading the compiled kernels:
about 1 s cold) is paid by the first run only and does not show in the medians.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.cli import analyze
from cadence_coach.cli import main as cli
from cadence_coach.pipeline import Pipeline
from cadence_coach.sensor_stream import make_stream
from cadence_coach.session import Session, windows
from cadence_coach.sources.recording import PacketBatch, RecordingReader
from cadence_coach.sources.simulator import simulate, write

RATE_HZ = 400.0
INTERVAL_MS = 7.5


def build_recording(path: Path, seconds: float) -> int:
    """Simulate one foot-mounted open IMU at 400 Hz (rolling hills, BLE interval 7.5 ms: 3 frames per
    packet) and write the recording; returns its packet count."""
    sim = simulate("rolling-hills", seconds, seed=2, rate_hz=RATE_HZ, feet="right", interval_ms=INTERVAL_MS)
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
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "bench.ccrec"
        start = time.perf_counter()
        n_packets = build_recording(rec, seconds)
        size_mb = rec.stat().st_size / 1e6
        print(
            f"recording: {args.minutes:g} min, {RATE_HZ:g} Hz, {INTERVAL_MS:g} ms interval, {n_packets} packets, "
            f"{size_mb:.1f} MB (built in {time.perf_counter() - start:.1f} s)"
        )
        commands = {
            "replay --speed 0": ["replay", str(rec), "--speed", "0"],
            "analyze": ["analyze", str(rec), "--out", str(Path(tmp) / "steps.csv")],
        }
        for name, argv in commands.items():
            runs = [timed(argv) for _ in range(args.runs)]
            for label, med in (("wall", statistics.median(w for w, _ in runs)), ("cpu", statistics.median(c for _, c in runs))):
                print(
                    f"{name:17s} {label:4s} median {med:6.2f} s of {args.runs}: {seconds / med:6.0f} x real time, "
                    f"{n_packets / med:7.0f} packets/s, {med / n_packets * 1e6:5.1f} us/packet"
                )
        costs = stage_costs(rec, args.runs)
        for name, cpu in costs.items():
            print(
                f"{name:17s} cpu  median {cpu:6.3f} s: {cpu / n_packets * 1e6:5.2f} us/packet, "
                f"{cpu * 3600 / seconds:6.3f} s per hour of recording"
            )


if __name__ == "__main__":
    main()
