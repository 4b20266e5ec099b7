"""Replay pacing: original timing at speed 1, scaled at speed 4, no waiting at speed 0.

Sleeps never return early, so "never ahead of the recording's timing" is a safe lower bound; upper
bounds are left generous because the test machines are shared.
"""

import asyncio
import time
from types import SimpleNamespace

import numpy as np
import pytest

from cadence_coach.cli.input_options import open_input
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.replay import paced
from tests.support.replay import ReplaySource


class FakeClock:
    """Stands in for the time module (a WallClock): sleeping advances the clock exactly."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, s):
        self.sleeps.append(s)
        self.now += s


def replay_timed(path, speed):
    """(stream time, wall time since start) of each packet replayed at ``speed``."""
    out = []
    with RecordingReader(path) as reader:
        start = time.monotonic()
        for item in ReplaySource(reader, speed):
            out.append((item.t_host, time.monotonic() - start))
    return np.array(out)


def test_speed_1_keeps_the_original_timing_and_speed_0_does_not_wait(standing_recording):
    path, packets = standing_recording
    real = replay_timed(path, 1.0)
    fast = replay_timed(path, 0.0)
    span = real[-1, 0] - real[0, 0]
    assert span == pytest.approx(2.0, abs=0.02)
    ahead = (real[:, 0] - real[0, 0]) - real[:, 1]
    assert ahead.max() < 0.002  # no packet comes before its time
    assert 1.5 < real[-1, 1] < 4.0
    assert len(real) == len(fast) == len(packets)
    assert fast[-1, 1] < real[-1, 1] / 10


def test_speed_4_takes_a_quarter_of_the_time(standing_recording):
    path, _ = standing_recording
    quick = replay_timed(path, 4.0)
    span = quick[-1, 0] - quick[0, 0]
    assert (((quick[:, 0] - quick[0, 0]) / 4) - quick[:, 1]).max() < 0.002
    assert span / 4 - 0.01 < quick[-1, 1] < span / 4 + 1.5


@pytest.mark.parametrize("speed", [0.5, 1.0, 4.0])
def test_pacing_follows_stream_time_exactly(speed):
    clock = FakeClock()
    times = [3.0, 3.01, 3.5, 3.5, 4.25, 10.0]
    seen = [(t, clock.now) for t in paced(times, speed, lambda t: t, clock)]
    for t, wall in seen:
        assert wall - seen[0][1] == pytest.approx((t - times[0]) / speed, abs=0.0011)


def test_speed_0_never_sleeps(standing_recording):
    clock = FakeClock()
    path, packets = standing_recording
    with RecordingReader(path) as reader:
        assert len(list(ReplaySource(reader, 0, clock))) == len(packets)
    assert clock.sleeps == []


def test_csv_blocks_are_paced_by_their_sample_times(tmp_path):
    clock = FakeClock()
    t = 50.0 + np.arange(400) / 200.0
    path = tmp_path / "run.csv"
    np.savetxt(
        path, np.c_[t, np.zeros((400, 2)), np.full(400, 9.8)], delimiter=",", header="t,ax,ay,az", comments=""
    )
    args = SimpleNamespace(
        input=str(path), format="auto", placement="foot", side=None, rate=None, acc_unit=None, gyro_unit=None
    )
    with open_input(args, block_s=0.1) as source:
        seen = [(b.t_arrival, clock.now) for b in source.items(speed=2.0, clock=clock)]
    assert len(seen) == 20
    assert seen[-1][0] == pytest.approx(t[-1])
    for arrival, wall in seen:
        assert wall - seen[0][1] == pytest.approx((arrival - seen[0][0]) / 2.0, abs=0.0011)


def test_async_replay_paces_and_keeps_order(standing_recording):
    path, packets = standing_recording

    async def collect(speed):
        loop = asyncio.get_running_loop()
        out = []
        with RecordingReader(path) as reader:
            start = loop.time()
            async for item in ReplaySource(reader, speed):
                out.append((item.t_host, loop.time() - start))
        return np.array(out)

    quick = asyncio.run(collect(8.0))
    assert np.all(np.diff(quick[:, 0]) > 0)
    assert (((quick[:, 0] - quick[0, 0]) / 8) - quick[:, 1]).max() < 0.002
    assert len(asyncio.run(collect(0.0))) == len(packets)
