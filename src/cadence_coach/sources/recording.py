"""Session recordings: an append-only file of raw packets (format in docs/recording-format.md).

Layout::

    magic  b"CCREC\\x00\\r\\n"                    8 bytes
    header u32 length, then that many bytes of UTF-8 JSON (format version, sensors, start time...)
    records, each:  u32 body length | u32 CRC-32 of body | body
        body = u8 kind | payload
        kind 1 (packet): u8 sensor | u8 characteristic index | i64 host time, ns | packet bytes
        kind 2 (event):  UTF-8 JSON object, e.g. {"event": "gap", "sensor": 0, "t_s": 12.3, ...}

The writer buffers records and writes them to the file at least every ``flush_interval_s`` (default
0.5 s), so a process killed mid-session loses at most that much; with ``fsync=True`` it also survives
a power cut up to the last flush. A write that fails (disk full, file size limit) cuts the file back to
its last whole record and stops the recording: the writer raises, or, given ``on_failure``, reports it
once and drops what comes after, so a live session goes on without it. The reader stops quietly at a
truncated or torn last record and counts (and skips) corrupt records. It reads in bulk (:meth:`RecordingReader.batches`: packets as arrays, framed
and CRC-checked by the compiled kernel in framing.py) or one record at a time (:meth:`RecordingReader.records`).
"""

from __future__ import annotations

import errno
import json
import math
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..datatypes import PacketBatch, RawPacket, SensorInfo
from ..errors import UserError, file_errors
from . import framing
from .framing import KIND_EVENT, KIND_PACKET

MAGIC = b"CCREC\x00\r\n"
FORMAT_VERSION = 1
READ_SIZE = 1 << 20
"""Bytes read from the file at a time."""
_U32 = struct.Struct("<I")
_RECORD_HEAD = struct.Struct("<II")  # body length, crc32
_PACKET_HEAD = struct.Struct("<BBBq")  # kind, sensor, characteristic index, t_ns


@dataclass(slots=True)
class RecordingHeader:
    """What a recording says about itself.

    Attributes:
        sensors: the sensors, in packet ``sensor`` index order.
        started_at: wall-clock start, ISO 8601 with time zone.
        source: what produced it ("ble", "simulator", "csv-import", ...).
        meta: anything else worth keeping (simulator scenario and seed, app version...).
    """

    sensors: list[SensorInfo]
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    source: str = "ble"
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "started_at": self.started_at,
            "source": self.source,
            "sensors": [s.to_json() for s in self.sensors],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, d: dict) -> RecordingHeader:
        return cls(
            sensors=[SensorInfo.from_json(s) for s in d["sensors"]],
            started_at=str(d.get("started_at", "")),
            source=str(d.get("source", "")),
            meta=dict(d.get("meta", {})),
        )


