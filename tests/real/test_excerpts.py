"""The gait engine on real recordings from other labs and sensors (tests/data/real, sources in
tests/data/README.md), run through ``cadence-coach analyze`` as a user would.

The assertions are what the physics guarantees, loosely: every step of a walking bout is found (the
count within a few), each contact lands near the reference's (motion capture), the cadence is the
reference's, and toe-off from a foot sensor is near the reference's. Only the reference's walking bouts
are scored (see cadence_coach.evaluation.reference_events). Where the engine fails today the case is marked
xfail(strict=True) with the measured figure and the reason.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from cadence_coach.cli import main as cli_main
from cadence_coach.evaluation.reference_events import ReferenceEvents, analyze_args, read_steps, score
from tests.support.paths import REAL_EXCERPTS

EXCERPTS: dict[str, dict] = json.loads((REAL_EXCERPTS / "excerpts.json").read_text())
FOOT = [n for n, s in EXCERPTS.items() if s["placement"] == "foot"]
WITH_TOE_OFF = [n for n in FOOT if ",to," in (REAL_EXCERPTS / f"{n}.events.csv").read_text()]

MATCH_S = 0.06
"""A detected contact matches a reference contact within this, s."""
MIN_MATCHED = 0.85
"""Share of the reference contacts that must be matched."""
MAX_MEDIAN_IC_ERROR_S = 0.04
"""Median |detected - reference| contact time, s."""
MAX_TO_MEDIAN_ERROR_S = 0.03
"""Median |detected - reference| toe-off time, s."""
MAX_CONFIRM_S = 0.06
"""A foot step's detected_at - its contact time, s, for all but a few steps..."""
MIN_PROMPT = 0.9
"""... this share of them."""
MAX_CADENCE_ERROR_SPM = 3.0
"""Median cadence against the reference's median over the same bouts, steps/min."""


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


KNOWN_FAILURES = {
    ("contacts", "mobgap_lowback_ms001_daily"): _xfail(
        "impaired walking: the count and cadence are right (31 steps for 33), but only 17 of 33 contacts "
        "land within 60 ms: the fore-aft axis is trusted late in this 30 s excerpt of bouts and turns"
    ),
    ("contacts", "mobgap_lowback_ha001_straight"): _xfail(
        "7 of 10 within 60 ms: the walk starts 5 s into this 12.5 s excerpt and its first steps come "
        "before the fore-aft axis is trusted; from the vertical alone they land 140-410 ms early"
    ),
}


def _cases(check: str, names: list[str]) -> list:
    return [pytest.param(n, id=n, marks=KNOWN_FAILURES.get((check, n), ())) for n in names]


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, np.ndarray]]:
    """steps.csv columns of every excerpt, as float arrays (NaN where empty)."""
    tmp = tmp_path_factory.mktemp("real")
    steps = {}
    for name, spec in EXCERPTS.items():
        out = tmp / f"{name}.steps.csv"
        assert cli_main(analyze_args(REAL_EXCERPTS / f"{name}.csv", spec, out)) == 0
        steps[name] = read_steps(out)
    return steps


def _reference(name: str) -> ReferenceEvents:
    spec = EXCERPTS[name]
    return ReferenceEvents.load(REAL_EXCERPTS / f"{name}.events.csv", spec["reference"], spec.get("side"))


def _per_interval(name: str) -> float:
    """Steps per reference contact interval x 60: a foot's contacts are a stride apart."""
    return 120.0 if EXCERPTS[name]["placement"] in ("foot", "shank") else 60.0


@pytest.mark.parametrize("name", _cases("count", list(EXCERPTS)))
def test_every_step_of_a_bout_is_found_once(analyzed, name: str) -> None:
    ref = _reference(name)
    found = int(ref.in_bouts(analyzed[name]["t_ic_s"]).sum())
    assert abs(found - ref.ic.size) <= max(2, round(0.1 * ref.ic.size)), (found, ref.ic.size)


