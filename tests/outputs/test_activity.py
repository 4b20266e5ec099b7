"""The activity model: per-second figures, segments and summary from a session's steps and cues."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from cadence_coach.coach.descent import Band
from cadence_coach.datatypes import Cue, PodReading, Side, StepEvent, StrikeClass
from cadence_coach.outputs.activity import build_activity, stride_distance

START = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


def course_steps(
    legs: list[tuple[float, float]], cadence: float = 170.0, stride: float = 2.4
) -> list[StepEvent]:
    """Two-foot steps over consecutive legs of (duration s, grade %): steady cadence and stride; heel
    strikes (12 deg) on grades below -2 %, midfoot elsewhere."""
    steps, t, k, end = [], 0.5, 0, 0.0
    dt = 60.0 / cadence
    for duration, grade in legs:
        end += duration
        while t < end:
            heel = grade < -2
            steps.append(
                StepEvent(
                    t_ic_s=t,
                    detected_at_s=t + 0.2,
                    sensor=k % 2,
                    side=Side.LEFT if k % 2 == 0 else Side.RIGHT,
                    step_time_s=dt,
                    cadence_spm=cadence,
                    contact_s=0.24,
                    impact_g=8.0,
                    strike_angle_deg=12.0 if heel else 3.0,
                    strike=StrikeClass.HEEL if heel else StrikeClass.MID,
                    stride_m=stride,
                    speed_mps=stride / (2 * dt),
                    grade_pct=grade,
                )
            )
            t += dt
            k += 1
    return steps


def test_seconds_follow_the_steps_and_the_grade() -> None:
    steps = course_steps([(60, 0.0), (60, -7.0), (60, 0.0)])
    act = build_activity(steps, [], START, duration_s=180.0, feet=2)
    sec = act.seconds
    assert sec is not None and len(sec) == 181
    assert np.nanmean(sec.cadence_spm) == pytest.approx(170.0)
    assert np.nanmean(sec.stance_s) == pytest.approx(0.24)
    assert np.nanmean(sec.step_length_m) == pytest.approx(1.2)
    assert np.all(np.diff(sec.distance_m) >= 0)
    # one foot's strides: 1.2 m per step over ~510 steps
    assert sec.distance_m[-1] == pytest.approx(len(steps) / 2 * 2.4, rel=0.01)
    assert act.summary is not None and act.summary.distance_m == pytest.approx(sec.distance_m[-1])
    descent_m = sec.distance_m[120] - sec.distance_m[60]
    assert act.summary.loss_m == pytest.approx(0.07 * descent_m, rel=0.03)
    assert act.summary.gain_m == pytest.approx(0.0, abs=1e-9)
    assert sec.altitude_m[0] == 0.0 and sec.altitude_m[-1] == pytest.approx(-act.summary.loss_m)
    assert act.summary.steps == len(steps) and act.summary.cadence_spm == pytest.approx(170.0)


def test_segments_tile_the_session_around_the_descent() -> None:
    steps = course_steps([(60, 0.0), (60, -7.0), (60, 0.0)])
    cues = [Cue(70.0, "land_midfoot", "Land midfoot"), Cue(90.0, "eyes_up", "Eyes up")]
    act = build_activity(steps, cues, START, duration_s=180.0, feet=2)
    segs = act.segments
    assert [s.descent for s in segs] == [False, True, False]
    down = segs[1]
    assert down.band is Band.MODERATE
    assert 55 <= down.t_start_s <= 62 and 118 <= down.t_end_s <= 125
    assert segs[0].t_start_s == 0.0 and segs[-1].t_end_s == 180.0
    assert all(a.t_end_s == b.t_start_s for a, b in zip(segs, segs[1:]))
    assert sum(s.steps for s in segs) == len(steps)
    assert sum(s.distance_m for s in segs) == pytest.approx(act.summary.distance_m)  # type: ignore[union-attr]
    assert down.grade_pct == pytest.approx(-7.0, abs=0.5)
    assert down.heel_strike_share is not None and down.heel_strike_share > 0.9
    assert segs[0].heel_strike_share == 0.0
    assert down.overstride_cues == 1 and down.cues == {"land_midfoot": 1, "eyes_up": 1}
    assert down.loss_m == pytest.approx(0.07 * down.distance_m, rel=0.1)
    assert act.summary is not None and act.summary.descents == 1
    assert act.summary.descent_heel_strike_share is not None and act.summary.descent_heel_strike_share > 0.9


def test_short_dip_joins_its_neighbour_and_bands_split_a_descent() -> None:
    steps = course_steps([(60, 0.0), (6, -7.0), (60, 0.0), (40, -3.0), (40, -12.0), (30, 0.0)])
    act = build_activity(steps, [], None, duration_s=236.0)
    kinds = [(s.descent, s.band) for s in act.segments]
    assert kinds == [(False, None), (True, Band.GENTLE), (True, Band.STEEP), (False, None)]
    assert all(s.duration_s >= 15 for s in act.segments)


def test_no_steps_still_gives_one_segment_and_a_summary() -> None:
    act = build_activity([], [], START, duration_s=12.5)
    assert act.seconds is not None and len(act.seconds) == 13
    assert np.isnan(act.seconds.cadence_spm).all()
    assert len(act.segments) == 1 and act.segments[0].t_end_s == 12.5
    assert act.summary is not None
    assert act.summary.steps == 0 and act.summary.distance_m is None and act.summary.cadence_spm is None


def test_a_pod_gives_distance_and_cadence_without_steps() -> None:
    pods = [PodReading(0, float(t), 3.0, 168.0, total_distance_m=100.0 + 3.0 * t) for t in range(31)]
    act = build_activity([], [], START, pods=pods)
    assert act.duration_s == 30.0
    assert act.summary is not None and act.summary.distance_m == pytest.approx(90.0)
    assert act.summary.cadence_spm == pytest.approx(168.0)
    assert act.seconds is not None and np.nanmean(act.seconds.speed_mps) == pytest.approx(3.0)


def test_distance_takes_the_foot_with_most_strides() -> None:
    steps = course_steps([(30, 0.0)])
    for s in steps[1::2][:5]:
        s.stride_m = None  # the right foot missed five strides
    t, cum = stride_distance(steps)
    left = [s for s in steps if s.side is Side.LEFT]
    assert t.size == len(left) and cum[-1] == pytest.approx(2.4 * len(left))
    assert not math.isnan(cum[-1])
