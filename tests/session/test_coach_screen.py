"""The coach screen: what a runner must see is there, at 80x24 and 40x12, and nothing overflows."""

import io
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from cadence_coach.coach.coach import Coach
from cadence_coach.datatypes import Cue, Placement, SampleBlock, SensorInfo, Side
from cadence_coach.session import big_digits
from cadence_coach.session.coach_screen import CoachScreen, clock, distance
from cadence_coach.session.pipeline import Pipeline, PipelineOutput
from cadence_coach.session.view import LiveView
from cadence_coach.session.view_state import Link, ScreenState, SensorStatus
from cadence_coach.sources.recording import RecordedEvent
from tests.support.steps import Segment, make_steps

OPEN_IMU = ("6e4f0002-8a3c-4b8e-9c2d-0c0ade1c0ac0",)
FEET = [
    SensorInfo("open-imu", Placement.FOOT, Side.LEFT, characteristics=OPEN_IMU),
    SensorInfo("open-imu", Placement.FOOT, Side.RIGHT, characteristics=OPEN_IMU),
]
SIZES = [(80, 24), (40, 12)]
FLAT = Segment(180)  # the coach learns its flat baseline: 170 spm at 3 m/s
OVERSTRIDING = dict(grade_pct=-7.0, cadence_spm=165.0, speed_mps=3.4, strike_angle_deg=14.0, impact_g=11.0)