@pytest.mark.parametrize("name", _cases("contacts", list(EXCERPTS)))
def test_contacts_land_at_the_reference_contacts(analyzed, name: str) -> None:
    s = analyzed[name]
    ref = _reference(name)
    result = score(ref, s["t_ic_s"], s["t_to_s"], s["detected_at_s"], MATCH_S)
    matched = result.ic_error_s.size / ref.ic.size
    assert matched >= MIN_MATCHED, f"{result.ic_error_s.size} of {ref.ic.size} matched"
    assert np.median(np.abs(result.ic_error_s)) <= MAX_MEDIAN_IC_ERROR_S
    assert np.all(result.latency_s >= result.ic_error_s - 1e-9)  # a contact is never known before it


@pytest.mark.parametrize("name", FOOT)
def test_foot_contacts_are_known_within_tens_of_milliseconds(analyzed, name: str) -> None:
    """Soft walking landings too: the ground stopping the foot's rotation confirms contact when the
    impact hardly shows in the acceleration (before, such steps waited for mid-stance, 90-130 ms)."""
    s = analyzed[name]
    result = score(_reference(name), s["t_ic_s"], s["t_to_s"], s["detected_at_s"], MATCH_S)
    walking = _reference(name).in_bouts(s["t_ic_s"])
    confirm_s = (s["detected_at_s"] - s["t_ic_s"])[
        walking
    ]  # from the engine's own contact to its confirmation
    assert (
        np.mean(confirm_s <= MAX_CONFIRM_S) >= MIN_PROMPT
    )  # the rest: the first steps, held until a stride confirms the axis
    assert result.latency_s.size >= MIN_MATCHED * _reference(name).ic.size


@pytest.mark.parametrize("name", _cases("cadence", list(EXCERPTS)))
def test_cadence_is_the_reference_cadence(analyzed, name: str) -> None:
    s = analyzed[name]
    ref = _reference(name)
    cadence = s["cadence_spm"][ref.in_bouts(s["t_ic_s"])]
    assert np.isfinite(cadence).sum() >= 0.5 * ref.ic.size
    expected = float(np.median(_per_interval(name) / ref.step_time_s()))
    assert abs(float(np.nanmedian(cadence)) - expected) <= MAX_CADENCE_ERROR_SPM


@pytest.mark.parametrize("name", _cases("toe_off", WITH_TOE_OFF))
def test_toe_off_from_a_foot_sensor_is_the_reference_toe_off(analyzed, name: str) -> None:
    s = analyzed[name]
    ref = _reference(name)
    result = score(ref, s["t_ic_s"], s["t_to_s"], s["detected_at_s"], MATCH_S)
    assert result.to_error_s.size >= MIN_MATCHED * ref.to.size
    assert np.median(np.abs(result.to_error_s)) <= MAX_TO_MEDIAN_ERROR_S


@pytest.mark.parametrize("name", list(EXCERPTS))
def test_real_steps_do_not_depend_on_block_sizes(name):
    """Sample by sample, in odd-sized blocks or all at once: the same contacts, confirmed at the same
    samples (each sample's arrival is its own time here)."""
    from cadence_coach.datatypes import GRAVITY, Placement, SampleBlock, SensorInfo, Side
    from cadence_coach.gait.engine import GaitEngine

    spec = EXCERPTS[name]
    rows = np.genfromtxt(REAL_EXCERPTS / f"{name}.csv", delimiter=",", names=True)
    acc = np.c_[rows["ax"], rows["ay"], rows["az"]] * (GRAVITY if spec["acc_unit"] == "g" else 1.0)
    gyro = np.radians(np.c_[rows["gx"], rows["gy"], rows["gz"]])
    t = np.arange(len(acc)) / spec.get("rate", 100.0)
    info = SensorInfo(
        profile="csv-import",
        placement=Placement(spec["placement"]),
        side=Side(spec["side"]) if spec.get("side") else None,
    )
    results = []
    for size in (1, 37, len(t)):
        engine, found = GaitEngine([info]), []
        for a in range(0, len(t), size):
            s = slice(a, a + size)
            block = SampleBlock(
                sensor=0, t=t[s], acc=acc[s], gyro=gyro[s], t_arrival=float(t[s][-1]), arrival=t[s]
            )
            found += [(ev.t_ic_s, ev.detected_at_s) for ev in engine.feed(block).new]
        results.append(found)
    assert len(results[0]) > 5
    assert results[0] == results[1] == results[2]
