"""A FIT activity file of a session (Garmin Connect, Strava, intervals.icu, GoldenCheetah, Runalyze read
it), written with Garmin's FIT SDK (``garmin_fit_sdk.Encoder``); and the same seconds as CSV.

Messages, in file order: ``file_id``, ``developer_data_id`` and one ``field_description`` per developer
field, ``device_info`` (this program), ``event`` (timer start), one ``record`` a second, ``event``
(timer stop), one ``lap`` per segment (each descent and each stretch between), ``session``, ``activity``.

Record fields (FIT profile units): ``timestamp``; ``distance`` (m); ``speed`` and ``enhanced_speed``
(m/s); ``cadence`` + ``fractional_cadence``: FIT running cadence, strides/min (steps/min / 2), the
fraction in 1/128; ``stance_time`` (ms); ``step_length`` (mm); ``grade`` (%); ``enhanced_altitude`` (m,
relative to the start: from distance x grade). A figure unknown that second is left out of the record.

Developer fields (float32 unless said; see :data:`DEV_FIELDS`): on records ``impact`` (g),
``strike_angle`` (deg, + toes up), ``strike_class`` (uint8: 0 fore, 1 mid, 2 heel; the last step's in
that second), ``cue`` (string: the ids of the cues spoken that second, ``;``-separated); on laps
``heel_strike`` (% of its steps), ``overstride_cues`` (uint16) and ``descent_band`` (string: gentle,
moderate, steep; empty for a lap off the descents); on the session ``descent_heel_strike`` (%) and
``cues_spoken`` (uint16).
"""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from garmin_fit_sdk import Encoder, Profile

from .. import __version__
from ..atomic import AtomicFile
from ..datatypes import StrikeClass
from .activity import Activity, Seconds, Segment

if TYPE_CHECKING:
    from garmin_fit_sdk.mesgs import DeveloperDataIdMesg, FieldDescriptionMesg  # stubs only

MESG = Profile["mesg_num"]
APP_ID = list(bytes.fromhex("6361646e636f6163682d6669742d3031"))  # "cadncoach-fit-01": this program's id
STRIKE_CODE = {StrikeClass.FORE: 0, StrikeClass.MID: 1, StrikeClass.HEEL: 2}
"""The ``strike_class`` developer field's values."""
FLOAT32, UINT16, UINT8, STRING = 0x88, 0x84, 0x02, 0x07

DEV_FIELDS: dict[str, tuple[int, int, str, int]] = {
    # name: (key = field_definition_number, FIT base type, units, native message)
    "impact": (0, FLOAT32, "g", MESG["RECORD"]),
    "strike_angle": (1, FLOAT32, "deg", MESG["RECORD"]),
    "strike_class": (2, UINT8, "0 fore 1 mid 2 heel", MESG["RECORD"]),
    "cue": (3, STRING, "", MESG["RECORD"]),
    "heel_strike": (4, FLOAT32, "%", MESG["LAP"]),
    "overstride_cues": (5, UINT16, "cues", MESG["LAP"]),
    "descent_band": (6, STRING, "", MESG["LAP"]),
    "descent_heel_strike": (7, FLOAT32, "%", MESG["SESSION"]),
    "cues_spoken": (8, UINT16, "cues", MESG["SESSION"]),
}
CSV_COLUMNS = (
    "t_s,timestamp,distance_m,speed_mps,cadence_spm,stance_ms,step_length_m,grade_pct,altitude_m,"
    "impact_g,strike_angle_deg,strike,cue"
).split(",")


def _num(value: float) -> float | None:
    """A finite float, or None for NaN / inf (the field is left out); the encoder rounds to the field's
    scale (rounding here too would round twice)."""
    v = float(value)
    return v if math.isfinite(v) else None


def running_cadence(spm: float) -> tuple[int, float]:
    """Steps/min as FIT running cadence: whole strides/min and the fraction, to 1/128."""
    strides = round(spm / 2 * 128) / 128
    whole = int(math.floor(strides))
    return whole, strides - whole


