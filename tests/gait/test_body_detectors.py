"""Shank, trunk and head detectors on the simulator's body-worn sensors (sources/simulator/body.py)."""

from __future__ import annotations

import numpy as np
import pytest

from cadence_coach.datatypes import Placement, SampleBlock
from cadence_coach.gait import contact
from cadence_coach.gait.engine import GaitEngine
from cadence_coach.gait.loading import (
    CADENCE_STEPS,
    LOWPASS_HZ,
    MIN_STEP_S,
    MIN_WALK_STEP_S,
    REGULAR,
    RISE_TIME_CYCLES,
    AccStepDetector,
    cadence_from_step_times,
)
from cadence_coach.gait.step_period import BIN_S, EVAL_S, FIRST_S, StepPeriod, _step_lag
from cadence_coach.session.matching import match_events
from cadence_coach.sources.simulator import simulate
from cadence_coach.sources.simulator.body import body_session


@pytest.fixture(scope="module")
def run():
    return simulate("walk-run", 60, 3, rate_hz=200, feet="right", baro=False)


def feed(session, blocks):
    engine = GaitEngine([session.info])
    new, done = [], []
    for b in blocks:
        out = engine.feed(b)
        new.extend(out.new)
        done.extend(out.completed)
    return new, done


def regrouped(blocks, size):
    """The same samples cut into blocks of ``size`` (gaps kept where they were)."""
    out = []
    for b in blocks:
        for a in range(0, len(b), size):
            s = slice(a, a + size)
            out.append(
                SampleBlock(
                    0,
                    b.t[s],
                    acc=b.acc[s],
                    gyro=None if b.gyro is None else b.gyro[s],
                    t_arrival=float(b.t[s][-1]),
                    gap_before=b.gap_before and a == 0,
                )
            )
    return out


def joined(blocks):
    """Runs of blocks between gaps joined into one block each (arrival = each sample's time)."""
    runs, cur = [], []
    for b in blocks:
        if b.gap_before and cur:
            runs.append(cur)
            cur = []
        cur.append(b)
    runs.append(cur)
    out = []
    for i, r in enumerate(runs):
        t = np.concatenate([b.t for b in r])
        gyro = None if r[0].gyro is None else np.concatenate([b.gyro for b in r])
        out.append(
            SampleBlock(
                0,
                t,
                acc=np.concatenate([b.acc for b in r]),
                gyro=gyro,
                t_arrival=float(t[-1]),
                gap_before=i > 0,
                arrival=t.copy(),
            )
        )
    return out


@pytest.mark.parametrize(
    "placement,gyro",
    [(Placement.SHANK, True), (Placement.SHANK, False), (Placement.TRUNK, True), (Placement.HEAD, False)],
)
def test_same_events_whatever_the_block_sizes(run, placement, gyro):
    session = body_session(run, placement, seed=3, gyro=gyro, loss=0.003)
    one = regrouped(session.blocks, 1)
    _, by_one = feed(session, one)
    _, by_run = feed(session, joined(one))
    assert len(by_one) > 20
    assert [s.side for s in by_one] == [s.side for s in by_run]
    for field in ("t_ic_s", "t_to_s", "contact_s", "step_time_s", "impact_g", "trunk_pitch_deg"):
        a, b = ([getattr(s, field) for s in steps] for steps in (by_one, by_run))
        assert [x is None for x in a] == [x is None for x in b], field
        assert [x for x in a if x is not None] == pytest.approx([x for x in b if x is not None], rel=1e-9), (
            field
        )


def test_shank_gyroscope_gives_contact_toe_off_and_low_latency(run):
    session = body_session(run, Placement.SHANK, side=1, seed=3, gyro=True)
    new, done = feed(session, session.blocks)
    truth = [s for s in session.steps if 5.0 < s["t_ic_s"] < 58.0]
    mine = [s for s in done if 4.9 < s.t_ic_s < 58.0]
    m = match_events(np.array([s.t_ic_s for s in mine]), np.array([s["t_ic_s"] for s in truth]), 0.03)
    assert m.f1 > 0.97
    ic_err = [mine[d].t_ic_s - truth[k]["t_ic_s"] for d, k in zip(m.detected, m.true)]
    to_err = [mine[d].t_to_s - truth[k]["t_to_s"] for d, k in zip(m.detected, m.true) if mine[d].t_to_s]
    latency = [mine[d].detected_at_s - truth[k]["t_ic_s"] for d, k in zip(m.detected, m.true)]
    assert np.median(np.abs(ic_err)) < 0.010
    assert np.median(np.abs(to_err)) < 0.015
    assert np.median(latency) < 0.050  # emitted at contact, not a stride later
    assert all(s.side is session.info.side for s in mine)
    assert np.median([s.impact_g for s in mine if s.impact_g is not None]) > 2.0


