"""The gait engine on simulated runs: detection, timing, figures, block-size invariance, gaps."""

import math

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY, Placement, SampleBlock, SensorInfo
from cadence_coach.gait.engine import GaitEngine
from cadence_coach.session.matching import field_array, match_events
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session
from cadence_coach.sources import simulator as sim_mod
from cadence_coach.sources.recording import RecordingReader
from tests.support.paths import DEMO_RECORDING


def simulated(tmp_path, scenario="flat-easy", duration=60, rate=200.0, seed=4, feet="both"):
    sim = sim_mod.simulate(scenario, duration, seed=seed, rate_hz=rate, feet=feet)
    path = tmp_path / f"{scenario}.ccrec"
    sim_mod.write(sim, path)
    return path, sim_mod.load_truth(str(path) + ".truth.json")


def run(path, batch):
    with RecordingReader(path) as reader:
        session = Session(Pipeline(reader.header.sensors))
        session.run(reader.records(), batch=batch)
        return session.steps, reader.header.sensors


def score(steps, sensors, truth, settle_s=10.0):
    """Per sensor: its steps, the truth rows of its foot, and the matching, after ``settle_s``
    (the pitch axis sign is learned in the first strides)."""
    out = []
    for i, info in enumerate(sensors):
        mine = sorted((s for s in steps if s.sensor == i and s.t_ic_s > settle_s), key=lambda s: s.t_ic_s)
        sel = (truth.steps["side"] == info.side.value) & (truth.steps["t_ic_s"] > settle_s)
        m = match_events(field_array(mine, "t_ic_s"), truth.steps["t_ic_s"][sel])
        out.append((mine, sel, m))
    return out


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    path, truth = simulated(tmp_path_factory.mktemp("flat"))
    steps, sensors = run(path, batch=256)
    return path, truth, steps, sensors


def test_every_step_found_on_time(flat):
    _, truth, steps, sensors = flat
    for mine, sel, m in score(steps, sensors, truth):
        assert m.f1 > 0.98
        t_true = truth.steps["t_ic_s"][sel][m.true]
        t_det = field_array(mine, "t_ic_s")[m.detected]
        err_ms = np.abs(t_det - t_true) * 1000
        assert np.median(err_ms) < 6.0
        latency = (field_array(mine, "detected_at_s")[m.detected] - t_true) * 1000
        assert 0 < np.median(latency) < 30.0  # detected within tens of ms
        assert np.mean(latency > 0) > 0.97  # and (but for the odd early trigger) not before it happened


def test_at_100_hz_contact_is_confirmed_from_the_impact(tmp_path):
    """At 100 Hz a landing spans a sample or two: contact is still found within 15 ms (95 %) of the
    truth on a descent with heel strikes, and confirmed about a sample or two after it, not at mid-stance."""
    path, truth = simulated(
        tmp_path, "long-descent-overstride", duration=150, rate=100.0, seed=2, feet="right"
    )
    steps, sensors = run(path, batch=256)
    ((mine, sel, m),) = score(steps, sensors, truth)
    assert m.f1 > 0.98
    t_true = truth.steps["t_ic_s"][sel][m.true]
    err_ms = np.abs(field_array(mine, "t_ic_s")[m.detected] - t_true) * 1000
    assert np.percentile(err_ms, 95) < 15.0
    heel = truth.steps["strike"][sel][m.true] == "heel"
    assert heel.sum() > 10 and np.percentile(err_ms[heel], 95) < 15.0
    latency = (field_array(mine, "detected_at_s")[m.detected] - t_true) * 1000
    assert np.median(latency) < 35.0


def test_per_step_figures_match_the_truth(flat):
    _, truth, steps, sensors = flat
    for mine, sel, m in score(steps, sensors, truth):
        det = [mine[k] for k in m.detected]
        contact = field_array(det, "contact_s")
        true_contact = truth.steps["contact_s"][sel][m.true]
        ok = ~np.isnan(contact)
        assert ok.mean() > 0.9
        assert np.median(np.abs(contact[ok] - true_contact[ok])) < 0.02
        stride = field_array(det, "stride_m")
        true_stride = truth.steps["stride_m"][sel][m.true]
        ok = ~np.isnan(stride) & (true_stride > 0.5)
        assert np.median(np.abs(stride[ok] - true_stride[ok]) / true_stride[ok]) < 0.05
        strike = np.array([s.strike.value if s.strike else "" for s in det])
        assert np.mean(strike == truth.steps["strike"][sel][m.true]) > 0.85
        grade = field_array(det, "grade_pct")
        assert np.nanmedian(np.abs(grade)) < 2.0  # flat course