def screen_text(renderable, width: int, height: int) -> list[str]:
    console = Console(record=True, width=width, height=height, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


def assert_fits(lines: list[str], width: int, height: int) -> None:
    assert len(lines) <= height, "\n".join(lines)
    assert all(len(line) <= width for line in lines), "\n".join(lines)


def block(sensor: int, t_s: float) -> SampleBlock:
    """A few samples of ``sensor`` arriving at ``t_s``: it is delivering."""
    return SampleBlock(sensor, t_s - 0.02 + np.arange(4) / 200.0, acc=np.zeros((4, 3)), t_arrival=t_s)


def drive(view: LiveView, coach: Coach, steps, pipeline: Pipeline, silent: set[int] = frozenset()) -> list:
    """Each step through the coach and into the view, with data from every sensor not ``silent``."""
    cues = []
    for step in steps:
        out = PipelineOutput(steps=[step], cues=coach.feed(step))
        out.blocks = [block(i, step.detected_at_s) for i in range(len(FEET)) if i not in silent]
        cues += out.cues
        view.update(out, pipeline)
    return cues


def new_view(coach: Coach | None = None) -> tuple[LiveView, Pipeline]:
    return LiveView(FEET, live=False, out=io.StringIO(), coach=coach), Pipeline(FEET)


def digit_rows(number: str, width: int) -> list[str]:
    return big_digits.big(number) if width >= 48 else big_digits.small(number)


@pytest.mark.parametrize("width,height", SIZES)
def test_before_any_step_the_screen_says_what_it_waits_for(width, height):
    view, pipeline = new_view(Coach())
    view.update(PipelineOutput(blocks=[block(0, 0.5)]), pipeline)
    lines = screen_text(view.render(), width, height)
    assert_fits(lines, width, height)
    text = "\n".join(lines)
    for row in digit_rows("---", width):
        assert row in text
    for part in ["00:00", "steps/min", "target: learning", "no cue yet", "waiting"]:
        assert part in text
    assert "ok" in text  # the left foot delivers, the right one has sent nothing yet


@pytest.mark.parametrize("width,height", SIZES)
def test_running_flat_shows_cadence_target_time_and_distance(width, height):
    coach = Coach()
    view, pipeline = new_view(coach)
    steps = make_steps([FLAT, Segment(30)])
    drive(view, coach, steps, pipeline)
    state = view.state()
    usual = coach.baseline.cadence(3.0)
    assert usual is not None and 165.0 < usual[0] <= 170.0  # the session's 170, a little of the prior's 165
    assert state.cadence_spm == pytest.approx(170.0) and state.target_spm == pytest.approx(usual[0] * 1.05)
    # Each step here carries its foot's stride (2 steps): the distance is one foot's strides.
    assert state.distance_m == pytest.approx(sum(s.stride_m for s in steps[::2]), rel=0.01)
    lines = screen_text(view.render(), width, height)
    assert_fits(lines, width, height)
    text = "\n".join(lines)
    for row in digit_rows("170", width):
        assert row in text
    for part in [
        f"target {state.target_spm:.0f}",
        clock(steps[-1].detected_at_s),
        distance(state.distance_m),
        "flat",
        "foot L ok  foot R ok" if width < 48 else "foot right   ok",
    ]:
        assert part in text
    assert "DESCENT" not in text and "LOST" not in text


@pytest.mark.parametrize("width,height", SIZES)
def test_on_a_descent_with_a_recent_cue_the_cue_its_age_and_why_show(width, height):
    coach = Coach()
    view, pipeline = new_view(coach)
    steps = make_steps(
        [FLAT, Segment(60, grade_pct=-7.0, cadence_spm=182.0, speed_mps=3.4), Segment(40, **OVERSTRIDING)]
    )
    cues = drive(view, coach, steps, pipeline)
    last = cues[-1]
    state = view.state()
    assert state.descent_band == "moderate" and state.cue_age_s == pytest.approx(
        steps[-1].detected_at_s - last.t_s
    )
    lines = screen_text(view.render(), width, height)
    assert_fits(lines, width, height)
    text = "\n".join(lines)
    assert last.text in text and f"{int(state.cue_age_s)} s ago" in text
    assert "grade -7.0 %" in text and "DESCENT moderate" in text
    assert last.reason[: width // 2] in text  # the reason line, cut to the screen if need be
    for row in digit_rows(f"{round(state.cadence_spm):>3d}", width):
        assert row in text


@pytest.mark.parametrize("width,height", SIZES)
def test_a_lost_sensor_shows_as_lost(width, height):
    coach = Coach()
    view, pipeline = new_view(coach)
    steps = make_steps([Segment(30)])
    drive(view, coach, steps[:40], pipeline)
    t_lost = steps[40].t_ic_s
    view.update(
        PipelineOutput(events=[RecordedEvent(t_lost, {"event": "disconnected", "sensor": 1})]), pipeline
    )
    drive(view, coach, steps[40:], pipeline, silent={1})
    assert [x.link for x in view.state().sensors] == [Link.OK, Link.LOST]
    lines = screen_text(view.render(), width, height)
    assert_fits(lines, width, height)
    text = "\n".join(lines)
    lost_for = int(steps[-1].detected_at_s - t_lost)
    assert f"LOST {lost_for} s" in text and ("foot R LOST" in text or "foot right   LOST" in text)


def test_a_sensor_whose_data_stops_counts_as_lost_without_a_link_event():
    coach = Coach()
    view, pipeline = new_view(coach)
    steps = make_steps([Segment(20)])
    drive(view, coach, steps[:10], pipeline)
    drive(view, coach, steps[10:], pipeline, silent={0})
    silent_for = steps[-1].detected_at_s - steps[9].detected_at_s
    assert silent_for > view.watch.silent_after_s
    left = view.state().sensors[0]
    assert left.link is Link.LOST and left.lost_s == pytest.approx(silent_for)


def test_a_reconnected_sensor_is_ok_again():
    view, pipeline = new_view()
    view.update(PipelineOutput(blocks=[block(0, 1.0), block(1, 1.0)]), pipeline)
    view.update(PipelineOutput(events=[RecordedEvent(1.5, {"event": "disconnected", "sensor": 0})]), pipeline)
    assert view.state().sensors[0].link is Link.LOST
    view.update(
        PipelineOutput(
            events=[RecordedEvent(2.5, {"event": "reconnected", "sensor": 0})],
            blocks=[block(0, 2.6), block(1, 2.6)],
        ),
        pipeline,
    )
    assert [x.link for x in view.state().sensors] == [Link.OK, Link.OK]


FULL = ScreenState(
    now_s=4000.0,
    steps=12000,
    cadence_spm=163.4,
    target_spm=176.2,
    grade_pct=-12.3,
    descent_band="steep",
    descent_s=600.0,
    distance_m=12345.0,
    sensors=[
        SensorStatus(f"foot {s}", f"foot {s[0].upper()}", Link.LOST, 75.0, 12345, 199.9)
        for s in ("left", "right", "left", "right")
    ],
)


@pytest.mark.parametrize("width", [12, 20, 30, 40, 47, 48, 60, 80, 120])
@pytest.mark.parametrize("height", [1, 3, 5, 8, 10, 11, 12, 16, 24, 40])
def test_no_size_overflows(width, height):
    cue = Cue(3990.0, "shorten_stride", "Shorten your stride", "x" * 79)
    for state in [ScreenState(), FULL, replace(FULL, last_cue=cue, cue_age_s=10.0)]:
        assert_fits(screen_text(CoachScreen(state), width, height), width, height)


def test_the_most_needed_parts_stay_on_a_short_screen():
    text = "\n".join(screen_text(CoachScreen(FULL), 80, 11))
    for row in big_digits.big("163"):
        assert row in text
    assert "steep" in text and "LOST" in text  # a lost sensor is news: kept
    assert "12000 steps" not in text  # the header goes before them


def test_elapsed_time_reads_mm_ss_then_hours():
    assert [clock(x) for x in (0, 59.9, 61, 3599, 3600, 7322)] == [
        "00:00",
        "00:59",
        "01:01",
        "59:59",
        "1:00:00",
        "2:02:02",
    ]