def strike_per_second(activity: Activity, n: int) -> list[StrikeClass | None]:
    """The strike class of the last step with one in each second (None where no step had one)."""
    out: list[StrikeClass | None] = [None] * n
    for step in activity.steps:
        k = int(math.floor(step.t_ic_s))
        if step.strike is not None and 0 <= k < n:
            out[k] = step.strike
    return out


def cues_per_second(activity: Activity, n: int) -> list[str]:
    """The ids of the cues spoken in each second, ``;``-separated ('' for none); late cues go to the last."""
    out = [""] * n
    for cue in activity.cues:
        k = min(max(int(math.floor(cue.t_s)), 0), n - 1)
        out[k] = f"{out[k]};{cue.cue_id}" if out[k] else cue.cue_id
    return out


def _developer_messages() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data_id = {
        "mesg_num": MESG["DEVELOPER_DATA_ID"],
        "application_id": APP_ID,
        "manufacturer_id": "development",
        "developer_data_index": 0,
        "application_version": 1,
    }
    fields = [
        {
            "mesg_num": MESG["FIELD_DESCRIPTION"],
            "developer_data_index": 0,
            "field_definition_number": key,
            "fit_base_type_id": base,
            "field_name": name,
            "units": units or None,
            "native_mesg_num": native,
        }
        for name, (key, base, units, native) in DEV_FIELDS.items()
    ]
    return data_id, fields


def _record(start: datetime, sec: Seconds, i: int, strike: StrikeClass | None, cue: str) -> dict[str, Any]:
    """One record message (second ``i``)."""
    rec: dict[str, Any] = {
        "mesg_num": MESG["RECORD"],
        "timestamp": start + timedelta(seconds=int(sec.t_s[i])),
    }
    rec["distance"] = _num(sec.distance_m[i])
    speed = _num(sec.speed_mps[i])
    rec["speed"] = rec["enhanced_speed"] = None if speed is None else max(speed, 0.0)
    spm = _num(sec.cadence_spm[i])
    if spm is not None and 0 < spm < 500:
        rec["cadence"], rec["fractional_cadence"] = running_cadence(spm)
    stance = _num(sec.stance_s[i])
    rec["stance_time"] = None if stance is None else stance * 1000
    step = _num(sec.step_length_m[i])
    rec["step_length"] = None if step is None else step * 1000
    rec["grade"] = _num(sec.grade_pct[i])
    rec["enhanced_altitude"] = _num(sec.altitude_m[i])
    dev: dict[int, Any] = {}
    if (impact := _num(sec.impact_g[i])) is not None:
        dev[DEV_FIELDS["impact"][0]] = impact
    if (angle := _num(sec.strike_angle_deg[i])) is not None:
        dev[DEV_FIELDS["strike_angle"][0]] = angle
    if strike is not None:
        dev[DEV_FIELDS["strike_class"][0]] = STRIKE_CODE[strike]
    if cue:
        dev[DEV_FIELDS["cue"][0]] = cue
    if dev:
        rec["developer_fields"] = dev
    return rec


def _step_means(activity: Activity, lo: int, hi: int) -> dict[str, float | None]:
    """Mean cadence (spm), contact (s), step length (m), max cadence of steps[lo:hi] (None if none)."""

    def mean(name: str, scale: float = 1.0) -> float | None:
        v = [float(x) * scale for s in activity.steps[lo:hi] if (x := getattr(s, name)) is not None]
        v = [x for x in v if math.isfinite(x)]
        return sum(v) / len(v) if v else None

    cad = [s.cadence_spm for s in activity.steps[lo:hi] if s.cadence_spm is not None]
    return {
        "cadence": mean("cadence_spm"),
        "max_cadence": max(cad) if cad else None,
        "contact": mean("contact_s"),
        "step": mean("stride_m", 0.5),
    }


