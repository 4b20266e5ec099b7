"""Faults during a live session on simulated sensors: the disk fills while recording, SIGTERM, a storm
of disconnects (`bench`; the 20-minute, 100-disconnect storm is benchmarks/faults.py's).

The disk fills for real: a small tmpfs (when the tests run as root and may mount one) or a file size
limit (RLIMIT_FSIZE, set in this process for the session: the kernel then refuses writes past it).
"""

import asyncio
import csv
import json
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from cadence_coach.cli import build_parser, main
from cadence_coach.cli.run import run_live_command
from cadence_coach.cli.signals import terminate_as_interrupt
from cadence_coach.sources.ble.sim.link import SimulatedLink
from cadence_coach.sources.recording import RecordedEvent, RecordingReader
from tests.session.test_live import runner_sensor
from tests.support.cli import exit_code

pytestmark = [pytest.mark.ble, pytest.mark.timeout(60), pytest.mark.usefixtures("compiled_gait_kernels")]

ROOM_BYTES = 24 * 1024
"""Room for the recording: a few seconds of one open IMU sensor's packets."""


def run_args(record: Path, steps_csv: Path, duration_s: float) -> list[str]:
    return [
        "run",
        "--device",
        "CC-IMU-L",
        "--side",
        "left",
        "--record",
        str(record),
        "--audio",
        "off",
        "--steps-out",
        str(steps_csv),
        "--duration",
        f"{duration_s:g}",
        "--scan-timeout",
        "2",
    ]


@pytest.fixture(params=["tmpfs", "rlimit"])
def small_disk(request, tmp_path):
    """A folder whose recording runs out of room after about ROOM_BYTES."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "tmpfs":
        mount = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={ROOM_BYTES}", "tmpfs", str(folder)], capture_output=True
        )
        if mount.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({mount.stderr.decode().strip()})")
        yield folder, None
        subprocess.run(["umount", str(folder)], check=False)
    else:
        yield folder, ROOM_BYTES


def test_a_full_disk_stops_the_recording_once_and_coaching_goes_on(small_disk, tmp_path, capsys):
    folder, fsize_limit = small_disk
    sensor = runner_sensor()
    record, steps_csv = folder / "live.ccrec", tmp_path / "steps.csv"
    args = build_parser().parse_args(run_args(record, steps_csv, 12.0))

    async def go():
        async with SimulatedLink([sensor]) as link:
            return await run_live_command(args, link.backend)

    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    if fsize_limit is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, limits[1]))
    try:
        code = asyncio.run(go())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
    assert code == 0
    captured = capsys.readouterr()
    notices = [line for line in captured.err.splitlines() if line.startswith("recording stopped")]
    reason = "the disk is full" if fsize_limit is None else "the file size limit was reached"
    assert len(notices) == 1 and reason in notices[0], captured.err
    stopped_at = float(notices[0].split("stopped at ")[1].split(" s")[0])
    assert 1.0 < stopped_at < 10.0  # the session streamed on for seconds after it
    assert f"recording: {record} (recording stopped at" in captured.out

    # coaching went on: steps detected after the recording stopped
    with open(steps_csv, newline="") as f:
        t_ic = [float(r["t_ic_s"]) for r in csv.DictReader(f)]
    assert any(t > stopped_at + 1.0 for t in t_ic)

    # what was written stays readable: whole records only, the packets sent first, in order
    with RecordingReader(record) as reader:
        records = list(reader.records())
        assert not reader.truncated and not reader.damaged_spans and reader.corrupt_records == 0
    packets = [r.payload for r in records if not isinstance(r, RecordedEvent)]
    assert len(packets) > 100
    assert packets == sensor.sent[: len(packets)]
    assert record.stat().st_size <= ROOM_BYTES
    assert exit_code(["check", str(record)]) == 0


def test_a_full_disk_under_every_output_ends_the_session_normally(small_disk, capsys):
    folder, fsize_limit = small_disk
    record, steps_csv, cues_csv = folder / "live.ccrec", folder / "steps.csv", folder / "cues.csv"
    argv = run_args(record, steps_csv, 8.0) + ["--cues-out", str(cues_csv)]
    args = build_parser().parse_args(argv)

    async def go():
        async with SimulatedLink([runner_sensor()]) as link:
            return await run_live_command(args, link.backend)

    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    if fsize_limit is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, limits[1]))
    try:
        code = asyncio.run(go())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
    assert code == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert sum(line.startswith("recording stopped") for line in captured.err.splitlines()) == 1
    for path in (steps_csv, cues_csv):  # at most one notice each; what reached the file is kept
        assert (
            sum(
                line.endswith("what was written is kept") and str(path) in line
                for line in captured.err.splitlines()
            )
            <= 1
        )
        assert path.exists()
    assert "steps: " in captured.out
    with RecordingReader(record) as reader:
        assert sum(1 for _ in reader.packets()) > 100
        assert not reader.truncated and not reader.damaged_spans


def test_sigterm_ends_a_run_like_ctrl_c(tmp_path, capsys):
    sensor = runner_sensor()
    record, steps_csv = tmp_path / "live.ccrec", tmp_path / "steps.csv"
    args = build_parser().parse_args(run_args(record, steps_csv, 30.0))

    async def go():
        async with SimulatedLink([sensor]) as link:
            asyncio.get_running_loop().call_later(8.0, os.kill, os.getpid(), signal.SIGTERM)
            return await run_live_command(args, link.backend)

    previous = signal.getsignal(signal.SIGTERM)
    terminate_as_interrupt()  # as cli.main does: a SIGTERM the session missed would interrupt, not kill
    try:
        assert asyncio.run(go()) == 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    out = capsys.readouterr().out
    session_line = next(line for line in out.splitlines() if line.startswith("session: "))
    assert 6.0 < float(session_line.split()[1]) < 12.0  # ended at the signal, not after 30 s
    assert f"recording: {record}" in out
    with RecordingReader(record) as reader:
        packets = list(reader.packets())
        assert not reader.truncated and not reader.damaged_spans
    assert len(packets) == len(sensor.sent) or len(sensor.sent) - len(packets) <= 2
    with open(steps_csv, newline="") as f:
        assert len(list(csv.DictReader(f))) >= 4


def test_a_storm_of_disconnects_is_recovered_every_time(capsys):
    argv = ["bench", "--duration", "30", "--disconnects", "10", "--sensors", "2", "--seed", "3", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["disconnects"] == result["reconnects"] == result["streams_resumed"] == 10
    assert result["false_steps_in_gaps"] == 0
    assert result["steps_detected"] >= 0.8 * result["steps_true"] > 0
