"""The grade estimator: start-up, lag to a change, outliers, barometer fusion, honest uncertainty."""

import numpy as np
import pytest

from cadence_coach.gait.grade import STANDARD_PRESSURE_PA, GradeEstimator

STRIDE_M, STRIDE_S = 2.2, 0.7


def pressure(altitude_m):
    return STANDARD_PRESSURE_PA * (1 - altitude_m / 44330.0) ** 5.255


def run(est, grades_pct, noise_pct=0.0, bias_pct=0.0, baro_m=None, seed=1, t0=0.0, altitude=100.0):
    """One stride per entry of ``grades_pct`` (true grade, %); returns the reported grades, time, altitude."""
    rng = np.random.default_rng(seed)
    out, t = [], t0
    for g in grades_pct:
        t += STRIDE_S
        altitude += g / 100 * STRIDE_M
        if baro_m is not None:
            times = t - STRIDE_S + np.arange(1, 18) * STRIDE_S / 17
            noisy = altitude + baro_m * rng.standard_normal(times.size)
            est.add_pressure(times, pressure(noisy))
        measured = g + bias_pct + noise_pct * rng.standard_normal()
        est.add_stride(t, STRIDE_M, measured / 100 * STRIDE_M)
        out.append(est.grade_pct)
    return out, t, altitude


def test_nothing_reported_until_enough_strides_and_the_first_ones_are_left_out():
    est = GradeEstimator(feet=1, skip_strides=2, min_strides=2)
    est.add_stride(0.7, 1.9, -0.46)  # the start from standing: -24 %, a still instant that was not one
    assert est.grade_pct is None
    grades, _, _ = run(est, [0.0] * 6, t0=0.7)
    assert grades[0] is None and grades[1] is None  # second skipped stride, then one taken in
    assert all(g is not None and abs(g) < 0.1 for g in grades[3:])


def test_uncertainty_starts_wide_and_shrinks():
    est = GradeEstimator(feet=1, report_sd_pct=2.5)
    sds = []
    rng = np.random.default_rng(3)
    for k in range(40):
        est.add_stride(0.7 * (k + 1), STRIDE_M, 3.0 * rng.standard_normal() / 100 * STRIDE_M)
        sds.append(est.grade_sd_pct)
    known = [s for s in sds if s is not None]
    assert known[0] > 2.5 and known[-1] < 2.0  # then what the stride noise and grade changes allow
    assert est.stride_noise == pytest.approx(3.0, rel=0.35)  # measured from the strides' own scatter


def test_step_change_followed_within_a_few_strides():
    """One foot (a stride every 0.7 s): a clean -10 % step within two strides; with 3 pp of stride noise
    the filter trusts each stride less and takes longer (the old 10 s window: 7 and 13 strides)."""
    for noise, half_within, most_within in ((0.0, 2, 3), (3.0, 4, 12)):
        est = GradeEstimator(feet=1)
        run(est, [0.0] * 60, noise_pct=noise, seed=5)
        grades, _, _ = run(est, [-10.0] * 30, noise_pct=noise, seed=6)
        to_half = next(i for i, g in enumerate(grades) if g <= -5.0) + 1
        to_90 = next(i for i, g in enumerate(grades) if g <= -9.0) + 1
        assert to_half <= half_within and to_90 <= most_within, (noise, to_half, to_90)
        assert np.mean(grades[15:]) == pytest.approx(-10.0, abs=1.0)


def test_a_lone_outlier_stride_is_weighed_down():
    est = GradeEstimator(feet=1)
    run(est, [-5.0] * 40, noise_pct=1.0, seed=7)
    before = est.grade_pct
    est.add_stride(0.7 * 41, STRIDE_M, 0.25 * STRIDE_M)  # +25 %: a bad still instant
    assert abs(est.grade_pct - before) < 1.5


def test_barometer_takes_out_the_imu_bias_and_follows_without_lag():
    est = GradeEstimator(feet=1)
    _, t, alt = run(est, [0.0] * 100, noise_pct=3.0, bias_pct=3.0, baro_m=0.1, seed=8)
    assert est.bias_pct == pytest.approx(3.0, abs=0.7)
    assert est.grade_pct == pytest.approx(0.0, abs=1.0)
    grades, _, _ = run(est, [-8.0] * 30, noise_pct=3.0, bias_pct=3.0, baro_m=0.1, seed=9, t0=t, altitude=alt)
    assert next(i for i, g in enumerate(grades) if g <= -4.0) <= 2
    assert np.mean(grades[10:]) == pytest.approx(-8.0, abs=1.0)


def test_without_a_barometer_the_bias_stays_unknown():
    est = GradeEstimator(feet=1)
    grades, _, _ = run(est, [0.0] * 100, noise_pct=2.0, bias_pct=3.0, seed=10)
    assert est.bias_pct == 0.0 and np.mean(grades[20:]) == pytest.approx(3.0, abs=0.5)
