"""Decoding packets read in bulk gives exactly what decoding them one RawPacket list at a time gives."""

import numpy as np
import pytest

from cadence_coach.datatypes import (
    PacketBatch,
    Placement,
    PodReading,
    RawPacket,
    SampleBlock,
    SensorInfo,
    Side,
)
from cadence_coach.decoders import open_imu, rsc
from cadence_coach.decoders import polar_pmd as pmd
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import windows
from cadence_coach.sources.recording import RecordedEvent
from cadence_coach.streams.open_imu import OpenImuStream

IMU = open_imu.DATA_UUID
EPOCH_NS = 790_000_000_000_000_000


def imu_payloads(n: int, seed: int = 0) -> list[bytes]:
    """Open IMU packets with and without gyroscope and pressure, lost and repeated ones, malformed ones."""
    rng = np.random.default_rng(seed)
    out = []
    seq = 0
    for k in range(n):
        seq += 2 if k % 41 == 40 else 1  # a lost packet now and then
        frames = 1 + k % 4
        gyro = rng.normal(0, 5, (frames, 3)) if k % 7 else None
        pressure = 95_000.0 + k if k % 5 == 0 else None
        t0 = int(seq * 4 * 2500)
        out.append(open_imu.encode(seq, t0, 0.0025, rng.normal(0, 30, (frames, 3)), gyro, pressure))
        if k % 53 == 52:
            out.append(out[-1])  # repeated
        if k % 31 == 30:
            out.append(out[-1][:-3])  # malformed: shorter than its header says
        if k % 67 == 66:
            out.append(b"\x02" + out[-1][1:])  # malformed: unknown version
    return out


def as_batch(packets: list[RawPacket], uuids: tuple[tuple[str, ...], ...]) -> PacketBatch:
    """The packets as a batch read in bulk would hold them (payloads spread in one buffer with gaps)."""
    lengths = np.array([len(p.payload) for p in packets], np.int64)
    starts = np.cumsum(lengths + 19) - lengths
    buffer = bytearray(int(starts[-1] + lengths[-1]) if packets else 0)
    for p, s in zip(packets, starts):
        buffer[s : s + len(p.payload)] = p.payload
    channel = [uuids[p.sensor].index(p.characteristic) for p in packets]
    return PacketBatch(
        bytes(buffer),
        starts,
        lengths,
        np.array([p.sensor for p in packets], np.uint8),
        np.array(channel, np.uint8),
        np.array([p.t_host for p in packets]),
        uuids,
    )


def same_array(a, b) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and np.array_equal(a, b, equal_nan=True)
    )


def assert_same_blocks(got: list, expected: list) -> None:
    assert len(got) == len(expected) > 0
    for g, e in zip(got, expected):
        if isinstance(e, PodReading):
            assert g == e
            continue
        assert isinstance(g, SampleBlock)
        for name in ("t", "acc", "gyro", "baro_pa", "arrival"):
            assert same_array(getattr(g, name), getattr(e, name)), name
        assert (g.sensor, g.t_arrival, g.gap_before, g.acc_range, g.gyro_range) == (
            e.sensor,
            e.t_arrival,
            e.gap_before,
            e.acc_range,
            e.gyro_range,
        )


def test_parse_packed_equals_parse_of_each_packet():
    payloads = imu_payloads(300)
    batch = as_batch([RawPacket(0, 0.0, IMU, p) for p in payloads], ((IMU,),))
    packed = open_imu.parse_packed(batch.data, batch.start, batch.length)
    listed = open_imu.parse_batch(payloads)
    singles = []
    for i, p in enumerate(payloads):
        try:
            singles.append((i, open_imu.parse(p)))
        except open_imu.DecodeError:
            pass
    assert packed.rejected == listed.rejected == len(payloads) - len(singles) > 0
    assert packed.index.tolist() == [i for i, _ in singles]
    acc = np.concatenate([s.acc for _, s in singles])
    gyro = np.concatenate(
        [s.gyro if s.gyro is not None else np.full(s.acc.shape, np.nan) for _, s in singles]
    )
    assert np.array_equal(packed.acc, acc) and np.array_equal(listed.acc, acc)
    assert np.array_equal(packed.gyro, gyro, equal_nan=True)
    assert packed.sequence.tolist() == [s.sequence for _, s in singles]
    assert packed.t0_us.tolist() == [s.t0_us for _, s in singles]
    assert packed.period_s.tolist() == [s.period_s for _, s in singles]
    assert packed.gyro_range.tolist() == [s.gyro_range for _, s in singles]
    expected_p = [np.nan if s.pressure_pa is None else s.pressure_pa for _, s in singles]
    assert np.array_equal(packed.pressure_pa, expected_p, equal_nan=True)


