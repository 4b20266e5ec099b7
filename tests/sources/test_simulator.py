"""Simulated runner: kinematic consistency, ground truth, scenarios, determinism."""

import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from cadence_coach.datatypes import GRAVITY
from cadence_coach.errors import UserError
from cadence_coach.gait.strike import STRIKE_HEEL_DEG, strike_class
from cadence_coach.sources import simulator as sim_mod
from cadence_coach.sources.simulator import polynomials
from cadence_coach.sources.simulator.foot import INSTEP, FootTrajectory
from cadence_coach.sources.simulator.foot_phases import BALL_M, Stances, phase_durations
from cadence_coach.sources.simulator.runner import Runner, contact_time, toe_off_pitch


@pytest.fixture(scope="module")
def descent():
    return sim_mod.simulate("long-descent-overstride", 240, seed=5, rate_hz=400, feet="both")


@pytest.fixture(scope="module")
def steep():
    return sim_mod.simulate("steep-descent", 120, seed=2, rate_hz=1000, feet="right")


def steps_of(sim):
    return sim.truth["steps"]


def test_quintic_segments_match_their_end_states():
    rng = np.random.default_rng(0)
    ends = rng.normal(size=(7, 50))
    ends[6] = rng.uniform(0.05, 1.0, 50)
    c = polynomials.quintic_hermite(*ends)
    start = polynomials.evaluate(c, np.zeros(50))
    stop = polynomials.evaluate(c, ends[6])
    np.testing.assert_allclose(np.array(start), ends[0:3], atol=1e-9)
    np.testing.assert_allclose(np.array(stop), ends[3:6], atol=1e-6)


def test_minimum_jerk_chain_passes_its_knots_with_continuous_jerk():
    rng = np.random.default_rng(1)
    n = 20
    t = np.cumsum(rng.uniform(0.03, 0.2, (n, 4)), axis=1)
    p, v = rng.normal(size=(n, 4)), rng.normal(size=(n, 4))
    a0, a1 = rng.normal(size=n), rng.normal(size=n)
    segs = polynomials.minimum_jerk_chain(t, p, v, a0, a1)
    ends = []
    for s, c in enumerate(segs):
        T = t[:, s + 1] - t[:, s]
        start, stop = polynomials.evaluate(c, np.zeros(n)), polynomials.evaluate(c, T)
        np.testing.assert_allclose(start[:2], [p[:, s], v[:, s]], atol=1e-9)
        np.testing.assert_allclose(stop[:2], [p[:, s + 1], v[:, s + 1]], atol=1e-6)
        jerk = lambda tau: 6 * c[:, 3] + 24 * c[:, 4] * tau + 60 * c[:, 5] * tau**2  # noqa: E731
        ends.append((start[2], stop[2], jerk(0.0), jerk(T)))
    np.testing.assert_allclose(ends[0][0], a0, atol=1e-9)
    np.testing.assert_allclose(ends[-1][1], a1, atol=1e-6)
    for left, right in zip(ends[:-1], ends[1:]):
        np.testing.assert_allclose(left[1], right[0], atol=1e-6)  # acceleration
        np.testing.assert_allclose(left[3], right[2], rtol=1e-6, atol=1e-6)  # jerk


