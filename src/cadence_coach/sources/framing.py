"""Compiled record framing for recordings: CRC-32 and the record scan over a chunk of file bytes.

The record layout is in docs/recording-format.md. :func:`frame_records` walks records from a position in a
chunk, checks each CRC and writes the packet records' fields into caller-provided arrays, so a reader
handles tens of thousands of records per call instead of one Python step per record.
"""

from __future__ import annotations

import numpy as np
from numba import njit

CRC_POLY_REFLECTED = np.uint32(0xEDB88320)
"""CRC-32 of zlib (ISO-HDLC / IEEE 802.3), bit-reflected."""


def _crc_tables() -> np.ndarray:
    """Slicing-by-8 tables, shape (8, 256): row 0 is the classic byte table, row k advances k more bytes."""
    tables = np.zeros((8, 256), dtype=np.uint32)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
        tables[0, byte] = crc
    for k in range(1, 8):
        prev = tables[k - 1]
        tables[k] = (prev >> 8) ^ tables[0, prev & 0xFF]
    return tables


CRC_TABLES = _crc_tables()

RECORD_HEAD = 8
"""u32 body length + u32 CRC-32 of the body, bytes."""
PACKET_HEAD = 11
"""Packet body before the payload: u8 kind, u8 sensor, u8 characteristic index, i64 host time (ns)."""
KIND_PACKET = 1
KIND_EVENT = 2
MAX_BODY = 1 << 20
"""Longest body a record can have, bytes: a longer length field is a torn or corrupt record."""

NEED_MORE = 0
"""Status: the chunk ends before the next complete record (read more, or the file is over)."""
EVENT = 1
"""Status: stopped right after an event record with a good CRC (its body is ``[event_start, event_end)``)."""
TORN = 2
"""Status: a length field of 0 or above MAX_BODY; nothing after it can be framed."""
FULL = 3
"""Status: the output arrays are full."""


@njit(cache=True, nogil=True)
def crc32(data: np.ndarray, start: int, end: int, tables: np.ndarray) -> int:
    """CRC-32 of ``data[start:end]`` (uint8), identical to ``zlib.crc32``; slicing by 8 bytes."""
    crc = np.uint32(0xFFFFFFFF)
    i = start
    while i + 8 <= end:
        lo = crc ^ (
            np.uint32(data[i])
            | (np.uint32(data[i + 1]) << 8)
            | (np.uint32(data[i + 2]) << 16)
            | (np.uint32(data[i + 3]) << 24)
        )
        crc = (
            tables[7, lo & 0xFF]
            ^ tables[6, (lo >> 8) & 0xFF]
            ^ tables[5, (lo >> 16) & 0xFF]
            ^ tables[4, lo >> 24]
            ^ tables[3, data[i + 4]]
            ^ tables[2, data[i + 5]]
            ^ tables[1, data[i + 6]]
            ^ tables[0, data[i + 7]]
        )
        i += 8
    while i < end:
        crc = tables[0, (crc ^ np.uint32(data[i])) & 0xFF] ^ (crc >> 8)
        i += 1
    return int(crc ^ np.uint32(0xFFFFFFFF))


@njit(cache=True, nogil=True)
def _u32(data: np.ndarray, at: int) -> int:
    return int(data[at]) | (int(data[at + 1]) << 8) | (int(data[at + 2]) << 16) | (int(data[at + 3]) << 24)


@njit(cache=True, nogil=True)
def _i64(data: np.ndarray, at: int) -> int:
    """Little-endian 64-bit integer at ``data[at]`` (uint8)."""
    value = 0
    for k in range(8):
        value |= int(data[at + k]) << (8 * k)
    return value


@njit(cache=True, nogil=True)
def frame_records(
    data: np.ndarray,
    pos: int,
    n_channels: np.ndarray,
    tables: np.ndarray,
    out_start: np.ndarray,
    out_length: np.ndarray,
    out_sensor: np.ndarray,
    out_channel: np.ndarray,
    out_t_ns: np.ndarray,
) -> tuple[int, int, int, int, int, int]:
    """Frame and check records in ``data`` (uint8) from byte ``pos``.

    Each good packet record whose sensor and characteristic index are declared (``n_channels[sensor]``
    characteristics per sensor) fills the next row of the ``out_*`` arrays: payload offset and length in
    ``data``, sensor, characteristic index, host time (ns). Records with a bad CRC, an unknown kind, an
    undeclared sensor or characteristic, or a packet body too short for its head are counted as corrupt.

    Returns:
        (position after the last record consumed, packets written, corrupt records, status, event body
        start, event body end); status is NEED_MORE, EVENT, TORN or FULL.
    """
    size = data.size
    capacity = out_start.size
    n = 0
    corrupt = 0
    while True:
        if n == capacity:
            return pos, n, corrupt, FULL, 0, 0
        if size - pos < RECORD_HEAD:
            return pos, n, corrupt, NEED_MORE, 0, 0
        length = _u32(data, pos)
        if length == 0 or length > MAX_BODY:
            return pos, n, corrupt, TORN, 0, 0
        start = pos + RECORD_HEAD
        end = start + length
        if end > size:
            return pos, n, corrupt, NEED_MORE, 0, 0
        expected = _u32(data, pos + 4)
        pos = end
        if crc32(data, start, end, tables) != expected:
            corrupt += 1
            continue
        kind = data[start]
        if kind == KIND_EVENT:
            return pos, n, corrupt, EVENT, start, end
        if kind != KIND_PACKET or length < PACKET_HEAD:
            corrupt += 1
            continue
        sensor, channel = data[start + 1], data[start + 2]
        if sensor >= n_channels.size or channel >= n_channels[sensor]:
            corrupt += 1
            continue
        out_start[n] = start + PACKET_HEAD
        out_length[n] = length - PACKET_HEAD
        out_sensor[n] = sensor
        out_channel[n] = channel
        out_t_ns[n] = _i64(data, start + 3)
        n += 1
