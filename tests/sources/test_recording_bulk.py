"""Bulk reading (RecordingReader.batches): the same packets, events and counts as the per-record reading and
as a plain reading of docs/recording-format.md, whatever the damage and wherever the read chunks end."""

import json
import os
import struct
import zlib

import numpy as np
import pytest

from cadence_coach.datatypes import PacketBatch, Placement, RawPacket, SensorInfo, Side
from cadence_coach.sources.framing import CRC_TABLES, crc32
from cadence_coach.sources.recording import RecordedEvent, RecordingHeader, RecordingReader, RecordingWriter

A = "6e4f0002-8a3c-4b8e-9c2d-0c0ade1c0ac0"
B = "0000aaaa-0000-1000-8000-00805f9b34fb"


def header():
    return RecordingHeader(
        sensors=[
            SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "L", "AA", (A,)),
            SensorInfo("open-imu", Placement.FOOT, Side.RIGHT, "R", "BB", (A, B)),
        ],
        source="test",
    )


def record(body: bytes, crc: int | None = None) -> bytes:
    return struct.pack("<II", len(body), zlib.crc32(body) if crc is None else crc) + body


def packet_body(sensor: int, channel: int, t_ns: int, payload: bytes) -> bytes:
    return struct.pack("<BBBq", 1, sensor, channel, t_ns) + payload


