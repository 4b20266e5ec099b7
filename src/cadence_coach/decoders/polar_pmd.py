"""Polar Measurement Data (PMD) service: accelerometer and gyroscope streams of the Polar H10 and Verity Sense.

The service has two characteristics: a control point (write, indicate) that queries settings and starts or
stops a measurement (:mod:`.polar_pmd_control`), and a data characteristic that notifies data frames.

Data frame, little-endian::

    offset size type  field
    0      1    u8    measurement type (low 6 bits): 2 accelerometer, 5 gyroscope (see MeasurementType)
    1      8    u64   sensor time of the frame's *last* sample, ns (Polar epoch)
    9      1    u8    frame type: bit7 compressed (delta) frame, bits 0-6 frame-type number
    10     ...        content

Raw (uncompressed) content is consecutive samples of 3 signed channels. A compressed frame holds a reference
sample (channels x ceil(resolution / 8) bytes, signed) and then blocks of
``[u8 delta bit width][u8 sample count][deltas]``: the deltas are signed integers of that bit width, packed
least significant bit first, channel by channel within a sample, the block padded to whole bytes. Each sample
is the previous one plus its deltas (32-bit wrapping integer arithmetic). 32-bit float channels carry
IEEE-754 bit patterns and the deltas are added to those bit patterns.

Frames this module decodes (the unit is the SDK's: mG for the accelerometer, deg/s for the gyroscope)::

    ACC  raw 0 / 1 / 2     int8 / int16 / int24 channels, mG
    ACC  compressed 0      16-bit channels in units of ``factor`` g:  int(factor * 1000 * raw) mG
    ACC  compressed 1      16-bit channels: raw mG, or int(raw * factor) mG if factor != 1
    GYRO compressed 0      16-bit channels: raw * factor deg/s
    GYRO compressed 1      32-bit float channels: value * factor deg/s

Arithmetic follows the Polar SDK (float32 products, truncation toward zero for mG) so that decoded values
match its reference vectors bit for bit. ``factor`` comes from the start response (setting type FACTOR).

This module holds the data frames; :mod:`.polar_pmd_control` holds the control point's commands,
responses and settings.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from .errors import DecodeError

SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
"""Control point: write commands, responses come back as indications."""
DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"
"""Data characteristic: notifies data frames."""

HEADER = struct.Struct("<BQB")
HEADER_SIZE = HEADER.size  # 10
COMPRESSED_BIT = 0x80
MEASUREMENT_MASK = 0x3F


class MeasurementType(IntEnum):
    """PMD measurement types (the ones this product knows by name)."""

    ECG = 0
    PPG = 1
    ACC = 2
    PPI = 3
    GYRO = 5
    MAG = 6
    SDK_MODE = 9


UNIT = {MeasurementType.ACC: "mG", MeasurementType.GYRO: "deg/s"}
"""Unit of :attr:`PmdFrame.samples` per measurement type."""


@dataclass(frozen=True, slots=True)
class PmdFrame:
    """One decoded data frame.

    Attributes:
        measurement: measurement type (:class:`MeasurementType` value).
        timestamp_ns: sensor time of the last sample, ns.
        frame_type: frame-type number (bits 0-6 of the frame-type byte).
        compressed: True for a delta-compressed frame.
        samples: shape (n, 3); ACC in mG (int64), GYRO in deg/s (float32). See :data:`UNIT`.
    """

    measurement: int
    timestamp_ns: int
    frame_type: int
    compressed: bool
    samples: np.ndarray


def parse_frame_header(payload: bytes) -> tuple[int, int, int, bool]:
    """``(measurement type, timestamp ns, frame-type number, compressed)`` of a data frame."""
    if len(payload) < HEADER_SIZE:
        raise DecodeError(f"PMD frame too short: {len(payload)} bytes, header needs {HEADER_SIZE}")
    measurement, timestamp_ns, frame_type = HEADER.unpack_from(payload)
    return measurement & MEASUREMENT_MASK, timestamp_ns, frame_type & 0x7F, bool(frame_type & COMPRESSED_BIT)


def parse_frame(payload: bytes, factors: Mapping[int, float] | None = None) -> PmdFrame:
    """Decode an accelerometer or gyroscope data frame.

    Args:
        payload: the notification as received.
        factors: the FACTOR setting per measurement type, from the start response; 1.0 where missing.

    Raises :class:`DecodeError` for short or inconsistent frames and for types this module does not decode.
    """
    measurement, timestamp_ns, frame_type, compressed = parse_frame_header(payload)
    content = payload[HEADER_SIZE:]
    if not content:
        raise DecodeError("PMD frame without samples")
    factor = np.float32((factors or {}).get(measurement, 1.0))
    # float32 products may overflow to inf or meet NaN bit patterns, as on the sensor's SDK: not an error here
    with np.errstate(over="ignore", invalid="ignore"):
        if measurement == MeasurementType.ACC:
            samples = _acc_samples(content, frame_type, compressed, factor)
        elif measurement == MeasurementType.GYRO:
            samples = _gyro_samples(content, frame_type, compressed, factor)
        else:
            raise DecodeError(f"PMD measurement type {measurement} is not decoded")
    return PmdFrame(measurement, timestamp_ns, frame_type, compressed, samples)


def _acc_samples(content: bytes, frame_type: int, compressed: bool, factor: np.float32) -> np.ndarray:
    if not compressed:
        if frame_type > 2:
            raise DecodeError(f"PMD accelerometer raw frame type {frame_type} is not decoded")
        return parse_raw_samples(content, 3, frame_type + 1)
    if frame_type == 0:
        raw = parse_compressed_samples(content, 3, 16)
        scaled = raw.astype(np.float32) * (factor * np.float32(1000.0))
        return _truncate(scaled)
    if frame_type == 1:
        raw = parse_compressed_samples(content, 3, 16)
        return raw if factor == 1.0 else _truncate(raw.astype(np.float32) * factor)
    raise DecodeError(f"PMD accelerometer compressed frame type {frame_type} is not decoded")


def _gyro_samples(content: bytes, frame_type: int, compressed: bool, factor: np.float32) -> np.ndarray:
    if compressed and frame_type == 0:
        return parse_compressed_samples(content, 3, 16).astype(np.float32) * factor
    if compressed and frame_type == 1:
        bits = parse_compressed_samples(content, 3, 32).astype(np.int32)
        return bits.view(np.float32) * factor
    kind = "compressed" if compressed else "raw"
    raise DecodeError(f"PMD gyroscope {kind} frame type {frame_type} is not decoded")


def _truncate(values: np.ndarray) -> np.ndarray:
    """float32 to int64 toward zero, as a JVM float-to-int cast (NaN -> 0, saturating)."""
    wide = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=2**31 - 1, neginf=-(2**31))
    return np.trunc(np.clip(wide, -(2**31), 2**31 - 1)).astype(np.int64)


def parse_raw_samples(content: bytes, channels: int, sample_bytes: int) -> np.ndarray:
    """Uncompressed samples: signed little-endian integers of ``sample_bytes`` bytes, shape (n, channels)."""
    size = channels * sample_bytes
    if len(content) % size:
        raise DecodeError(
            f"PMD raw content of {len(content)} bytes is not a whole number of {size}-byte samples"
        )
    data = np.frombuffer(content, dtype=np.uint8).reshape(-1, channels, sample_bytes).astype(np.int64)
    values = (data << (8 * np.arange(sample_bytes))).sum(axis=2)
    return _sign_extend(values, 8 * sample_bytes)


def parse_reference_sample(content: bytes, channels: int, resolution_bits: int) -> np.ndarray:
    """The reference sample of a compressed frame: ``channels`` signed values, shape (channels,).

    Each value takes ceil(resolution / 8) bytes, little-endian, sign-extended from ``resolution_bits``.
    32-bit float channels come back as int32 bit patterns.
    """
    if not 1 <= resolution_bits <= 32:
        raise ValueError(f"PMD resolution {resolution_bits} bits is outside 1..32")
    width = (resolution_bits + 7) // 8
    if len(content) < channels * width:
        raise DecodeError(f"PMD reference sample needs {channels * width} bytes, got {len(content)}")
    data = np.frombuffer(content, dtype=np.uint8, count=channels * width).reshape(channels, width)
    values = (data.astype(np.int64) << (8 * np.arange(width, dtype=np.int64))).sum(axis=1)
    return _sign_extend(values & ((1 << resolution_bits) - 1), resolution_bits)


def parse_compressed_samples(content: bytes, channels: int, resolution_bits: int) -> np.ndarray:
    """All samples of a compressed frame's content (reference sample first), shape (n, channels), int64.

    Values are wrapped to signed 32-bit like the Polar SDK's integer arithmetic.
    """
    reference = parse_reference_sample(content, channels, resolution_bits)
    offset = channels * ((resolution_bits + 7) // 8)
    deltas = [reference[None, :]]
    end = len(content)
    while offset < end:
        if offset + 2 > end:
            raise DecodeError("PMD compressed frame ends inside a delta block header")
        width, count = content[offset], content[offset + 1]
        offset += 2
        if width > 32:
            raise DecodeError(f"PMD delta bit width {width} exceeds 32")
        n_bits = width * count * channels
        n_bytes = (n_bits + 7) // 8
        if offset + n_bytes > end:
            raise DecodeError(f"PMD delta block needs {n_bytes} bytes, {end - offset} left")
        if width == 0:
            deltas.append(np.zeros((count, channels), dtype=np.int64))
        else:
            block = np.frombuffer(content, dtype=np.uint8, count=n_bytes, offset=offset)
            bits = np.unpackbits(block, bitorder="little")[:n_bits].reshape(-1, width).astype(np.int64)
            values = bits @ (np.int64(1) << np.arange(width, dtype=np.int64))
            deltas.append(_sign_extend(values, width).reshape(count, channels))
        offset += n_bytes
    summed = np.cumsum(np.concatenate(deltas), axis=0)
    return (summed + 2**31) % 2**32 - 2**31


def _sign_extend(values: np.ndarray, bits: int) -> np.ndarray:
    sign = np.int64(1) << (bits - 1)
    return (values ^ sign) - sign


def sample_timestamps_ns(frame_ns: int, previous_frame_ns: int, n: int, sample_rate_hz: float) -> list[int]:
    """Per-sample sensor times of a frame of ``n`` samples, ns, by the Polar SDK's rule.

    The last sample is at ``frame_ns``. With a previous frame (``previous_frame_ns > 0``) the samples are
    spread evenly over the time since it: ``delta = (frame - previous) / n``; without one they are spaced by
    the nominal period. Times are rounded half to even. Raises ValueError where the rule gives no answer.
    """
    if n <= 0:
        raise ValueError("a frame has at least one sample")
    if previous_frame_ns > 0:
        if frame_ns <= previous_frame_ns:
            raise ValueError(
                f"frame time {frame_ns} ns is not after the previous frame's {previous_frame_ns} ns"
            )
        delta = (frame_ns - previous_frame_ns) / n
        start = previous_frame_ns + delta
    else:
        if sample_rate_hz <= 0:
            raise ValueError("without a previous frame the sample rate must be known")
        delta = 1e9 / sample_rate_hz
        start = frame_ns - delta * (n - 1)
        if start <= 0:
            raise ValueError(f"frame time {frame_ns} ns is too small for {n} samples at {sample_rate_hz} Hz")
    return [round(start + delta * i) for i in range(n - 1)] + [frame_ns]


def encode_frame(
    measurement: int,
    timestamp_ns: int,
    raw: np.ndarray,
    frame_type: int,
    compressed: bool,
    resolution_bits: int = 16,
) -> bytes:
    """Encode a data frame from raw channel integers (for the simulator and tests; inverse of the parsers).

    Args:
        measurement: measurement type.
        timestamp_ns: sensor time of the last sample, ns.
        raw: integer samples, shape (n, channels): the values a raw frame stores, or for a compressed frame
            the integers (float32 bit patterns for 32-bit float channels) its deltas reproduce.
        frame_type: frame-type number (0-127).
        compressed: write a delta-compressed frame (reference sample and blocks of up to 255 samples).
        resolution_bits: channel width of a compressed frame, bits (raw frames: frame type 0/1/2 = 1/2/3 bytes).
    """
    raw = np.asarray(raw, dtype=np.int64)
    header = HEADER.pack(measurement, timestamp_ns, frame_type | (COMPRESSED_BIT if compressed else 0))
    if not compressed:
        return header + _pack_ints(raw, frame_type + 1)
    width = (resolution_bits + 7) // 8
    out = bytearray(header + _pack_ints(raw[:1], width))
    wrapped = (np.diff(raw, axis=0) + 2**31) % 2**32 - 2**31
    for start in range(0, wrapped.shape[0], 255):
        block = wrapped[start : start + 255]
        bits = max(1, int(max(block.max(), -block.min() - 1)).bit_length() + 1)
        unsigned = block.reshape(-1) & ((1 << bits) - 1)
        flat = ((unsigned[:, None] >> np.arange(bits)) & 1).astype(np.uint8).reshape(-1)
        out += bytes([bits, block.shape[0]]) + np.packbits(flat, bitorder="little").tobytes()
    return bytes(out)


def _pack_ints(values: np.ndarray, size: int) -> bytes:
    unsigned = values.reshape(-1) & ((1 << (8 * size)) - 1)
    return ((unsigned[:, None] >> (8 * np.arange(size))) & 0xFF).astype(np.uint8).tobytes()
