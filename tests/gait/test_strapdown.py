"""Stride integration on simulated strides (gait/strapdown.py): gravity read at the still instant only,
the gyroscope's drift and clipped readings taken out, each checked against the simulator's true path."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY
from cadence_coach.gait.strapdown import integrate_stride, stance_gravity_force
from cadence_coach.sources.simulator import simulate
from cadence_coach.sources.simulator.simulation import true_signals

SEEDS = (3, 17, 29)


def _strides(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """Noise-free signals of a simulated run (times, specific force, rate, true positions) and its
    strides as (start, end, stance start) rows: from the middle of one still stretch to the next."""
    sim = simulate("flat-easy", 30.0, seed, rate_hz=400.0)
    t = sim.sensors[0].t
    true = true_signals(sim, 0, t)
    still = (np.linalg.norm(true.velocity, axis=1) < 1e-3) & (np.linalg.norm(true.gyro, axis=1) < 1e-3)
    change = np.diff(still.astype(np.int8))
    starts, ends = np.flatnonzero(change == 1) + 1, np.flatnonzero(change == -1) + 1
    stretches = [(a, int(ends[ends > a][0])) for a in starts if np.any(ends > a)]
    mids = [((a + b) // 2, a) for a, b in stretches if b - a > 4][2:]
    strides = [(m0, m1, s1) for (m0, _), (m1, s1) in zip(mids, mids[1:])]
    assert len(strides) > 10
    return t, true.acc, true.gyro, true.position, strides


@pytest.mark.parametrize("seed", SEEDS)
def test_gravity_is_read_where_the_foot_is_still(seed):
    """The window around a still instant runs into heel-off, where the foot turns slowly but moves the
    sensor hard: gravity read there stays within 0.15 degrees (0.26 % of grade) of the still readings' own."""
    t, acc, gyro, _, strides = _strides(seed)
    worst = 0.0
    for _, end, stance_start in strides:
        window = slice(max(stance_start - 40, 0), min(end + 80, len(t)))  # landing to past heel-off
        lo = window.start
        force = stance_gravity_force(t[window], acc[window], gyro[window], end - lo, 0, window.stop - lo)
        worst = max(
            worst, math.degrees(math.acos(min(1.0, force @ acc[end] / np.linalg.norm(force) / GRAVITY)))
        )
    assert worst < 0.15


@pytest.mark.parametrize("seed", SEEDS)
def test_gyroscope_bias_does_not_tilt_the_stride(seed):
    """A gyroscope bias of 1 deg/s per axis turns the level frame by up to a degree over a stride; read
    against gravity at the end, it moves the rise by under 0.1 % of the stride (the noise-free rise)."""
    t, acc, gyro, pos, strides = _strides(seed)
    bias = np.radians(1.0) * np.random.default_rng(seed).choice([-1.0, 1.0], 3)
    errors = []
    for start, end, _ in strides:
        rows = slice(start, end + 1)
        traj = integrate_stride(t[rows], acc[rows], gyro[rows] + bias, acc[start], acc[end])
        true = pos[end] - pos[start]
        errors.append((traj.rise_m - true[2]) / np.hypot(true[0], true[1]))
    assert abs(float(np.median(errors))) < 1e-3


@pytest.mark.parametrize("seed", SEEDS)
def test_clipped_readings_keep_the_rise(seed):
    """Readings clipped at 8 g (2-4 % of them: the push-off and early swing go past it for tens of ms)
    lose area; the end velocity says how much and the clipped rows say when: the rise stays within
    0.6 % of the stride (spreading that loss over the stride as a drift was off by 0.1-3.1 %)."""
    t, acc, gyro, pos, strides = _strides(seed)
    level = 8.0 * GRAVITY
    clipped = np.clip(acc, -level, level)
    assert np.mean(np.abs(acc) > level) > 0.01  # the test means something: readings were clipped
    errors = []
    for start, end, _ in strides:
        rows = slice(start, end + 1)
        traj = integrate_stride(t[rows], clipped[rows], gyro[rows], clipped[start], clipped[end])
        true = pos[end] - pos[start]
        errors.append((traj.rise_m - true[2]) / np.hypot(true[0], true[1]))
    assert abs(float(np.median(errors))) < 6e-3
