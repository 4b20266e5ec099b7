"""Quick version of benchmarks/fuzz_decoders.py: a few thousand fuzzed inputs per decoder, stream and the
recording reader (the benchmark feeds each 10^6)."""

import logging
import shutil

import pytest

from cadence_coach.decoders import open_imu
from cadence_coach.evaluation import fuzz
from tests.support.paths import DATA, SHARED

VECTOR_DIRS = [SHARED / "vectors", DATA / "vectors"]
SCRATCH = fuzz.scratch_folder()
TARGETS = {t.name: t for t in fuzz.decoder_targets(VECTOR_DIRS) + [fuzz.reader_target(SCRATCH)]}


@pytest.fixture(scope="module", autouse=True)
def _scratch():
    yield
    shutil.rmtree(SCRATCH, ignore_errors=True)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_no_exception_escapes_and_every_rejection_is_counted(name, caplog):
    caplog.set_level(logging.CRITICAL)
    count = 600 if name == "recording reader" else 3000
    r = fuzz.fuzz(TARGETS[name], count, seed=7)
    assert r.escaped == []
    assert r.counts["uncounted"] == 0
    assert r.inputs == count == sum(r.counts.values())
    assert r.counts["rejected"] > 0  # the mutations do reach the checks
    assert r.counts["decoded"] > 0  # and not only the checks


def test_every_profile_stream_and_decoder_is_a_target():
    names = set(TARGETS)
    assert {"rsc.parse_measurement", "rsc.parse_feature", "open_imu.parse", "polar_pmd.parse_frame"} <= names
    assert {"stream open-imu", "stream polar-h10", "stream rsc-foot-pod", "recording reader"} <= names


def test_a_refusal_the_stream_does_not_count_is_reported(monkeypatch):
    from cadence_coach.profiles import load_profile
    from cadence_coach.streams import base

    monkeypatch.setattr(base.MalformedLog, "skip", lambda self, k=1, reason=None: None)  # counts nothing
    seeds = [open_imu.encode(1, 0, 0.0025, [[0, 0, 9.8]])]
    target = fuzz._stream(load_profile("open-imu"), {"data": seeds}, lambda role, p: open_imu.parse(p))
    assert target.run(b"\x00" + seeds[0]) == fuzz.DECODED
    assert target.run(b"\x00" + b"\x02" + seeds[0][1:]) == fuzz.UNCOUNTED  # a version it does not read