def test_parse_packed_without_gyroscope_and_with_nothing_valid():
    rng = np.random.default_rng(1)
    payloads = [open_imu.encode(k, k * 7500, 0.0025, rng.normal(0, 9, (3, 3))) for k in range(5)]
    batch = as_batch([RawPacket(0, 0.0, IMU, p) for p in payloads], ((IMU,),))
    packed = open_imu.parse_packed(batch.data, batch.start, batch.length)
    assert packed.gyro is None
    assert np.array_equal(packed.acc, np.concatenate([open_imu.parse(p).acc for p in payloads]))
    bad = as_batch([RawPacket(0, 0.0, IMU, b"\x01" * 10)] * 3, ((IMU,),))
    nothing = open_imu.parse_packed(bad.data, bad.start, bad.length)
    assert nothing.rejected == 3 and nothing.acc.shape == (0, 3)


@pytest.mark.parametrize("cut", [1, 7, 64, 10_000])
def test_stream_gives_the_same_blocks_from_a_batch_as_from_raw_packets(cut):
    payloads = imu_payloads(400)
    packets = [RawPacket(0, 3.0 + 0.01 * k + 0.002 * (k % 3), IMU, p) for k, p in enumerate(payloads)]
    per_packet, bulk = OpenImuStream(0), OpenImuStream(0)
    expected, got = [], []
    batch = as_batch(packets, ((IMU,),))
    for a in range(0, len(packets), cut):
        expected += per_packet.feed_many(packets[a : a + cut])
        got += bulk.feed_batch(batch[a : a + cut])
    assert_same_blocks(got, expected)
    assert (bulk.malformed, bulk.lost_packets) == (per_packet.malformed, per_packet.lost_packets)
    assert bulk.malformed > 0 and bulk.lost_packets > 0


def mixed_sensors() -> tuple[list[SensorInfo], list[RawPacket]]:
    """Two open IMU feet, a Polar H10 and an RSC pod, their packets interleaved."""
    sensors = [
        SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "L", "AA", (IMU,)),
        SensorInfo("polar-h10", Placement.TRUNK, None, "H10", "BB", (pmd.DATA_UUID,)),
        SensorInfo("open-imu", Placement.FOOT, Side.RIGHT, "R", "CC", (IMU,)),
        SensorInfo("rsc-foot-pod", Placement.FOOT, Side.RIGHT, "pod", "DD", (rsc.MEASUREMENT_UUID,)),
    ]
    left, right = imu_payloads(200, seed=1), imu_payloads(200, seed=2)
    packets = []
    for k in range(200):
        packets.append(RawPacket(2, 1.0 + 0.01 * k + 0.001, IMU, right[k]))
        packets.append(RawPacket(0, 1.0 + 0.01 * k, IMU, left[k]))
        if k % 18 == 0:
            end = (k // 18 + 1) * 36 / 200
            raw = np.tile([0, 0, 1000], (36, 1))
            frame = pmd.encode_frame(pmd.MeasurementType.ACC, EPOCH_NS + round(end * 1e9), raw, 1, False)
            packets.append(RawPacket(1, 1.0 + end + 0.02, pmd.DATA_UUID, frame))
        if k % 50 == 0:
            packets.append(
                RawPacket(3, 1.0 + 0.01 * k, rsc.MEASUREMENT_UUID, rsc.encode_measurement(3.2, 88, 1.1))
            )
    return sensors, packets


def test_pipeline_gives_the_same_output_from_a_batch_as_from_raw_packets():
    sensors, packets = mixed_sensors()
    uuids = tuple(s.characteristics for s in sensors)
    per_packet, bulk = Pipeline(sensors), Pipeline(sensors)
    for a in range(0, len(packets), 150):
        expected = per_packet.feed_packets(packets[a : a + 150])
        got = bulk.feed_packet_batch(as_batch(packets[a : a + 150], uuids))
        assert_same_blocks(got.blocks + got.pod_readings, expected.blocks + expected.pod_readings)
        assert [b.sensor for b in got.blocks] == [b.sensor for b in expected.blocks]
    assert {b.sensor for b in got.blocks} == {0, 1, 2}
    assert [(c.packets, c.samples, c.gaps) for c in bulk.counters] == [
        (c.packets, c.samples, c.gaps) for c in per_packet.counters
    ]
    assert bulk.malformed_packets == per_packet.malformed_packets > 0


def test_windows_count_batch_packets_as_items():
    sensors, packets = mixed_sensors()
    batch = as_batch(packets[:25], tuple(s.characteristics for s in sensors))
    event = RecordedEvent(1.0, {"event": "marker"})
    items = [batch[:10], event, batch[10:25], event]
    sizes = [[len(x) if isinstance(x, PacketBatch) else 1 for x in w] for w in windows(items, 4)]
    assert sizes == [[4], [4], [2, 1, 1], [4], [4], [4], [2, 1]]
    flat = [p for w in windows(items, 4) for x in w if isinstance(x, PacketBatch) for p in x.raw_packets()]
    assert flat == packets[:25]
    assert [len(w) for w in windows(items, 100)] == [4]
