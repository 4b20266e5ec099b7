"""The session report page, from hand-made activities: what it shows, what it leaves out, how it is written."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from cadence_coach.datatypes import STRIKE_FORE_DEG, STRIKE_HEEL_DEG, Cue, Side, StepEvent, StrikeClass
from cadence_coach.errors import UserError
from cadence_coach.outputs import report as report_module
from cadence_coach.outputs.activity import Activity, build_activity
from cadence_coach.outputs.report import NO_STEPS, ReportFile, render_report
from cadence_coach.outputs.report.page import CSP
from cadence_coach.outputs.report.series import bin_means, build_series, time_ticks
from cadence_coach.outputs.report.svg import inline_svg

START = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


def steps_on(legs: list[tuple[float, float]], feet: int = 2, cadence: float = 170.0) -> list[StepEvent]:
    """Steps over consecutive legs of (duration s, grade %): steady cadence and 2.4 m strides, heel
    strikes (12 deg) below -2 %, midfoot elsewhere; alternating feet (``feet`` = 2) or the right
    foot's steps alone, as a one-foot sensor reports them."""
    out, t, k, end, dt = [], 0.5, 0, 0.0, 60.0 / cadence
    for duration, grade in legs:
        end += duration
        while t < end:
            left = feet == 2 and k % 2 == 0
            heel = grade < -2
            out.append(
                StepEvent(
                    t_ic_s=t,
                    detected_at_s=t + 0.2,
                    sensor=0 if left else 1,
                    side=Side.LEFT if left else Side.RIGHT,
                    cadence_spm=cadence,
                    contact_s=0.26 if left else 0.24,  # a left foot 52 % of the contact time
                    impact_g=8.0,
                    strike_angle_deg=12.0 if heel else 3.0,
                    strike=StrikeClass.HEEL if heel else StrikeClass.MID,
                    stride_m=2.4,
                    speed_mps=3.4,
                    grade_pct=grade,
                )
            )
            t += dt if feet == 2 else 2 * dt
            k += 1
    return out


def downhill_activity(feet: int = 2) -> Activity:
    steps = steps_on([(90, 0.0), (120, -7.0), (90, 0.0)], feet=feet)
    cues = [
        Cue(130.0, "land_midfoot", "Land midfoot", "grade -7.0 %, strike 12 deg > 8 deg"),
        Cue(170.0, "quick_feet", "Quick feet", "cadence 150 < usual 170 spm"),
    ]
    act = build_activity(steps, cues, START, duration_s=300.0, feet=feet)
    act.cadence_band = [(165.0, 178.0)] * len(steps)
    return act


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(downhill_activity(), "downhill.ccrec")


def svgs(html: str) -> dict[str, str]:
    """Each figure's id -> its inline svg."""
    return dict(re.findall(r'<figure id="(\w+)"><figcaption>[^<]*</figcaption>(<svg.*?</svg>)', html, re.S))


def test_the_page_has_every_plot_inline_and_fetches_nothing(page: str) -> None:
    assert set(svgs(page)) == {"elevation", "cadence", "contact", "impact", "strike", "stride", "balance"}
    assert f'content="{CSP}"' in page and "default-src 'none'" in CSP
    assert "<script" not in page and "<link" not in page and "<img" not in page
    # no attribute or style that points outside the file (namespace names are not fetched)
    assert not re.search(r'(?:src|href)="(?!#)', page)
    assert "url(http" not in page and "@import" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids shared between figures"


def test_the_summary_shows_the_session_in_figures(page: str) -> None:
    summary = re.search(r'<table class="summary">(.*?)</table>', page, re.S)
    assert summary is not None
    rows = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", summary.group(1)))
    assert rows["date"] == "2026-12-03 07:30 UTC"
    assert rows["duration"] == "5:00"
    assert rows["steps"].endswith("(both feet)")
    heel = int(rows["heel strikes on descents"].rstrip(" %"))
    assert 95 <= heel <= 100  # every descent step; the coach's descent ends a hold after the grade does
    assert rows["cues spoken"] == "2: \u201cLand midfoot\u201d \u00d71, \u201cQuick feet\u201d \u00d71"
    gain, loss = re.findall(r"(\d+) m", rows["elevation gain / loss"])
    assert int(gain) == 0 and 26 <= int(loss) <= 31  # 120 s at 3.4 m/s (408 m) at -7 %: 28.6 m


