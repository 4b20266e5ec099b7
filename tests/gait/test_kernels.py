"""The compiled gait kernels agree with the plain numpy statement of what they compute."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY
from cadence_coach.gait import kernels
from cadence_coach.gait.strapdown import integrate_stride, tilt_rotation

STILL = (1.5**2, (0.7 * GRAVITY) ** 2, (1.3 * GRAVITY) ** 2)


@pytest.fixture
def signals():
    rng = np.random.default_rng(7)
    n = 400
    acc = rng.normal(0.0, 2.0, (n, 3)) + [0.0, 0.0, GRAVITY]
    gyro = rng.normal(0.0, 1.2, (n, 3))
    gyro[100:160] *= 0.1  # a quiet stretch
    acc[100:160] = [0.3, -0.2, GRAVITY]
    t = np.cumsum(rng.uniform(0.004, 0.006, n))
    return t, acc, gyro


def still_now(acc, gyro):
    g2 = (gyro**2).sum(axis=1)
    a2 = (acc**2).sum(axis=1)
    return (g2 < STILL[0]) & (a2 > STILL[1]) & (a2 < STILL[2])


def test_first_still_is_the_end_of_the_first_long_enough_still_run(signals):
    _, acc, gyro = signals
    ok = still_now(acc, gyro)
    for start, run in ((0, 1), (0, 4), (120, 4), (150, 20), (170, 4)):
        expected = next(
            (i for i in range(start, len(ok)) if ok[max(0, i - run + 1) : i + 1].all() and i - run + 1 >= 0),
            -1,
        )
        assert kernels.first_still(acc, gyro, start, len(ok), run, *STILL) == expected


def test_rate_searches_match_numpy(signals):
    _, _, gyro = signals
    axis = np.array([0.0, 0.6, 0.8])
    rate = gyro @ axis
    assert kernels.first_rate_beyond(gyro, axis, 10, 400, 1.0, 1.0) == 10 + int(np.argmax(rate[10:] > 1.0))
    assert kernels.first_rate_beyond(gyro, axis, 10, 400, 1.0, -1.0) == 10 + int(np.argmax(rate[10:] < -1.0))
    assert kernels.first_rate_beyond(gyro, axis, 0, 400, 99.0, 1.0) == -1
    assert kernels.argmax_rate(gyro, axis, 30, 90) == 30 + int(np.argmax(rate[30:90]))
    assert kernels.argmax_rate(gyro, axis, 30, 30) == -1
    row, low = kernels.terminal_swing_start(gyro, axis, 0, 400, 0.0, 0.25, 0)
    running_low = np.minimum.accumulate(np.minimum(rate, 0.0))
    assert row == int(np.argmax(rate > 0.25 * running_low))
    assert low == pytest.approx(running_low[row])
    later, low = kernels.terminal_swing_start(gyro, axis, 0, 400, 0.0, 0.25, row + 5)
    assert later == row + 5 + int(np.argmax(rate[row + 5 :] > 0.25 * running_low[row + 5 :]))
    assert low == pytest.approx(running_low[later])


def test_first_trend_break_and_running_max(signals):
    rng = np.random.default_rng(3)
    jerk = rng.uniform(0.0, 1.0, 300)
    jerk[200] = 10.0
    hit, before, overall = kernels.first_trend_break(jerk, 5, 300, 3.0, 1.8, 0.5)
    assert hit == 200
    assert before == pytest.approx(max(0.5, jerk[5:200].max()))
    assert overall == pytest.approx(10.0)
    assert kernels.first_trend_break(jerk, 5, 150, 3.0, 1.8, 0.5)[0] == -1


def test_stance_kernels_match_numpy(signals):
    t, acc, gyro = signals
    g2 = (gyro**2).sum(axis=1)
    row, value = kernels.quietest(acc, gyro, 50, 250, -1.0, math.inf)
    assert row == 50 + int(np.argmin(g2[50:250])) and value == pytest.approx(g2[row])
    axis = np.array([1.0, 0.0, 0.0])
    assert kernels.rotation_between(t, gyro, axis, 20, 80) == pytest.approx(
        np.trapezoid(gyro[20:80, 0], t[20:80])
    )
    assert kernels.peak_norm(acc, 0, 400) == pytest.approx(np.linalg.norm(acc, axis=1).max())


def test_still_force_takes_the_stationary_rows_around_the_quietest():
    """Gravity grows from the quietest row over the rows that agree with it: not the landing before
    nor heel-off after (the rate there still small, the force already off by 0.5 m/s^2 a row); and if
    the quietest row sits in a vibration that does not turn the foot, the longest still stretch wins."""
    rng = np.random.default_rng(7)
    acc = np.tile([1.0, -2.0, 9.5], (60, 1)) + rng.normal(0.0, 0.02, (60, 3))
    gyro = rng.normal(0.0, 0.02, (60, 3))
    acc[:12] += [4.0, 0.0, 6.0]  # landing
    acc[40:] += np.outer(np.arange(1, 21) * 0.5, [1.0, 0.0, 0.3])  # heel-off: force departs ...
    gyro[40:, 1] += np.arange(1, 21) * 0.01  # ... while the rate stays small
    force, lo, hi = kernels.still_force(acc, gyro, 25, 0, 60, 0.25, 0.04)
    assert (lo, hi) == (12, 40) and np.allclose(force, acc[12:40].mean(axis=0))
    force, lo, hi = kernels.still_force(acc, gyro, 25, 20, 30, 0.25, 0.04)  # within [start, stop) only
    assert (lo, hi) == (20, 30) and np.allclose(force, acc[20:30].mean(axis=0))
    acc[12:18] += np.outer(np.cos(np.arange(6) * 2.0), [0.0, 0.0, 2.0])  # ringing after the landing
    force, lo, hi = kernels.still_force(acc, gyro, 14, 0, 60, 0.25, 0.04)
    assert (lo, hi) == (18, 40) and np.allclose(force, acc[18:40].mean(axis=0))


def test_trend_breaks_are_second_differences_across_blocks(signals):
    _, acc, _ = signals
    d2 = acc[2:] - 2 * acc[1:-1] + acc[:-2]
    whole = kernels.trend_breaks(acc[:0], acc)
    assert whole[0] == whole[1] == 0.0 and np.allclose(whole[2:], np.linalg.norm(d2, axis=1))
    split = np.concatenate(
        [
            kernels.trend_breaks(acc[:0], acc[:1]),
            kernels.trend_breaks(acc[:1], acc[1:2]),
            kernels.trend_breaks(acc[:2], acc[2:7]),
            kernels.trend_breaks(acc[5:7], acc[7:]),
        ]
    )
    assert np.allclose(split, whole)


def rotate(theta, v):
    """Rodrigues rotation of v by the rotation vector theta (the textbook formula)."""
    angle = np.linalg.norm(theta)
    if angle < 1e-12:
        return v
    k = theta / angle
    return v * math.cos(angle) + np.cross(k, v) * math.sin(angle) + k * (k @ v) * (1 - math.cos(angle))


def test_stride_integration_matches_the_step_by_step_definition(signals):
    t, acc, gyro = signals
    t, acc, gyro = t[:250], acc[:250], gyro[:250] * 0.5
    force = np.array([0.4, -0.3, GRAVITY])
    tilt = tilt_rotation(force)
    theta = np.zeros(3)
    level = []
    for i in range(len(t)):
        if i:
            theta = theta + 0.5 * (gyro[i] + gyro[i - 1]) * (t[i] - t[i - 1])
        level.append(tilt @ rotate(theta, acc[i]) - [0, 0, GRAVITY])
    level = np.array(level)
    dt = np.diff(t)
    vel = np.vstack([np.zeros(3), np.cumsum(0.5 * (level[1:] + level[:-1]) * dt[:, None], axis=0)])
    vel -= np.outer((t - t[0]) / (t[-1] - t[0]), vel[-1])
    pos = np.sum(0.5 * (vel[1:] + vel[:-1]) * dt[:, None], axis=0)
    traj = integrate_stride(t, acc, gyro, force, acc[-1])
    assert np.allclose(traj.displacement, pos, atol=1e-9)
    assert traj.duration_s == pytest.approx(t[-1] - t[0])


def test_a_stride_that_does_not_end_still_has_no_rise():
    """A foot still at both ends keeps its rise; one still turning at an end (taken for still too early)
    has an unknown rise but keeps its length."""
    t = np.arange(0.0, 0.7, 0.01)
    acc = np.tile([0.0, 0.0, GRAVITY], (t.size, 1))
    acc[20:30, 0], acc[40:50, 0] = 5.0, -5.0  # forward and stop again
    gyro = np.zeros((t.size, 3))
    still = integrate_stride(t, acc, gyro, acc[0], acc[-1])
    assert still.ends_still and still.rise_m == pytest.approx(0.0, abs=1e-9)
    assert still.length_m == pytest.approx(0.1, rel=0.1)  # 0.1 s up to 0.5 m/s, 0.1 s at it, 0.1 s down
    gyro[-1, 1] = 1.0
    rolling = integrate_stride(t, acc, gyro, acc[0], acc[-1])
    assert not rolling.ends_still and math.isnan(rolling.rise_m)
    assert rolling.length_m == pytest.approx(still.length_m, rel=0.01)


def test_rate_jump_counts_only_with_a_jolt_in_the_acceleration():
    gyro = np.zeros((20, 3))
    gyro[5:, 1] = 4.0  # a 4 rad/s jump at row 5 ...
    gyro[12:, 1] = 9.0  # ... and a 5 rad/s jump at row 12
    axis = np.array([0.0, 1.0, 0.0])
    jerk = np.zeros(20)
    assert kernels.first_rate_jump(gyro, axis, jerk, 0, 20, 3.0, 0.0) == -1  # no jerk above 0
    jerk[11] = 15.0  # the acceleration jolted just before the second jump
    assert kernels.first_rate_jump(gyro, axis, jerk, 0, 20, 3.0, 10.0) == 12
    jerk[5] = 15.0
    assert kernels.first_rate_jump(gyro, axis, jerk, 0, 20, 3.0, 10.0) == 5
    assert kernels.first_rate_jump(gyro, axis, jerk, 0, 20, 4.5, 10.0) == 12
