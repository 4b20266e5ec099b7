"""The offline baseline detector (cadence_coach.evaluation.baseline) on synthetic bumps: any subset of
axes, any rate, uneven time bases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cadence_coach.evaluation.baseline import (
    OfflineStepDetector,
    detect_case,
    read_columns,
)
from cadence_coach.evaluation.real_cases import Case

STEP_S = 0.5


def _walk(
    rate_hz: float, duration_s: float = 30.0, jitter: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Times and a vertical acceleration with one bump per step (peak at the step times), m/s^2."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, duration_s, 1.0 / rate_hz)
    t = np.sort(t + rng.uniform(0, jitter / rate_hz, t.size))
    steps = np.arange(1.0, duration_s - 1.0, STEP_S)
    vertical = 9.81 + sum(6.0 * np.exp(-0.5 * ((t - s) / 0.04) ** 2) for s in steps)
    return t, vertical + rng.normal(0, 0.2, t.size)


@pytest.mark.parametrize("n_axes", [1, 2, 3])
@pytest.mark.parametrize(("rate_hz", "jitter"), [(50.0, 0.0), (100.0, 0.9), (500.0, 0.0)])
def test_one_detection_per_step_with_any_axes_and_rate(n_axes: int, rate_hz: float, jitter: float) -> None:
    t, vertical = _walk(rate_hz, jitter=jitter)
    split = np.column_stack([vertical / np.sqrt(n_axes)] * n_axes)  # the same norm over n axes
    steps = OfflineStepDetector().detect(t, split, one_leg=False)
    truth = np.arange(1.0, 29.0, STEP_S)
    assert abs(steps.t_ic_s.size - truth.size) <= 1
    nearest = np.abs(steps.t_ic_s[:, None] - truth[None, :]).min(axis=1)
    assert np.median(nearest) <= 0.06  # dated on the rise, a little before each peak
    assert np.nanmedian(steps.cadence_spm) == pytest.approx(120.0, abs=2.0)
    assert np.isnan(steps.detected_at_s).all()


def test_a_one_leg_sensor_reports_cadence_in_steps_per_minute() -> None:
    t, vertical = _walk(100.0)
    stride_only = np.where((np.round((t - 1.0) / STEP_S) % 2) == 0, vertical, 9.81)  # every other bump
    steps = OfflineStepDetector(lowpass_hz=15.0, rise_window_s=0.0).detect(
        t, stride_only[:, None], one_leg=True
    )
    assert np.nanmedian(steps.cadence_spm) == pytest.approx(120.0, abs=3.0)


def test_reads_the_axes_present_and_falls_back_to_the_gyroscope(tmp_path: Path) -> None:
    t, vertical = _walk(100.0, duration_s=10.0)
    acc = tmp_path / "acc.csv"
    np.savetxt(
        acc, np.column_stack([t, vertical, np.zeros_like(t)]), delimiter=",", header="t,az,ax", comments=""
    )
    tt, axes = read_columns(str(acc), None)
    assert axes.shape == (t.size, 2) and np.allclose(tt, t, atol=1e-6)
    gyro = tmp_path / "gyro.csv"
    np.savetxt(gyro, vertical[:, None], delimiter=",", header="gy", comments="")
    tt, axes = read_columns(str(gyro), 50.0)
    assert axes.shape == (t.size, 1) and tt[-1] == pytest.approx((t.size - 1) / 50.0)
    case = Case(
        name="acc",
        csv=acc,
        argv=("--placement", "trunk"),
        dataset="x",
        group="trunk/walk",
        activity="walk",
        windows=((0.0, 10.0),),
    )
    assert detect_case(case).t_ic_s.size >= 15
