"""After any damage the reader finds the next good record: every intact record is recovered and each
damaged span is reported (offsets, time span); duplicated spans are skipped; check and repair agree."""

import random

import pytest

from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.recording_check import check_recording, repair_recording
from tests.support.recordings import write_recording


@pytest.fixture(scope="module")
def intact(tmp_path_factory):
    """A 60 s recording, its bytes and its records' (start, end, packet) in file order."""
    path = tmp_path_factory.mktemp("rec") / "intact.ccrec"
    packets = write_recording(path, 60.0)
    data = path.read_bytes()
    size = len(data[12 + int.from_bytes(data[8:12], "little") :])
    starts = []
    pos = len(data) - size
    while pos < len(data):
        end = pos + 8 + int.from_bytes(data[pos : pos + 4], "little")
        starts.append((pos, end))
        pos = end
    return path, data, list(zip(starts, [(p.sensor, p.payload) for p in packets]))


def damage(data: bytes, kind: str, rng: random.Random, first: int) -> tuple[bytes, int, int]:
    """(damaged copy, first and end offset of the damaged bytes in the intact file)."""
    n = int(2 ** rng.uniform(0, 13))
    at = rng.randrange(first + n, len(data) - n - 1)
    fill = {"zeros": bytes(n), "0xff": b"\xff" * n, "random": rng.randbytes(n)}
    if kind == "duplicated":
        return data[:at] + data[at - n : at] + data[at:], at, at
    return data[:at] + fill[kind] + data[at + n :], at, at + n


@pytest.mark.parametrize("kind", ["zeros", "0xff", "random", "duplicated"])
@pytest.mark.parametrize("seed", range(6))
def test_every_record_outside_the_damage_is_recovered(tmp_path, intact, kind, seed):
    path, data, records = intact
    rng = random.Random(f"{kind}{seed}")
    copy, a, b = damage(data, kind, rng, records[0][0][0])
    damaged = tmp_path / "d.ccrec"
    damaged.write_bytes(copy)
    with RecordingReader(damaged) as r:
        got = [(p.sensor, p.payload) for p in r.packets()]
        spans = r.damaged_spans
        assert not r.truncated and r.corrupt_records == 0
    outside = [p for (start, end), p in records if end <= a or start >= b]
    if kind == "duplicated":
        outside = [p for (start, end), p in records if not start < a < end]
    assert [p for p in got if p in outside] == outside  # all of them, in order
    assert set(got) <= {q for _, q in records}  # and nothing made up
    assert len(spans) <= 1 and all(s.t_before_s is not None and s.t_after_s is not None for s in spans)
    if kind != "duplicated" and spans:
        assert spans[0].start <= a and spans[0].end >= b


def test_a_damaged_span_reports_offsets_times_and_records_lost(tmp_path, intact):
    path, data, records = intact
    start, end = records[1000][0][0], records[1099][0][1]
    with RecordingReader(path) as r:
        times = [p.t_host for p in r.packets()]
    damaged = tmp_path / "d.ccrec"
    damaged.write_bytes(data[:start] + bytes(end - start) + data[end:])
    report = check_recording(damaged)
    (span,) = report.spans
    assert (span.start, span.end) == (start, end)
    assert (span.t_before_s, span.t_after_s) == (times[999], times[1100])
    assert report.records_lost(span) == pytest.approx(100, abs=2)
    assert report.packets == len(records) - 100 and not report.clean
    assert f"bytes {start}-{end}" in report.lines()[1] and "records lost" in report.lines()[1]


def test_repair_writes_a_clean_copy_with_every_recovered_record(tmp_path, intact):
    path, data, records = intact
    at = len(data) // 2
    damaged = tmp_path / "d.ccrec"
    damaged.write_bytes(data[:at] + b"\xff" * 3000 + data[at + 3000 :])
    fixed = tmp_path / "fixed.ccrec"
    report = repair_recording(damaged, fixed)
    assert check_recording(fixed).clean
    with RecordingReader(damaged) as a, RecordingReader(fixed) as b:
        assert list(a.packets()) == list(b.packets())
        assert a.header == b.header
    assert report.packets == len(list(RecordingReader(fixed).packets()))
