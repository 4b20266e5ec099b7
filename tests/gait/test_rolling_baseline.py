"""Rolling figures and the flat-ground baseline."""

import pytest

from cadence_coach.datatypes import StepEvent
from cadence_coach.gait.baseline import CADENCE_PER_MPS, PersonalBaseline
from cadence_coach.gait.rolling import RollingFigures


def step(t, **fields):
    return StepEvent(t_ic_s=t, detected_at_s=t + 0.02, **fields)


def test_cadence_median_ignores_a_missed_step():
    r = RollingFigures(cadence_steps=8)
    for i in range(12):
        r.update(step(i * 0.35, cadence_spm=85.0 if i == 10 else 171.0))
    assert r.cadence_spm == 171.0


def test_cadence_falls_back_to_step_time():
    r = RollingFigures()
    r.update(step(0.0, step_time_s=0.4))
    assert r.cadence_spm == pytest.approx(150.0)


def test_figures_none_until_measured():
    r = RollingFigures()
    r.update(step(0.0, cadence_spm=170.0))
    assert r.speed_mps is None and r.stride_m is None and r.grade_pct is None and r.strike_angle_deg is None


def test_grade_is_held_then_dropped():
    r = RollingFigures(grade_hold_s=5.0)
    r.update(step(0.0, grade_pct=-6.0))
    r.update(step(4.0))
    assert r.grade_pct == -6.0
    r.update(step(5.5))
    assert r.grade_pct is None


def test_speed_change_over_window():
    r = RollingFigures(speed_strides=1)
    for i in range(31):
        r.update(step(float(i), speed_mps=3.0 + 0.01 * i))
    assert r.speed_change_pct(30.0) == pytest.approx(10.0)
    assert r.speed_change_pct(60.0) is None  # history shorter than the window


def feed_flat(b, n, speed, cadence, stride=None, grade=0.0):
    for i in range(n):
        b.update(step(i * 0.35, speed_mps=speed, cadence_spm=cadence, stride_m=stride, impact_g=8.0), grade)


def test_baseline_prior_until_enough_flat_steps():
    b = PersonalBaseline(min_flat_steps=60, prior_cadence_spm=165.0)
    feed_flat(b, 59, 3.0, 172.0)
    assert not b.ready and b.expected("cadence_spm") == 165.0 and b.expected("impact_g") is None
    feed_flat(b, 1, 3.0, 172.0)
    assert b.ready and b.expected("cadence_spm") == 172.0


def test_baseline_learns_only_on_flat_ground():
    b = PersonalBaseline(min_flat_steps=10)
    feed_flat(b, 50, 3.0, 150.0, grade=-4.0)
    feed_flat(b, 50, 3.0, 150.0, grade=None)
    assert not b.ready
    feed_flat(b, 20, 3.0, 170.0, grade=1.0)
    assert b.expected("cadence_spm", 3.0) == 170.0


def test_baseline_by_speed_interpolates_and_falls_back():
    b = PersonalBaseline(min_flat_steps=20, min_bin_steps=20)
    feed_flat(b, 40, 2.5, 160.0, stride=2.5 * 120 / 160)
    feed_flat(b, 40, 3.5, 176.0, stride=3.5 * 120 / 176)
    assert b.expected("cadence_spm", 3.0) == pytest.approx(168.0)  # median flat cadence at median speed
    slope = CADENCE_PER_MPS
    assert b.expected("cadence_spm", 4.5) == pytest.approx(168.0 + slope * 1.5)  # rises slowly with speed
    expected_cadence = 168.0 + slope * 1.2
    assert b.expected("stride_m", 4.2) == pytest.approx(
        4.2 * 120 / expected_cadence
    )  # stride = speed / cadence
    assert b.expected("cadence_spm", None) == pytest.approx(168.0)  # overall median
