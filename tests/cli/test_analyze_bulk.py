"""analyze and replay --speed 0 read recordings in bulk: their steps.csv and cues are byte for byte those of
the per-packet path (records() in the same windows), on the demo recording and on a damaged one."""

import struct
from pathlib import Path

import pytest

from cadence_coach.cli import analyze, main, replay
from cadence_coach.coach.coach import Coach
from cadence_coach.datatypes import RawPacket
from cadence_coach.outputs.cues_csv import CuesCsvWriter
from cadence_coach.outputs.steps_csv import StepsCsvWriter
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session
from cadence_coach.sources.recording import RecordingReader, RecordingWriter
from tests.support.paths import DEMO_RECORDING


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Path:
    """The demo with link losses, corrupt records in the middle and a truncated last record."""
    path = tmp_path_factory.mktemp("rec") / "damaged.ccrec"
    with RecordingReader(DEMO_RECORDING) as r, RecordingWriter(path, r.header) as w:
        for n, item in enumerate(r.records()):
            assert isinstance(item, RawPacket)
            if n % 9000 == 4500:
                w.write_event(item.t_host, event="disconnected", sensor=item.sensor)
            if not (n % 9000 > 4500 and n % 9000 < 4800 and item.sensor == 0):  # the lost link's packets
                w.write_packet(item)
    data = bytearray(path.read_bytes())
    pos = 12 + struct.unpack_from("<I", data, 8)[0]
    for n in range(25_000):
        length = struct.unpack_from("<I", data, pos)[0]
        if n % 2500 == 1000:
            data[pos + 8 + length - 5] ^= 0x40  # a flipped bit in a payload: a CRC mismatch
        pos += 8 + length
    path.write_bytes(bytes(data[:-7]))
    return path


def per_packet_analyze(recording: Path, out: Path) -> None:
    """What analyze did before bulk reading: records one by one, BATCH at a time."""
    with RecordingReader(recording) as r, StepsCsvWriter(out) as writer:
        Session(Pipeline(r.header.sensors), step_sinks=[writer]).run(r.records(), batch=analyze.BATCH)


@pytest.mark.parametrize("which", ["demo", "damaged"])
def test_analyze_writes_the_same_steps_csv_as_the_per_packet_path(tmp_path, damaged, which, capsys):
    recording = DEMO_RECORDING if which == "demo" else damaged
    main(["analyze", str(recording), "--out", str(tmp_path / "bulk.csv")])
    per_packet_analyze(recording, tmp_path / "per_packet.csv")
    bulk = (tmp_path / "bulk.csv").read_bytes()
    assert bulk == (tmp_path / "per_packet.csv").read_bytes()
    assert bulk.count(b"\n") > 300
    err = capsys.readouterr().err
    if which == "damaged":
        assert "10 damaged spans skipped" in err and "partial record" in err
    with RecordingReader(recording) as r:
        list(r.batches())
        assert len(r.damaged_spans) == (10 if which == "damaged" else 0) and r.corrupt_records == 0


@pytest.mark.parametrize("which", ["demo", "damaged"])
def test_replay_at_speed_0_gives_the_same_cues_as_the_per_packet_path(tmp_path, damaged, which, capsys):
    recording = DEMO_RECORDING if which == "demo" else damaged
    main(
        ["replay", str(recording), "--speed", "0", "--audio", "off", "--cues-out", str(tmp_path / "bulk.csv")]
    )
    bulk_out = capsys.readouterr().out
    with RecordingReader(recording) as r, CuesCsvWriter(tmp_path / "per_packet.csv") as cues:
        session = Session(Pipeline(r.header.sensors), coach=Coach(), cue_sinks=[cues])
        session.run(r.records(), batch=replay.FAST_BATCH)
    assert (tmp_path / "bulk.csv").read_bytes() == (tmp_path / "per_packet.csv").read_bytes()
    assert len(session.cues) > 0
    assert f"steps: {len(session.steps)}, cues: {len(session.cues)}" in bulk_out