@dataclass(slots=True)
class DamagedSpan:
    """A stretch of a recording that held no usable record, skipped by the reader.

    Attributes:
        start: file offset of the first damaged byte.
        end: file offset of the next good record (or the file size), bytes.
        t_before_s: time of the last record read before it, s (None at the start).
        t_after_s: time of the first record read after it, s (None at the end).
        out_of_order: whole records inside it skipped for being earlier than the records before them.
        out_of_order_bytes: bytes of those records.
    """

    start: int
    end: int
    t_before_s: float | None
    t_after_s: float | None
    out_of_order: int = 0
    out_of_order_bytes: int = 0

    @property
    def size(self) -> int:
        """Bytes skipped."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """A non-packet record: a gap, a disconnect, a reconnect, a marker."""

    t_s: float
    data: dict


def _parse_event(body: bytes) -> RecordedEvent | None:
    """An event record's body (kind byte, then JSON), or None if it is not one."""
    if body[0] != KIND_EVENT:
        return None
    try:
        data = json.loads(body[1:])
        return RecordedEvent(float(data.pop("t_s")), data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class RecordingWriter:
    """Appends packets and events to a recording; use as a context manager.

    Args:
        path: file to create (an existing file is refused, so nothing recorded is overwritten).
        header: the recording header.
        flush_interval_s: longest time a record stays in memory before it is written, s.
        fsync: also fsync on every flush (survives power loss, costs SD-card writes).
        exclusive: refuse an existing file (default); False replaces it (a temporary file of its own,
            e.g. a repaired copy written atomically).
        on_failure: called once with the error when a write fails (the recording then stops and later
            records are dropped and counted); None: the error is raised (after the same cut-back).

    Attributes:
        packets_written: packets appended (including those still buffered).
        failure: the write error that stopped the recording, or None.
        records_kept: whole records in the file (the header aside).
        records_dropped: records not in the file because the recording had stopped.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        header: RecordingHeader,
        flush_interval_s: float = 0.5,
        fsync: bool = False,
        exclusive: bool = True,
        on_failure: Callable[[OSError], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.header = header
        self.flush_interval_s = flush_interval_s
        self.fsync = fsync
        self.on_failure = on_failure
        self._channels = [{uuid: i for i, uuid in enumerate(s.characteristics)} for s in header.sensors]
        # Unbuffered: each flush is one write call, so a short or failed write is seen and cut back.
        self._file = open(self.path, "xb" if exclusive else "wb", buffering=0)
        head = json.dumps(header.to_json(), separators=(",", ":")).encode()
        try:
            self._file.write(MAGIC + _U32.pack(len(head)) + head)
        except OSError:  # not even the header fits: leave no file that is not a recording
            self._file.close()
            self.path.unlink(missing_ok=True)
            raise
        self._size = self._file.tell()
        """Bytes of whole records (and the header) in the file."""
        self._pending: list[bytes] = []
        self._last_flush = time.monotonic()
        self.packets_written = 0
        self.failure: OSError | None = None
        self.records_kept = 0
        self.records_dropped = 0

    def write_packet(self, packet: RawPacket) -> None:
        """Append one packet (its characteristic must be one the header lists for its sensor)."""
        try:
            channel = self._channels[packet.sensor][packet.characteristic]
        except (IndexError, KeyError):
            raise ValueError(
                f"packet from sensor {packet.sensor} characteristic {packet.characteristic} "
                "is not declared in the recording header"
            ) from None
        if self.failure is not None:
            self.records_dropped += 1
            return
        body = _PACKET_HEAD.pack(KIND_PACKET, packet.sensor, channel, round(packet.t_host * 1e9))
        self._append(body + packet.payload)
        self.packets_written += 1

    def write_event(self, t_s: float, **data: object) -> None:
        """Append an event record, e.g. ``write_event(t, event="gap", sensor=0, lost_packets=3)``."""
        if self.failure is not None:
            self.records_dropped += 1
            return
        body = json.dumps({"t_s": t_s, **data}, separators=(",", ":")).encode()
        self._append(bytes([KIND_EVENT]) + body)

    def _append(self, body: bytes) -> None:
        self._pending.append(_RECORD_HEAD.pack(len(body), zlib.crc32(body)) + body)
        if time.monotonic() - self._last_flush >= self.flush_interval_s:
            self.flush()

    def flush(self) -> None:
        """Write buffered records to the file (and fsync if asked); a failed write stops the recording
        (class docstring)."""
        self._last_flush = time.monotonic()
        if self.failure is not None or not self._pending:
            return
        records, self._pending = self._pending, []
        data = memoryview(b"".join(records))
        done = 0
        try:
            while done < len(data):
                n = self._file.write(data[done:])
                if not n:  # no progress and no error: stop rather than spin
                    raise OSError(errno.EIO, "the file took no more bytes")
                done += n
            if self.fsync:
                os.fsync(self._file.fileno())
        except OSError as exc:
            self._stop(exc, records, done)
            return
        self._size += done
        self.records_kept += len(records)

    def _stop(self, exc: OSError, records: list[bytes], done: int) -> None:
        """A write failed after ``done`` bytes of ``records``: keep the whole records written, cut the
        rest off the file, and report or raise ``exc``."""
        kept = whole = 0
        while whole < len(records) and kept + len(records[whole]) <= done:
            kept += len(records[whole])
            whole += 1
        self.records_kept += whole
        self.records_dropped += len(records) - whole
        self.failure = exc
        try:
            os.ftruncate(self._file.fileno(), self._size + kept)
        except OSError:
            pass  # a torn last record reads back as a truncated session
        self._size += kept
        if self.on_failure is None:
            raise exc
        self.on_failure(exc)

    def close(self) -> None:
        if not self._file.closed:
            try:
                self.flush()
            finally:
                self._file.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RecordingReader:
    """Reads a recording: the header at once, packets and events lazily.

    Raises :class:`UserError` (one clear line) if the file is missing or not a recording.

    Args:
        path: the recording.
        read_size: bytes read from the file at a time.

    Attributes:
        corrupt_records: good records (matching CRC) skipped: unknown kind, undeclared sensor or
            characteristic, packet shorter than its head, unparsable event.
        out_of_order: good records skipped because they were earlier than the records before them
            (a duplicated span).
        damaged_spans: each stretch of damaged bytes skipped, in file order (:class:`DamagedSpan`).
        truncated: True if the file ends in a partial record (a session that was killed).
    """

    def __init__(self, path: str | os.PathLike, read_size: int = READ_SIZE) -> None:
        self.path = Path(path)
        self.read_size = read_size
        with file_errors(self.path, "the recording"):
            self._file: BinaryIO = open(self.path, "rb")
        magic = self._file.read(len(MAGIC))
        if magic != MAGIC:
            self._file.close()
            why = f"only {len(magic)} bytes" if MAGIC.startswith(magic) else "bad magic bytes"
            raise UserError(f"{self.path}: not a cadence-coach recording ({why})")
        raw_len = self._file.read(4)
        if len(raw_len) < 4:
            self._file.close()
            raise UserError(f"{self.path}: recording header is truncated")
        (n,) = _U32.unpack(raw_len)
        raw = self._file.read(n)
        try:
            d = json.loads(raw)
            if d.get("format_version") != FORMAT_VERSION:
                raise UserError(
                    f"{self.path}: recording format version {d.get('format_version')} is not supported"
                )
            self.header = RecordingHeader.from_json(d)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._file.close()
            raise UserError(f"{self.path}: corrupt recording header ({exc})") from None
        self._data_start = self._file.tell()
        self._uuids = tuple(tuple(s.characteristics) for s in self.header.sensors)
        self._n_channels = np.array([len(u) for u in self._uuids], dtype=np.int64)
        self._reset()

    def batches(self, max_packets: int = 65536) -> Iterator[PacketBatch | RecordedEvent]:
        """Packets (as :class:`PacketBatch` es of at most ``max_packets``) and events, in file order.

        A batch holds consecutive packets: it ends at an event, at a damaged span, at the end of a read
        chunk (``read_size``) or at ``max_packets``. After damage, reading resumes at the next good record
        (``damaged_spans``); a partial last record sets ``truncated``; good records that cannot be used
        are skipped and counted (``corrupt_records``).
        """
        if max_packets < 1:
            raise ValueError("max_packets must be >= 1")
        self._reset()
        f = self._file
        f.seek(self._data_start)
        starts = np.empty(max_packets, np.int64)
        lengths = np.empty(max_packets, np.int64)
        sensors = np.empty(max_packets, np.uint8)
        channels = np.empty(max_packets, np.uint8)
        t_ns = np.empty(max_packets, np.int64)
        state, last_t = framing.new_state(len(self._uuids), int(self._n_channels.max(initial=0)))
        chunk, pos, base, eof = b"", 0, self._data_start, False
        last_event_t = -math.inf
        while True:
            data = np.frombuffer(chunk, np.uint8)
            pos, n, corrupt, status, ev_start, ev_end = framing.frame_records(
                data,
                pos,
                base,
                eof,
                self._n_channels,
                framing.CRC_TABLES,
                state,
                last_t,
                starts,
                lengths,
                sensors,
                channels,
                t_ns,
            )
            self.corrupt_records += corrupt
            if n:
                batch = PacketBatch(
                    chunk,
                    starts[:n].copy(),
                    lengths[:n].copy(),
                    sensors[:n].copy(),
                    channels[:n].copy(),
                    t_ns[:n] * 1e-9,
                    self._uuids,
                )
                self._seen(float(batch.t_host[0]), float(batch.t_host[-1]))
                yield batch
            if status == framing.EVENT:
                event = _parse_event(chunk[ev_start:ev_end])
                if event is None:
                    self.corrupt_records += 1
                elif event.t_s < last_event_t:
                    self.out_of_order += 1  # an event of a duplicated span
                else:
                    last_event_t = event.t_s
                    self._seen(event.t_s, event.t_s)
                    yield event
            elif status == framing.SPAN_END:
                self._close_span(state, base + pos)
            elif status == framing.NEED_MORE:
                if eof:
                    self._finish(state, base + pos, base + len(chunk))
                    return
                more = f.read(self.read_size)
                eof = not more
                base += pos
                chunk = chunk[pos:] + more
                pos = 0

    def _reset(self) -> None:
        """Clear what a previous reading found."""
        self.corrupt_records = 0
        self.out_of_order = 0
        self.truncated = False
        self.damaged_spans: list[DamagedSpan] = []
        self._last_time: float | None = None
        self._waiting: list[DamagedSpan] = []

    def _seen(self, first_s: float, last_s: float) -> None:
        """Items from ``first_s`` to ``last_s`` (s) were read: they end the time span of open damage."""
        for span in self._waiting:
            span.t_after_s = first_s
        self._waiting.clear()
        self._last_time = last_s

    def _close_span(self, state: np.ndarray, end: int) -> None:
        """Note the damaged span that ended at file offset ``end`` (the next good record)."""
        span = DamagedSpan(
            int(state[framing.SPAN_START]),
            end,
            self._last_time,
            None,
            int(state[framing.SPAN_REJECTED]),
            int(state[framing.SPAN_REJECTED_BYTES]),
        )
        self.out_of_order += span.out_of_order
        state[framing.SPAN_REJECTED] = state[framing.SPAN_REJECTED_BYTES] = 0
        self.damaged_spans.append(span)
        self._waiting.append(span)

    def _finish(self, state: np.ndarray, pos: int, size: int) -> None:
        """At the end of the file (offset ``size``), reading stopped at ``pos``: a partial last record
        sets ``truncated``; other damage reaching the end is a damaged span."""
        if not state[framing.OPEN]:
            self.truncated = pos < size
            return
        start = int(state[framing.SPAN_START])
        head = os.pread(self._file.fileno(), 4, start)
        length = _U32.unpack(head)[0] if len(head) == 4 else 0
        partial = state[framing.SPAN_REJECTED] == 0 and (
            len(head) < 4 or (0 < length <= framing.MAX_BODY and start + 8 + length > size)
        )
        if partial:
            self.truncated = True
            return
        self._close_span(state, size)

    def records(self) -> Iterator[RawPacket | RecordedEvent]:
        """Packets and events in file order, one object each (the bulk path is :meth:`batches`).

        Stops at a truncated last record."""
        for item in self.batches():
            if isinstance(item, PacketBatch):
                yield from item.raw_packets()
            else:
                yield item

    @property
    def bytes_read(self) -> int:
        """Bytes of the file read so far (reading runs up to ``read_size`` ahead of the records yielded)."""
        return 0 if self._file.closed else self._file.tell()

    def packets(self) -> Iterator[RawPacket]:
        """Only the packets, in file order."""
        for item in self.records():
            if isinstance(item, RawPacket):
                yield item

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
