import os

import pytest

from cadence_coach.datatypes import Placement, RawPacket, SensorInfo, Side
from cadence_coach.errors import UserError
from cadence_coach.sources.recording import RecordedEvent, RecordingHeader, RecordingReader, RecordingWriter

UUID = "6e4f0002-8a3c-4b8e-9c2d-0c0ade1c0ac0"


def header():
    return RecordingHeader(
        sensors=[
            SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "L", "AA:BB", (UUID,)),
            SensorInfo("open-imu", Placement.FOOT, Side.RIGHT, "R", "CC:DD", (UUID,)),
        ],
        source="test",
        meta={"seed": 3},
    )


def test_round_trip_byte_exact(tmp_path):
    path = tmp_path / "a.ccrec"
    packets = [RawPacket(i % 2, i * 0.0125, UUID, os.urandom(1 + i % 200)) for i in range(500)]
    with RecordingWriter(path, header()) as w:
        for i, p in enumerate(packets):
            w.write_packet(p)
            if i == 100:
                w.write_event(p.t_host, event="gap", sensor=0, lost_packets=2)
    with RecordingReader(path) as r:
        assert r.header.sensors[1].side is Side.RIGHT
        assert r.header.meta == {"seed": 3}
        items = list(r.records())
        assert not r.truncated and r.corrupt_records == 0
    got = [x for x in items if isinstance(x, RawPacket)]
    events = [x for x in items if isinstance(x, RecordedEvent)]
    assert [(p.sensor, p.characteristic, p.payload) for p in got] == [
        (p.sensor, p.characteristic, p.payload) for p in packets
    ]
    assert all(abs(a.t_host - b.t_host) < 1e-9 for a, b in zip(got, packets))
    assert events[0].data == {"event": "gap", "sensor": 0, "lost_packets": 2}


def test_truncated_tail_tolerated(tmp_path):
    path = tmp_path / "a.ccrec"
    with RecordingWriter(path, header()) as w:
        for i in range(50):
            w.write_packet(RawPacket(0, i * 0.01, UUID, bytes(20)))
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(size - 5)
    with RecordingReader(path) as r:
        assert len(list(r.packets())) == 49
        assert r.truncated


def test_corrupt_record_skipped_and_counted(tmp_path):
    path = tmp_path / "a.ccrec"
    with RecordingWriter(path, header()) as w:
        for i in range(10):
            w.write_packet(RawPacket(0, i * 0.01, UUID, bytes([i]) * 20))
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF  # inside the last record's payload
    path.write_bytes(bytes(data))
    with RecordingReader(path) as r:
        assert len(list(r.packets())) == 9
        assert r.corrupt_records == 0 and not r.truncated
        (span,) = r.damaged_spans  # the record with a bad CRC, up to the end of the file
        assert span.end == len(data) and span.t_before_s == pytest.approx(0.08) and span.t_after_s is None


def test_undeclared_characteristic_refused(tmp_path):
    with RecordingWriter(tmp_path / "a.ccrec", header()) as w:
        with pytest.raises(ValueError):
            w.write_packet(RawPacket(0, 0.0, "0000180d-0000-1000-8000-00805f9b34fb", b"x"))


def test_existing_file_not_overwritten(tmp_path):
    path = tmp_path / "a.ccrec"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        RecordingWriter(path, header())
    assert path.read_bytes() == b"precious"


@pytest.mark.parametrize("content", [b"", b"hello world, not a recording", b"CCREC\x00\r\n\xff\xff"])
def test_not_a_recording_is_a_user_error(tmp_path, content):
    path = tmp_path / "bad.ccrec"
    path.write_bytes(content)
    with pytest.raises(UserError):
        RecordingReader(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        RecordingReader(tmp_path / "nope.ccrec")