def test_same_steps_whatever_the_block_size(flat, tmp_path):
    path, _, steps, _ = flat
    one_by_one, _ = run(path, batch=1)
    key = lambda s: (s.sensor, s.t_ic_s, s.detected_at_s)  # noqa: E731
    a, b = np.array(sorted(map(key, one_by_one))), np.array(sorted(map(key, steps)))
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)  # the clock maths rounds differently at 1e-7 s


def test_descent_grade_is_measured(tmp_path):
    path, truth = simulated(tmp_path, "steep-descent", duration=120, feet="right")
    steps, _ = run(path, batch=256)
    t = field_array(steps, "t_ic_s")
    grade = field_array(steps, "grade_pct")
    true_grade = np.interp(t, truth.grade[:, 0], truth.grade[:, 2])
    steep = true_grade < -10
    assert steep.sum() > 20
    assert np.nanmedian(grade[steep] - true_grade[steep]) == pytest.approx(0.0, abs=1.5)


def test_no_step_is_made_up_across_a_long_gap(tmp_path):
    path, truth = simulated(tmp_path, duration=40, feet="right")
    with RecordingReader(path) as reader:
        records = [r for r in reader.records() if not (20.0 < getattr(r, "t_host", 0.0) < 22.0)]
        session = Session(Pipeline(reader.header.sensors))
        session.run(records, batch=64)
    t_ic = field_array(session.steps, "t_ic_s")
    assert not np.any((t_ic > 19.99) & (t_ic < 22.0))
    assert np.any(t_ic > 23.0)  # and it picks up again after the gap


def test_trunk_sensor_gives_cadence():
    """A trunk accelerometer (no gyro): one loading peak per step at 170 steps/min."""
    rate, cadence = 100.0, 170.0
    t = np.arange(0, 30, 1 / rate)
    phase = (t * cadence / 60.0) % 1.0
    vertical = (
        1.0 + 1.8 * np.exp(-(((phase - 0.3) / 0.08) ** 2)) - 0.7 * np.exp(-(((phase - 0.8) / 0.1) ** 2))
    )
    acc = np.stack([0.1 * np.sin(2 * np.pi * t), np.zeros_like(t), vertical], axis=1) * GRAVITY
    engine = GaitEngine([SensorInfo("csv-import", Placement.TRUNK)])
    steps = []
    for k in range(0, t.size, 37):
        block = SampleBlock(
            0, t[k : k + 37], acc=acc[k : k + 37], t_arrival=float(t[min(k + 36, t.size - 1)])
        )
        steps.extend(engine.feed(block).completed)
    cad = field_array(steps, "cadence_spm")
    assert len(steps) == pytest.approx(30 * cadence / 60, abs=3)
    assert np.nanmedian(cad) == pytest.approx(cadence, abs=1.0)


def test_barometer_removes_a_slow_grade_bias():
    from cadence_coach.gait.grade import STANDARD_PRESSURE_PA, GradeEstimator

    est = GradeEstimator(feet=1)
    t, altitude = 0.0, 100.0
    for _ in range(400):  # 1.2 m strides on a true -5 % slope; the IMU sees -7 % (a 2-point bias)
        t += 0.7
        altitude -= 0.05 * 1.2
        pa = STANDARD_PRESSURE_PA * (1 - altitude / 44330.0) ** 5.255
        est.add_pressure(np.array([t - 0.1]), np.array([pa]))
        est.add_stride(t, 1.2, -0.07 * 1.2)
    assert est.bias_pct == pytest.approx(-2.0, abs=0.2)
    assert est.grade_pct == pytest.approx(-5.0, abs=0.2)


def test_strides_without_a_rise_leave_grade_and_bias_alone():
    from cadence_coach.gait.grade import STANDARD_PRESSURE_PA, GradeEstimator

    est = GradeEstimator(feet=1)
    t, altitude = 0.0, 100.0
    for k in range(400):  # a true and measured -5 % slope; every fifth stride's rise is unknown
        t += 0.7
        altitude -= 0.05 * 1.2
        pa = STANDARD_PRESSURE_PA * (1 - altitude / 44330.0) ** 5.255
        est.add_pressure(np.array([t - 0.1]), np.array([pa]))
        est.add_stride(t, 1.2, math.nan if k % 5 == 4 else -0.05 * 1.2)
    assert est.bias_pct == pytest.approx(0.0, abs=0.1)
    assert est.grade_pct == pytest.approx(-5.0, abs=0.1)