def test_integrating_the_signals_reproduces_the_trajectory(steep):
    """Noise-free gyro and accelerometer, integrated at 1000 Hz from the true state over one stride on
    a -12..-15 % grade, land within 2 cm and 0.5 degrees of the true trajectory."""
    steps = [s for s in steps_of(steep) if s["side"] == "right" and s["grade_pct"] < -11.0]
    s = steps[len(steps) // 2]
    t0 = s["t_ic_s"] + 0.45 * s["contact_s"]
    t = np.arange(t0, t0 + 2 * s["step_time_s"] + 0.05, 0.001)
    true = sim_mod.true_signals(steep, 0, t)
    rot = Rotation.from_matrix(true.rotation[0])
    v = true.velocity[0].copy()
    p = true.position[0].copy()
    g = np.array([0.0, 0.0, -GRAVITY])
    a_prev = rot.apply(true.acc[0]) + g
    dt = 0.001
    for k in range(1, t.size):
        rot = rot * Rotation.from_rotvec(0.5 * (true.gyro[k - 1] + true.gyro[k]) * dt)
        a = rot.apply(true.acc[k]) + g
        v_new = v + 0.5 * (a_prev + a) * dt
        p = p + 0.5 * (v + v_new) * dt
        v, a_prev = v_new, a
    assert np.linalg.norm(p - true.position[-1]) < 0.02
    angle = (rot.inv() * Rotation.from_matrix(true.rotation[-1])).magnitude()
    assert math.degrees(angle) < 0.5
    # The stride really went somewhere: about one stride length forward and down the slope.
    travel = true.position[-1] - true.position[0]
    assert travel[0] > 1.5 and travel[2] < -0.1


def test_cadence_agrees_with_contact_times_and_sides_alternate(descent):
    steps = steps_of(descent)
    t = np.array([s["t_ic_s"] for s in steps])
    step_time = np.array([s["step_time_s"] for s in steps])
    cadence = np.array([s["cadence_spm"] for s in steps])
    sides = [s["side"] for s in steps]
    assert np.all(np.diff(t) > 0)
    np.testing.assert_allclose(step_time[1:], np.diff(t), atol=2e-6)
    np.testing.assert_allclose(cadence, 60.0 / step_time, rtol=1e-5)
    assert all(a != b for a, b in zip(sides, sides[1:]))
    assert 150 < np.median(cadence) < 185


def test_strike_angle_in_truth_is_foot_pitch_relative_to_ground(descent):
    for s in steps_of(descent):
        side = 0 if s["side"] == "left" else 1
        pitch = descent.feet[side].motion(np.array([s["t_ic_s"]]), np.zeros(3)).pitch[0]
        slope = math.atan(descent.course.slope_at(s["distance_m"]))
        assert math.degrees(pitch - slope) == pytest.approx(s["strike_angle_deg"], abs=1e-3)
        assert s["strike"] == strike_class(s["strike_angle_deg"]).value


def test_foot_is_stationary_for_part_of_every_stance(descent):
    for s in steps_of(descent)[::7]:
        side = 0 if s["side"] == "left" else 1
        t = np.linspace(s["t_ic_s"], s["t_to_s"], 200)
        speed = np.linalg.norm(descent.feet[side].motion(t, np.array([0.13, 0.0, 0.07])).vel, axis=1)
        still = speed < 0.02
        assert still.mean() > 0.25, s
        assert speed.max() > 0.3  # the foot does move during contact (roll and push-off)


def test_swing_gyro_and_impacts_are_realistic(descent):
    t = descent.sensors[1].t
    true = sim_mod.true_signals(descent, 1, t[(t > 30) & (t < 60)])
    peak_dps = np.degrees(np.linalg.norm(true.gyro, axis=1).max())
    assert 400 < peak_dps < 1500
    steps = steps_of(descent)
    normal = [s["impact_g"] for s in steps if not s["overstride"] and s["t_ic_s"] > 10]
    over = [s["impact_g"] for s in steps if s["overstride"]]
    assert 5 < np.median(normal) < 16
    assert np.median(over) > 1.2 * np.median(normal)


def test_overstride_episode_on_the_descent(descent):
    steps = steps_of(descent)
    episodes = descent.truth["episodes"]
    assert len(episodes) == 1
    ep = episodes[0]
    inside = [s for s in steps if ep["t_start_s"] <= s["t_ic_s"] <= ep["t_end_s"]]
    assert all(s["overstride"] and s["episode"] == ep["id"] for s in inside)
    assert all(s["grade_pct"] <= -5.9 for s in inside)
    runner = descent.runner
    ratio = [s["cadence_spm"] / runner.flat_cadence(s["speed_mps"], False) for s in inside]
    assert 0.86 < np.median(ratio) < 0.96
    assert np.median([s["strike_angle_deg"] for s in inside]) > 12
    descending = [s for s in steps if s["grade_pct"] < -5.9 and not s["overstride"]]
    stride_in = np.median([s["stride_m"] / s["speed_mps"] for s in inside])
    stride_out = np.median([s["stride_m"] / s["speed_mps"] for s in descending])
    assert stride_in > 1.04 * stride_out  # longer stride time: fewer, longer strides


@pytest.mark.parametrize(
    "scenario, low, high",
    [
        ("flat-easy", (0.0, 0.0), (0.0, 0.0)),
        ("rolling-hills", (-6.0, -2.0), (2.0, 6.0)),
        ("long-descent-overstride", (-10.0, -6.0), (0.0, 0.0)),
        ("steep-descent", (-15.0, -12.0), (0.0, 0.0)),
        ("walk-run", (-6.0, -4.0), (7.0, 10.0)),
    ],
)
def test_scenario_grades(scenario, low, high):
    sim = sim_mod.simulate(scenario, 200, seed=11, rate_hz=100)
    grade = np.array(sim.truth["grade"])
    assert low[0] - 1e-6 <= grade[:, 2].min() <= low[1] + 1e-6
    assert high[0] - 1e-6 <= grade[:, 2].max() <= high[1] + 1e-6
    # The extreme grade is held, not just touched, and altitude follows the grade.
    assert np.mean(grade[:, 2] <= grade[:, 2].min() + 0.01) > 0.1 or scenario in (
        "flat-easy",
        "rolling-hills",
    )
    dist, alt = grade[:, 1], grade[:, 3]
    moved = np.diff(dist) > 1
    slope = np.diff(alt)[moved] / np.diff(dist)[moved] * 100
    mid = 0.5 * (grade[1:, 2] + grade[:-1, 2])[moved]
    assert np.median(np.abs(slope - mid)) < 0.5


def test_walk_segment_has_double_support():
    sim = sim_mod.simulate("walk-run", 200, seed=4, rate_hz=100)
    walk = [s for s in sim.truth["steps"] if s["activity"] == "walk"]
    run = [s for s in sim.truth["steps"] if s["activity"] == "run" and s["t_ic_s"] > 10]
    assert len(walk) > 20 and len(run) > 100
    assert all(s["contact_s"] > s["step_time_s"] and s["flight_s"] == 0 for s in walk)
    assert all(s["flight_s"] > 0 for s in run)
    assert np.median([s["cadence_spm"] for s in walk]) < 130
    assert all(s["strike"] == "heel" for s in walk if s["strike_angle_deg"] > STRIKE_HEEL_DEG)


def test_same_seed_same_files_other_seed_differs(tmp_path):
    a = sim_mod.simulate("rolling-hills", 30, seed=9, rate_hz=200, feet="both")
    b = sim_mod.simulate("rolling-hills", 30, seed=9, rate_hz=200, feet="both")
    c = sim_mod.simulate("rolling-hills", 30, seed=10, rate_hz=200, feet="both")
    paths = [tmp_path / f"{n}.ccrec" for n in "abc"]
    for s, p in zip((a, b, c), paths):
        sim_mod.write(s, p)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert sim_mod.truth_path(paths[0]).read_bytes() == sim_mod.truth_path(paths[1]).read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_samples_do_not_depend_on_how_they_are_cut(descent):
    whole = descent.samples(0, 70000, 70100)
    parts = [descent.samples(0, 70000, 70037), descent.samples(0, 70037, 70100)]
    np.testing.assert_array_equal(whole.acc, np.concatenate([p.acc for p in parts]))
    np.testing.assert_array_equal(whole.gyro, np.concatenate([p.gyro for p in parts]))


def test_sensor_model_noise_bias_and_clipping():
    sim = sim_mod.simulate(
        "long-descent-overstride", 240, seed=3, rate_hz=400, acc_range_g=16, gyro_range_dps=2000
    )
    s = sim.sensors[0]
    measured = sim.samples(0)
    ideal_acc, ideal_gyro = s.imu.ideal(sim.feet[s.side], measured.t)
    calm = (measured.t > 0.5) & (measured.t < 2.5)  # standing still before the start
    err = measured.gyro[calm] - ideal_gyro[calm]
    np.testing.assert_allclose(
        err.mean(axis=0), s.imu.gyro_bias, atol=3 * s.imu.gyro_noise / math.sqrt(calm.sum()) + 1e-4
    )
    assert err.std(axis=0) == pytest.approx(np.full(3, s.imu.gyro_noise), rel=0.15)
    np.testing.assert_allclose(np.linalg.norm(ideal_acc[calm], axis=1), GRAVITY, atol=1e-6)
    over = np.abs(ideal_acc) > 16 * GRAVITY + 1.0  # overstriding heel strikes exceed +-16 g
    assert over.any()
    np.testing.assert_allclose(np.abs(measured.acc[over]), 16 * GRAVITY)
    assert np.abs(measured.acc).max() <= 16 * GRAVITY


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scenario": "nope"},
        {"duration_s": 0.0},
        {"duration_s": 1e9},
        {"rate_hz": 20.0},
        {"feet": "three"},
        {"interval_ms": 100.0},
        {"loss": 2.0},
        {"acc_range_g": 8},
    ],
)
def test_bad_arguments_raise_user_error(kwargs):
    args = {"scenario": "flat-easy", "duration_s": 60.0, "seed": 1} | kwargs
    with pytest.raises(UserError):
        sim_mod.simulate(**args)


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(UserError) as info:
        sim_mod.simulate("marathon", 60, 1)
    for name in sim_mod.scenario_names():
        assert name in str(info.value)


