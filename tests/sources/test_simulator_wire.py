"""Simulated recordings through the real decoder: timing, counters, losses, barometer."""

import numpy as np
import pytest

from cadence_coach.decoders import open_imu
from cadence_coach.sources import simulator as sim_mod
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.streams.clock import unwrap_counter
from cadence_coach.streams.open_imu import OpenImuStream


def decode(path, sim):
    """Per sensor: decoded times, acc, sample indices (from the sensor clock), stream, sequences."""
    with RecordingReader(path) as reader:
        header = reader.header
        packets = list(reader.packets())
    n = len(header.sensors)
    streams = [OpenImuStream(i) for i in range(n)]
    out = [{"t": [], "acc": [], "idx": [], "seq": [], "baro": 0} for _ in range(n)]
    last_us: list[int | None] = [None] * n
    for p in packets:
        blocks = streams[p.sensor].feed_many([p])
        pkt = open_imu.parse(p.payload)
        link = sim.sensors[p.sensor].link
        o = out[p.sensor]
        o["seq"].append(pkt.sequence)
        if not blocks:
            continue
        (block,) = blocks
        first_us = int(unwrap_counter([pkt.t0_us], 32, last_us[p.sensor])[0])
        last_us[p.sensor] = first_us
        first_index = int(round((first_us - round(link.sensor_time_us(0)) % 2**32) / (link.period_s * 1e6)))
        o["t"].append(block.t)
        o["acc"].append(block.acc)
        o["idx"].append(first_index + np.arange(len(block)))
        o["baro"] += pkt.pressure_pa is not None
    for o in out:
        for k in ("t", "acc", "idx"):
            o[k] = np.concatenate(o[k])
    return header, packets, streams, out


@pytest.mark.parametrize("rate, limit_ms", [(1000.0, 2.0), (400.0, 2.5 + 0.5)])
def test_reconstructed_sample_times_match_the_truth(tmp_path, rate, limit_ms):
    """Decoded times are within about 2 ms of when samples were taken (at 400 Hz the connection events
    are phase-locked to the samples for long stretches, so the clock estimate can be one period late)."""
    sim = sim_mod.simulate("rolling-hills", 90, seed=21, rate_hz=rate, feet="both", loss=0.0)
    path = tmp_path / "r.ccrec"
    sim_mod.write(sim, path)
    header, packets, streams, out = decode(path, sim)
    assert header.source == "simulator" and header.meta["seed"] == 21
    assert [s.side.value for s in header.sensors] == ["left", "right"]
    assert all(s.characteristics == (open_imu.DATA_UUID,) for s in header.sensors)
    assert np.all(np.diff([p.t_host for p in packets]) >= 0)
    for i, o in enumerate(out):
        true_t = sim.sensors[i].t[o["idx"]]
        err_ms = (o["t"] - true_t) * 1e3
        settled = true_t > 5.0
        assert np.abs(err_ms[settled]).max() < limit_ms
        assert np.abs(np.median(err_ms)) < 1.5
        # Samples decode to what the sensor measured, within one LSB of the 32 g range.
        full_scale = 32 * 9.80665
        measured = np.clip(sim.samples(i).acc[o["idx"]], -full_scale, full_scale * 32767 / 32768)
        np.testing.assert_allclose(o["acc"], measured, atol=full_scale / 32768 * 0.51)
        assert o["idx"].size == sim.sensors[i].t.size  # nothing lost with loss=0


def test_lost_packets_show_as_counter_gaps(tmp_path):
    sim = sim_mod.simulate("flat-easy", 60, seed=8, rate_hz=400, loss=0.03)
    path = tmp_path / "lossy.ccrec"
    summary = sim_mod.write(sim, path)
    _, packets, streams, out = decode(path, sim)
    plan = sim.sensors[0].packets
    received = np.flatnonzero(~plan.lost)
    assert summary.packets_lost == int(plan.lost.sum()) > 0
    assert len(packets) == received.size == summary.packets_sent
    unwrapped = unwrap_counter(out[0]["seq"], 16, None)
    gaps = np.diff(unwrapped) - 1
    lost_between = int(plan.lost[received[0] : received[-1] + 1].sum())
    assert gaps.sum() == lost_between == streams[0].lost_packets
    assert (gaps > 1).any()  # some losses come in bursts
    # A gap in the counter is a gap in the samples too.
    assert np.diff(out[0]["idx"]).max() > 1


def test_barometer_channel_about_25_hz_and_optional(tmp_path):
    with_baro = sim_mod.simulate("flat-easy", 40, seed=2, rate_hz=200, loss=0.0)
    without = sim_mod.simulate("flat-easy", 40, seed=2, rate_hz=200, loss=0.0, baro=False)
    for s, name in ((with_baro, "b.ccrec"), (without, "n.ccrec")):
        sim_mod.write(s, tmp_path / name)
    _, _, _, out_b = decode(tmp_path / "b.ccrec", with_baro)
    _, _, _, out_n = decode(tmp_path / "n.ccrec", without)
    assert 20 <= out_b[0]["baro"] / 40 <= 27
    assert out_n[0]["baro"] == 0


def test_packets_leave_at_connection_events(tmp_path):
    sim = sim_mod.simulate("flat-easy", 30, seed=3, rate_hz=1000, interval_ms=50, loss=0.0)
    link = sim.sensors[0].link
    plan = sim.sensors[0].packets
    phase = (plan.arrival_s - link.first_event_s) % link.interval_s
    assert np.all(phase < 0.0015)  # 0..1 ms jitter plus spacing of split packets
    fpp = open_imu.frames_per_packet(247, True, True)
    assert plan.count.max() == fpp  # 50 frames per event do not fit in one packet: split
    t_last = sim.sensors[0].t[plan.start + plan.count - 1]
    assert np.all(plan.arrival_s >= t_last)
