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
SPAN_END = 2
"""Status: a damaged span ended at the returned position (the next good record, not yet consumed)."""
FULL = 3
"""Status: the output arrays are full."""

OPEN = 0
"""``state[OPEN]``: 1 while inside a damaged span (looking for the next good record)."""
SPAN_START = 1
"""``state[SPAN_START]``: file offset where the open damaged span began, bytes."""
SPAN_REJECTED = 2
"""``state[SPAN_REJECTED]``: whole records (good CRC) rejected inside the open span as out of time order."""
SPAN_REJECTED_BYTES = 3
"""``state[SPAN_REJECTED_BYTES]``: bytes of those records."""
STATE_SIZE = 4
NO_TIME = np.iinfo(np.int64).min
"""Initial last time of every channel, ns: any first packet is in order."""


def new_state(n_sensors: int, max_channels: int) -> tuple[np.ndarray, np.ndarray]:
    """A fresh reading state: (``state``, int64 of :data:`STATE_SIZE`; ``last_t``, the last packet time of
    each sensor and characteristic index, ns, shape (n_sensors, max_channels))."""
    last_t = np.full((max(n_sensors, 1), max(max_channels, 1)), NO_TIME, np.int64)
    return np.zeros(STATE_SIZE, np.int64), last_t


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
def _plausible(data: np.ndarray, start: int, length: int, n_channels: np.ndarray) -> bool:
    """Whether a body could be a record this reader keeps: a packet of a declared sensor and
    characteristic, or an event (checked before the CRC while looking for the next good record)."""
    kind = data[start]
    if kind == KIND_EVENT:
        return True
    if kind != KIND_PACKET or length < PACKET_HEAD:
        return False
    sensor = data[start + 1]
    return sensor < n_channels.size and data[start + 2] < n_channels[sensor]


@njit(cache=True, nogil=True)
def frame_records(
    data: np.ndarray,
    pos: int,
    base: int,
    eof: bool,
    n_channels: np.ndarray,
    tables: np.ndarray,
    state: np.ndarray,
    last_t: np.ndarray,
    out_start: np.ndarray,
    out_length: np.ndarray,
    out_sensor: np.ndarray,
    out_channel: np.ndarray,
    out_t_ns: np.ndarray,
) -> tuple[int, int, int, int, int, int]:
    """Frame and check records in ``data`` (uint8, file bytes from offset ``base``) from byte ``pos``.

    A good record has a length field of 1 .. MAX_BODY and a body whose CRC-32 matches. Each good packet
    record whose sensor and characteristic index are declared (``n_channels[sensor]`` characteristics per
    sensor) and whose host time is later than the last one of its characteristic (``last_t``, ns)
    fills the next row of the ``out_*`` arrays: payload offset and length in ``data``, sensor,
    characteristic index, host time (ns). Good records of an unknown kind, an undeclared sensor or
    characteristic, or a packet body too short for its head are counted as corrupt and skipped.

    Anything else (a bad length field or a CRC mismatch) opens a damaged span (``state``): the scan moves
    on one byte at a time until the next good record, which closes the span (status SPAN_END, the record
    not yet consumed). Packets earlier than their characteristic's last time (a duplicated span) also
    open a span, or stay in the open one, and are skipped whole (so are packets with the same time as
    the last one: two packets of a characteristic never arrive in the same nanosecond). ``eof``: no bytes follow ``data`` (a
    record running past its end is then damage, not a reason to read more).

    Returns:
        (position after the last record consumed, packets written, corrupt records, status, event body
        start, event body end); status is NEED_MORE, EVENT, SPAN_END or FULL.
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
        start = pos + RECORD_HEAD
        end = start + length
        good = False
        if 0 < length <= MAX_BODY:
            if state[OPEN] == 1 and start + 3 <= size and not _plausible(data, start, length, n_channels):
                pass  # while looking for the next good record, only a record worth keeping ends the span
            elif end > size:
                if not eof:
                    return pos, n, corrupt, NEED_MORE, 0, 0
            else:
                good = crc32(data, start, end, tables) == _u32(data, pos + 4)
        if not good:
            if state[OPEN] == 0:
                state[OPEN] = 1
                state[SPAN_START] = base + pos
            pos += 1
            continue
        kind = data[start]
        sensor = data[start + 1] if length >= PACKET_HEAD else 0
        channel = data[start + 2] if length >= PACKET_HEAD else 0
        in_order = True
        if kind == KIND_PACKET and length >= PACKET_HEAD and sensor < n_channels.size:
            if channel < n_channels[sensor]:
                in_order = _i64(data, start + 3) > last_t[sensor, channel]
        if not in_order:
            if state[OPEN] == 0:
                state[OPEN] = 1
                state[SPAN_START] = base + pos
            state[SPAN_REJECTED] += 1
            state[SPAN_REJECTED_BYTES] += end - pos
            pos = end
            continue
        if state[OPEN] == 1:
            state[OPEN] = 0
            return pos, n, corrupt, SPAN_END, 0, 0
        pos = end
        if kind == KIND_EVENT:
            return pos, n, corrupt, EVENT, start, end
        if kind != KIND_PACKET or length < PACKET_HEAD:
            corrupt += 1
            continue
        if sensor >= n_channels.size or channel >= n_channels[sensor]:
            corrupt += 1
            continue
        t_ns = _i64(data, start + 3)
        last_t[sensor, channel] = t_ns
        out_start[n] = start + PACKET_HEAD
        out_length[n] = length - PACKET_HEAD
        out_sensor[n] = sensor
        out_channel[n] = channel
        out_t_ns[n] = t_ns
        n += 1
