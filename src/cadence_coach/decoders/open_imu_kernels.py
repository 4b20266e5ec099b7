"""Compiled loops behind :func:`open_imu.parse_packed`: header checks and frame gathering over a buffer.

Layout and checks as in open_imu.py. The scale factors are computed by the caller with numpy, so the values
are the same, to the last bit, as those of :func:`open_imu.parse`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

HEADER_SIZE = 16
VERSION = 1
FLAG_GYRO = 0x01
FLAG_PRESSURE = 0x02
PRESSURE_SIZE = 4


@njit(cache=True, nogil=True)
def _u16(buf: np.ndarray, at: int) -> int:
    return int(buf[at]) | (int(buf[at + 1]) << 8)


@njit(cache=True, nogil=True)
def _u32(buf: np.ndarray, at: int) -> int:
    return _u16(buf, at) | (_u16(buf, at + 2) << 16)


@njit(cache=True, nogil=True)
def scan_headers(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """The header fields of the well-formed packets among ``buf[starts[i]:starts[i] + lengths[i]]``.

    Returns:
        index (position of each well-formed packet in the input), flags, sequence, t0_us, period_ns,
        acc_fs_g, gyro_fs_dps, n_frames, all int64 and of one length.
    """
    count = starts.size
    fields = np.empty((8, count), np.int64)
    good = 0
    for i in range(count):
        a = starts[i]
        length = lengths[i]
        if length < HEADER_SIZE or buf[a] != VERSION:
            continue
        flags = int(buf[a + 1])
        period_ns = _u32(buf, a + 8)
        acc_fs = int(buf[a + 12])
        gyro_fs = _u16(buf, a + 13)
        n = int(buf[a + 15])
        has_gyro = (flags & FLAG_GYRO) != 0
        expected = (
            HEADER_SIZE + n * 2 * (6 if has_gyro else 3) + (PRESSURE_SIZE if flags & FLAG_PRESSURE else 0)
        )
        if period_ns == 0 or acc_fs == 0 or (has_gyro and gyro_fs == 0) or expected != length or n == 0:
            continue
        fields[0, good] = i
        fields[1, good] = flags
        fields[2, good] = _u16(buf, a + 2)
        fields[3, good] = _u32(buf, a + 4)
        fields[4, good] = period_ns
        fields[5, good] = acc_fs
        fields[6, good] = gyro_fs
        fields[7, good] = n
        good += 1
    f = fields[:, :good]
    return f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]


@njit(cache=True, nogil=True)
def _i16(buf: np.ndarray, at: int) -> float:
    v = _u16(buf, at)
    return float(v - 65536 if v >= 32768 else v)


@njit(cache=True, nogil=True)
def fill_frames(
    buf: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    flags: np.ndarray,
    n_frames: np.ndarray,
    acc_scale: np.ndarray,
    gyro_scale: np.ndarray,
    acc: np.ndarray,
    gyro: np.ndarray,
    pressure_pa: np.ndarray,
) -> None:
    """Write every frame of the checked packets (``starts``/``lengths``/``flags``/``n_frames`` per packet)
    into ``acc`` and ``gyro`` (rows in packet order, counts times the packet's scale; gyroscope rows NaN
    for packets without one; ``gyro`` may have no rows when no packet has one) and each packet's
    pressure (Pa, NaN when absent) into ``pressure_pa``."""
    row = 0
    want_gyro = gyro.shape[0] > 0
    for p in range(starts.size):
        a = starts[p] + HEADER_SIZE
        has_gyro = (flags[p] & FLAG_GYRO) != 0
        frame = 12 if has_gyro else 6
        for k in range(n_frames[p]):
            at = a + k * frame
            for c in range(3):
                acc[row, c] = _i16(buf, at + 2 * c) * acc_scale[p]
            if want_gyro:
                for c in range(3):
                    gyro[row, c] = _i16(buf, at + 6 + 2 * c) * gyro_scale[p] if has_gyro else np.nan
            row += 1
        if flags[p] & FLAG_PRESSURE:
            pressure_pa[p] = _u32(buf, starts[p] + lengths[p] - PRESSURE_SIZE) / 100.0
        else:
            pressure_pa[p] = np.nan
