"""The FIT export of an activity: decoded by Garmin's SDK (no errors, integrity) and by fitdecode (an
independent reader) to the same records; running dynamics and developer fields within their scaling."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime, timedelta

import fitdecode
import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from cadence_coach.datatypes import Cue
from cadence_coach.outputs.activity import Activity, build_activity
from cadence_coach.outputs.fit_export import STRIKE_CODE, encode_fit, running_cadence, seconds_rows
from tests.outputs.test_activity import course_steps

START = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)


def sdk_read(data: bytes) -> dict:
    """The messages of a FIT file as Garmin's SDK decodes them; fails on any decoding error."""
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


def fitdecode_read(data: bytes) -> dict[str, list[dict]]:
    """The data messages of a FIT file as fitdecode reads them (CRC checked), by message name."""
    out: dict[str, list[dict]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                out.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return out


@pytest.fixture(scope="module")
def activity() -> Activity:
    steps = course_steps([(60, 0.0), (60, -7.0), (30, 0.0), (40, -12.0), (50, 0.0)])
    for k, s in enumerate(steps):  # figures that vary, so the rounding is seen
        s.impact_g = 6.0 + (k % 7) * 0.731
        s.strike_angle_deg = (s.strike_angle_deg or 0.0) + (k % 5) * 0.37
        s.contact_s = 0.21 + (k % 3) * 0.0173
        s.cadence_spm = 168.0 + (k % 4) * 1.37
    cues = [
        Cue(75.2, "land_midfoot", "Land midfoot"),
        Cue(75.9, "eyes_up", "Eyes up"),
        Cue(170.0, "ease_off", ""),
    ]
    return build_activity(steps, cues, START, duration_s=240.0, feet=2)


@pytest.fixture(scope="module")
def fit(activity: Activity) -> bytes:
    return encode_fit(activity, START)


def test_sdk_decodes_every_message(activity: Activity, fit: bytes) -> None:
    m = sdk_read(fit)
    assert m["file_id_mesgs"][0]["type"] == "activity"
    assert len(m["record_mesgs"]) == len(activity.seconds)  # type: ignore[arg-type]
    assert [e["event_type"] for e in m["event_mesgs"]] == ["start", "stop_all"]
    assert len(m["session_mesgs"]) == 1 and len(m["activity_mesgs"]) == 1
    assert len(m["field_description_mesgs"]) == 9 and len(m["device_info_mesgs"]) == 1
    times = [r["timestamp"] for r in m["record_mesgs"]]
    assert times[0] == START and all(b - a == timedelta(seconds=1) for a, b in zip(times, times[1:]))


def test_records_round_trip_within_their_scaling(activity: Activity, fit: bytes) -> None:
    sec = activity.seconds
    assert sec is not None
    records = sdk_read(fit)["record_mesgs"]
    for i, rec in enumerate(records):
        assert rec["distance"] == pytest.approx(sec.distance_m[i], abs=0.005 + 1e-9)
        if math.isfinite(sec.cadence_spm[i]):
            spm = 2 * (rec["cadence"] + rec["fractional_cadence"])
            assert spm == pytest.approx(sec.cadence_spm[i], abs=1 / 64)
            assert rec["stance_time"] == pytest.approx(sec.stance_s[i] * 1000, abs=0.05 + 1e-9)
            assert rec["step_length"] == pytest.approx(sec.step_length_m[i] * 1000, abs=0.05 + 1e-9)
            assert rec["grade"] == pytest.approx(sec.grade_pct[i], abs=0.005 + 1e-9)
            assert rec["speed"] == pytest.approx(sec.speed_mps[i], abs=0.0005 + 1e-9)
            dev = rec["developer_fields"]
            assert dev[0] == pytest.approx(sec.impact_g[i], rel=1e-6)
            assert dev[1] == pytest.approx(sec.strike_angle_deg[i], rel=1e-6, abs=1e-6)
            last = [s for s in activity.steps if math.floor(s.t_ic_s) == i][-1]
            assert dev[2] == STRIKE_CODE[last.strike]  # type: ignore[index]
        else:
            assert "cadence" not in rec and "stance_time" not in rec
        assert rec["enhanced_altitude"] == pytest.approx(sec.altitude_m[i], abs=0.1 + 1e-9)
    cued = {i: r["developer_fields"][3] for i, r in enumerate(records) if 3 in r.get("developer_fields", {})}
    assert cued == {75: "land_midfoot;eyes_up", 170: "ease_off"}


def test_fitdecode_reads_the_same_records(fit: bytes) -> None:
    sdk = sdk_read(fit)["record_mesgs"]
    other = fitdecode_read(fit)
    assert len(other["record"]) == len(sdk)
    names = ("distance", "cadence", "stance_time", "step_length", "grade", "enhanced_speed")
    for a, b in zip(sdk, other["record"]):
        assert b["timestamp"] == a["timestamp"]
        for name in names:
            if name in a:
                assert b[name] == pytest.approx(a[name], abs=1e-9), name
        dev = a.get("developer_fields", {})
        for key, name in ((0, "impact"), (1, "strike_angle"), (2, "strike_class"), (3, "cue")):
            assert b.get(name) == dev.get(key)
    assert other["lap"][1]["descent_band"] == "moderate"


def test_laps_match_the_descents(activity: Activity, fit: bytes) -> None:
    m = sdk_read(fit)
    laps, segs = m["lap_mesgs"], activity.segments
    assert len(laps) == len(segs) == 5
    assert [lap["developer_fields"].get(6) for lap in laps] == [None, "moderate", None, "steep", None]
    for lap, seg in zip(laps, segs):
        assert lap["start_time"] == START + timedelta(seconds=math.floor(seg.t_start_s))
        assert lap["total_elapsed_time"] == pytest.approx(seg.duration_s, abs=0.001)
        assert lap["total_distance"] == pytest.approx(seg.distance_m, abs=0.005 + 1e-9)
        assert lap["total_descent"] == round(seg.loss_m)
        assert lap["developer_fields"][5] == seg.overstride_cues
    assert laps[1]["developer_fields"][4] == pytest.approx(100.0 * segs[1].heel_strike_share)  # type: ignore[operator]
    assert laps[1]["developer_fields"][4] > 90.0  # heel strikes on the -7 % descent
    assert laps[1]["avg_grade"] == pytest.approx(-7.0, abs=0.3)
    session = m["session_mesgs"][0]
    assert session["num_laps"] == 5
    assert session["total_distance"] == pytest.approx(sum(s.distance_m for s in segs), abs=0.02)
    spm = 2 * (session["avg_cadence"] + session["avg_fractional_cadence"])
    assert spm == pytest.approx(np.mean([s.cadence_spm for s in activity.steps]), abs=1 / 64)
    assert session["developer_fields"][8] == 3


def test_no_steps_still_has_its_session() -> None:
    empty = build_activity([], [], START, duration_s=20.0)
    m = sdk_read(encode_fit(empty, START))
    assert len(m["record_mesgs"]) == 21 and len(m["lap_mesgs"]) == 1
    session = m["session_mesgs"][0]
    assert session["total_elapsed_time"] == pytest.approx(20.0) and "avg_cadence" not in session
    assert fitdecode_read(encode_fit(empty, START))["session"][0]["sport"] == "running"


@pytest.mark.parametrize("spm", [150.0, 171.3, 179.99, 200.004])
def test_running_cadence_is_strides_with_a_fraction(spm: float) -> None:
    whole, frac = running_cadence(spm)
    assert 0 <= frac < 1 and 2 * (whole + frac) == pytest.approx(spm, abs=1 / 128)


def test_csv_rows_are_the_records(activity: Activity) -> None:
    rows = seconds_rows(activity, START)
    assert rows[0][:3] == ["t_s", "timestamp", "distance_m"] and len(rows) == len(activity.seconds) + 1  # type: ignore[arg-type]
    assert rows[76][1] == "2026-12-03T06:31:15+00:00" and rows[76][-1] == "land_midfoot;eyes_up"
