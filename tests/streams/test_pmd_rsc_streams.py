import logging
import math
import re

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY, Placement, PodReading, RawPacket, SensorInfo
from cadence_coach.decoders import polar_pmd as pmd
from cadence_coach.decoders import rsc
from cadence_coach.profiles import PROFILE_DIR, load_profile
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.streams import make_stream

EPOCH_NS = 790_000_000_000_000_000  # about 25 years after the Polar epoch


def acc_frame(end_s: float, n: int, mg=(0, 0, 1000)) -> bytes:
    raw = np.tile(np.asarray(mg), (n, 1))
    return pmd.encode_frame(pmd.MeasurementType.ACC, EPOCH_NS + round(end_s * 1e9), raw, 1, False)


def gyro_frame(end_s: float, n: int, raw_value: int) -> bytes:
    raw = np.tile([raw_value, 0, -raw_value], (n, 1))
    return pmd.encode_frame(pmd.MeasurementType.GYRO, EPOCH_NS + round(end_s * 1e9), raw, 0, True)


def feed_h10(stream, frames, rate=200.0, n=36, delay=lambda k: 0.02 + 0.007 * (k % 4)):
    """Feed frames k in `frames`; frame k ends at (k + 1) * n / rate on the sensor clock."""
    out = []
    for k in frames:
        end = (k + 1) * n / rate
        out.append(stream.feed(RawPacket(0, 5.0 + end + delay(k), pmd.DATA_UUID, acc_frame(end, n))))
    return out


def test_pmd_continuous_frames_give_evenly_spaced_increasing_times():
    stream = make_stream("polar_pmd", 0, load_profile("polar-h10"))
    blocks = feed_h10(stream, range(60))
    t = np.concatenate([b.t for b in blocks])
    assert np.all(np.diff(t) > 0)
    np.testing.assert_allclose(np.diff(t), 1 / 200, atol=2e-4)
    assert stream.lost_packets == 0 and stream.malformed == 0 and not any(b.gap_before for b in blocks)
    b = blocks[-1]
    assert b.gyro is None and b.acc.shape == (36, 3)
    np.testing.assert_allclose(b.acc[0], [0, 0, GRAVITY])
    assert b.acc_range == pytest.approx(8 * GRAVITY) and math.isinf(b.gyro_range)
    assert all(b.t_arrival - 0.1 < b.t[-1] <= b.t_arrival for b in blocks)


def test_pmd_lost_frames_are_counted_and_flagged():
    stream = make_stream("polar_pmd", 0, load_profile("polar-h10"))
    blocks = feed_h10(stream, [k for k in range(40) if k not in (10, 25, 26)])
    gaps = [i for i, b in enumerate(blocks) if b.gap_before]
    assert stream.lost_packets == 3 and gaps == [10, 24]
    t = np.concatenate([b.t for b in blocks])
    assert np.all(np.diff(t) > 0)


def test_pmd_repeated_frame_is_skipped_and_clock_jump_resyncs():
    stream = make_stream("polar_pmd", 0, load_profile("polar-h10"))
    first = feed_h10(stream, range(10))
    assert stream.feed(RawPacket(0, 6.9, pmd.DATA_UUID, acc_frame(10 * 36 / 200, 36))) is None
    # the sensor rebooted: its clock restarts near zero while the host clock runs on
    end_host = 5.0 + 10 * 36 / 200
    after = [
        stream.feed(RawPacket(0, end_host + 0.2 * k, pmd.DATA_UUID, acc_frame(0.18 * k, 36)))
        for k in range(1, 8)
    ]
    assert stream.resyncs == 1 and after[0].gap_before and not after[1].gap_before
    t = np.concatenate([b.t for b in first + after if b is not None])
    assert np.all(np.diff(t) > 0)


def test_pmd_acc_and_gyro_blocks_and_factor_from_start_response():
    stream = make_stream("polar_pmd", 0, load_profile("polar-verity-sense"))
    profile_factor = load_profile("polar-verity-sense").raw["pmd"]["gyro"]["factor"]
    g1 = stream.feed(RawPacket(0, 1.0, pmd.DATA_UUID, gyro_frame(0.5, 52, 1000)))
    np.testing.assert_allclose(
        g1.gyro[0], np.radians([1000 * profile_factor, 0, -1000 * profile_factor]), rtol=1e-6
    )
    start_response = bytes.fromhex("f0 02 05 00 00 05 01") + np.float32(0.5).tobytes()
    assert stream.feed(RawPacket(0, 1.1, pmd.CONTROL_UUID, start_response)) is None
    g2 = stream.feed(RawPacket(0, 1.6, pmd.DATA_UUID, gyro_frame(1.0, 52, 1000)))
    a = stream.feed(RawPacket(0, 1.6, pmd.DATA_UUID, acc_frame(1.0, 52, mg=(500, 0, 0))))
    assert g2.acc is None and a.gyro is None
    np.testing.assert_allclose(g2.gyro[-1], np.radians([500, 0, -500]), rtol=1e-6)
    np.testing.assert_allclose(a.acc[-1], [GRAVITY / 2, 0, 0])
    assert g2.gyro_range == pytest.approx(math.radians(1000)) and a.acc_range == pytest.approx(8 * GRAVITY)
    assert stream.feed(RawPacket(0, 1.7, pmd.CONTROL_UUID, bytes.fromhex("f0 02 02 08"))) is None
    assert stream.control_errors == 1 and stream.malformed == 0


