"""Property tests of the recording reader: any bytes after a good header, and any damage to a good
recording, are read without an exception escaping, and every rejection is counted or reported."""

import struct
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence_coach.errors import UserError
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.recording_check import check_recording
from tests.support.recordings import write_recording

FOLDER = Path(tempfile.mkdtemp(prefix="recording-fuzz-"))
GOOD = FOLDER / "good.ccrec"
write_recording(GOOD, 3.0)
GOOD_BYTES = GOOD.read_bytes()
HEADER_END = 12 + struct.unpack_from("<I", GOOD_BYTES, 8)[0]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_all(data: bytes, read_size: int = 1 << 20):
    path = FOLDER / "fuzz.ccrec"
    path.write_bytes(data)
    with RecordingReader(path, read_size=read_size) as r:
        packets = list(r.packets())
        return packets, r


@SETTINGS
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_one_line_error_or_a_reading(data):
    path = FOLDER / "any.ccrec"
    path.write_bytes(data)
    try:
        report = check_recording(path)
    except UserError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert report.packets >= 0


@SETTINGS
@given(st.binary(max_size=8192), st.sampled_from([97, 4096, 1 << 20]))
def test_any_records_after_a_good_header_are_read_or_counted(body, read_size):
    packets, r = read_all(GOOD_BYTES[:HEADER_END] + body, read_size)
    rejected = r.corrupt_records + r.out_of_order + len(r.damaged_spans) + r.truncated
    assert packets or rejected or not body
    assert sum(s.size for s in r.damaged_spans) <= len(body)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(GOOD_BYTES) - 1), st.integers(1, 2000), st.sampled_from(b"\x00\xff\x5a")
        ),
        min_size=1,
        max_size=4,
    )
)
def test_damage_to_a_good_recording_keeps_the_rest(damages):
    data = bytearray(GOOD_BYTES)
    for at, n, fill in damages:
        at = max(at, HEADER_END)
        data[at : at + n] = bytes([fill]) * len(data[at : at + n])
    packets, r = read_all(bytes(data))
    with RecordingReader(GOOD) as g:
        good = list(g.packets())
    assert all(p in good for p in packets)  # nothing made up
    times = [p.t_host for p in packets]
    assert times == sorted(times)
    if bytes(data) != GOOD_BYTES:
        assert r.damaged_spans or r.truncated or len(packets) == len(good)
