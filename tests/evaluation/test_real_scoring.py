"""The real-data scoring rules (cadence_coach.evaluation.real_scoring) on hand-made cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cadence_coach.evaluation.real_cases import Case, Steps, load_excerpt_cases
from cadence_coach.evaluation.real_scoring import score_case, summarize
from cadence_coach.session.matching import match_closest_first


def _case(
    truth: list[float],
    activity: str = "walk",
    one_leg: bool = False,
    windows: tuple[tuple[float, float], ...] = ((0.0, 100.0),),
    counts: np.ndarray | None = None,
) -> Case:
    return Case(
        name="x",
        csv=Path("x.csv"),
        argv=(),
        dataset="d",
        group=f"trunk/{activity}",
        activity=activity,
        windows=windows,
        truth_ic=np.array(truth),
        one_leg=one_leg,
        counts=counts,
    )


def _steps(
    t: list[float], cadence: float | list[float] = np.nan, detected_at: list[float] | None = None
) -> Steps:
    t_arr = np.array(t, dtype=float)
    cad = np.broadcast_to(np.asarray(cadence, dtype=float), t_arr.shape).copy()
    at = t_arr + 0.05 if detected_at is None else np.array(detected_at, dtype=float)
    return Steps(t_arr, cad, at)


def test_closest_pairs_are_taken_first_over_the_whole_recording() -> None:
    # 1.04 is nearest to contact 1.0, which 1.0 takes; 1.04 then pairs with 1.1, its second nearest.
    ri, di = match_closest_first(np.array([1.0, 1.1]), np.array([1.0, 1.04]), 0.08)
    assert list(zip(ri.tolist(), di.tolist())) == [(0, 0), (1, 1)]
    ri, di = match_closest_first(np.array([1.0]), np.array([0.95, 1.02]), 0.1)
    assert list(zip(ri.tolist(), di.tolist())) == [(0, 1)]
    ri, di = match_closest_first(np.array([]), np.array([1.0]), 0.1)
    assert ri.size == di.size == 0


def test_tolerance_is_60_ms_running_and_100_ms_walking() -> None:
    steps = _steps([1.08, 2.08])
    assert score_case(_case([1.0, 2.0], "walk"), steps).tp == 2
    run = score_case(_case([1.0, 2.0], "run"), steps)
    assert (run.tp, run.fp, run.fn) == (0, 2, 2)


def test_detections_outside_the_windows_are_ignored_but_may_pair_at_the_edge() -> None:
    case = _case([1.0, 2.0, 3.0, 9.0], windows=((1.0, 3.0),))
    s = score_case(case, _steps([0.97, 2.0, 3.0, 5.0, 9.0]))
    assert (s.tp, s.fp, s.fn) == (3, 0, 0)  # 0.97 pairs with 1.0 at the edge; 5.0 and 9.0 are outside
    assert s.detected == 3


def test_half_a_stride_away_is_the_other_legs_step_once_per_stride() -> None:
    leg = [1.0, 2.0, 3.0, 4.0]
    s = score_case(_case(leg, one_leg=True), _steps([1.0, 1.5, 2.0, 2.45, 2.6, 3.0, 3.9, 4.0]))
    # 1.5 and 2.45 are other-leg steps; 2.6 is a second one in the same stride (a double): false positive;
    # 3.9 pairs with 4.0? no: 4.0 is detected exactly, so 3.9 is left and is 0.4 from the midpoint 3.5.
    assert (s.tp, s.other_leg, s.fp, s.fn) == (4, 2, 2, 0)
    both_legs = score_case(_case(leg), _steps([1.0, 1.5, 2.0, 3.0, 4.0]))
    assert both_legs.fp == 1


def test_ic_error_latency_and_f1() -> None:
    s = score_case(_case([1.0, 2.0, 3.0, 4.0]), _steps([1.02, 2.03, 2.96], detected_at=[1.1, 2.1, 3.0]))
    assert np.allclose(s.ic_error_s, [0.02, 0.03, -0.04])
    assert np.allclose(s.latency_s, [0.1, 0.1, 0.0])
    assert s.f1 == pytest.approx(2 * 3 / (2 * 3 + 0 + 1))


def test_cadence_in_chunks_steps_and_strides() -> None:
    truth = list(np.arange(0.25, 20.0, 0.5))  # 120 steps/min over two 10 s chunks
    s = score_case(_case(truth, windows=((0.0, 20.0),)), _steps(truth, cadence=[118.0] * 20 + [121.0] * 20))
    assert np.allclose(s.cadence_error_spm, [-2.0, 1.0])
    assert s.cadence_abs_error_spm == pytest.approx(1.5)
    stride = score_case(_case(truth, one_leg=True, windows=((0.0, 20.0),)), _steps(truth, cadence=240.0))
    assert np.allclose(stride.cadence_error_spm, 0.0)  # 0.5 s between one leg's contacts: 240 steps/min
    silent = score_case(_case(truth, windows=((0.0, 20.0),)), _steps(truth))
    assert np.isinf(silent.cadence_abs_error_spm)


def test_step_count_truth() -> None:
    counts = np.array([[0.0, 10.0, 20, np.nan], [10.0, 20.0, 20, 120.0]])
    case = _case([], windows=((0.0, 20.0),), counts=counts)
    s = score_case(case, _steps(list(np.linspace(0.2, 19.8, 44)), cadence=123.0))
    assert s.count_error_pct == pytest.approx(10.0)
    assert np.allclose(s.cadence_error_spm, [3.0])
    assert np.isnan(s.f1)


def test_groups_pool_pairs_and_take_medians_of_cases() -> None:
    a = score_case(_case([1.0, 2.0]), _steps([1.01, 2.01]))
    b = score_case(_case([1.0, 2.0]), _steps([1.03, 5.0]))
    g = summarize("g", [a, b])
    assert g.f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert g.ic_abs_median_ms == pytest.approx(10.0)
    assert (g.cases, g.failed) == (2, 0)


def test_bundled_excerpts_load_as_cases() -> None:
    cases = load_excerpt_cases()
    assert cases and all(c.kind == "events" and c.windows and c.csv.is_file() for c in cases)
    foot = [c for c in cases if c.flag("--placement") == "foot"]
    assert foot and all(c.one_leg for c in foot)
