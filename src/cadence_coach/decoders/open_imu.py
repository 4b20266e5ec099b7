"""Open IMU stream: the packet layout for DIY foot pods (ESP32 / nRF52 + ICM-42688, LSM6DSO, ...).

It is also the simulator's default wire format. All fields little-endian (docs/open-imu-stream.md)::

    offset size type  field
    0      1    u8    version, 1
    1      1    u8    flags: bit0 gyroscope present, bit1 pressure present
    2      2    u16   packet sequence counter, +1 per packet, wraps at 65536
    4      4    u32   sensor time of frame 0, microseconds, wraps (about 71.6 min)
    8      4    u32   sample period, nanoseconds
    12     1    u8    accelerometer full scale, +-g
    13     2    u16   gyroscope full scale, +-degrees/s
    15     1    u8    frame count N
    16     N*F        frames: int16 ax, ay, az [, gx, gy, gz]; F = 6 or 12 bytes; LSB = full scale / 32768
    ...    4    u32   pressure at the last frame, 1/100 Pa (only when flag bit1)

A packet fills at most MTU - 3 bytes: :func:`frames_per_packet` tells how many frames fit.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np

from ..datatypes import GRAVITY
from . import open_imu_kernels as kernels
from .errors import DecodeError as DecodeError  # re-exported: callers catch open_imu.DecodeError

VERSION = 1
FLAG_GYRO = 0x01
FLAG_PRESSURE = 0x02
HEADER = struct.Struct("<BBHIIBHB")
HEADER_SIZE = HEADER.size  # 16
PRESSURE = struct.Struct("<I")
SERVICE_UUID = "6e4f0001-8a3c-4b8e-9c2d-0c0ade1c0ac0"
"""The open IMU service (a project-chosen 128-bit UUID)."""
DATA_UUID = "6e4f0002-8a3c-4b8e-9c2d-0c0ade1c0ac0"
"""Notify characteristic carrying the packets."""
CONTROL_UUID = "6e4f0003-8a3c-4b8e-9c2d-0c0ade1c0ac0"
"""Write characteristic: 0x01 start, 0x00 stop."""

_FULL = 32768.0


@dataclass(frozen=True, slots=True)
class ImuPacket:
    """One decoded open IMU packet.

    Attributes:
        sequence: packet counter (wraps at 65536).
        t0_us: sensor time of the first frame, microseconds (wraps at 2**32).
        period_s: sample period, s.
        acc: specific force, m/s^2, shape (n, 3).
        gyro: angular rate, rad/s, shape (n, 3), or None.
        pressure_pa: pressure at the last frame, Pa, or None.
        acc_range: accelerometer full scale, m/s^2.
        gyro_range: gyroscope full scale, rad/s.
    """

    sequence: int
    t0_us: int
    period_s: float
    acc: np.ndarray
    gyro: np.ndarray | None
    pressure_pa: float | None
    acc_range: float
    gyro_range: float


def frame_size(has_gyro: bool) -> int:
    """Bytes per frame."""
    return 12 if has_gyro else 6


def frames_per_packet(mtu: int, has_gyro: bool = True, has_pressure: bool = False) -> int:
    """How many frames fit in one notification for an ATT MTU (payload = MTU - 3 bytes), max 255."""
    room = mtu - 3 - HEADER_SIZE - (PRESSURE.size if has_pressure else 0)
    return max(0, min(255, room // frame_size(has_gyro)))


def parse(payload: bytes) -> ImuPacket:
    """Decode one packet. Raises :class:`DecodeError` if the payload does not follow the layout."""
    if len(payload) < HEADER_SIZE:
        raise DecodeError(f"open IMU packet too short: {len(payload)} bytes, header needs {HEADER_SIZE}")
    version, flags, seq, t0_us, period_ns, acc_fs_g, gyro_fs_dps, n = HEADER.unpack_from(payload)
    if version != VERSION:
        raise DecodeError(f"open IMU version {version} not supported")
    if period_ns == 0 or acc_fs_g == 0:
        raise DecodeError("open IMU packet with zero sample period or accelerometer range")
    has_gyro = bool(flags & FLAG_GYRO)
    has_pressure = bool(flags & FLAG_PRESSURE)
    if has_gyro and gyro_fs_dps == 0:
        raise DecodeError("open IMU packet with gyroscope but zero gyroscope range")
    width = 6 if has_gyro else 3
    expected = HEADER_SIZE + n * 2 * width + (PRESSURE.size if has_pressure else 0)
    if len(payload) != expected:
        raise DecodeError(f"open IMU packet is {len(payload)} bytes, its header says {expected}")
    raw = np.frombuffer(payload, dtype="<i2", count=n * width, offset=HEADER_SIZE).reshape(n, width)
    acc_range = acc_fs_g * GRAVITY
    acc = raw[:, :3] * (acc_range / _FULL)
    gyro = None
    gyro_range = math.inf
    if has_gyro:
        gyro_range = math.radians(gyro_fs_dps)
        gyro = raw[:, 3:] * (gyro_range / _FULL)
    pressure = None
    if has_pressure:
        (p,) = PRESSURE.unpack_from(payload, expected - PRESSURE.size)
        pressure = p / 100.0
    return ImuPacket(seq, t0_us, period_ns * 1e-9, acc, gyro, pressure, acc_range, gyro_range)


def encode(
    sequence: int,
    t0_us: int,
    period_s: float,
    acc: np.ndarray,
    gyro: np.ndarray | None = None,
    pressure_pa: float | None = None,
    acc_range_g: int = 32,
    gyro_range_dps: int = 4000,
) -> bytes:
    """Encode frames into one packet, clipping to the full-scale ranges as a real sensor would.

    Args:
        sequence: packet counter (taken modulo 65536).
        t0_us: sensor time of the first frame, microseconds (taken modulo 2**32).
        period_s: sample period, s.
        acc: specific force, m/s^2, shape (n, 3).
        gyro: angular rate, rad/s, shape (n, 3), or None.
        pressure_pa: pressure at the last frame, Pa, or None.
        acc_range_g: accelerometer full scale, +-g.
        gyro_range_dps: gyroscope full scale, +-degrees/s.
    """
    acc = np.asarray(acc, dtype=np.float64)
    n = acc.shape[0]
    if n > 255:
        raise ValueError("at most 255 frames per packet")
    flags = (FLAG_GYRO if gyro is not None else 0) | (FLAG_PRESSURE if pressure_pa is not None else 0)
    cols = [acc / (acc_range_g * GRAVITY)]
    if gyro is not None:
        cols.append(np.asarray(gyro, dtype=np.float64) / math.radians(gyro_range_dps))
    scaled = np.rint(np.hstack(cols) * _FULL)
    frames = np.clip(scaled, -32768, 32767).astype("<i2")
    header = HEADER.pack(
        VERSION,
        flags,
        sequence % 65536,
        int(t0_us) % 2**32,
        int(round(period_s * 1e9)),
        acc_range_g,
        gyro_range_dps if gyro is not None else 0,
        n,
    )
    tail = b"" if pressure_pa is None else PRESSURE.pack(int(round(pressure_pa * 100.0)))
    return header + frames.tobytes() + tail


@dataclass(frozen=True, slots=True)
class ImuBatch:
    """Many packets decoded at once (the valid ones, in input order).

    Attributes:
        index: position of each valid packet in the input, shape (p,).
        sequence, t0_us, period_s, n_frames: header fields per valid packet, shape (p,).
        acc_range, gyro_range: full scales per valid packet, m/s^2 and rad/s, shape (p,).
        acc, gyro: all frames of all valid packets in order, m/s^2 / rad/s, shape (f, 3); gyro None
            if no packet had one (frames without gyroscope get NaN when others have it).
        pressure_pa: pressure per valid packet, Pa, NaN where absent, shape (p,).
        rejected: how many packets were malformed.
    """

    index: np.ndarray
    sequence: np.ndarray
    t0_us: np.ndarray
    period_s: np.ndarray
    n_frames: np.ndarray
    acc_range: np.ndarray
    gyro_range: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray | None
    pressure_pa: np.ndarray
    rejected: int


def parse_batch(payloads: list[bytes]) -> ImuBatch:
    """Decode many packets with array operations; malformed ones are left out and counted.

    Gives the same values as :func:`parse` on each packet, about a hundred times faster per packet (a
    live stream's packets, one at a time, take OpenImuStream's plain-number path instead).
    """
    count = len(payloads)
    lengths = np.fromiter(map(len, payloads), dtype=np.int64, count=count)
    starts = np.cumsum(lengths) - lengths
    return parse_packed(np.frombuffer(b"".join(payloads), dtype=np.uint8), starts, lengths)


def parse_packed(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> ImuBatch:
    """:func:`parse_batch` of payloads packed in one buffer: packet i is ``buf[starts[i]:starts[i] + lengths[i]]``.

    Args:
        buf: the bytes holding every payload, uint8.
        starts: offset of each payload in ``buf``, int64.
        lengths: length of each payload, bytes, int64.
    """
    count = int(starts.size)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    lengths = np.ascontiguousarray(lengths, dtype=np.int64)
    if count and (starts.min() < 0 or lengths.min() < 0 or (starts + lengths).max() > buf.size):
        raise ValueError("payload offsets reach outside the buffer")  # the kernels do not check bounds
    idx, flags, sequence, t0_us, period_ns, acc_fs_g, gyro_fs_dps, n = kernels.scan_headers(
        buf, starts, lengths
    )
    has_gyro = (flags & FLAG_GYRO) != 0
    acc_range = acc_fs_g * GRAVITY
    gyro_range = np.where(has_gyro, np.radians(gyro_fs_dps.astype(float)), math.inf)
    frames = int(n.sum())
    acc = np.empty((frames, 3))
    gyro = np.empty((frames if has_gyro.any() else 0, 3))
    pressure = np.empty(idx.size)
    kernels.fill_frames(
        buf, starts[idx], lengths[idx], flags, n, acc_range / _FULL, gyro_range / _FULL, acc, gyro, pressure
    )
    return ImuBatch(
        index=idx,
        sequence=sequence,
        t0_us=t0_us,
        period_s=period_ns * 1e-9,
        n_frames=n,
        acc_range=acc_range,
        gyro_range=gyro_range,
        acc=acc,
        gyro=gyro if gyro.shape[0] else None,
        pressure_pa=pressure,
        rejected=count - int(idx.size),
    )
