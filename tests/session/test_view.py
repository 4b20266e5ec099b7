import io

import numpy as np

from cadence_coach.datatypes import Cue, Placement, SampleBlock, SensorInfo, Side, StepEvent, StrikeClass
from cadence_coach.session.detail_view import cue_line, step_line
from cadence_coach.session.pipeline import Pipeline, PipelineOutput
from cadence_coach.session.view import LiveView

FOOT = SensorInfo(
    "open-imu", Placement.FOOT, Side.LEFT, characteristics=("6e4f0002-8a3c-4b8e-9c2d-0c0ade1c0ac0",)
)


def full_step():
    return StepEvent(
        t_ic_s=61.2504,
        detected_at_s=61.2687,
        side=Side.RIGHT,
        cadence_spm=171.6,
        contact_s=0.2412,
        flight_s=0.0904,
        impact_g=6.54,
        strike_angle_deg=11.26,
        strike=StrikeClass.HEEL,
        stride_m=2.456,
        grade_pct=-6.04,
    )


def test_step_line_shows_measured_figures_in_display_units():
    line = step_line(full_step())
    assert line.startswith("step 61.250 s right:")
    for part in [
        "cadence 172 spm",
        "contact 241 ms",
        "flight 90 ms",
        "strike heel (+11.3 deg)",
        "impact 6.5 g",
        "stride 2.46 m",
        "grade -6.0 %",
        "latency 18 ms",
    ]:
        assert part in line


def test_unmeasured_figures_show_as_dash():
    line = step_line(StepEvent(t_ic_s=1.0, detected_at_s=1.0125, cadence_spm=float("nan")))
    assert "step 1.000 s -:" in line
    for part in ["cadence -", "contact -", "flight -", "strike - (-)", "impact -", "stride -", "grade -"]:
        assert part in line
    assert "latency 12 ms" in line  # latency always exists: both times are known


def test_cue_line():
    cue = Cue(12.5, "shorten_stride", "Shorten your stride", reason="grade -6 %, strike +12 deg")
    assert cue_line(cue) == "cue 12.500 s shorten_stride: Shorten your stride (grade -6 %, strike +12 deg)"


def test_plain_view_prints_one_line_per_step_and_cue():
    out = io.StringIO()
    pipeline = Pipeline([FOOT])
    view = LiveView([FOOT], live=False, out=out)
    step = full_step()
    cue = Cue(61.3, "quick_feet", "Quick feet")
    view.update(PipelineOutput(steps=[step]), pipeline)
    view.update(PipelineOutput(), pipeline)
    view.update(PipelineOutput(steps=[step], cues=[cue]), pipeline)
    view.close(pipeline)
    assert out.getvalue().splitlines() == [step_line(step), step_line(step), cue_line(cue)]


def test_detail_view_shows_sensor_counters_and_steps():
    out = io.StringIO()
    pipeline = Pipeline([FOOT])
    view = LiveView([FOOT], live=True, out=out, mode="detail")
    block = SampleBlock(0, np.arange(100) / 400.0, acc=np.zeros((100, 3)), t_arrival=0.255)
    view.update(pipeline.feed_block(block), pipeline)
    view.update(PipelineOutput(steps=[full_step()], cues=[Cue(61.3, "quick_feet", "Quick feet")]), pipeline)
    view.close(pipeline)
    text = out.getvalue()
    for part in [
        "open-imu foot/left",
        "400 Hz",
        "session time 61.3 s",
        "Quick feet",
        "heel",
        "+11",
        "172",
        "-6.0",
        "18",
    ]:
        assert part in text
