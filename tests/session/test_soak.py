"""Short version of benchmarks/soak.py: 10 simulated minutes of a two-foot 400 Hz run, packet by packet
through the live path's code; nothing the session holds grows with its length, and its steps are those
of a replay of its recording."""

import pytest

from cadence_coach.evaluation.soak import LoopedRun, grown, soak
from tests.support.cli import exit_code


@pytest.fixture(scope="module")
def looped():
    return LoopedRun(segment_s=300.0, seed=3)


def test_a_long_session_holds_nothing_that_grows_and_replays_to_the_same_steps(looped, tmp_path):
    r = soak(looped, 600.0, tmp_path, every_s=300.0, sizes=True)
    first, last = r.intervals
    assert last.steps > 1.8 * first.steps > 1000  # it did run, both halves
    assert grown(first.sizes, last.sizes) == {}
    assert len(last.sizes) > 50  # the engine's, coach's, view's buffers were all reached
    assert any("feet_detectors[1].hist" in k for k in last.sizes)
    replay = tmp_path / "replay.csv"
    assert exit_code(["analyze", str(r.recording), "--out", str(replay)]) == 0
    assert replay.read_bytes() == r.steps_csv.read_bytes()


def test_the_check_sees_a_session_that_keeps_every_step(looped, tmp_path):
    r = soak(looped, 120.0, tmp_path, every_s=60.0, sizes=True, keep=True)
    assert "steps" in grown(r.intervals[0].sizes, r.intervals[1].sizes)


def test_repeats_continue_the_sensor_counters_and_clocks(looped):
    from cadence_coach.decoders import open_imu

    last: dict[int, tuple[int, int, float]] = {}
    seam = looped.segment_s
    for p in looped.packets(seam + 2.0):
        if p.t_host < seam - 2.0:
            continue
        pk = open_imu.parse(p.payload)
        if p.sensor in last:
            seq, end_us, t = last[p.sensor]
            assert (pk.sequence - seq) % 65536 >= 1 and p.t_host > t
            if (pk.sequence - seq) % 65536 == 1:
                assert (pk.t0_us - end_us) % 2**32 == 0  # the next sample exactly
        n = pk.acc.shape[0]
        last[p.sensor] = (pk.sequence, pk.t0_us + round(n * pk.period_s * 1e6), p.t_host)