def test_trunk_finds_every_step_its_side_and_running_contact():
    run = simulate("flat-easy", 60, 3, rate_hz=200, feet="right", baro=False)
    session = body_session(run, Placement.TRUNK, seed=3, gyro=False)
    _, done = feed(session, session.blocks)
    truth = [s for s in session.steps if 8.0 < s["t_ic_s"] < 58.0]
    mine = [s for s in done if 7.9 < s.t_ic_s < 58.0]
    m = match_events(np.array([s.t_ic_s for s in mine]), np.array([s["t_ic_s"] for s in truth]), 0.03)
    assert m.f1 > 0.95
    pairs = [(mine[d], truth[k]) for d, k in zip(m.detected, m.true)]
    sided = [(s.side.value == t["side"]) for s, t in pairs if s.side is not None]
    assert len(sided) > 0.7 * len(pairs) and np.mean(sided) > 0.95
    running = [
        abs(s.contact_s - t["contact_s"]) for s, t in pairs if not t["walking"] and s.contact_s is not None
    ]
    assert len(running) > 0.5 * sum(not t["walking"] for _, t in pairs)
    assert np.median(running) < 0.015


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_walk_never_paces_its_steps_by_a_period_shorter_than_a_walking_step(seed):
    """A period below MIN_WALK_STEP_S found without flight (a harmonic of the loading while a walk starts)
    neither shortens the refractory time nor makes steps overdue; running, or at a walking pace, it does."""
    rng = np.random.default_rng(seed)
    det = AccStepDetector(0, Placement.TRUNK)
    det.period.regularity = rng.uniform(REGULAR, 1.0)
    det.period.step_s = rng.uniform(MIN_STEP_S, MIN_WALK_STEP_S - 0.01)
    assert det._step_s() is None
    det.running = True
    assert det._step_s() == det.period.step_s
    det.running = False
    det.period.step_s = rng.uniform(MIN_WALK_STEP_S, 1.2)
    assert det._step_s() == det.period.step_s
    det.period.regularity = rng.uniform(0.0, REGULAR - 0.01)
    assert det._step_s() is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cadence_counts_a_missed_step_as_two_steps_of_the_pace(seed):
    """A missed detection (one step time twice the pace's) leaves the cadence at the pace, whether the
    usual step comes from the autocorrelation period or, unknown, from the step times themselves."""
    rng = np.random.default_rng(seed)
    step = rng.uniform(0.35, 1.0)
    times = list(step * rng.uniform(0.97, 1.03, CADENCE_STEPS))
    times[rng.integers(CADENCE_STEPS)] *= 2  # a missed step
    for period in (step, None):
        assert abs(cadence_from_step_times(times, period) - 60.0 / step) < 0.04 * 60.0 / step
    assert abs(60.0 * len(times) / sum(times) - 60.0 / step) > 0.15 * 60.0 / step  # not a plain rate


