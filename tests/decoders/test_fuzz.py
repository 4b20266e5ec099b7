"""Quick version of benchmarks/fuzz_decoders.py: a few thousand mutated payloads per decoder."""

import importlib.util
import sys

import pytest

from cadence_coach.profiles import all_profiles
from tests.support.paths import REPO

_PATH = REPO / "benchmarks" / "fuzz_decoders.py"
_spec = importlib.util.spec_from_file_location("fuzz_decoders", _PATH)
fuzz = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fuzz  # dataclasses look their module up there
_spec.loader.exec_module(fuzz)


@pytest.mark.parametrize("kind", fuzz.KINDS)
@pytest.mark.parametrize("profile", all_profiles(), ids=lambda p: p.name)
def test_no_exception_escapes(profile, kind):
    result = fuzz.fuzz_profile(profile, kind, 1500, seed=7)
    assert result.escaped == []
    assert result.decoded + result.rejected == 1500 and result.fed == 1500
    if kind == "truncated":
        assert result.rejected > 0
    if kind == "oversized" and profile.decoder != "rsc":
        assert result.decoded < 1500  # frames with a length field or exact layout refuse extra bytes
