"""Faults during a live session (issue 12): each fault on the real path, and whether it was survived.

- disk-full: `run` (in-process, one simulated open IMU sensor on the bumble link, 12 s) recording to a
  24 KB tmpfs (when run as root and mount works), else under a 24 KB file size limit (RLIMIT_FSIZE).
  Survived: exit 0, one notice, steps still detected after the stop. Records lost: records written
  before the stop that the reader does not give back (the recorded packets must be the first ones sent).
- audio-server: a Voice on a private PulseAudio (evaluation/private_pulse.py) that is killed (SIGKILL)
  mid-session and started again 1 s later. Survived: the cue spoken meanwhile printed, the stream
  reopened, the cue after the restart heard on the new server's null sink (correlation > 0.6).
- storm: `bench` (in-process) for --storm-s seconds of wall time with --disconnects forced range
  losses, alternating two sensors. Survived: every disconnect reconnected and streaming again.
- sigterm-bench / sigterm-replay / sigterm-demo: the command in a process of its own, SIGTERM after a
  few seconds. Survived: exit 0 (bench) or 130 (replay, demo: interrupted), the summary printed, no
  traceback. (`run` under SIGTERM is tests/session/test_live_faults.py's: it needs the in-process radio.)

Usage: python benchmarks/faults.py [--storm-s 1200] [--disconnects 100] [--only NAME ...]
Prints one row per fault: survived, records lost, reconnects, and what was seen.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cadence_coach.cli import build_parser
from cadence_coach.cli.run import run_live_command
from cadence_coach.gait import kernels
from cadence_coach.sources.ble.sim.link import SimulatedLink
from cadence_coach.sources.ble.sim.packets import OpenImuFramePacker
from cadence_coach.sources.ble.sim.peripheral import SimulatedSensor
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.simulator import simulate

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "recordings" / "demo-descent.ccrec"
ROOM_BYTES = 24 * 1024


@dataclass
class Outcome:
    """One fault's row."""

    fault: str
    survived: bool
    records_lost: int | None = None
    reconnects: str = "-"
    detail: str = ""


@contextlib.contextmanager
def small_disk(folder: Path) -> Iterator[str]:
    """A folder whose files run out of room after ROOM_BYTES: a tmpfs, else a file size limit."""
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={ROOM_BYTES}", "tmpfs", str(folder)], capture_output=True
    )
    if mount.returncode == 0:
        try:
            yield f"{ROOM_BYTES // 1024} KB tmpfs"
        finally:
            subprocess.run(["umount", str(folder)], check=False)
        return
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM_BYTES, limits[1]))
    try:
        yield f"{ROOM_BYTES // 1024} KB file size limit"
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)