def test_phase_durations_leave_a_stationary_stance():
    contact = np.array([0.2, 0.3, 0.7])
    roll, push = phase_durations(contact, np.array([20.0, -8.0, 20.0]), np.array([False, False, True]))
    assert np.all(contact - roll - push >= 0.2 * contact)


def landing_foot(strike_deg: float, speed: float = 3.0) -> FootTrajectory:
    """One foot on flat ground: standing start, then three equal running stances with this strike."""
    runner = Runner()
    step = 60.0 / runner.flat_cadence(speed, False)
    contact = contact_time(speed, step, 0.0, False)
    forward, down = runner.landing_velocity(speed, 0.0, strike_deg, False)
    stop = runner.stop_time(math.hypot(forward, down), strike_deg, False)
    k = np.arange(4)
    first = k == 0
    stances = Stances(
        t_ic_s=np.where(first, -1.0, 2 * step - contact + (k - 1) * 2 * step),
        contact_s=np.where(first, 1.0, contact),
        strike_deg=np.where(first, 0.0, strike_deg),
        toe_off_deg=np.full(4, toe_off_pitch(speed, False)),
        heel_x_m=2 * step * speed * k,
        heel_z_m=np.zeros(4),
        slope_rad=np.zeros(4),
        landing_forward_mps=np.where(first, 0.0, forward),
        landing_down_mps=np.where(first, 0.0, down),
        stop_s=np.full(4, stop),
        speed_mps=np.full(4, speed),
        walking=np.zeros(4, dtype=bool),
    )
    return FootTrajectory(stances, np.zeros_like, np.zeros_like, 0.1)


