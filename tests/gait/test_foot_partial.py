"""A foot sensor with only an accelerometer or only a gyroscope (gait/foot_partial.py): on the simulator,
one sample at a time, on the bundled real foot excerpts and on the real-dev feet with a sensor dropped."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from cadence_coach.cli import main as cli_main
from cadence_coach.datatypes import Placement, SampleBlock, Side
from cadence_coach.evaluation.real_cases import Steps, default_dev_dir, load_dev_cases
from cadence_coach.evaluation.real_scoring import score_case, summarize
from cadence_coach.evaluation.reference_events import ReferenceEvents
from cadence_coach.gait.body import BodyStepDetector
from cadence_coach.gait.foot import FootStepDetector
from cadence_coach.gait.foot_partial import FootAccDetector, FootGyroDetector
from cadence_coach.session.matching import match_events
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.simulator import simulate

EXCERPTS = Path(__file__).resolve().parents[1] / "data" / "real"


def feed(detector, t, acc, gyro, size):
    """Feed ``size``-sample blocks (acc or gyro None: not measured); the steps emitted and completed."""
    new, done = [], []
    for a in range(0, t.size, size):
        s = slice(a, a + size)
        out = detector.feed(
            SampleBlock(
                0,
                t[s],
                acc=None if acc is None else acc[s],
                gyro=None if gyro is None else gyro[s],
                t_arrival=float(t[s][-1]),
                arrival=t[s].copy(),
            )
        )
        new += out.new
        done += out.completed
    return new, done


def simulated_foot(seed, rate_hz, scenario="flat-easy", seconds=60.0):
    sim = simulate(scenario, seconds, seed, rate_hz=rate_hz, feet="right", baro=False, loss=0.0)
    samples = sim.samples(0)
    side = sim.sensors[0].side
    truth = np.array([t for t, s in zip(sim.plan.t_ic_s, sim.plan.side) if s == side])
    return samples, truth


@pytest.mark.parametrize("rate_hz", [100.0, 200.0, 400.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_accelerometer_alone_finds_each_simulated_landing_at_its_impact(seed, rate_hz):
    samples, truth = simulated_foot(seed, rate_hz)
    new, done = feed(
        FootAccDetector(0, Side.RIGHT), samples.t, samples.acc, None, max(1, int(rate_hz * 0.015))
    )
    t_ic = np.array([s.t_ic_s for s in new])
    t_ic = t_ic[(t_ic > truth[0] - 0.3) & (t_ic < truth[-1] + 0.3)]
    m = match_events(t_ic, truth, 0.05)
    assert m.f1 >= 0.94
    err = t_ic[m.detected] - truth[m.true]
    assert abs(np.median(err)) < 0.5 / rate_hz + 0.002
    assert [id(s) for s in done] == [id(s) for s in new][: len(done)]
    assert all(s.impact_g is not None and s.impact_g > 1.0 for s in done)


@pytest.mark.parametrize("rate_hz", [100.0, 200.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_gyroscope_alone_finds_each_simulated_landing(seed, rate_hz):
    """The simulated runner's foot turns smoothly through contact (no jump of its rotation as a real
    heel strike gives), so the rate's burst is found early there: the steps are right, their timing is
    checked on real feet below."""
    samples, truth = simulated_foot(seed, rate_hz)
    new, _ = feed(
        FootGyroDetector(0, Side.RIGHT), samples.t, None, samples.gyro, max(1, int(rate_hz * 0.015))
    )
    t_ic = np.array([s.t_ic_s for s in new])
    t_ic = t_ic[(t_ic > truth[0] - 0.3) & (t_ic < truth[-1] + 0.3)]
    assert match_events(t_ic, truth, 0.05).f1 >= 0.95
    assert all(s.impact_g is None for s in new)


@pytest.mark.parametrize("detector,signal", [(FootAccDetector, "acc"), (FootGyroDetector, "gyro")])
def test_one_sample_at_a_time_gives_the_events_of_one_block(detector, signal):
    samples, _ = simulated_foot(3, 200.0, seconds=30.0)
    acc = samples.acc if signal == "acc" else None
    gyro = samples.gyro if signal == "gyro" else None
    whole, whole_done = feed(detector(0, Side.LEFT), samples.t, acc, gyro, samples.t.size)
    one, one_done = feed(detector(0, Side.LEFT), samples.t, acc, gyro, 1)
    assert len(one) > 20
    for field in ("t_ic_s", "detected_at_s", "step_time_s", "impact_g", "t_to_s"):
        assert [getattr(s, field) for s in one] == [getattr(s, field) for s in whole], field
    assert len(one_done) == len(whole_done)


@pytest.mark.parametrize("name", ["gaitmap_foot_left_204hz", "gaitmap_foot_right_204hz"])
@pytest.mark.parametrize("signal", ["acc", "gyro"])
def test_real_foot_with_one_sensor_counts_its_steps(name, signal):
    """A real shoe IMU (204.8 Hz, overground walk with a turn) with either sensor dropped: the steps of
    the reference bouts found once (but for the first from standing), at the cadence of the reference
    (within 2 steps/min)."""
    spec = json.loads((EXCERPTS / "excerpts.json").read_text())[name]
    cols = np.genfromtxt(EXCERPTS / f"{name}.csv", delimiter=",", names=True)
    t = np.arange(cols.size) / spec["rate"]
    acc = np.stack([cols[k] for k in ("ax", "ay", "az")], axis=1) if signal == "acc" else None
    gyro = np.radians(np.stack([cols[k] for k in ("gx", "gy", "gz")], axis=1)) if signal == "gyro" else None
    detector = BodyStepDetector(0, Placement.FOOT, Side(spec["side"]))
    new, _ = feed(detector, t, acc, gyro, 6)
    assert isinstance(detector.method, FootAccDetector if signal == "acc" else FootGyroDetector)
    ref = ReferenceEvents.load(EXCERPTS / f"{name}.events.csv", spec["reference"], spec["side"])
    t_ic = np.array([s.t_ic_s for s in new])
    inside = t_ic[ref.in_bouts(t_ic)]
    assert abs(inside.size - ref.ic.size) <= 2  # the first step from standing may be missed
    assert match_events(inside, ref.ic, 0.1).f1 >= 0.9
    cadence = np.nanmedian(
        [s.cadence_spm for s in new if s.cadence_spm is not None and ref.in_bouts(np.array([s.t_ic_s]))[0]]
    )
    assert cadence == pytest.approx(float(np.median(120.0 / ref.step_time_s())), abs=2.0)


DEV = default_dev_dir()
MEASURED_DEV = {"acc": 0.925, "gyro": 0.916}
"""Pooled F1 of the real-dev feet (voisard, 16 cases) with only that sensor, when written (2026-12-02)."""


@pytest.mark.skipif(not (DEV / "cases.json").is_file(), reason=f"no real-dev cases in {DEV}")
@pytest.mark.parametrize("signal", ["acc", "gyro"])
def test_real_dev_feet_with_one_sensor_dropped(tmp_path, signal):
    """The voisard feet (100 Hz, 10 m walks with a U-turn) through ``analyze`` with the other sensor's
    columns removed: the pooled F1 with a margin, the contact median within 15 ms, cadence within 6 spm
    (the full six-axis engine scores 0.886 here)."""
    cases = [c for c in load_dev_cases(DEV) if c.group == "foot/walk"]
    keep = ["t"] + (["ax", "ay", "az"] if signal == "acc" else ["gx", "gy", "gz"])
    scores = []
    for case in cases:
        with open(case.csv, newline="") as f:
            rows = list(csv.DictReader(f))
        subset = tmp_path / f"{case.name}.csv"
        with open(subset, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(keep)
            w.writerows([r[k] for k in keep] for r in rows)
        out = tmp_path / f"{case.name}.steps.csv"
        assert cli_main(["analyze", str(subset), *case.argv, "--out", str(out)]) == 0
        scores.append(score_case(case, Steps.from_csv(out)))
    s = summarize("voisard foot/walk", scores)
    assert s.f1 >= MEASURED_DEV[signal] - 0.03, s
    assert s.ic_abs_median_ms <= 15.5, s  # 10 ms samples
    assert s.cadence_error_spm <= 6.0, s


@pytest.mark.parametrize("rate_hz", [100.0, 200.0])
@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_a_foot_lifted_with_no_push_off_is_still_a_step(seed, rate_hz):
    """The first step from standing, a turn's step, a closing step: the foot is lifted flat, turning
    toes-up with no toes-down push-off before it. Every third simulated stride has its push-off rotation
    taken out of the gyroscope; each landing must still be found at its impact."""
    sim = simulate("walk-run", 60.0, seed, rate_hz=rate_hz, feet="right", baro=False, loss=0.0)
    s = sim.samples(0)
    side = sim.sensors[0].side
    plan = sim.plan
    mine = [i for i, sd in enumerate(plan.side) if sd == side]
    gyro = s.gyro.copy()
    axis = np.linalg.eigh(np.cov(gyro.T))[1][:, -1]
    for k in mine[4::3]:
        t_to = plan.t_ic_s[k] + plan.contact_s[k]
        push = (s.t > plan.t_ic_s[k] + 0.6 * plan.contact_s[k]) & (s.t < t_to + 0.03)
        before_to = (s.t > t_to - 0.1) & (s.t < t_to)
        if not before_to.any():
            continue  # past the end of the recording
        sign = np.sign(np.mean(gyro[before_to] @ axis))
        rate = gyro[push] @ axis
        toes_down = np.where(sign * rate > 0, rate, 0.0)
        gyro[push] -= np.outer(toes_down, axis)
    new, _ = feed(FootStepDetector(0, Side.RIGHT), s.t, s.acc, gyro, 64)
    found = np.array([e.t_ic_s for e in new])
    lifted = np.array([plan.t_ic_s[k + 2] for k in mine[4::3] if k + 2 < len(plan.t_ic_s)])
    lifted = lifted[lifted < s.t[-1] - 1.0]
    assert lifted.size >= 5
    errors = np.array([np.min(np.abs(found - t)) for t in lifted])
    assert np.all(errors < 0.03), errors


def test_a_forefoot_landings_heel_drop_is_no_lift(tmp_path):
    """Right after a landing the foot may turn toes-up (a forefoot landing's heel drop): that is no foot
    lifted flat, so no step is made up before the next push-off (a simulated run, recorded and replayed
    as the engine sees it, where a heel drop followed a landing's brief rest)."""
    path = tmp_path / "run.ccrec"
    argv = ["simulate", "--scenario", "flat-easy", "--duration", "100", "--seed", "1", "--rate", "100"]
    assert cli_main([*argv, "--feet", "both", "--out", str(path)]) == 0
    truth = json.loads(Path(str(path) + ".truth.json").read_text())["steps"]
    with RecordingReader(path) as reader:
        session = Session(Pipeline(reader.header.sensors))
        session.run(reader.records(), batch=512)
        sensors = reader.header.sensors
    for k, sensor in enumerate(sensors):
        mine = sorted((e for e in session.steps if e.sensor == k), key=lambda e: e.t_ic_s)
        ics = np.array([t["t_ic_s"] for t in truth if t["side"] == sensor.side.value])
        assert match_events(np.array([e.t_ic_s for e in mine]), ics).false_positives == 0
