import numpy as np

from cadence_coach.datatypes import RawPacket
from cadence_coach.decoders import open_imu
from cadence_coach.streams.clock import ClockSync, unwrap_counter
from cadence_coach.streams.open_imu import OpenImuStream

UUID = open_imu.DATA_UUID


def make_packets(n_packets=200, frames=3, rate=400.0, offset=5.0, drift_ppm=30.0, seed=0, start_seq=65500):
    """Packets of a sensor whose clock runs ``offset`` s behind the host, arriving 0..7.5 ms late."""
    rng = np.random.default_rng(seed)
    period = 1 / rate
    packets, true_t = [], []
    for k in range(n_packets):
        host_t = (k * frames + np.arange(frames)) * period  # true sample times, session base
        sensor_t = (host_t + offset) * (1 + drift_ppm * 1e-6)
        acc = rng.normal(0, 20, (frames, 3))
        gyro = rng.normal(0, 5, (frames, 3))
        payload = open_imu.encode(
            start_seq + k, int(round(sensor_t[0] * 1e6)), period * (1 + drift_ppm * 1e-6), acc, gyro
        )
        arrival = host_t[-1] + rng.uniform(0.0, 0.0075)
        packets.append(RawPacket(0, arrival, UUID, payload))
        true_t.append(host_t)
    return packets, np.concatenate(true_t)


def test_parse_batch_matches_parse_and_skips_malformed():
    packets, _ = make_packets(20)
    payloads = [p.payload for p in packets]
    payloads.insert(5, b"\x01\x02")
    payloads.insert(9, payloads[8][:-2])
    batch = open_imu.parse_batch(payloads)
    assert batch.rejected == 2
    singles = [open_imu.parse(p) for i, p in enumerate(payloads) if i not in (5, 9)]
    np.testing.assert_allclose(batch.acc, np.concatenate([s.acc for s in singles]))
    np.testing.assert_allclose(batch.gyro, np.concatenate([s.gyro for s in singles]))
    assert batch.sequence.tolist() == [s.sequence for s in singles]


def test_unwrap_counter_across_wrap_and_batches():
    raw = np.array([65534, 65535, 0, 1, 1, 3])
    u = unwrap_counter(raw, 16, None)
    assert u.tolist() == [65534, 65535, 65536, 65537, 65537, 65539]
    assert unwrap_counter(np.array([2]), 16, 65537).tolist() == [65538]


def test_stream_reconstructs_times_and_is_batch_size_independent():
    packets, true_t = make_packets(400)
    whole = OpenImuStream(0).feed_many(packets)
    one_by_one = []
    s = OpenImuStream(0)
    for p in packets:
        one_by_one.extend(s.feed_many([p]))
    t_whole = np.concatenate([b.t for b in whole])
    t_single = np.concatenate([b.t for b in one_by_one])
    np.testing.assert_allclose(t_whole, t_single, atol=1e-12)
    assert np.all(np.diff(t_whole) > 0)
    err = t_whole - true_t
    # After the first second, within a couple of ms of the truth (smallest radio delay + drift).
    assert np.max(np.abs(err[400:])) < 0.003
    assert s.lost_packets == 0 and s.malformed == 0


def test_lost_packets_make_a_gap_and_are_counted():
    packets, _ = make_packets(50)
    del packets[20:23]
    blocks = OpenImuStream(0).feed_many(packets)
    assert len(blocks) == 2 and blocks[1].gap_before
    s = OpenImuStream(0)
    s.feed_many(packets)
    assert s.lost_packets == 3


def test_duplicate_and_malformed_packets_are_skipped():
    packets, _ = make_packets(30)
    packets.insert(10, packets[9])
    packets.insert(15, RawPacket(0, packets[14].t_host, UUID, b"garbage"))
    s = OpenImuStream(0)
    blocks = s.feed_many(packets)
    assert sum(len(b) for b in blocks) == 30 * 3
    assert s.malformed == 1


def test_clock_sync_times_strictly_increase_while_converging():
    c = ClockSync()
    last = -np.inf
    rng = np.random.default_rng(3)
    for k in range(300):
        sensor_t = np.arange(k * 3, k * 3 + 3) * 0.0025 + 100.0
        arrival = sensor_t[-1] - 100.0 + (0.04 if k < 5 else rng.uniform(0, 0.0075))
        t = c.map(sensor_t[-1:], np.array([arrival]), sensor_t)
        assert t[0] > last
        last = t[-1]
    assert abs(t[-1] - (sensor_t[-1] - 100.0)) < 0.002


def test_one_packet_at_a_time_gives_the_batch_blocks_exactly():
    """The live path (one packet per call) and the batch path give the same samples, times, gaps and
    counters, through losses, a duplicate, a late packet, garbage and barometer readings."""
    packets, _ = make_packets(120)
    rng = np.random.default_rng(5)
    with_baro = []
    for p in packets:
        q = open_imu.parse(p.payload)
        payload = open_imu.encode(
            q.sequence, q.t0_us, q.period_s, q.acc, q.gyro, pressure_pa=101325.0 + rng.normal(0, 5)
        )
        with_baro.append(RawPacket(0, p.t_host, UUID, payload))
    del with_baro[40:43]
    with_baro.insert(60, with_baro[58])  # late repeat
    with_baro.insert(70, RawPacket(0, with_baro[69].t_host, UUID, b"\x01garbage"))
    whole, single = OpenImuStream(0), OpenImuStream(0)
    blocks_whole = whole.feed_many(with_baro)
    blocks_single = [b for p in with_baro for b in single.feed_many([p])]

    def flat(blocks, name):
        return np.concatenate([getattr(b, name) for b in blocks])

    for name in ("t", "acc", "gyro", "baro_pa", "arrival"):
        np.testing.assert_array_equal(flat(blocks_single, name), flat(blocks_whole, name))
    gaps_single = [b.t[0] for b in blocks_single if b.gap_before]
    gaps_whole = [b.t[0] for b in blocks_whole if b.gap_before]
    assert gaps_single == gaps_whole and len(gaps_whole) == 1
    assert (single.lost_packets, single.malformed) == (whole.lost_packets, whole.malformed) == (3, 1)
