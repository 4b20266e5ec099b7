"""The PMD control point: commands built from settings and named profile commands, responses, settings
and the feature read."""

import numpy as np
import pytest

from cadence_coach.decoders import polar_pmd as pmd
from cadence_coach.decoders import polar_pmd_control as ctl
from cadence_coach.decoders.errors import DecodeError


def test_start_stop_and_settings_commands():
    start = ctl.encode_start(pmd.MeasurementType.ACC, sample_rate_hz=200, resolution_bits=16, range_=8)
    assert start == bytes.fromhex("02 02 00 01 c8 00 01 01 10 00 02 01 08 00")
    gyro = ctl.encode_start(pmd.MeasurementType.GYRO, sample_rate_hz=416, channels=3)
    assert gyro == bytes.fromhex("02 05 00 01 a0 01 04 01 03")
    assert ctl.encode_stop(pmd.MeasurementType.ACC) == b"\x03\x02"
    assert ctl.encode_get_settings(pmd.MeasurementType.GYRO) == b"\x01\x05"
    assert ctl.build_command("start sdk_mode", {}) == b"\x02\x09"
    settings = {"gyro": {"sample_rate_hz": 52, "range_dps": 2000, "resolution_bits": 16}}
    assert ctl.build_command("start gyro", settings) == bytes.fromhex(
        "02 05 00 01 34 00 01 01 10 00 02 01 d0 07"
    )
    for bad in ("start", "jump acc", "start walrus"):
        with pytest.raises(ValueError):
            ctl.build_command(bad, {})
    with pytest.raises(ValueError):
        ctl.encode_start(pmd.MeasurementType.ACC, sample_rate_hz=70000)


def test_settings_response():
    # GET_MEASUREMENT_SETTINGS answer for ACC: rates 25/50/100/200, resolution 16, ranges 2/4/8
    payload = bytes.fromhex(
        "f0 01 02 00 00 00 04 19 00 32 00 64 00 c8 00 01 01 10 00 02 03 02 00 04 00 08 00"
    )
    r = ctl.parse_control_response(payload)
    assert (
        r.ok and r.op_code == ctl.OpCode.GET_MEASUREMENT_SETTINGS and r.measurement == pmd.MeasurementType.ACC
    )
    assert r.settings() == {
        ctl.SettingType.SAMPLE_RATE: (25, 50, 100, 200),
        ctl.SettingType.RESOLUTION: (16,),
        ctl.SettingType.RANGE: (2, 4, 8),
    }
    start_ok = ctl.parse_control_response(bytes.fromhex("f0 02 05 00 00 05 01") + np.float32(0.061).tobytes())
    assert start_ok.settings()[ctl.SettingType.FACTOR][0] == pytest.approx(0.061)
    failed = ctl.parse_control_response(bytes.fromhex("f0 02 02 08"))
    assert (
        not failed.ok and failed.status == ctl.ResponseStatus.INVALID_SAMPLE_RATE and failed.parameters == b""
    )
    for bad in (b"\xf0\x01\x02", b"\xf1\x01\x02\x00"):
        with pytest.raises(DecodeError):
            ctl.parse_control_response(bad)
    with pytest.raises(DecodeError):
        ctl.parse_settings(bytes.fromhex("00 02 19 00"))  # two rates announced, one present
    with pytest.raises(DecodeError):
        ctl.parse_settings(bytes.fromhex("07 01 00"))  # unknown setting type


def test_features_read():
    assert ctl.parse_features(bytes.fromhex("0f 24 00")) == {
        pmd.MeasurementType.ACC,
        pmd.MeasurementType.GYRO,
    }
    with pytest.raises(DecodeError):
        ctl.parse_features(b"\x0f\x01")