def _summary_fields(
    activity: Activity,
    lo: int,
    hi: int,
    t0: float,
    t1: float,
    distance: float | None,
    gain: float,
    loss: float,
    grade: float | None,
) -> dict[str, Any]:
    """Fields a lap and the session share, for the steps lo:hi over t0..t1 (s)."""
    means = _step_means(activity, lo, hi)
    elapsed = max(t1 - t0, 0.0)
    out: dict[str, Any] = {
        "total_elapsed_time": round(elapsed, 3),
        "total_timer_time": round(elapsed, 3),
        "total_distance": None if distance is None else round(max(distance, 0.0), 2),
        "total_ascent": round(gain),
        "total_descent": round(loss),
        "avg_grade": None if grade is None else round(grade, 2),
        "sport": "running",
        "sub_sport": "generic",
    }
    if distance is not None and elapsed > 0:
        out["avg_speed"] = out["enhanced_avg_speed"] = round(max(distance, 0.0) / elapsed, 3)
    if means["cadence"] is not None:
        out["avg_cadence"], out["avg_fractional_cadence"] = running_cadence(means["cadence"])
    if means["max_cadence"] is not None and means["max_cadence"] < 500:
        out["max_cadence"], out["max_fractional_cadence"] = running_cadence(means["max_cadence"])
    if means["contact"] is not None:
        out["avg_stance_time"] = round(means["contact"] * 1000, 1)
    if means["step"] is not None:
        out["avg_step_length"] = round(means["step"] * 1000, 1)
    return out


def _lap(activity: Activity, start: datetime, seg: Segment) -> dict[str, Any]:
    last = seg.index == len(activity.segments) - 1
    lap = {
        "mesg_num": MESG["LAP"],
        "message_index": seg.index,
        "timestamp": start + timedelta(seconds=math.ceil(seg.t_end_s)),
        "start_time": start + timedelta(seconds=math.floor(seg.t_start_s)),
        "event": "lap",
        "event_type": "stop",
        "lap_trigger": "session_end" if last else "position_marked",
        **_summary_fields(
            activity,
            seg.step_start,
            seg.step_stop,
            seg.t_start_s,
            seg.t_end_s,
            seg.distance_m,
            seg.gain_m,
            seg.loss_m,
            seg.grade_pct,
        ),
    }
    dev: dict[int, Any] = {DEV_FIELDS["overstride_cues"][0]: seg.overstride_cues}
    if seg.heel_strike_share is not None:
        dev[DEV_FIELDS["heel_strike"][0]] = 100.0 * seg.heel_strike_share
    if seg.band is not None:
        dev[DEV_FIELDS["descent_band"][0]] = seg.band.value
    lap["developer_fields"] = dev
    return lap


def fit_messages(activity: Activity, start: datetime) -> list[dict[str, Any]]:
    """Every message of the FIT file of ``activity`` whose 0 s is at ``start`` (aware, whole seconds)."""
    sec, summary = activity.seconds, activity.summary
    assert sec is not None and summary is not None
    end = start + timedelta(seconds=math.ceil(activity.duration_s))
    data_id, field_descriptions = _developer_messages()
    out: list[dict[str, Any]] = [
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": "development",
            "product": 0,
            "serial_number": 1,
            "time_created": start,
            "product_name": "cadence-coach",
        },
        data_id,
        *field_descriptions,
        {
            "mesg_num": MESG["DEVICE_INFO"],
            "timestamp": start,
            "device_index": "creator",
            "manufacturer": "development",
            "product": 0,
            "product_name": "cadence-coach",
            "software_version": _version_number(),
        },
        {"mesg_num": MESG["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"},
    ]
    n = len(sec)
    strikes, cues = strike_per_second(activity, n), cues_per_second(activity, n)
    out += [_record(start, sec, i, strikes[i], cues[i]) for i in range(n)]
    out.append({"mesg_num": MESG["EVENT"], "timestamp": end, "event": "timer", "event_type": "stop_all"})
    out += [_lap(activity, start, seg) for seg in activity.segments]
    session = {
        "mesg_num": MESG["SESSION"],
        "message_index": 0,
        "timestamp": end,
        "start_time": start,
        "event": "session",
        "event_type": "stop",
        "trigger": "activity_end",
        "first_lap_index": 0,
        "num_laps": len(activity.segments),
        **_summary_fields(
            activity,
            0,
            len(activity.steps),
            0.0,
            activity.duration_s,
            summary.distance_m,
            summary.gain_m,
            summary.loss_m,
            None,
        ),
    }
    dev: dict[int, Any] = {DEV_FIELDS["cues_spoken"][0]: len(activity.cues)}
    if summary.descent_heel_strike_share is not None:
        dev[DEV_FIELDS["descent_heel_strike"][0]] = 100.0 * summary.descent_heel_strike_share
    session["developer_fields"] = dev
    out.append(session)
    out.append(
        {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": end,
            "total_timer_time": round(activity.duration_s, 3),
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
        }
    )
    return out


