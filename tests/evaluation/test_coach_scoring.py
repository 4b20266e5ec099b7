"""The coach scorer on hand-made truth and cue lists, the random-run generator's ranges, and a fixed
set of short drawn runs scored through the whole path (recording, decoders, gait engine, coach)."""

import math

import numpy as np
import pytest

from cadence_coach.coach.config import DEFAULT_CUES
from cadence_coach.evaluation.coach_runs import score_draw
from cadence_coach.evaluation.coach_scoring import CoachTrace, score_run, true_descents
from cadence_coach.evaluation.coach_targets import (
    barometer_lines,
    grade_by_barometer_line,
    quantile,
    target_table,
    targets,
)
from cadence_coach.sources.simulator import draws
from cadence_coach.sources.simulator.draws import draw_run
from cadence_coach.sources.simulator.truth import Truth

SPEED = 3.0


def course_grade(t):
    """Flat to 50 s, ramp to -8 % by 52 s, -8 % to 120 s, ramp back to 0 by 122 s, +5 % from 150 s."""
    return np.interp(t, [0, 50, 52, 120, 122, 150, 151, 200], [0, 0, -8, -8, 0, 0, 5, 5])


def make_truth(episodes=((60.0, 80.0), (90.0, 100.0))):
    t = np.arange(0.0, 201.0)
    g = course_grade(t)
    x = SPEED * t
    alt = 300 + np.concatenate(([0.0], np.cumsum(SPEED * (g[1:] + g[:-1]) / 200)))
    steps = {"t_ic_s": np.arange(3.0, 200.0, 0.35)}
    eps = [{"id": i, "kind": "overstride", "t_start_s": a, "t_end_s": b} for i, (a, b) in enumerate(episodes)]
    return Truth({"duration_s": 200.0}, steps, eps, np.stack([t, x, g, alt], axis=1))


def make_trace(cues, delay_s=0.0, offset_pp=0.0, descent=(63.0, 125.0)):
    """Steps every 0.5 s from 3 s; the coach's grade is the true one ``delay_s`` late plus ``offset_pp``."""
    t = np.arange(3.0, 200.0, 0.5)
    active = (t >= descent[0]) & (t < descent[1]) if descent else np.zeros(t.size, bool)
    return CoachTrace(list(cues), t, active, course_grade(t - delay_s) + offset_pp)


CUES = [
    (62.0, "shorten_stride"),
    (81.5, "quick_feet"),
    (95.0, "land_midfoot"),
    (110.0, "land_midfoot"),
    (123.0, "ease_off"),
    (125.0, "ease_off"),
    (170.0, "arms_low"),
    (171.0, "eyes_up"),
]


def test_true_descents_start_onset_and_end_from_the_grade():
    (d,) = true_descents(make_truth().grade)
    assert d.start_s == pytest.approx(50.25) and d.onset_s == pytest.approx(51.0)
    assert d.end_s == pytest.approx(121.75) and d.grade_pct == pytest.approx(-8.0)


def test_episode_cues_precision_recall_and_time_to_first_cue():
    s = score_run(make_truth(), make_trace(CUES))
    # 62 and 81.5 (2 s grace after 80) cue the first episode, 95 the second, 110 is outside both.
    assert (s.overstride_cues, s.overstride_cues_in_episodes) == (4, 3)
    assert (s.episodes, s.episodes_cued) == (2, 2)
    assert s.first_cue_s == pytest.approx([2.0, 5.0])
    late = score_run(make_truth(), make_trace([(82.5, "quick_feet"), (101.0, "shorten_stride")]))
    assert (late.episodes_cued, late.overstride_cues_in_episodes) == (1, 1)  # 82.5 is past the grace


def test_descent_cues_on_flats_climbs_and_after_a_descent():
    s = score_run(make_truth(), make_trace(CUES))
    # 123: the grade was still below -1 % at 121.5 (grace); 125: 3 s after the end; 170: on the climb;
    # eyes_up is not a descent cue.
    assert s.descent_cues_on_flats == 2 and s.descent_cues_after_descent == 1
    assert s.cues == 8 and s.max_cues_in_window == 3  # 110, 123 and 125 within 20 s


