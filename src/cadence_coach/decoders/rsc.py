"""Running Speed and Cadence service (Bluetooth SIG RSCS, 0x1814): foot pods such as Stryd or Polar Stride.

RSC Measurement (0x2A53), notified about once a second, little-endian::

    offset size type  field
    0      1    u8    flags: bit0 stride length present, bit1 total distance present,
                      bit2 running (1) or walking (0); bits 3-7 reserved
    1      2    u16   instantaneous speed, 1/256 m/s
    3      1    u8    instantaneous cadence, 1/min (steps/min per the spec; some pods send strides/min)
    4      2    u16   instantaneous stride length, 1/100 m      (only when flag bit0)
    ..     4    u32   total distance, 1/10 m                    (only when flag bit1)

Bytes after the fields the flags announce are ignored (reserved for future fields, as GATT allows).

RSC Feature (0x2A54), read once: u16 bit field of what the sensor supports (see :class:`RscFeature`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..uuids import sig_uuid
from .errors import DecodeError

SERVICE_UUID = sig_uuid(0x1814)
MEASUREMENT_UUID = sig_uuid(0x2A53)
FEATURE_UUID = sig_uuid(0x2A54)

FLAG_STRIDE = 0x01
FLAG_DISTANCE = 0x02
FLAG_RUNNING = 0x04

_BASE = struct.Struct("<BHB")
_STRIDE = struct.Struct("<H")
_DISTANCE = struct.Struct("<I")
_FEATURE = struct.Struct("<H")


@dataclass(frozen=True, slots=True)
class RscMeasurement:
    """One decoded RSC Measurement.

    Attributes:
        flags: the flags byte as sent.
        speed_mps: instantaneous speed, m/s.
        cadence_per_min: instantaneous cadence as sent, 1/min (steps/min unless the pod counts one foot).
        stride_m: instantaneous stride length, m, or None if absent.
        total_distance_m: total distance, m, or None if absent.
        running: True running, False walking (bit2; only meaningful if the feature says it is supported).
    """

    flags: int
    speed_mps: float
    cadence_per_min: int
    stride_m: float | None
    total_distance_m: float | None
    running: bool


@dataclass(frozen=True, slots=True)
class RscFeature:
    """The RSC Feature bit field: which measurements the sensor supports."""

    raw: int
    stride_length: bool
    total_distance: bool
    walking_running_status: bool
    calibration: bool
    multiple_sensor_locations: bool


def parse_measurement(payload: bytes) -> RscMeasurement:
    """Decode an RSC Measurement. Raises :class:`DecodeError` if it is shorter than its flags announce."""
    if len(payload) < _BASE.size:
        raise DecodeError(f"RSC measurement too short: {len(payload)} bytes, at least {_BASE.size} needed")
    flags, speed_raw, cadence = _BASE.unpack_from(payload)
    needed = _BASE.size + (_STRIDE.size if flags & FLAG_STRIDE else 0)
    needed += _DISTANCE.size if flags & FLAG_DISTANCE else 0
    if len(payload) < needed:
        raise DecodeError(f"RSC measurement with flags {flags:#04x} needs {needed} bytes, got {len(payload)}")
    offset = _BASE.size
    stride = None
    if flags & FLAG_STRIDE:
        stride = _STRIDE.unpack_from(payload, offset)[0] / 100.0
        offset += _STRIDE.size
    distance = None
    if flags & FLAG_DISTANCE:
        distance = _DISTANCE.unpack_from(payload, offset)[0] / 10.0
    return RscMeasurement(flags, speed_raw / 256.0, cadence, stride, distance, bool(flags & FLAG_RUNNING))


def parse_feature(payload: bytes) -> RscFeature:
    """Decode the RSC Feature characteristic. Raises :class:`DecodeError` if it is shorter than 2 bytes."""
    if len(payload) < _FEATURE.size:
        raise DecodeError(f"RSC feature too short: {len(payload)} bytes, 2 needed")
    (raw,) = _FEATURE.unpack_from(payload)
    return RscFeature(
        raw=raw,
        stride_length=bool(raw & 0x01),
        total_distance=bool(raw & 0x02),
        walking_running_status=bool(raw & 0x04),
        calibration=bool(raw & 0x08),
        multiple_sensor_locations=bool(raw & 0x10),
    )


def encode_measurement(
    speed_mps: float,
    cadence_per_min: int,
    stride_m: float | None = None,
    total_distance_m: float | None = None,
    running: bool = True,
) -> bytes:
    """Encode an RSC Measurement (for the simulator and tests); values are clipped to their field ranges."""
    flags = (FLAG_STRIDE if stride_m is not None else 0) | (
        FLAG_DISTANCE if total_distance_m is not None else 0
    )
    flags |= FLAG_RUNNING if running else 0
    out = _BASE.pack(flags, _clip(speed_mps * 256.0, 0xFFFF), _clip(cadence_per_min, 0xFF))
    if stride_m is not None:
        out += _STRIDE.pack(_clip(stride_m * 100.0, 0xFFFF))
    if total_distance_m is not None:
        out += _DISTANCE.pack(_clip(total_distance_m * 10.0, 0xFFFFFFFF))
    return out


def _clip(value: float, top: int) -> int:
    return min(max(int(round(value)), 0), top)