def disk_full(tmp: Path) -> Outcome:
    sim = simulate("flat-easy", 14.0, 2, rate_hz=200.0, feet="left", loss=0.0)
    samples = sim.samples(0)
    packer = OpenImuFramePacker(samples.acc, samples.gyro, 200.0, loop=False)
    sensor = SimulatedSensor("CC-IMU-L", packer, interval_ms=7.5, record_sent=True)
    folder, steps_csv = tmp / "disk", tmp / "steps.csv"
    folder.mkdir()
    record = folder / "live.ccrec"
    argv = ["run", "--device", "CC-IMU-L", "--record", str(record), "--audio", "off"]
    argv += ["--steps-out", str(steps_csv), "--duration", "12", "--scan-timeout", "2"]
    args = build_parser().parse_args(argv)

    async def go() -> int:
        async with SimulatedLink([sensor]) as link:
            return await run_live_command(args, link.backend)

    err = io.StringIO()
    with (
        small_disk(folder) as how,
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = asyncio.run(go())
        with RecordingReader(record) as reader:
            packets = [p.payload for p in reader.packets()]
            damaged = bool(reader.damaged_spans) or reader.truncated or reader.corrupt_records > 0
    notices = [line for line in err.getvalue().splitlines() if line.startswith("recording stopped")]
    stopped_at = float(notices[0].split("stopped at ")[1].split(" s")[0]) if notices else float("inf")
    with open(steps_csv, newline="") as f:
        after = sum(float(r["t_ic_s"]) > stopped_at for r in csv.DictReader(f))
    sent = sensor.sent or []
    prefix = packets == sent[: len(packets)]
    lost = 0 if prefix and not damaged else len(packets)
    survived = code == 0 and len(notices) == 1 and after > 0 and lost == 0
    detail = (
        f"{how}: {notices[0].split(' (')[0] if notices else 'no notice'}; {len(packets)} packets readable, "
        f"{after} steps after the stop"
    )
    return Outcome("disk-full", survived, lost, "-", detail)


def audio_server(tmp: Path) -> Outcome:
    from cadence_coach.evaluation.audio_monitor import MonitorRecorder, find_clip
    from cadence_coach.evaluation.private_pulse import PrivatePulse
    from cadence_coach.voice import Voice

    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        return Outcome("audio-server", False, detail="not run: PulseAudio not installed")
    server = PrivatePulse(tmp / "pulse")
    server.folder.mkdir()
    os.environ.update(server.env)
    if "ALSA_CONFIG_PATH" not in os.environ:
        conf = tmp / "asound.conf"
        conf.write_text(
            "</usr/share/alsa/alsa.conf>\npcm.!default { type pulse }\nctl.!default { type pulse }\n"
        )
        os.environ["ALSA_CONFIG_PATH"] = str(conf)
    server.start()
    cues = {"a": "Shorten your stride", "b": "Quick feet", "c": "Eyes up"}
    voice = Voice("on", cues, cache_dir=tmp / "cache")
    out = io.StringIO()
    try:
        voice.start()
        player = voice._player
        assert player is not None
        voice.speak("a", 1.0)
        wait_until(lambda: voice.stats.played == 1, 5.0)
        server.kill()
        t_kill = time.monotonic()
        wait_until(lambda: not player.available, 5.0)
        lost_after = time.monotonic() - t_kill
        with contextlib.redirect_stdout(out):
            voice.speak("b", 2.0)
        time.sleep(1.0)
        server.start()
        t_back = time.monotonic()
        wait_until(lambda: player.available, 20.0)
        reopened_after = time.monotonic() - t_back
        recorder = MonitorRecorder(PrivatePulse.SINK)
        recorder.start()
        recorder.wait_for_audio_flow()
        voice.speak("c", 3.0)
        time.sleep(len(voice.clip("c")) / voice.rate_hz + 0.8)
        heard = find_clip(recorder.stop().samples, voice.clip("c")).score
        stats = voice.stats
    finally:
        voice.close()
        server.kill()
    printed = "[cue] Quick feet" in out.getvalue()
    survived = printed and stats.reopens >= 1 and heard > 0.6
    detail = (
        f"loss seen after {lost_after * 1000:.0f} ms, cue printed meanwhile: {printed}, reopened "
        f"{reopened_after:.1f} s after the restart, cue after it heard (correlation {heard:.2f})"
    )
    return Outcome("audio-server", survived, 0, f"{stats.reopens} reopen", detail)


def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def storm(duration_s: float, disconnects: int) -> Outcome:
    from cadence_coach.session.bench import run_bench

    r = asyncio.run(run_bench(duration_s=duration_s, disconnects=disconnects, sensors=2, seed=12))
    survived = r.disconnects == r.reconnects == r.streams_resumed == disconnects
    detail = (
        f"{duration_s:g} s, 2 sensors: reconnect median {r.reconnect_ms_median:.0f} ms, max "
        f"{r.reconnect_ms_max:.0f} ms ({r.reconnect_after_return_ms_median:.0f} ms after the sensor was back), "
        f"{r.packets_lost} packets lost, F1 {r.f1:.3f}, {r.false_steps_in_gaps} false steps near gaps, "
        f"cpu {r.cpu_percent:.1f} %"
    )
    return Outcome(
        "storm",
        survived,
        r.packets_lost,
        f"{r.reconnects}/{r.disconnects} ({r.streams_resumed} streaming again)",
        detail,
    )


def sigterm(name: str, argv: list[str], after_s: float, expect: int) -> Outcome:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_coach", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    time.sleep(after_s)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    ended_s = time.monotonic() - t0
    summary = "steps: " in out
    survived = proc.returncode == expect and summary and "Traceback" not in err
    said = next((line for line in err.splitlines() if line.startswith("interrupted")), "")
    detail = f"exit {proc.returncode} {ended_s:.1f} s after SIGTERM, summary printed: {summary}; {said}"
    return Outcome(name, survived, None, "-", detail)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--storm-s", type=float, default=1200.0, help="storm session length, s (default 1200)")
    p.add_argument(
        "--disconnects", type=int, default=100, help="forced disconnects in the storm (default 100)"
    )
    p.add_argument("--only", nargs="*", help="run only these faults")
    args = p.parse_args()
    kernels.compile_all()
    with tempfile.TemporaryDirectory() as work:
        os.environ["XDG_DATA_HOME"] = work  # the sessions' runner baselines, never the user's
        faults: dict[str, Callable[[Path], Outcome]] = {
            "disk-full": disk_full,
            "audio-server": audio_server,
            "sigterm-bench": lambda _: sigterm("sigterm-bench", ["bench", "--duration", "60"], 12.0, 0),
            "sigterm-replay": lambda _: sigterm(
                "sigterm-replay", ["replay", str(DEMO), "--speed", "10", "--audio", "off"], 8.0, 130
            ),
            "sigterm-demo": lambda _: sigterm("sigterm-demo", ["demo", "--audio", "off"], 8.0, 130),
            "storm": lambda _: storm(args.storm_s, args.disconnects),
        }
        rows = []
        for name, fault in faults.items():
            if args.only and name not in args.only:
                continue
            folder = Path(work) / name
            folder.mkdir()
            t0 = time.monotonic()
            rows.append(fault(folder))
            print(f"{name}: done in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    print(f"{'fault':<15} {'survived':<9} {'records lost':<13} {'reconnects':<28} detail")
    for r in rows:
        lost = "-" if r.records_lost is None else str(r.records_lost)
        print(f"{r.fault:<15} {'yes' if r.survived else 'NO':<9} {lost:<13} {r.reconnects:<28} {r.detail}")


if __name__ == "__main__":
    main()