def test_onset_confirmation_and_grade_lag():
    s = score_run(make_truth(), make_trace(CUES, delay_s=5.0))
    assert s.onset_s == pytest.approx([12.0])  # descent state on at 63 s, the true onset at 51 s
    assert s.grade_lag50_s == pytest.approx([5.0], abs=0.5) and s.grade_lag90_s == pytest.approx(
        [5.0], abs=0.5
    )
    never = score_run(make_truth(), make_trace(CUES, descent=None))
    assert never.onset_s == [math.inf]
    assert quantile([1.0, math.inf, math.inf], 0.5) == math.inf and quantile([2.0, 1.0, 3.0], 0.5) == 2.0


def test_grade_windows_measure_bias_and_lag():
    biased = score_run(make_truth(), make_trace([], offset_pp=0.5))
    assert len(biased.grade_window_pp) == 6 and biased.grade_window_pp == pytest.approx([0.5] * 6)
    late = score_run(make_truth(), make_trace([], delay_s=5.0))
    assert max(late.grade_window_pp) > 1.0  # a 5 s lag on an 8 % change shows in the windows holding it
    assert max(late.grade_window_pp) > max(late.grade_window_trailing_pp)


def test_targets_mark_met_and_unmeasurable():
    perfect = make_trace([(61.0, "land_midfoot"), (91.0, "quick_feet")], descent=(51.5, 122.0))
    rows = {t.name: t for t in targets([score_run(make_truth(), perfect)])}
    assert rows["overstride-cue precision"].met and rows["overstride-cue recall"].met
    assert rows["time to first cue, median"].met and rows["descent onset confirmed, median"].met
    assert rows["grade error over 30 s, 95th pct"].met and rows["most cues in any 20 s"].met
    empty = {t.name: t for t in targets([score_run(make_truth(episodes=()), make_trace([]))])}
    assert empty["overstride-cue recall"].met is None and empty["overstride-cue precision"].met is None
    assert "| no |" in target_table([score_run(make_truth(), make_trace(CUES))])


def _seconds(d, seg):
    return seg.share * (d.duration_s - d.standing_s)


def test_draws_respect_their_ranges():
    seen = {"course": set(), "strike": set(), "feet": set(), "early": 0, "long": 0}
    for seed in range(400):
        d = draw_run(seed)
        assert d == draw_run(seed)
        long_run = d.duration_s > draws.DURATION_S[1]
        seen["long"] += long_run
        lo, hi = draws.LONG_DURATION_S if long_run else draws.DURATION_S
        assert lo - 0.1 <= d.duration_s <= hi + 0.1
        assert d.rate_hz in draws.RATES_HZ and 100 <= d.rate_hz <= 400 and d.feet in ("left", "right", "both")
        assert 0 <= d.loss <= draws.LOSS_MAX and draws.STANDING_S[0] <= d.standing_s <= draws.STANDING_S[1]
        r = d.runner
        cadence = r.flat_cadence(r.flat_speed_mps, False)
        assert 150 <= cadence <= 195 and 2.2 <= r.flat_speed_mps <= 4.5
        assert 0.8 <= r.flat_speed_mps * 60 / cadence <= 1.5
        low, high = draws.STRIKE_STYLES[d.strike_style][1]
        assert low <= r.strike_angle_deg <= high
        assert 0 <= r.fatigue_slowdown <= 0.03 and 0 <= r.fatigue_strike_deg <= 1.5
        segs = d.segments
        assert sum(s.share for s in segs) == pytest.approx(1.0)
        first = segs[0] if segs[0].grade_pct < 0 else segs[1]
        assert first.grade_pct < 0 and (segs[0] is first or segs[0].grade_pct == 0)
        t = 0.0
        for seg in segs:
            length = _seconds(d, seg)
            assert length >= draws.MIN_SEGMENT_S - 1e-6
            if seg.grade_pct < 0:
                assert -15 <= seg.grade_pct <= -2 and length <= draws.DESCENT_S[1] + draws.MIN_SEGMENT_S
            elif seg.grade_pct > 0:
                assert 2 <= seg.grade_pct <= 12 and not seg.episodes
            else:
                assert not seg.episodes
            for ep in seg.episodes:
                assert draws.EPISODE_S[0] - 1e-6 <= (ep.end - ep.start) * length <= draws.EPISODE_S[1] + 1e-6
                assert ep.start * length >= draws.EPISODE_MARGIN_S - 1e-6 and ep.end * length <= length
                assert 0.04 <= ep.cadence_drop <= 0.12 and 0.2 <= ep.landing_gain <= 0.6
                assert ep.strike_angle_deg >= max(12.0, r.strike_angle(seg.grade_pct, False) + 4.0) - 1e-9
                seen["early"] += t + ep.start * length < 60.0
            starts = [e.start for e in seg.episodes]
            assert starts == sorted(starts)
            t += length
        seen["course"].add(d.course_style)
        seen["strike"].add(d.strike_style)
        seen["feet"].add(d.feet)
    assert len(seen["course"]) == 6 and seen["strike"] == {"heel", "mid", "fore"} and len(seen["feet"]) == 3
    assert seen["early"] >= 40 and 10 <= seen["long"] <= 80


