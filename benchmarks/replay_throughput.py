"""Replay and analyze throughput: how many times faster than real time a recording goes through.

Builds (in a temporary folder) a recording of one foot-mounted open IMU at 400 Hz, 3 frames per packet
as at a 7.5 ms BLE connection interval, from synthetic running signals, then times in-process
``cadence-coach replay --speed 0`` and ``cadence-coach analyze`` on it.

    python benchmarks/replay_throughput.py [--minutes 60] [--runs 3]

Prints the median of the runs (wall time, and CPU time of this process, which a busy shared machine
disturbs less): x real time, packets/s, us/packet; then where the time goes per packet (CPU).
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

import numpy as np

from cadence_coach.cli import main as cli
from cadence_coach.datatypes import GRAVITY, Placement, RawPacket, SensorInfo, Side
from cadence_coach.decoders import open_imu
from cadence_coach.pipeline import Pipeline
from cadence_coach.sensor_stream import make_stream
from cadence_coach.sources.recording import RecordingHeader, RecordingReader, RecordingWriter

RATE_HZ = 400.0
FRAMES = 3
STRIDE_HZ = 85 / 60  # one foot at 170 steps/min


def synthetic_run(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """Foot-like acc (m/s^2) and gyro (rad/s), shape (n, 3): swing rotation and landing impacts."""
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    phase = (t * STRIDE_HZ) % 1.0
    rng = np.random.default_rng(7)
    impact = 60.0 * np.exp(-(((phase - 0.02) / 0.01) ** 2))
    acc = np.c_[
        15.0 * np.sin(2 * np.pi * STRIDE_HZ * t),
        2.0 * np.sin(4 * np.pi * STRIDE_HZ * t),
        GRAVITY + impact,
    ] + rng.normal(0, 0.3, (len(t), 3))
    gyro = np.c_[
        0.5 * np.sin(2 * np.pi * STRIDE_HZ * t),
        12.0 * np.sin(2 * np.pi * STRIDE_HZ * t + 0.5),
        0.8 * np.cos(2 * np.pi * STRIDE_HZ * t),
    ] + rng.normal(0, 0.02, (len(t), 3))
    return acc, gyro


def build_recording(path: Path, seconds: float) -> int:
    """Write the recording; returns its packet count."""
    acc, gyro = synthetic_run(seconds)
    sensor = SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "CC-IMU bench", "bench", (open_imu.DATA_UUID,))
    n_packets = len(acc) // FRAMES
    with RecordingWriter(path, RecordingHeader([sensor], source="benchmark")) as w:
        for i in range(n_packets):
            a = i * FRAMES
            payload = open_imu.encode(i, round(a / RATE_HZ * 1e6), 1 / RATE_HZ, acc[a : a + FRAMES], gyro[a : a + FRAMES])
            arrival = (a + FRAMES) / RATE_HZ + 0.004  # sent at the next connection event
            w.write_packet(RawPacket(0, arrival, open_imu.DATA_UUID, payload))
    return n_packets


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
    """Median CPU time per packet, us, of reading, reading + decoding, and the whole pipeline."""

    def read() -> None:
        with RecordingReader(path) as r:
            for _ in r.packets():
                pass

    def batches(r: RecordingReader, size: int = 512):
        batch = []
        for p in r.packets():
            batch.append(p)
            if len(batch) == size:
                yield batch
                batch = []
        yield batch

    def decode() -> None:
        with RecordingReader(path) as r:
            stream = make_stream("open_imu", 0)
            for b in batches(r):
                stream.feed_many(b)

    def pipeline() -> None:
        with RecordingReader(path) as r:
            pl = Pipeline(r.header.sensors)
            for b in batches(r):
                pl.feed_packets(b)

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
            f"recording: {args.minutes:g} min, {RATE_HZ:g} Hz, {FRAMES} frames/packet, {n_packets} packets, "
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
        print("CPU per packet: " + ", ".join(f"{k} {v / n_packets * 1e6:.1f} us" for k, v in costs.items()))


if __name__ == "__main__":
    main()
