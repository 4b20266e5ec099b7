import numpy as np
import pytest

from cadence_coach.decoders import polar_pmd as pmd
from cadence_coach.decoders.errors import DecodeError
from tests.support.vectors import COPIES, load


def _bits(values) -> list[int]:
    return [int(v) & 0xFFFFFFFF for v in np.asarray(values).reshape(-1)]


def _hex_bits(values) -> list[int]:
    return [int(v, 16) for v in values]


def _float_bits(values) -> list[int]:
    return _bits(np.asarray(values, dtype=np.float32).view(np.int32))


def _check_frame(case: dict) -> None:
    e = case["expected_asserted_by_source"]
    par = case["parameters"]
    payload = bytes.fromhex(case["input_header_hex"] + case["input_content_hex"])
    assert payload == bytes.fromhex(case["input_frame_hex"])
    factor = par.get("factor_float32", par.get("factor", 1.0))
    frame = pmd.parse_frame(payload, {pmd.MeasurementType.ACC: factor, pmd.MeasurementType.GYRO: factor})
    n = frame.samples.shape[0]
    assert n == e["sample_count"]
    stamps = pmd.sample_timestamps_ns(
        frame.timestamp_ns, par["previous_frame_timestamp_ns"], n, par["sample_rate_hz"]
    )
    for i, sample in e.get("samples", {}).items():
        i = int(i)
        assert frame.samples[i].tolist() == pytest.approx([sample["x"], sample["y"], sample["z"]], abs=0)
        if "timestamp_ns" in sample:
            assert stamps[i] == sample["timestamp_ns"]
    for i, bits in e.get("samples_float32_bits", {}).items():
        assert _float_bits(frame.samples[int(i)]) == _hex_bits(bits)
    if "frame_timestamp_ns" in e:
        assert frame.timestamp_ns == e["frame_timestamp_ns"]
    if "last_sample_timestamp_ns" in e:
        assert stamps[-1] == e["last_sample_timestamp_ns"]
    if "first_sample_timestamp_ns" in e:
        assert stamps[0] == e["first_sample_timestamp_ns"]
    if "all_samples_abs_le_mG" in e:
        assert np.abs(frame.samples).max() <= e["all_samples_abs_le_mG"]
    content = bytes.fromhex(case["input_content_hex"])
    if "reference_sample_raw" in e:
        assert pmd.parse_reference_sample(content, 3, 16).tolist() == e["reference_sample_raw"]
        assert pmd.parse_compressed_samples(content, 3, 16)[1].tolist() == e["sample1_raw"]
    if "reference_sample_bits" in e:
        raw = pmd.parse_compressed_samples(content, 3, 32)
        assert _bits(raw[0]) == _hex_bits(e["reference_sample_bits"])
        assert _bits(raw[1]) == _hex_bits(e["sample1_bits"])
    derived = case.get("derived_not_asserted", {})
    for key in ("all_samples_raw_int16", "all_samples_mG"):
        if key in derived:
            assert frame.samples.tolist() == derived[key]


def _check_parser(case: dict) -> None:
    e = case["expected_asserted_by_source"]
    par = case["parameters"]
    content = bytes.fromhex(case["input_content_hex"])
    channels, res = par["channels"], par["resolution_bits"]
    if "reference_sample" in e or ("reference_sample_bits" in e and "sample_count" not in e):
        ref = pmd.parse_reference_sample(content, channels, res)
        if "reference_sample" in e:
            assert ref.tolist() == e["reference_sample"]
        else:
            assert _bits(ref) == _hex_bits(e["reference_sample_bits"])
        return
    samples = pmd.parse_compressed_samples(content, channels, res)
    assert samples.shape == (e["sample_count"], channels)
    if "sample0" in e:
        assert samples[0].tolist() == e["sample0"] and samples[1].tolist() == e["sample1"]
    else:
        assert _bits(samples[0]) == _hex_bits(e["sample0_bits"])
        assert _bits(samples[1]) == _hex_bits(e["sample1_bits"])
    derived = case.get("derived_not_asserted", {})
    if "all_samples" in derived:
        assert samples.tolist() == derived["all_samples"]
    if "all_samples_bits" in derived:
        assert _bits(samples) == [b for row in derived["all_samples_bits"] for b in _hex_bits(row)]


@pytest.mark.parametrize("copy", COPIES)
def test_every_asserted_pmd_value(copy):
    cases = load(copy, "polar-ble-sdk.json")["pmd_vectors"]
    assert len(cases) == 12
    for case in cases:
        (_check_frame if case["input_header_hex"] else _check_parser)(case)


def test_compressed_round_trip_random_signals():
    rng = np.random.default_rng(5)
    for resolution in (16, 32):
        for _ in range(50):
            n = int(rng.integers(1, 700))
            steps = rng.integers(-(2 ** int(rng.integers(0, 15))), 2 ** int(rng.integers(0, 15)) + 1, (n, 3))
            raw = np.cumsum(steps, axis=0)
            raw = np.clip(raw, -32768, 32767) if resolution == 16 else (raw + 2**31) % 2**32 - 2**31
            frame = pmd.encode_frame(pmd.MeasurementType.ACC, 1, raw, 1, True, resolution)
            np.testing.assert_array_equal(pmd.parse_compressed_samples(frame[10:], 3, resolution), raw)


@pytest.mark.parametrize("frame_type,limit", [(0, 2**7), (1, 2**15), (2, 2**23)])
def test_raw_acc_frame_types(frame_type, limit):
    raw = np.array([[-limit, limit - 1, 0], [1, -1, 7]])
    frame = pmd.parse_frame(pmd.encode_frame(pmd.MeasurementType.ACC, 99, raw, frame_type, False))
    assert frame.samples.tolist() == raw.tolist() and not frame.compressed and frame.timestamp_ns == 99


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        bytes.fromhex("020094357700000000"),  # header cut short
        bytes.fromhex("02009435770000000001"),  # no samples
        bytes.fromhex("02009435770000000001f7ffffffe7"),  # not whole samples
        bytes.fromhex("02650000000000000081f1ff1400f00306017b0f"),  # delta block cut short
        bytes.fromhex("02650000000000000081f1ff1400f00306017b0f0800"),  # trailing half block header
        bytes.fromhex("02650000000000000081f1ff1400f0"),  # reference sample only partly there
        bytes.fromhex("02650000000000000081f1ff1400f003210100000000000000000000"),  # 33-bit deltas
        bytes.fromhex("00650000000000000001f1ff1400f003"),  # ECG: not decoded here
        bytes.fromhex("05650000000000000001f1ff1400f003"),  # raw gyro frame: not decoded
    ],
)
def test_malformed_frames_rejected(payload):
    with pytest.raises(DecodeError):
        pmd.parse_frame(payload)


def test_timestamp_rule_needs_a_rate_or_previous_frame():
    assert pmd.sample_timestamps_ns(2_000_000_000, 0, 3, 100) == [1_980_000_000, 1_990_000_000, 2_000_000_000]
    with pytest.raises(ValueError):
        pmd.sample_timestamps_ns(2_000_000_000, 0, 3, 0)
    with pytest.raises(ValueError):
        pmd.sample_timestamps_ns(100, 200, 3, 52)