def test_one_row_per_descent_with_its_cues(page: str) -> None:
    table = re.search(r'<table class="descents">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1))
    assert len(rows) == 1
    cells = re.findall(r"<td>(.*?)</td>", rows[0])
    assert (
        float(cells[3].rstrip(" %")) == pytest.approx(-7.0, abs=0.3)
        and 95 <= int(cells[7].rstrip(" %")) <= 100
        and cells[8] == "2"
    )
    assert "Land midfoot \u00d71" in cells[9] and "Quick feet \u00d71" in cells[9]


def test_each_cue_is_a_marker_with_its_words_on_hover(page: str) -> None:
    elevation = svgs(page)["elevation"]
    titles = re.findall(r"<title>(.*?)</title>", elevation)
    assert len(titles) == 2
    assert titles[0].startswith("2:10") and "Land midfoot" in titles[0] and "strike 12 deg" in titles[0]
    assert elevation.count(">Quick feet<") == 1  # its words beside the marker


def test_the_strike_plot_marks_the_class_limits(page: str) -> None:
    strike = svgs(page)["strike"]
    assert ">heel<" in strike and ">fore<" in strike
    assert STRIKE_HEEL_DEG > STRIKE_FORE_DEG  # the bands drawn between them (datatypes' limits)


def test_balance_only_where_both_feet_are_worn() -> None:
    one = render_report(downhill_activity(feet=1), "one-foot.ccrec")
    assert "balance" not in svgs(one) and "cadence" in svgs(one)
    series = build_series(downhill_activity())
    assert np.nanmean(series.values["balance_pct"]) == pytest.approx(100 * 0.26 / 0.50, abs=0.5)


def test_a_recording_with_no_steps_says_so() -> None:
    act = build_activity([], [], START, duration_s=60.0, feet=2)
    html = render_report(act, "empty.ccrec")
    assert NO_STEPS in html
    assert "<svg" not in html
    assert "No descent" in html and "No cue was spoken" in html


def test_an_hour_is_binned_to_a_small_page() -> None:
    steps = steps_on([(1200, 0.0), (600, -4.0), (600, 0.0), (600, -12.0), (600, 0.0)])
    act = build_activity(steps, [], START, duration_s=3600.0, feet=2)
    series = build_series(act)
    assert series.bin_s == 4 and series.x.size == 901  # 3601 seconds (0 to 3600 s) in 4 s bins
    html = render_report(act, "hour.ccrec")
    assert len(html) < 1_500_000
    assert len(svgs(html)) == 7


def test_bin_means_skip_unknown_values() -> None:
    v = np.array([1.0, np.nan, 3.0, np.nan, np.nan, 6.0, 7.0])
    np.testing.assert_allclose(bin_means(v, 2), [1.0, 3.0, 6.0, 7.0])
    np.testing.assert_allclose(bin_means(v, 3), [2.0, 6.0, 7.0])
    assert np.isnan(bin_means(np.array([np.nan, np.nan]), 2)).all()


def test_time_ticks_fall_where_the_runner_was_at_that_time() -> None:
    series = build_series(downhill_activity())
    ticks, labels = time_ticks(series)
    assert labels[:3] == ["0:00", "1:00", "2:00"]
    # 3.4 m/s... by the strides: 1.2 m a step at 170 steps/min = 3.4 m/s
    assert ticks[2] - ticks[1] == pytest.approx(60 * 3.4, rel=0.05)


def test_inline_svg_makes_ids_unique_and_adds_titles() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg><!-- x --><defs><clipPath id="p1"><rect/></clipPath></defs>'
        '<g id="cue0"><path clip-path="url(#p1)"/></g><use xlink:href="#p1"/><g id="p10"/></svg>'
    )
    out = inline_svg(svg, "fig-", {"cue0": "1:00: \u201cEyes up\u201d <now>"})
    assert out.startswith("<svg>") and "<!--" not in out
    assert (
        'id="fig-p1"' in out and "url(#fig-p1)" in out and 'href="#fig-p1"' in out and 'id="fig-p10"' in out
    )
    assert '<g id="fig-cue0"><title>1:00: \u201cEyes up\u201d &lt;now&gt;</title>' in out


def test_an_unwritable_report_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(
        UserError, match=r"missing[/\\]report.html: cannot create the report \(no such folder\)"
    ):
        ReportFile(tmp_path / "missing" / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_report_leaves_the_old_one_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")

    def broken(activity: Activity, source: str) -> str:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(report_module, "render_report", broken)
    with pytest.raises(RuntimeError), ReportFile(out) as report:
        report.write(downhill_activity(), "x")
    assert out.read_text() == "old" and os.listdir(tmp_path) == ["report.html"]
    with ReportFile(out) as report:
        pass  # reserved, never written
    assert out.read_text() == "old" and os.listdir(tmp_path) == ["report.html"]


def test_the_same_activity_gives_the_same_file(page: str) -> None:
    assert render_report(downhill_activity(), "downhill.ccrec") == page