def reference_read(path) -> tuple[list, int, bool, list]:
    """(items, corrupt records, truncated, damaged spans as (start, end)), read straight from the format
    description one record at a time, and one byte at a time after damage."""
    data = path.read_bytes()
    (head_len,) = struct.unpack_from("<I", data, 8)
    pos = 12 + head_len
    uuids = [s.characteristics for s in header().sensors]
    items, corrupt, spans, last, span_start = [], 0, [], {}, None

    def declared(body: bytes) -> bool:
        return body[0] == 1 and len(body) >= 11 and body[1] < len(uuids) and body[2] < len(uuids[body[1]])

    while len(data) - pos >= 8:
        length, crc = struct.unpack_from("<II", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        good = 0 < length <= 1 << 20 and len(body) == length and zlib.crc32(body) == crc
        if good and span_start is not None and not (declared(body) or body[0] == 2):
            good = False  # while resynchronising, only a record worth keeping ends the damage
        if not good:
            span_start = pos if span_start is None else span_start
            pos += 1
            continue
        if declared(body) and struct.unpack_from("<q", body, 3)[0] <= last.get(body[1:3], -1 << 63):
            span_start = pos if span_start is None else span_start  # out of time order: duplicated
            pos += 8 + length
            continue
        if span_start is not None:
            spans.append((span_start, pos))
            span_start = None
        pos += 8 + length
        if declared(body):
            _, sensor, channel, t_ns = struct.unpack_from("<BBBq", body)
            last[body[1:3]] = t_ns
            items.append(RawPacket(sensor, t_ns * 1e-9, uuids[sensor][channel], body[11:]))
        elif body[0] == 2:
            try:
                d = json.loads(body[1:])
                items.append(RecordedEvent(float(d.pop("t_s")), d))
            except (ValueError, KeyError, TypeError, AttributeError):
                corrupt += 1
        else:
            corrupt += 1
    if span_start is None:
        return items, corrupt, pos < len(data), spans
    length = struct.unpack_from("<I", data, span_start)[0] if len(data) - span_start >= 4 else None
    if length is None or 0 < length <= 1 << 20 and span_start + 8 + length > len(data):
        return items, corrupt, True, spans  # a partial last record
    return items, corrupt, False, [*spans, (span_start, len(data))]


def damaged_recording(path, tail: bytes = b"") -> None:
    """Packets of two sensors and two characteristics, events, and every kind of corrupt record."""
    rng = np.random.default_rng(4)
    with RecordingWriter(path, header()) as w:
        for i in range(300):
            sensor = i % 2
            w.write_packet(RawPacket(sensor, i * 0.004, (A, B)[sensor * (i // 2 % 2)], rng.bytes(1 + i % 60)))
            if i % 37 == 0:
                w.write_event(i * 0.004, event="disconnected", sensor=sensor)
    with open(path, "ab") as f:
        f.write(record(b"\x07unknown kind"))
        f.write(record(packet_body(2, 0, 5, b"undeclared sensor")))
        f.write(record(packet_body(0, 1, 5, b"undeclared characteristic")))
        f.write(record(b"\x01short"))
        f.write(record(b"\x02not json"))
        f.write(record(b"\x02[1, 2]"))
        f.write(record(b'\x02{"event": "no time"}'))
        f.write(record(packet_body(0, 0, 5, b"bad crc"), crc=1))  # a damaged span of one record
        f.write(record(packet_body(1, 1, 1_234_567_890_123, b"last good one")))
        f.write(record(packet_body(0, 0, 1_234_567_890_124, b"")))  # an empty packet is a packet
        f.write(tail)


def bulk_items(reader: RecordingReader, **kw) -> list:
    out = []
    for item in reader.batches(**kw):
        if isinstance(item, PacketBatch):
            assert len(item) > 0
            out.extend(item.raw_packets())
        else:
            out.append(item)
    return out


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 63, 64, 65, 1000])
def test_crc32_kernel_matches_zlib(n):
    data = os.urandom(n + 5)
    arr = np.frombuffer(data, np.uint8)
    assert crc32(arr, 0, n, CRC_TABLES) == zlib.crc32(data[:n])
    assert crc32(arr, 5, n + 5, CRC_TABLES) == zlib.crc32(data[5:])


def test_crc32_kernel_matches_the_crc_of_written_records(tmp_path):
    path = tmp_path / "a.ccrec"
    damaged_recording(path)
    data = path.read_bytes()
    arr = np.frombuffer(data, np.uint8)
    pos = 12 + struct.unpack_from("<I", data, 8)[0]
    checked = 0
    while pos < len(data):
        length, crc = struct.unpack_from("<II", data, pos)
        assert (crc32(arr, pos + 8, pos + 8 + length, CRC_TABLES) == crc) == (
            zlib.crc32(data[pos + 8 : pos + 8 + length]) == crc
        )
        checked += 1
        pos += 8 + length
    assert checked > 300


LATER = 2_000_000_000_000
TAILS = {
    "clean": (b"", False, 0),
    "truncated body": (record(packet_body(0, 0, LATER, b"cut short"))[:-3], True, 0),
    "truncated length": (b"\x05\x00", True, 0),
    "torn length": (struct.pack("<II", 0, 0) + record(packet_body(0, 0, LATER, b"found again")), False, 1),
    "huge length": (struct.pack("<II", (1 << 20) + 1, 0) + b"x" * 40, False, 1),
    "zeros": (bytes(5000), False, 1),
    "duplicated": (record(packet_body(0, 0, 5, b"an old one")), False, 1),
}
"""Tail -> (bytes, truncated, damaged spans in it)."""


@pytest.mark.parametrize("tail", TAILS, ids=list(TAILS))
@pytest.mark.parametrize("read_size", [1 << 20, 97])
@pytest.mark.parametrize("max_packets", [65536, 5])
def test_bulk_and_per_record_reading_agree_with_the_format(tmp_path, tail, read_size, max_packets):
    path = tmp_path / "a.ccrec"
    damaged_recording(path, TAILS[tail][0])
    expected, corrupt, truncated, spans = reference_read(path)
    assert truncated == TAILS[tail][1]
    assert corrupt == 7 and len(spans) == 1 + TAILS[tail][2]  # the record with a bad CRC, the tail's
    with RecordingReader(path, read_size=read_size) as r:
        bulk = bulk_items(r, max_packets=max_packets)
        assert (r.corrupt_records, r.truncated) == (corrupt, truncated)
        assert [(s.start, s.end) for s in r.damaged_spans] == spans
        one_by_one = list(r.records())
        assert (r.corrupt_records, r.truncated) == (corrupt, truncated)
    assert bulk == expected
    assert one_by_one == expected
    tail_items = 1 if tail == "torn length" else 0
    assert expected[-1 - tail_items].payload == b"" and expected[-2 - tail_items].payload == b"last good one"
    assert sum(isinstance(x, RecordedEvent) for x in expected) == 9


def test_batches_end_at_events_and_keep_file_order(tmp_path):
    path = tmp_path / "a.ccrec"
    damaged_recording(path)
    with RecordingReader(path) as r:
        items = list(r.batches())
    kinds = [type(x) for x in items]
    assert kinds.count(RecordedEvent) == 9
    assert kinds.count(PacketBatch) <= 9 + 3 + 1  # cut only at events (3 of them corrupt), one chunk
    times = np.concatenate([x.t_host if isinstance(x, PacketBatch) else [x.t_s] for x in items][:-1])
    assert np.all(np.diff(times) > -1e-9)  # packet times went through integer ns


def test_bytes_read_follows_the_chunks_and_reaches_the_end(tmp_path):
    path = tmp_path / "a.ccrec"
    damaged_recording(path)
    seen = []
    with RecordingReader(path, read_size=1000) as r:
        for _ in r.batches():
            seen.append(r.bytes_read)
        assert r.bytes_read == path.stat().st_size
    assert seen == sorted(seen) and seen[0] < path.stat().st_size // 2


def test_batch_slicing_selection_and_concat(tmp_path):
    path = tmp_path / "a.ccrec"
    damaged_recording(path)
    with RecordingReader(path, read_size=500) as r:
        batches = [x for x in r.batches() if isinstance(x, PacketBatch)]
        packets = [p for p in r.records() if isinstance(p, RawPacket)]
    assert len({id(b.buffer) for b in batches}) > 3
    whole = PacketBatch.concat(batches)
    assert whole.raw_packets() == packets
    assert PacketBatch.concat([whole[:10], whole[10:10], whole[10:]]).raw_packets() == packets
    right = whole[whole.sensor == 1]
    assert right.raw_packets() == [p for p in packets if p.sensor == 1]
    a, b = next((a, b) for a, b in zip(batches, batches[1:]) if a.buffer is not b.buffer and len(a) > 3)
    assert PacketBatch.concat([a[3:], b[:2]]).raw_packets() == a.raw_packets()[3:] + b.raw_packets()[:2]