def test_shank_sensor_counts_both_feet_from_one_leg():
    """A shank accelerometer feels one landing per stride, a sharp shock (plus a smooth bump in its swing)."""
    rate, cadence = 200.0, 168.0
    t = np.arange(0, 30, 1 / rate)
    phase = (t * cadence / 120.0) % 1.0  # one landing of this leg per stride
    since = (phase - 0.1) * 120.0 / cadence  # s since this stride's landing
    shock = np.where(since < 0, 0.0, np.exp(-np.maximum(since, 0.0) / 0.01))
    magnitude = 1.0 + 4.0 * shock + 0.8 * np.exp(-(((phase - 0.6) / 0.08) ** 2))
    acc = np.stack([np.zeros_like(t), np.zeros_like(t), magnitude], axis=1) * GRAVITY
    engine = GaitEngine([SensorInfo("csv-import", Placement.SHANK)])
    steps = []
    for k in range(0, t.size, 50):
        steps.extend(
            engine.feed(
                SampleBlock(
                    0, t[k : k + 50], acc=acc[k : k + 50], t_arrival=float(t[min(k + 49, t.size - 1)])
                )
            ).completed
        )
    assert len(steps) == pytest.approx(30 * cadence / 120, abs=2)
    assert np.nanmedian(field_array(steps, "cadence_spm")) == pytest.approx(cadence, abs=1.0)


def test_a_run_picked_up_mid_stride_is_followed_at_once(flat):
    path, truth, _, sensors = flat
    with RecordingReader(path) as reader:
        records = [r for r in reader.records() if getattr(r, "t_host", 0.0) > 20.0]
    session = Session(Pipeline(sensors))
    session.run(records, batch=64)
    for mine, sel, m in score(session.steps, sensors, truth, settle_s=23.0):
        assert m.f1 > 0.98  # 3 s after joining a run in full flight, every step is found


def trunk_signal(lean_deg, seconds=40.0, rate=100.0, cadence=170.0, mounting=None):
    """Trunk accelerometer while running: vertical loading each step, braking as it rises and push as
    it falls, 0.2 g sideways sway alternating with the feet; the trunk leans forward by lean_deg(t)."""
    t = np.arange(0, seconds, 1 / rate)
    phase = (t * cadence / 60.0) % 1.0
    load = 1.8 * np.exp(-(((phase - 0.3) / 0.1) ** 2))  # g, stance loading
    vertical = 1.0 - 1.8 * 0.1 * np.sqrt(np.pi) + load  # g, averaging 1 g over a step, as it must
    forward = -0.5 * np.gradient(load, t) / (cadence / 60.0) / 6.0  # brake while rising, push while falling
    side = 0.2 * np.sin(np.pi * t * cadence / 60.0)
    world = np.stack([forward, side, vertical], axis=1) * GRAVITY  # x forward, y left, z up
    lean = np.radians(lean_deg(t))
    # The sensor on a trunk leaning forward by `lean`: world -> trunk is a rotation about y by -lean.
    c, s = np.cos(lean), np.sin(lean)
    body = np.stack(
        [c * world[:, 0] - s * world[:, 2], world[:, 1], s * world[:, 0] + c * world[:, 2]], axis=1
    )
    if mounting is not None:
        body = body @ mounting.T
    return t, body


def test_trunk_lean_has_a_sign():
    rng = np.random.default_rng(5)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    mounting = q * np.sign(np.linalg.det(q))  # a random proper rotation: the sensor's axes are unknown
    t, acc = trunk_signal(lambda t: np.where(t < 15, 5.0, np.where(t < 28, 15.0, -5.0)), mounting=mounting)
    engine = GaitEngine([SensorInfo("csv-import", Placement.TRUNK)])
    steps = []
    for k in range(0, t.size, 25):
        steps.extend(
            engine.feed(
                SampleBlock(
                    0, t[k : k + 25], acc=acc[k : k + 25], t_arrival=float(t[min(k + 24, t.size - 1)])
                )
            ).completed
        )
    pitch = field_array(steps, "trunk_pitch_deg")
    t_ic = field_array(steps, "t_ic_s")
    assert np.nanmedian(pitch[(t_ic > 20) & (t_ic < 27)]) == pytest.approx(10.0, abs=2.0)  # leaning forward
    assert np.nanmedian(pitch[t_ic > 32]) == pytest.approx(-10.0, abs=2.0)  # leaning back