def _version_number() -> float:
    """This program's version as FIT's software_version (major.minor, e.g. 0.1)."""
    parts = [int(p) for p in __version__.split(".")[:2] if p.isdigit()] + [0, 0]
    return parts[0] + parts[1] / 100


def encode_fit(activity: Activity, start: datetime) -> bytes:
    """The FIT file of ``activity`` as bytes (``start``: wall-clock time of its 0 s, aware)."""
    start = start.replace(microsecond=0)
    messages = fit_messages(activity, start)
    encoder = Encoder()
    data_id = messages[1]
    for mesg in messages[2 : 2 + len(DEV_FIELDS)]:
        encoder.add_developer_field(
            mesg["field_definition_number"],
            cast("DeveloperDataIdMesg", data_id),
            cast("FieldDescriptionMesg", mesg),
        )
    for mesg in messages:
        encoder.write_mesg({k: v for k, v in mesg.items() if v is not None})
    return encoder.close()


def seconds_rows(activity: Activity, start: datetime | None) -> list[list[str]]:
    """The per-second CSV rows (header first): the figures of the records, in display units."""
    sec = activity.seconds
    assert sec is not None
    n = len(sec)
    strikes, cues = strike_per_second(activity, n), cues_per_second(activity, n)

    def f(values: np.ndarray, digits: int, scale: float = 1.0) -> list[str]:
        return [f"{v * scale:.{digits}f}" if math.isfinite(v) else "" for v in values.tolist()]

    stamp = start.replace(microsecond=0) if start is not None else None
    columns = [
        [str(int(t)) for t in sec.t_s.tolist()],
        [(stamp + timedelta(seconds=int(t))).isoformat() if stamp else "" for t in sec.t_s.tolist()],
        f(sec.distance_m, 2),
        f(sec.speed_mps, 3),
        f(sec.cadence_spm, 1),
        f(sec.stance_s, 1, 1000.0),
        f(sec.step_length_m, 3),
        f(sec.grade_pct, 2),
        f(sec.altitude_m, 2),
        f(sec.impact_g, 2),
        f(sec.strike_angle_deg, 1),
        [s.value if s is not None else "" for s in strikes],
        cues,
    ]
    return [list(CSV_COLUMNS)] + [list(row) for row in zip(*columns)]


def write_export(activity: Activity, start: datetime, fit_path: Path, csv_path: Path | None = None) -> int:
    """Write the FIT file (and the per-second CSV) atomically: both files are created before either is
    moved into place, so an unwritable one leaves the other untouched. Returns the FIT file's size, bytes.

    Raises:
        UserError: a file cannot be created (one line naming it).
    """
    fit_file = AtomicFile(fit_path, "the FIT file")
    try:
        csv_file = AtomicFile(csv_path, "the seconds CSV") if csv_path is not None else None
    except BaseException:
        fit_file.discard()
        raise
    try:
        data = encode_fit(activity, start)
        fit_file.tmp.write_bytes(data)
        if csv_file is not None:
            with open(csv_file.tmp, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(seconds_rows(activity, start))
    except BaseException:
        fit_file.discard()
        if csv_file is not None:
            csv_file.discard()
        raise
    fit_file.commit()
    if csv_file is not None:
        csv_file.commit()
    return len(data)
