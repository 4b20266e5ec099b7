"""The foot detector's parts on their own: strike classes, impact threshold, pitch axis, held output."""

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY, SampleBlock, StepEvent, StrikeClass
from cadence_coach.gait.foot import DetectedStride, FootOutput
from cadence_coach.gait.foot.gaps import RepeatFilter
from cadence_coach.gait.foot.impact import ImpactThreshold
from cadence_coach.gait.foot.pitch_axis import AxisVerdict, PitchAxis
from cadence_coach.gait.foot.steps import StrideClock
from cadence_coach.gait.foot.swings import SWING_FLOOR, SWING_FRACTION, SWINGS, SwingMemory
from cadence_coach.gait.history import SampleHistory
from cadence_coach.gait.strapdown import StrideTrajectory
from cadence_coach.gait.strike import STRIKE_FORE_DEG, STRIKE_HEEL_DEG, StrikeClassifier, strike_class


def test_strike_class_limits():
    assert strike_class(STRIKE_HEEL_DEG + 0.01) is StrikeClass.HEEL
    assert strike_class(STRIKE_HEEL_DEG) is StrikeClass.MID
    assert strike_class(STRIKE_FORE_DEG) is StrikeClass.MID
    assert strike_class(STRIKE_FORE_DEG - 0.01) is StrikeClass.FORE


def test_strike_classifier_holds_a_class_within_the_hysteresis_band():
    c = StrikeClassifier(hysteresis_deg=4.0)
    assert c.classify(7.0) is StrikeClass.MID  # no previous class: the plain limit
    assert c.classify(9.9) is StrikeClass.MID  # from mid, heel needs 8 + 2
    assert c.classify(10.1) is StrikeClass.HEEL
    assert c.classify(6.1) is StrikeClass.HEEL  # from heel, mid needs under 8 - 2
    assert c.classify(5.9) is StrikeClass.MID
    assert c.classify(-3.7) is StrikeClass.FORE
    assert c.classify(0.3) is StrikeClass.FORE  # from fore, mid needs over -1.6 + 2
    c.reset()
    assert c.classify(0.3) is StrikeClass.MID


def test_impact_threshold_learns_a_clamped_fraction_of_the_median_landing():
    th = ImpactThreshold(min_g=1.0, max_g=20.0, fraction=0.2, landings=3, learned_min_rate_hz=150.0)
    fast, slow = 1 / 200, 1 / 100
    assert th.threshold(fast) == pytest.approx(GRAVITY)
    th.learn(100.0)
    assert th.threshold(fast) == pytest.approx(20.0)
    assert th.threshold(slow) == pytest.approx(GRAVITY)  # below 150 Hz the learned value is not used
    th.learn(10_000.0)
    assert th.threshold(fast) == pytest.approx(20.0 * GRAVITY)  # clamped
    th.learn(10.0)
    th.learn(20.0)  # the first landing (100) is forgotten: median of 10000, 10, 20
    assert th.threshold(fast) == pytest.approx(GRAVITY)  # 0.2 * 20 = 4, raised to the 1 g floor


@pytest.mark.parametrize("seed", range(5))
def test_a_soft_swing_is_a_step_when_it_reaches_a_fraction_of_the_wearers_own(seed):
    rng = np.random.default_rng(seed)
    memory = SwingMemory()
    assert not memory.step_sized(20.0)  # no swing seen yet: nothing to judge against
    typical = rng.uniform(5.0, 15.0)
    for peak in typical * rng.uniform(0.8, 1.2, SWINGS):
        memory.learn(float(peak))
    median = memory.median()
    assert memory.step_sized(1.05 * SWING_FRACTION * median)
    assert not memory.step_sized(0.95 * SWING_FRACTION * median)
    for _ in range(SWINGS):  # a slow shuffler: the floor still keeps a standing foot's sway out
        memory.learn(2.0)
    assert not memory.step_sized(0.95 * SWING_FLOOR)
    assert memory.step_sized(1.05 * SWING_FLOOR)