def test_live_packet_by_packet_gives_the_replay_steps_exactly():
    """The bundled downhill run (heel strikes, foot slaps, lost packets, both feet): fed one packet at a
    time as a live session does, or in replay's batches, every figure of every step is the same."""
    fields = (
        "t_ic_s",
        "t_to_s",
        "side",
        "step_time_s",
        "contact_s",
        "flight_s",
        "impact_g",
        "strike_angle_deg",
        "stride_m",
        "grade_pct",
        "detected_at_s",
    )
    runs = []
    for batch in (1, 512):
        with RecordingReader(DEMO_RECORDING) as reader:
            session = Session(Pipeline(reader.header.sensors))
            session.run(reader.records(), batch=batch)
        runs.append([tuple(getattr(s, f) for f in fields) for s in session.steps])
    assert len(runs[0]) > 600
    assert sum(1 for s in runs[0] if s[8] is not None) > 550  # strides measured
    assert runs[0] == runs[1]


def test_a_wrong_first_guess_of_the_axis_sign_emits_no_wrong_step(flat):
    """If the sign guessed from the first seconds is wrong, the first stride going backwards says so
    before any step is emitted: everything is read again turned round, and every step from the start is
    right (the held ones are emitted when a stride confirms the sign, not before)."""
    from cadence_coach.gait.foot import FootStepDetector

    class WrongGuess(FootStepDetector):
        def _boot(self):
            super()._boot()
            if self.pitch.axis is not None:
                self.pitch.axis = -self.pitch.axis

    path, truth, _, sensors = flat
    with RecordingReader(path) as reader:
        pipeline = Pipeline(reader.header.sensors)
        blocks = pipeline.streams[0].feed_many([p for p in reader.packets() if p.sensor == 0])
    detector, steps = WrongGuess(0, sensors[0].side), []
    for block in blocks:
        steps += detector.feed(block).new
    sel = truth.steps["side"] == sensors[0].side.value
    m = match_events(field_array(steps, "t_ic_s"), truth.steps["t_ic_s"][sel])
    assert m.false_positives == 0 and m.false_negatives <= 1  # from the very first step
    assert all(s.detected_at_s >= s.t_ic_s for s in steps)


@pytest.mark.parametrize("seed", range(4))
def test_session_grade_hands_on_what_arrived_in_time_order_whatever_the_queueing(seed):
    """Two feet's barometer readings queued in random blocks, with late packets, and strides known at
    random times: each stride reaches the estimator after exactly the readings that arrived before it
    was known, in sample-time order, as a reference that sorts them afresh for every stride gives."""
    from cadence_coach.gait.engine import _SessionGrade
    from cadence_coach.gait.foot import DetectedStride
    from cadence_coach.gait.grade import STANDARD_PRESSURE_PA, GradeEstimator
    from cadence_coach.gait.strapdown import StrideTrajectory

    rng = np.random.default_rng(seed)
    grade, reference = _SessionGrade(feet=2), GradeEstimator(feet=2)
    readings = []  # (sensor, arrival, t, pa)
    for sensor in (0, 1):
        t = np.sort(rng.uniform(0, 60, 1500))
        arrival = t + rng.uniform(0.01, 0.05, t.size)
        late = rng.random(t.size) < 0.02
        arrival[late] += rng.uniform(0.05, 0.5, late.sum())  # packets that come after later ones
        pa = STANDARD_PRESSURE_PA - 12.0 * t + rng.normal(0, 3, t.size)
        pa[rng.random(t.size) < 0.7] = np.nan  # the barometer reads at a fraction of the IMU's rate
        cuts = np.sort(rng.choice(np.arange(1, t.size), 20, replace=False))
        for part in np.split(np.arange(t.size), cuts):
            grade.add_pressure(sensor, arrival[part], t[part], pa[part])
        readings += [(sensor, a, ti, p) for a, ti, p in zip(arrival, t, pa) if not np.isnan(p)]
    strides = sorted(rng.uniform(1, 60, 250))
    handed: set[int] = set()
    for k, known_at in enumerate(strides):
        traj = StrideTrajectory(np.array([1.2, 0.1, -0.03]), 0.7, known_at - 0.05, np.eye(3))
        grade.add_strides(k % 2, [DetectedStride(traj, known_at)])
        due = sorted((r[2], r[3], i) for i, r in enumerate(readings) if r[1] < known_at and i not in handed)
        handed.update(i for _, _, i in due)
        if due:
            reference.add_pressure(np.array([d[0] for d in due]), np.array([d[1] for d in due]))
        reference.add_stride(traj.t_end_s, traj.length_m, traj.rise_m)
        assert grade.grade_at(known_at + 1e-9) == reference.grade_pct
    assert reference.bias_pct != 0.0  # the barometer took part