SHORT_SEEDS = [s for s in range(60) if draw_run(s).duration_s <= 160][:6]


@pytest.fixture(scope="module")
def short_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("draws")
    return [(draw_run(seed), score_draw(seed, folder)) for seed in SHORT_SEEDS]


def test_short_draws_score_through_the_whole_path(short_runs):
    assert len(short_runs) == 6
    for d, s in short_runs:
        assert s.episodes == sum(len(seg.episodes) for seg in d.segments)
        assert s.duration_s == d.duration_s and s.label.startswith(f"draw {d.seed}:")
        assert all(0 <= t <= d.duration_s + 1 and cid in DEFAULT_CUES for t, cid in s.cue_list)
        assert s.max_cues_in_window <= 1  # the scheduler's 20 s gap between cues
        assert s.baro is d.baro
        assert all(v >= 0 for v in s.onset_s) and s.grade_window_pp
        assert np.median(s.grade_window_trailing_pp) < 3.0  # the engine's grade follows the course
        if any(seg.grade_pct <= -5 for seg in d.segments):
            assert s.onset_s
    scores = [s for _, s in short_runs]
    assert len(targets(scores)) == 9 and sum(s.episodes for s in scores) >= 3
    line = grade_by_barometer_line(scores)
    assert (
        line.startswith("grade error over 30 s, 95th pct: ")
        and f"({sum(s.baro for s in scores)} runs)" in line
    )
    by_baro = barometer_lines(scores)
    with_baro = sum(bool(s.baro) for s in scores)
    assert len(by_baro) == (with_baro > 0) + (with_baro < len(scores))
    assert all("overstride-cue recall" in line for line in by_baro)


def test_a_descent_is_judged_by_its_first_steady_grade():
    t = np.arange(0.0, 121.0)
    g = np.interp(t, [0, 20, 22, 60, 62, 100, 102, 120], [0, 0, -3, -3, -9, -9, 0, 0])
    rows = np.stack([t, 3 * t, g, np.zeros_like(t)], axis=1)
    (d,) = true_descents(rows)
    assert d.grade_pct == pytest.approx(-3.0) and d.onset_s == pytest.approx(
        21.0
    )  # the -9 % part is no onset
    truth = Truth({"duration_s": 120.0}, {"t_ic_s": np.array([3.0])}, [], rows)
    s = score_run(truth, CoachTrace([], t, np.zeros(t.size, bool), g))
    assert s.onset_s == [] and s.grade_lag50_s == []
