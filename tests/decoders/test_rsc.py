import pytest

from cadence_coach.decoders import rsc
from cadence_coach.decoders.errors import DecodeError
from tests.support.vectors import COPIES, rsc_cases


def _rejected(expected: dict) -> bool:
    return "error" in expected or expected.get("valid") is False or expected.get("notifications") == 0


@pytest.mark.parametrize("copy", COPIES)
def test_every_asserted_rsc_value(copy):
    cases = rsc_cases(copy)
    assert len(cases) >= 18
    for case in cases:
        payload = bytes.fromhex(case["input_hex"])
        e = case["expected_asserted_by_source"]
        if _rejected(e):
            with pytest.raises(DecodeError):
                rsc.parse_measurement(payload)
            continue
        m = rsc.parse_measurement(payload)
        tol = e.get("tolerance", 1e-9)
        checks = {
            "flags": m.flags,
            "instantaneous_speed_m_s": m.speed_mps,
            "instantaneousSpeed_m_s": m.speed_mps,
            "speed_m_s": m.speed_mps,
            "speed_raw": m.speed_mps * 256,
            "instantaneous_cadence": m.cadence_per_min,
            "instantaneousCadence": m.cadence_per_min,
            "cadence": m.cadence_per_min,
            "instantaneous_stride_length_m": m.stride_m,
            "total_distance_m": m.total_distance_m,
            "running": m.running,
            "strideLengthPresent": m.stride_m is not None,
            "totalDistancePresent": m.total_distance_m is not None,
            # Nordic and Polar assert raw field values; Polar reports absent fields as 0.
            "strideLength_raw": round(m.stride_m * 100) if m.stride_m is not None else 0,
            "totalDistance_raw": round(m.total_distance_m * 10) if m.total_distance_m is not None else 0,
            "valid": True,
            "notifications": 1,
        }
        asserted = [k for k in e if k not in ("tolerance",)]
        for key in asserted:
            assert key in checks, f"{case['id']}: no check for asserted field {key}"
            want, got = e[key], checks[key]
            if want is None or isinstance(want, bool):
                assert got == want, (case["id"], key)
            else:
                assert got == pytest.approx(want, abs=tol), (case["id"], key, got, want)


def test_trailing_reserved_bytes_are_ignored():
    m = rsc.parse_measurement(bytes.fromhex("018002b45500") + b"\xff\xff")
    assert m.stride_m == pytest.approx(0.85) and m.total_distance_m is None


def test_encode_round_trip():
    m = rsc.parse_measurement(rsc.encode_measurement(3.5, 172, stride_m=1.21, total_distance_m=4321.5))
    assert (m.speed_mps, m.cadence_per_min, m.stride_m, m.total_distance_m, m.running) == (
        3.5,
        172,
        1.21,
        4321.5,
        True,
    )
    walking = rsc.parse_measurement(rsc.encode_measurement(1.2, 110, running=False))
    assert walking.running is False and walking.stride_m is None


def test_feature_bits():
    f = rsc.parse_feature(bytes([0b10101, 0]))
    assert (
        f.stride_length and not f.total_distance and f.walking_running_status and f.multiple_sensor_locations
    )
    with pytest.raises(DecodeError):
        rsc.parse_feature(b"\x01")