def test_pmd_malformed_payloads_are_counted_not_raised():
    stream = make_stream("polar_pmd", 0, load_profile("polar-h10"))
    nan_bits = np.array([[0x7FC00000, 0, 0]], dtype=np.int64)
    bad = [
        b"",
        b"\x02\x00",
        acc_frame(1.0, 3)[:-1],
        pmd.encode_frame(pmd.MeasurementType.GYRO, EPOCH_NS, nan_bits, 1, True, 32),
        bytes.fromhex("f0 01"),
    ]
    for i, payload in enumerate(bad):
        uuid = pmd.CONTROL_UUID if payload.startswith(b"\xf0") else pmd.DATA_UUID
        assert stream.feed(RawPacket(0, float(i), uuid, payload)) is None
    assert stream.malformed == len(bad)


def test_malformed_payloads_are_logged_rarely(caplog):
    """2500 bad RSC payloads: a warning (with the reason) for each of the first three, then one per
    thousand; all of them counted."""
    packets = [RawPacket(0, i * 0.01, rsc.MEASUREMENT_UUID, b"\x03\x00") for i in range(2500)]
    stream = make_stream("rsc", 0, load_profile("rsc-foot-pod"))
    with caplog.at_level(logging.WARNING):
        assert stream.feed_many(packets) == []
    assert stream.malformed == 2500
    messages = [r.getMessage() for r in caplog.records]
    assert [int(re.search(r"\((\d+) so far\)", m)[1]) for m in messages] == [1, 2, 3, 1000, 2000]
    assert all(m.startswith("sensor 0: 1 malformed RSC payload") and "too short" in m for m in messages)


def test_rsc_stream_readings_one_foot_and_feature(tmp_path):
    both = make_stream("rsc", 2, load_profile("rsc-foot-pod"))
    r = both.feed(RawPacket(2, 12.5, rsc.MEASUREMENT_UUID, rsc.encode_measurement(3.25, 176, stride_m=1.1)))
    assert r == PodReading(2, 12.5, 3.25, 176.0, 1.1, None, True)
    text = load_profile("rsc-foot-pod").raw
    assert text["rsc"]["cadence_counts"] == "both_feet"
    source = (PROFILE_DIR / "rsc-foot-pod.toml").read_text()
    (tmp_path / "one-foot-pod.toml").write_text(
        source.replace('name = "rsc-foot-pod"', 'name = "one-foot-pod"').replace(
            'cadence_counts = "both_feet"', 'cadence_counts = "one_foot"'
        )
    )
    one = make_stream("rsc", 0, load_profile("one-foot-pod", tmp_path))
    assert (
        one.feed(RawPacket(0, 1.0, rsc.MEASUREMENT_UUID, rsc.encode_measurement(3.0, 88))).cadence_spm
        == 176.0
    )
    assert one.feed(RawPacket(0, 1.5, rsc.FEATURE_UUID, b"\x03\x00")) is None  # no walking/running status
    assert one.feed(RawPacket(0, 2.0, rsc.MEASUREMENT_UUID, rsc.encode_measurement(3.0, 88))).running is None
    assert one.feed(RawPacket(0, 2.5, rsc.MEASUREMENT_UUID, b"\x03\x00\x01\x02")) is None
    assert one.malformed == 1 and one.lost_packets == 0


def test_pipeline_runs_a_polar_h10():
    pipeline = Pipeline([SensorInfo("polar-h10", Placement.TRUNK, characteristics=(pmd.DATA_UUID,))])
    for k in range(20):
        end = (k + 1) * 36 / 200
        pipeline.feed_packets([RawPacket(0, 3.0 + end + 0.02, pmd.DATA_UUID, acc_frame(end, 36))])
    assert pipeline.counters[0].samples == 20 * 36 and pipeline.malformed_packets == 0
    assert pipeline.counters[0].rate_hz == pytest.approx(200, rel=0.01)
    history = pipeline.engine.body_detectors[0].hist  # the trunk sensor's samples reached the engine
    assert history.size == 20 * 36
    assert np.allclose(history.acc[-5:, 2], GRAVITY) and np.allclose(history.gyro[-5:], 0.0)
