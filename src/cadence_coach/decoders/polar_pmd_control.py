"""Polar Measurement Data (PMD) control point: the commands that query settings and start or stop a
measurement, and the sensor's responses (the data frames are in :mod:`.polar_pmd`).

Commands are ``[op code][measurement type][settings...]`` where each setting is
``[setting type][count = 1][value, SETTING_SIZE bytes LE]``; responses, indicated on the control point,
are ``[0xF0][op code][measurement type][status][more][parameters...]``; a settings response's parameters
are ``[setting type][count][count values]...``. A read of the control point gives the measurement types
the sensor offers (``0x0F`` and a two-byte bitmask).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from .errors import DecodeError
from .polar_pmd import MEASUREMENT_MASK, MeasurementType

RESPONSE_CODE = 0xF0
"""First byte of every control point response."""
FEATURES_CODE = 0x0F
"""First byte of a control point read (the feature bitmask)."""


class SettingType(IntEnum):
    """PMD setting types; values are unsigned integers of :data:`SETTING_SIZE` bytes (FACTOR: float32)."""

    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    RANGE_MILLIUNIT = 3
    CHANNELS = 4
    FACTOR = 5


SETTING_SIZE = {
    SettingType.SAMPLE_RATE: 2,
    SettingType.RESOLUTION: 2,
    SettingType.RANGE: 2,
    SettingType.RANGE_MILLIUNIT: 4,
    SettingType.CHANNELS: 1,
    SettingType.FACTOR: 4,
}
"""Bytes per value of each setting type."""


class OpCode(IntEnum):
    """Control point commands."""

    GET_MEASUREMENT_SETTINGS = 1
    REQUEST_MEASUREMENT_START = 2
    STOP_MEASUREMENT = 3
    GET_SDK_MODE_SETTINGS = 4
    GET_MEASUREMENT_STATUS = 5


class ResponseStatus(IntEnum):
    """Control point response status codes."""

    SUCCESS = 0
    INVALID_OP_CODE = 1
    INVALID_MEASUREMENT_TYPE = 2
    NOT_SUPPORTED = 3
    INVALID_LENGTH = 4
    INVALID_PARAMETER = 5
    ALREADY_IN_STATE = 6
    INVALID_RESOLUTION = 7
    INVALID_SAMPLE_RATE = 8
    INVALID_RANGE = 9
    INVALID_MTU = 10
    INVALID_NUMBER_OF_CHANNELS = 11
    INVALID_STATE = 12
    DEVICE_IN_CHARGER = 13
    DISK_FULL = 14


@dataclass(frozen=True, slots=True)
class ControlResponse:
    """A control point response (an indication starting with 0xF0).

    Attributes:
        op_code: the command answered (:class:`OpCode` value).
        measurement: measurement type the command was about.
        status: :class:`ResponseStatus` value; 0 = success.
        more: True if more response parts follow.
        parameters: bytes after the header (settings for GET_MEASUREMENT_SETTINGS and start responses).
    """

    op_code: int
    measurement: int
    status: int
    more: bool
    parameters: bytes

    @property
    def ok(self) -> bool:
        return self.status == ResponseStatus.SUCCESS

    def settings(self) -> dict[SettingType, tuple[float, ...]]:
        """The parameters read as settings (see :func:`parse_settings`)."""
        return parse_settings(self.parameters)


def parse_settings(parameters: bytes) -> dict[SettingType, tuple[float, ...]]:
    """Settings ``[type][count][count values]...`` as ``{setting type: values}``; FACTOR values as float32."""
    settings: dict[SettingType, tuple[float, ...]] = {}
    offset = 0
    while offset < len(parameters):
        if offset + 2 > len(parameters):
            raise DecodeError("PMD settings end inside a setting header")
        try:
            kind = SettingType(parameters[offset])
        except ValueError:
            raise DecodeError(f"unknown PMD setting type {parameters[offset]}") from None
        count = parameters[offset + 1]
        size = SETTING_SIZE[kind]
        offset += 2
        if offset + count * size > len(parameters):
            raise DecodeError(
                f"PMD setting {kind.name} needs {count * size} bytes, {len(parameters) - offset} left"
            )
        chunk = parameters[offset : offset + count * size]
        if kind == SettingType.FACTOR:
            values = tuple(float(v) for v in np.frombuffer(chunk, dtype="<f4"))
        else:
            values = tuple(int.from_bytes(chunk[i : i + size], "little") for i in range(0, len(chunk), size))
        settings[kind] = settings.get(kind, ()) + values
        offset += count * size
    return settings


def parse_control_response(payload: bytes) -> ControlResponse:
    """Decode a control point response. Raises :class:`DecodeError` if it is not one."""
    if len(payload) < 4:
        raise DecodeError(f"PMD control response too short: {len(payload)} bytes, at least 4 needed")
    if payload[0] != RESPONSE_CODE:
        raise DecodeError(f"not a PMD control response: first byte {payload[0]:#04x}, expected 0xf0")
    op_code, measurement, status = payload[1], payload[2], payload[3]
    ok = status == ResponseStatus.SUCCESS
    more = ok and len(payload) > 4 and payload[4] != 0
    parameters = bytes(payload[5:]) if ok else b""
    return ControlResponse(op_code, measurement & MEASUREMENT_MASK, status, more, parameters)


def parse_features(payload: bytes) -> set[MeasurementType]:
    """Measurement types a sensor offers, from a read of the control point (``0x0F`` + 2 bitmask bytes)."""
    if len(payload) < 3 or payload[0] != FEATURES_CODE:
        raise DecodeError("not a PMD feature read: expected 0x0f followed by two bitmask bytes")
    bits = payload[1] | payload[2] << 8
    offered = {MeasurementType.ECG: 0, MeasurementType.PPG: 1, MeasurementType.ACC: 2, MeasurementType.PPI: 3}
    offered |= {MeasurementType.GYRO: 5, MeasurementType.MAG: 6, MeasurementType.SDK_MODE: 9}
    return {kind for kind, bit in offered.items() if bits >> bit & 1}


def encode_get_settings(measurement: int) -> bytes:
    """Command asking which settings a measurement supports (answer: a settings response)."""
    return bytes([OpCode.GET_MEASUREMENT_SETTINGS, measurement])


def encode_start(
    measurement: int,
    sample_rate_hz: int | None = None,
    resolution_bits: int | None = None,
    range_: int | None = None,
    channels: int | None = None,
) -> bytes:
    """Command starting a measurement with the chosen settings (None = not sent, sensor default).

    ``range_`` is in the measurement's unit: +-g for ACC, +-deg/s for GYRO. SDK mode is started with
    ``encode_start(MeasurementType.SDK_MODE)``.
    """
    out = bytearray([OpCode.REQUEST_MEASUREMENT_START, measurement])
    chosen = {
        SettingType.SAMPLE_RATE: sample_rate_hz,
        SettingType.RESOLUTION: resolution_bits,
        SettingType.RANGE: range_,
        SettingType.CHANNELS: channels,
    }
    for kind, value in chosen.items():
        if value is None:
            continue
        size = SETTING_SIZE[kind]
        if not 0 <= int(value) < 1 << (8 * size):
            raise ValueError(f"PMD {kind.name} {value} does not fit in {size} bytes")
        out += bytes([kind, 1]) + int(value).to_bytes(size, "little")
    return bytes(out)


def encode_stop(measurement: int) -> bytes:
    """Command stopping a measurement (or SDK mode)."""
    return bytes([OpCode.STOP_MEASUREMENT, measurement])


def measurement_by_name(name: str) -> MeasurementType:
    """``"acc"``, ``"gyro"``, ``"sdk_mode"``... to the measurement type; ValueError if unknown."""
    try:
        return MeasurementType[name.upper()]
    except KeyError:
        known = ", ".join(m.name.lower() for m in MeasurementType)
        raise ValueError(f"unknown PMD measurement {name!r} (known: {known})") from None


def build_command(name: str, settings: Mapping[str, Mapping[str, float]]) -> bytes:
    """A named command of a firmware profile: ``"start acc"``, ``"stop gyro"``, ``"settings acc"``.

    ``settings`` is the profile's ``[pmd]`` table: per measurement name, the keys ``sample_rate_hz``,
    ``resolution_bits``, ``range_g`` or ``range_dps`` and ``channels`` chosen for ``start``.
    Raises ValueError for an unknown verb or measurement.
    """
    verb, _, what = name.strip().partition(" ")
    measurement = measurement_by_name(what.strip())
    if verb == "stop":
        return encode_stop(measurement)
    if verb == "settings":
        return encode_get_settings(measurement)
    if verb != "start":
        raise ValueError(
            f"unknown PMD command {name!r}: use start, stop or settings followed by a measurement"
        )
    chosen = settings.get(measurement.name.lower(), {})
    range_ = chosen.get("range_g", chosen.get("range_dps"))
    return encode_start(
        measurement,
        sample_rate_hz=_int_or_none(chosen.get("sample_rate_hz")),
        resolution_bits=_int_or_none(chosen.get("resolution_bits")),
        range_=_int_or_none(range_),
        channels=_int_or_none(chosen.get("channels")),
    )


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)
