"""A recording survives its writer being killed: everything up to about the last flush is readable."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from cadence_coach.sources.recording import RecordingReader

CHILD = textwrap.dedent(
    """
    import sys, time
    from cadence_coach.datatypes import Placement, RawPacket, SensorInfo
    from cadence_coach.decoders.open_imu import DATA_UUID
    from cadence_coach.sources.recording import RecordingHeader, RecordingWriter

    header = RecordingHeader([SensorInfo("open-imu", Placement.FOOT, characteristics=(DATA_UUID,))])
    with RecordingWriter(sys.argv[1], header, flush_interval_s=0.5) as w:
        i = 0
        while True:
            w.write_packet(RawPacket(0, i * 0.0075, DATA_UUID, i.to_bytes(4, "little") * 9))
            i += 1
            # handed to the writer: count and time (monotonic clock, shared by every process)
            print(i, time.monotonic(), flush=True)
            time.sleep(0.002)
    """
)


def test_sigkill_mid_recording_loses_at_most_the_last_second(tmp_path):
    path = tmp_path / "killed.ccrec"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    progress: list[tuple[int, float]] = []
    try:
        for line in child.stdout:
            count, at = line.split()
            progress.append((int(count), float(at)))
            if progress[-1][1] - progress[0][1] > 2.0:
                break
        killed_at = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    handed = max(c for c, _ in progress)
    safe = max((c for c, at in progress if at <= killed_at - 1.0), default=0)
    assert safe > 0

    with RecordingReader(path) as reader:
        got = list(reader.records())
        assert reader.corrupt_records == 0
    assert safe <= len(got) <= handed + 1  # +1: written, killed before it was reported
    # a byte-exact prefix of what was written, in order
    assert [p.payload for p in got] == [i.to_bytes(4, "little") * 9 for i in range(len(got))]
    assert [p.t_host for p in got] == pytest.approx([i * 0.0075 for i in range(len(got))], abs=1e-9)
