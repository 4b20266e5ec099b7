"""``cadence-coach decode PROFILE HEX``: decode one payload with a profile's decoder and print it as JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math

import numpy as np

from ..datatypes import GRAVITY
from ..decoders import open_imu, polar_pmd, polar_pmd_control, rsc
from ..decoders.errors import DecodeError
from ..errors import UserError
from ..profiles import Profile, load_profile


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "decode",
        help=summary,
        description="Decode one payload and print it as JSON, in physical units (m/s^2, rad/s, m/s, m).",
    )
    p.add_argument("profile", help="firmware profile name (see `cadence-coach profiles`)")
    p.add_argument("hex", help="the payload as hex digits (spaces and colons allowed)")
    p.add_argument(
        "--characteristic",
        default="data",
        metavar="ROLE",
        help="which characteristic the payload came from: data (default), feature (RSC) or control (PMD)",
    )
    p.add_argument(
        "--factor",
        type=float,
        help="PMD FACTOR setting for this measurement (default: the profile's, else 1.0)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile)
    text = args.hex.replace(" ", "").replace(":", "")
    try:
        payload = bytes.fromhex(text)
    except ValueError:
        raise UserError(f"not hex digits: {args.hex!r}") from None
    decode = _DECODERS.get(profile.decoder)
    if decode is None:
        raise UserError(f"profile {profile.name!r}: decoder {profile.decoder!r} has no payload decoding here")
    try:
        result = decode(payload, profile, args)
    except DecodeError as exc:
        raise UserError(f"malformed payload: {exc}") from None
    print(json.dumps({"profile": profile.name, **result}, indent=2, allow_nan=True))
    return 0


def _rows(values: np.ndarray) -> list[list[float]]:
    return [[float(x) for x in row] for row in values]


def _rsc(payload: bytes, profile: Profile, args: argparse.Namespace) -> dict:
    if args.characteristic == "feature":
        return {"kind": "rsc_feature", **dataclasses.asdict(rsc.parse_feature(payload))}
    _require_role(args.characteristic, "data", "feature")
    m = rsc.parse_measurement(payload)
    one_foot = profile.raw.get("rsc", {}).get("cadence_counts") == "one_foot"
    return {
        "kind": "rsc_measurement",
        **dataclasses.asdict(m),
        "cadence_spm": m.cadence_per_min * (2 if one_foot else 1),
    }


def _pmd(payload: bytes, profile: Profile, args: argparse.Namespace) -> dict:
    if args.characteristic == "control":
        return _pmd_control(payload)
    _require_role(args.characteristic, "data", "control")
    measurement = polar_pmd.parse_frame_header(payload)[0]
    name = str(_enum_name(polar_pmd.MeasurementType, measurement)).lower()
    factor = args.factor
    if factor is None:
        factor = profile.raw.get("pmd", {}).get(name, {}).get("factor", 1.0)
    frame = polar_pmd.parse_frame(payload, {measurement: factor})
    out = {
        "kind": "pmd_frame",
        "measurement": name,
        "timestamp_ns": frame.timestamp_ns,
        "frame_type": frame.frame_type,
        "compressed": frame.compressed,
        "sample_count": int(frame.samples.shape[0]),
    }
    values = frame.samples.astype(np.float64)
    if measurement == polar_pmd.MeasurementType.ACC:
        out["acc_m_s2"] = _rows(values * (GRAVITY / 1000.0))
    else:
        out["gyro_rad_s"] = _rows(np.radians(values))
    return out


def _pmd_control(payload: bytes) -> dict:
    if payload[:1] == bytes([polar_pmd_control.FEATURES_CODE]):
        offered = polar_pmd_control.parse_features(payload)
        return {"kind": "pmd_features", "measurements": sorted(m.name.lower() for m in offered)}
    r = polar_pmd_control.parse_control_response(payload)
    out: dict[str, object] = {
        "kind": "pmd_control_response",
        "op_code": _enum_name(polar_pmd_control.OpCode, r.op_code),
        "measurement": _enum_name(polar_pmd.MeasurementType, r.measurement),
        "status": _enum_name(polar_pmd_control.ResponseStatus, r.status),
        "more": r.more,
        "parameters_hex": r.parameters.hex(),
    }
    if r.ok and r.op_code in (
        polar_pmd_control.OpCode.GET_MEASUREMENT_SETTINGS,
        polar_pmd_control.OpCode.REQUEST_MEASUREMENT_START,
    ):
        out["settings"] = {k.name.lower(): list(v) for k, v in r.settings().items()}
    return out


def _open_imu(payload: bytes, profile: Profile, args: argparse.Namespace) -> dict:
    _require_role(args.characteristic, "data")
    pkt = open_imu.parse(payload)
    return {
        "kind": "open_imu_packet",
        "sequence": pkt.sequence,
        "t0_us": pkt.t0_us,
        "period_s": pkt.period_s,
        "sample_count": int(pkt.acc.shape[0]),
        "acc_m_s2": _rows(pkt.acc),
        "gyro_rad_s": None if pkt.gyro is None else _rows(pkt.gyro),
        "pressure_pa": pkt.pressure_pa,
        "acc_range_m_s2": pkt.acc_range,
        "gyro_range_rad_s": None if math.isinf(pkt.gyro_range) else pkt.gyro_range,
    }


def _require_role(role: str, *allowed: str) -> None:
    if role not in allowed:
        raise UserError(f"--characteristic {role!r} does not apply here (use: {', '.join(allowed)})")


def _enum_name(enum: type, value: int) -> str | int:
    try:
        return enum(value).name
    except ValueError:
        return value


_DECODERS = {"rsc": _rsc, "polar_pmd": _pmd, "open_imu": _open_imu}
