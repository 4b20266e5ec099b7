"""Rolling figures and the runner's baseline."""

import math

import pytest

from cadence_coach.datatypes import StepEvent
from cadence_coach.gait.baseline import (
    CADENCE_PER_MPS,
    PRIOR_CADENCE_AT_3MPS,
    PRIOR_CADENCE_SD,
    Learned,
    RunnerBaseline,
    SavedBaseline,
)
from cadence_coach.gait.rolling import RollingFigures


def step(t, **fields):
    return StepEvent(t_ic_s=t, detected_at_s=t + 0.02, **fields)


def test_cadence_median_ignores_a_missed_step():
    r = RollingFigures()
    for i in range(12):
        r.update(step(i * 0.35, cadence_spm=85.0 if i == 10 else 171.0))
    assert r.cadence_spm == 171.0


def test_medians_reach_back_in_time_so_one_foot_reacts_as_fast_as_two():
    """One foot's sensor gives one step event per stride; the median still turns within its window."""
    for period in (0.35, 0.7):  # both feet, one foot
        r = RollingFigures(cadence_s=2.5)
        t = 0.0
        while t < 20.0:
            r.update(step(t, cadence_spm=170.0))
            t += period
        start = t
        while r.cadence_spm != 150.0:
            r.update(step(t, cadence_spm=150.0))
            t += period
        assert t - start <= 2.5 + 1e-9  # within the window, however many steps it holds


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
    r = RollingFigures(speed_s=0.5, min_steps=1)
    for i in range(31):
        r.update(step(float(i), speed_mps=3.0 + 0.01 * i))
    assert r.speed_change_pct(30.0) == pytest.approx(10.0)
    assert r.speed_change_pct(60.0) is None  # history shorter than the window


def feed(b, n, speed=3.0, cadence=170.0, grade=0.0, start=0.0, **fields):
    for i in range(n):
        b.observe(step(start + i * 0.35, speed_mps=speed, cadence_spm=cadence, **fields), grade)
    return start + n * 0.35


def test_population_prior_before_any_step():
    b = RunnerBaseline()
    assert b.cadence(3.0) == pytest.approx((PRIOR_CADENCE_AT_3MPS, PRIOR_CADENCE_SD))
    assert b.cadence(4.0)[0] == pytest.approx(PRIOR_CADENCE_AT_3MPS + CADENCE_PER_MPS)
    assert b.stride_m(3.0) == pytest.approx(3.0 * 120 / PRIOR_CADENCE_AT_3MPS)
    assert b.cadence(None) is None  # without speed the prior says nothing
    assert RunnerBaseline(prior_steps=0).cadence(3.0) is None


def test_prior_gives_way_to_the_steps_of_this_session():
    b = RunnerBaseline(prior_steps=5, delay_s=3.0, window_steps=10**9)  # no fading here
    feed(b, 40, cadence=180.0)  # 40 steps over 14 s: those older than 3 s are learned
    n = b.steps_learned
    assert 25 <= n < 40
    value, spread = b.cadence(3.0)
    assert value == pytest.approx((5 * PRIOR_CADENCE_AT_3MPS + n * 180.0) / (5 + n))
    assert spread == pytest.approx(PRIOR_CADENCE_SD * math.sqrt(5 / (5 + n)))
    assert b.cadence(None)[0] == pytest.approx(180.0)  # speed-free figure: this session only


def test_cadence_learned_at_any_speed_along_the_population_slope():
    b = RunnerBaseline(prior_steps=0, delay_s=0.0)
    feed(b, 50, speed=4.0, cadence=180.0)
    assert b.cadence(4.0)[0] == pytest.approx(180.0)
    assert b.cadence(3.0)[0] == pytest.approx(180.0 - CADENCE_PER_MPS)


def test_steps_in_doubt_are_never_learned():
    b = RunnerBaseline(prior_steps=0, delay_s=3.0)
    t = feed(b, 30, cadence=170.0)
    before = b.steps_learned
    t = feed(b, 8, cadence=150.0, start=t)  # within the delay: pending
    b.forget_pending()
    feed(b, 30, cadence=170.0, start=t + 5.0)
    assert b.steps_learned > before
    assert b.cadence(3.0)[0] == pytest.approx(170.0)


def test_landing_figures_flat_and_recent():
    b = RunnerBaseline(delay_s=0.0, recent_steps=10)
    t = feed(b, 40, strike_angle_deg=3.0, impact_g=8.0)
    feed(b, 20, grade=-8.0, start=t, strike_angle_deg=9.0, impact_g=11.0)
    assert b.flat_strike_deg == pytest.approx(3.0) and b.flat_impact_g == pytest.approx(8.0)
    assert b.recent_strike_deg == pytest.approx(9.0) and b.recent_impact_g == pytest.approx(11.0)


def test_saved_baseline_counts_up_to_its_cap_and_session_reports_its_own():
    saved = SavedBaseline(cadence_at_3mps=Learned(175.0, 5000), flat_strike_deg=Learned(12.0, 50))
    b = RunnerBaseline(saved, prior_steps=5, saved_cap_steps=300, delay_s=0.0)
    assert b.cadence(3.0)[0] == pytest.approx((5 * 165.0 + 300 * 175.0) / 305)
    assert b.flat_strike_deg == pytest.approx(12.0)
    feed(b, 100, cadence=171.0, strike_angle_deg=4.0)
    own = b.session()
    assert own.cadence_at_3mps.value == pytest.approx(171.0) and own.cadence_at_3mps.steps == 100
    assert own.flat_strike_deg.value == pytest.approx(4.0)
    assert 4.0 < b.flat_strike_deg < 12.0
