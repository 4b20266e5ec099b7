import numpy as np
import pytest

from cadence_coach.streams.clock import ClockSync


def run_clock(offsets, delays, period=0.0025, frames=3):
    """Feed packets through a ClockSync; returns (sensor times, host times) of every sample."""
    clock = ClockSync()
    sensor_all, host_all = [], []
    for i, (off, delay) in enumerate(zip(offsets, delays)):
        sensor_t = (i * frames + np.arange(frames)) * period
        arrival = np.array([sensor_t[-1] + off + delay])
        sensor_all.append(sensor_t)
        host_all.append(clock.map(sensor_t[-1:], arrival, sensor_t))
    return np.concatenate(sensor_all), np.concatenate(host_all)


def test_recovers_the_offset_under_jittered_arrival():
    rng = np.random.default_rng(2)
    n = 4000
    delays = 0.002 + rng.exponential(0.006, n)
    sensor, host = run_clock(np.full(n, 5.0), delays)
    assert np.all(np.diff(host) > 0)
    tail = host[len(host) // 2 :] - sensor[len(sensor) // 2 :]
    assert tail == pytest.approx(5.0 + delays.min(), abs=0.002)


def test_a_step_in_offset_is_slewed_not_jumped():
    n = 4000
    offsets = np.where(np.arange(n) < 1000, 5.0, 4.9)  # host clock 100 ms earlier from packet 1000
    sensor, host = run_clock(offsets, np.full(n, 0.003))
    steps = np.diff(host) / np.diff(sensor)
    assert np.all(steps > 0)
    assert steps.min() > 1 - 0.05 - 1e-9 and steps.max() < 1 + 0.05 + 1e-9  # at most 5 % stretch
    assert host[-1] - sensor[-1] == pytest.approx(4.903, abs=1e-6)  # converged by the end
