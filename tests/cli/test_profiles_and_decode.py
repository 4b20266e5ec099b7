import json

import numpy as np
import pytest

from cadence_coach.cli import main
from cadence_coach.datatypes import GRAVITY
from cadence_coach.decoders import open_imu


def test_profiles_lists_every_profile(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    for name, placement, decoder in [
        ("rsc-foot-pod", "foot", "rsc"),
        ("polar-h10", "trunk", "polar_pmd"),
        ("polar-verity-sense", "head", "polar_pmd"),
        ("open-imu", "foot", "open_imu"),
    ]:
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert placement in line.split() and decoder in line.split()


def decode(capsys, *argv) -> dict:
    assert main(["decode", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_decode_rsc(capsys):
    d = decode(capsys, "rsc-foot-pod", "03 80 02 b4 55 00 10 27 00 00")
    assert d["kind"] == "rsc_measurement" and d["speed_mps"] == 2.5 and d["cadence_spm"] == 180
    assert d["stride_m"] == 0.85 and d["total_distance_m"] == 1000.0
    f = decode(capsys, "rsc-foot-pod", "0700", "--characteristic", "feature")
    assert f["kind"] == "rsc_feature" and f["walking_running_status"] and not f["calibration"]


def test_decode_pmd_frame_in_physical_units(capsys):
    d = decode(capsys, "polar-h10", "02650000000000000081f1ff1400f00306017b0f08")
    assert (
        d["measurement"] == "acc" and d["timestamp_ns"] == 101 and d["compressed"] and d["sample_count"] == 2
    )
    np.testing.assert_allclose(d["acc_m_s2"][0], np.array([-15, 20, 1008]) * GRAVITY / 1000)
    g = decode(
        capsys,
        "polar-verity-sense",
        "050094357700000000810000803f000020410000a0411c010000a001000008cdccec0d",
        "--factor",
        "0.5",
    )
    np.testing.assert_allclose(g["gyro_rad_s"][1], np.radians([5.0, 10.0, 0.55]), rtol=1e-6)


def test_decode_pmd_control_response(capsys):
    d = decode(
        capsys, "polar-h10", "f0 01 02 00 00 00 02 64 00 c8 00 02 01 08 00", "--characteristic", "control"
    )
    assert d["op_code"] == "GET_MEASUREMENT_SETTINGS" and d["status"] == "SUCCESS"
    assert d["settings"] == {"sample_rate": [100, 200], "range": [8]}


def test_decode_open_imu(capsys):
    payload = open_imu.encode(3, 1000, 0.0025, np.array([[0.0, 0.0, GRAVITY]]), np.zeros((1, 3)))
    d = decode(capsys, "open-imu", payload.hex())
    assert d["sequence"] == 3 and d["sample_count"] == 1
    assert d["acc_m_s2"][0][2] == pytest.approx(GRAVITY, abs=32 * GRAVITY / 32768)


@pytest.mark.parametrize(
    "argv,message",
    [
        (["rsc-foot-pod", "zz"], "not hex digits"),
        (["rsc-foot-pod", "000102"], "malformed payload"),
        (["polar-h10", "0200"], "malformed payload"),
        (["open-imu", "01"], "malformed payload"),
        (["no-such-profile", "00"], "unknown firmware profile"),
        (["open-imu", "00", "--characteristic", "feature"], "does not apply"),
    ],
)
def test_decode_errors_are_one_line_exit_2(capsys, argv, message):
    assert main(["decode", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