def swinging_history(axis: np.ndarray, rate_hz: float = 100.0, seconds: float = 3.0) -> SampleHistory:
    """A foot rotating about ``axis`` only: toes-down at up to 8 rad/s, toes-up at up to 4."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    phase = (t % 1.0) * 2 * np.pi
    w = np.where(np.sin(phase) > 0, 8.0, 4.0) * np.sin(phase)
    h = SampleHistory(1000)
    acc = np.tile([0.0, 0.0, GRAVITY], (t.size, 1))
    h.append(SampleBlock(sensor=0, t=t, acc=acc, gyro=w[:, None] * axis, t_arrival=0.0, arrival=t + 0.01))
    return h


def stride(dx: float, dy: float = 0.0) -> StrideTrajectory:
    return StrideTrajectory(np.array([dx, dy, 0.0]), 1.0, 1.0, np.eye(3))


def test_pitch_axis_found_on_probation_and_a_backward_stride_asks_for_a_reread():
    lateral = np.array([0.6, 0.8, 0.0])  # level: gravity at rest is along z
    h = swinging_history(lateral)
    p = PitchAxis(boot_s=2.0)
    assert p.find(h, 0.01)
    assert p.on_probation
    assert float(p.axis @ lateral) == pytest.approx(1.0)  # the larger excursion is toes-down
    level = p.axis  # the stride starts level (identity tilt)
    ahead = stride(level[1], -level[0])  # the displacement with the axis on its left
    behind = stride(-level[1], level[0])
    assert p.judge(behind, h, 150) is AxisVerdict.REREAD
    assert p.on_probation
    assert p.judge(ahead, h, 150) is AxisVerdict.AGREES
    assert not p.on_probation
    assert p.probation_end_s == pytest.approx(1.51)  # arrival of the sample that confirmed it


def test_pitch_axis_flips_when_most_recent_strides_go_backwards():
    p = PitchAxis(vote_strides=5, flip_votes=3)
    p.axis = np.array([0.0, 1.0, 0.0])
    h = swinging_history(p.axis)
    ahead, behind = stride(1.0), stride(-1.0)
    assert p.judge(stride(0.1), h, 0) is AxisVerdict.AGREES  # too short to tell
    assert [p.judge(s, h, 0) for s in (behind, ahead, behind, behind)] == [
        AxisVerdict.SKIP,
        AxisVerdict.AGREES,
        AxisVerdict.SKIP,
        AxisVerdict.FLIP,
    ]
    p.flip()
    assert p.axis[1] == -1.0
    assert p.judge(stride(-1.0), h, 0) is AxisVerdict.AGREES  # the vote starts again


def test_held_output_is_handed_on_dated_no_earlier_than_the_end_of_probation():
    held, out = FootOutput(), FootOutput()
    early, late = StepEvent(t_ic_s=0.5, detected_at_s=0.6), StepEvent(t_ic_s=3.0, detected_at_s=3.1)
    held.new += [early, late]
    held.completed.append(early)
    held.strides.append(DetectedStride(stride(1.0), 1.0))
    held.move_to(out, 2.0)
    assert [ev.detected_at_s for ev in out.new] == [2.0, 3.1]
    assert out.completed == [early]
    assert [s.detected_at_s for s in out.strides] == [2.0]
    assert not (held.new or held.completed or held.strides)


def _kept_times(blocks: list[SampleBlock]) -> tuple[list[float], list[float]]:
    """Times kept by one RepeatFilter over ``blocks``, and the first time of each part marked as after a gap."""
    f = RepeatFilter()
    kept, gaps = [], []
    for b in blocks:
        for part in f.split(b):
            kept.extend(part.t.tolist())
            if part.gap_before:
                gaps.append(float(part.t[0]))
    return kept, gaps


def test_repeated_packets_are_dropped_as_lost_samples_whatever_the_block_sizes():
    rng = np.random.default_rng(5)
    n = 40
    acc, gyro = rng.normal(0.0, 1.0, (n, 3)), rng.normal(0.0, 1.0, (n, 3))
    for i in (9, 10, 25):  # 9 and 10: a copy, then a copy of the copy (kept); 25: a copy
        acc[i], gyro[i] = acc[i - 1], gyro[i - 1]
    t = np.arange(n) * 0.01
    whole = [SampleBlock(sensor=0, t=t, acc=acc, gyro=gyro, t_arrival=t[-1])]
    expected = [x for i, x in enumerate(t.tolist()) if i not in (9, 25)]
    assert _kept_times(whole) == (expected, [t[10], t[26]])
    for size in (1, 3, 10):
        cut = [
            SampleBlock(sensor=0, t=t[a : a + size], acc=acc[a : a + size], gyro=gyro[a : a + size])
            for a in range(0, n, size)
        ]
        assert _kept_times(cut) == (expected, [t[10], t[26]])


def _random_frame(rng: np.random.Generator) -> np.ndarray:
    """A random rotation: the sensor's mounting on the shoe."""
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    return q * np.sign(np.diag(r))