def _pelvis_bins(rng, seconds: float, swinging: bool) -> np.ndarray:
    """Binned (vertical, horizontal x3) accelerations, m/s^2, of a walk: a loading per step, a braking
    jump then a gradual push along a random fore-aft line, a sway every stride across it; ``swinging``:
    the fore-aft is a phone's, whose every step differs (random size and timing)."""
    step = rng.uniform(0.5, 0.65)
    t = np.arange(0.0, seconds, BIN_S)
    phase = (t / step) % 1.0
    if swinging:
        phase = (t / step + rng.uniform(0, 0.5, int(seconds / step) + 2)[(t / step).astype(int)]) % 1.0
    fore_aft = 3.0 * (1.0 - 2.0 * phase)  # up at once, then down gradually
    if swinging:
        fore_aft *= rng.uniform(0.2, 2.0, int(seconds / step) + 2)[(t / step).astype(int)]
    line = np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a), 0.0])
    across = np.array([-line[1], line[0], 0.0])
    sway = 1.5 * np.sin(np.pi * t / step)
    bins = np.zeros((t.size, 4))
    bins[:, 0] = 2.0 * np.cos(2 * np.pi * t / step) + rng.normal(0, 0.2, t.size)
    bins[:, 1:] = np.outer(fore_aft, line) + np.outer(sway, across) + rng.normal(0, 0.2, (t.size, 3))
    return bins


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_pelvis_fore_aft_axis_is_trusted_within_seconds_and_a_swinging_one_never(seed):
    """The first settled window of steady walking whose fore-aft repeats like the vertical trusts the
    axis (a walk's first steps then get the braking); a fore-aft that differs every step never is."""
    rng = np.random.default_rng(seed)
    for swinging in (False, True):
        period = StepPeriod()
        bins = _pelvis_bins(rng, 12.0, swinging)
        trusted_at = None
        for end in range(0, len(bins), round(EVAL_S / BIN_S)):
            period.add(bins[end : end + round(EVAL_S / BIN_S)])
            period.evaluate(learn_axis=True)
            if period.fore_aft_steady and trusted_at is None:
                trusted_at = (end + round(EVAL_S / BIN_S)) * BIN_S
        if swinging:
            assert trusted_at is None
        else:
            assert trusted_at is not None and trusted_at <= 2 * FIRST_S  # within eight steps


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_step_is_the_highest_peak_of_its_lobe_not_a_shoulder_of_it(seed):
    """A loading with several bumps (heel strike, foot flat) gives the step's autocorrelation lobe a
    shoulder peak a bump's spacing before the step; when it reaches half the stride's peak it is still
    not the step (a lower-back walker's 0.67 s step had been read as 0.56 s)."""
    rng = np.random.default_rng(seed)
    step = rng.uniform(0.5, 0.8)
    lags = np.arange(0, 2.4, BIN_S)

    def bump(at: float, height: float) -> np.ndarray:
        return height * np.exp(-0.5 * ((lags - at) / 0.025) ** 2)

    main, shoulder = rng.uniform(0.4, 0.5), rng.uniform(0.65, 0.75)  # shoulder: of the main peak
    spacing = rng.uniform(0.1, 0.14)
    acf = -0.45 * np.cos(np.pi * lags / step) ** 2 * (np.cos(2 * np.pi * lags / step) < 0)
    for n, height in ((1, main), (2, rng.uniform(1.25, 1.4) * main), (3, main)):
        acf = acf + bump(n * step, height)
        acf = (
            acf + bump(n * step - spacing, shoulder * main) + bump(n * step + spacing, 0.6 * shoulder * main)
        )
    acf[0] = 1.0
    found = _step_lag(acf)
    assert found is not None and not found[1]
    assert abs(found[0] * BIN_S - step) <= BIN_S


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_walking_contact_from_the_vertical_is_the_steepest_loading_not_the_climb_before_it(seed):
    """Without the fore-aft axis, contact is where the loading's steepest rise starts, at any sample
    rate: a climb onto the leading leg before it, even one more than half as steep, does not pull the
    contact back to the climb's start (the lower-back walkers' contacts had landed 80-110 ms early)."""
    rng = np.random.default_rng(seed)
    rate = rng.choice([100.0, 142.857, 200.0, 500.0, 1000.0])
    t = np.arange(0.0, 0.4, 1.0 / rate)
    strike, width, load = rng.uniform(0.25, 0.3), rng.uniform(0.006, 0.012), rng.uniform(3.0, 8.0)
    steepest = load / (4 * width)  # of the logistic loading, m/s^3, at the strike
    climb_s = rng.uniform(0.1, 0.2)
    x = load / (1 + np.exp(-(t - strike) / width))
    x += rng.uniform(0.55, 0.9) * steepest * np.clip(t - (strike - climb_s), 0.0, climb_s)
    span = max(1, round(RISE_TIME_CYCLES / LOWPASS_HZ * rate))
    found = contact.steepest_rise(t, x, span)
    assert abs(found + 0.5 * span / rate - strike) <= 0.5 * span / rate + 1.5 / rate