@pytest.mark.parametrize("strike_deg", [15.0, -8.0])
def test_landing_is_a_sharp_break_after_a_smooth_terminal_swing(strike_deg):
    """At 1000 Hz (samples on the contact instant), the acceleration's second difference stays below
    0.1 g through terminal swing (no kink: a jerk jump of 100 g/s would show as 0.1 g) and exceeds 3 g
    within 3 ms after contact, for heel and forefoot."""
    foot = landing_foot(strike_deg)
    st = foot.stances
    t_ic = st.t_ic_s[2]
    t_to = st.t_ic_s[1] + st.contact_s[1]
    before = int(0.3 * (t_ic - t_to) / 0.001)
    t = t_ic + np.arange(-before, 4) * 0.001
    motion = foot.motion(t, INSTEP)
    a = motion.acc
    jerk = np.linalg.norm(a[2:] - 2 * a[1:-1] + a[:-2], axis=1) / GRAVITY
    ends = t[2:]
    assert jerk[ends < t_ic].max() < 0.1
    assert jerk[(ends > t_ic) & (ends <= t_ic + 0.003)].max() > 3.0
    # Just before contact the contact point still moves forward and down; it is at rest once stopped.
    contact_point = np.array([0.0 if strike_deg > 0 else BALL_M, 0.0, 0.0])
    v_ic = foot.motion(np.array([t_ic - 1e-6, t_ic + st.stop_s[2] + 0.001]), contact_point).vel
    assert v_ic[0, 0] > 0.05 and v_ic[0, 2] < -0.2
    assert np.linalg.norm(v_ic[1]) < 0.05
    # The pitch rate is zero at contact; then heel strikes roll toes down, forefoot strikes toes up.
    after = foot.motion(np.array([t_ic, t_ic + 0.02]), np.zeros(3)).pitch_rate
    assert abs(after[0]) < 1e-6
    assert np.sign(after[1]) == -np.sign(strike_deg)


def test_harder_landings_stop_sooner_and_peak_higher():
    runner = Runner()
    soft = runner.landing_velocity(3.0, 0.0, 3.0, False)
    hard = runner.landing_velocity(3.6, -8.0, 16.0, False)
    assert hard[0] > 2 * soft[0] and hard[1] > 1.5 * soft[1]
    soft_stop = runner.stop_time(math.hypot(*soft), 3.0, False)
    hard_stop = runner.stop_time(math.hypot(*hard), 16.0, False)
    assert hard_stop < soft_stop
    assert 0.005 < hard_stop and soft_stop < 0.015