@pytest.mark.parametrize("seed", range(5))
def test_refine_puts_a_wrong_first_axis_right_and_leaves_the_turning_out(seed):
    rng = np.random.default_rng(seed)
    frame = _random_frame(rng)  # columns: forward, left (the pitch axis), up, in the sensor frame
    left, up = frame[:, 1], frame[:, 2]
    t = np.arange(110) / 100.0
    phase = 2 * np.pi * t / t[-1]
    pitch = np.where(np.sin(phase) > 0, 8.0, 4.0) * np.sin(phase)  # toes-down push-off, toes-up swing
    yaw = 6.0 * np.sin(phase / 2)  # a turning stride: as much rotation about the vertical
    gyro = pitch[:, None] * left + yaw[:, None] * up + rng.normal(0, 0.05, (t.size, 3))
    p = PitchAxis()
    p.axis = frame[:, 0]  # taken from a standing start's roll, not the pitch
    p._cov = np.outer(p.axis, p.axis)  # 1 (rad/s)^2: a weight shift's rates
    for _ in range(2):
        p.refine(gyro, 0, t.size, GRAVITY * up)
    assert float(p.axis @ left) > 0.99  # the pitch axis, toes-down positive


def test_stride_clock_counts_a_missed_contact_as_two_strides_and_skips_an_extra_one():
    rng = np.random.default_rng(3)
    for _ in range(20):
        stride_s = rng.uniform(0.5, 1.6)
        clock = StrideClock()
        ics = list(np.cumsum(stride_s * rng.uniform(0.97, 1.03, 8)))
        timings = [clock.contact(t) for t in ics]
        assert timings[0] is None and all(x is not None for x in timings[1:])
        missed = ics[-1] + 2 * stride_s  # the contact between was not detected
        extra = missed + 0.4 * stride_s  # a detection that is no contact
        after = missed + stride_s
        got = clock.contact(missed)
        assert got is not None and got[0] == pytest.approx(stride_s, rel=0.06)
        assert got[1] == pytest.approx(120.0 / stride_s, rel=0.06)
        assert clock.contact(extra) is None
        got = clock.contact(after)  # measured from the contact before the extra one
        assert got is not None and got[0] == pytest.approx(stride_s, rel=0.06)
        assert clock.contact(after + 10.0) is None  # a stop: no stride, the count starts again


def test_stride_clock_is_not_locked_by_a_false_contact_at_the_first_step():
    rng = np.random.default_rng(5)
    for _ in range(20):
        stride_s = rng.uniform(0.9, 1.4)
        clock = StrideClock()
        first = 0.0
        false = first - rng.uniform(0.4, 0.6) * stride_s  # a detection that is no contact, before the walk
        ics = first + np.cumsum(stride_s * rng.uniform(0.97, 1.03, 8))
        clock.contact(false)
        clock.contact(first)
        cadences = [clock.contact(float(t)) for t in ics]
        assert all(c is not None for c in cadences)
        later = np.array([c[1] for c in cadences if c is not None][2:])
        assert np.all(np.abs(later - 120.0 / stride_s) < 0.06 * 120.0 / stride_s)  # not doubled
