"""The report opened in a real browser (headless Chromium, Debian's ``chromium``, which
scripts/install-system-deps.sh installs): the demo run's report renders its plots, logs no console
message and draws a page that is not blank."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cadence_coach.evaluation import browser
from cadence_coach.outputs.activity import build_activity
from cadence_coach.outputs.report import NO_STEPS, render_report
from cadence_coach.outputs.report.page import CSP
from tests.support.cli import exit_code
from tests.support.paths import DEMO_RECORDING

pytestmark = pytest.mark.skipif(
    browser.find_chromium() is None,
    reason="no Chromium: install the Debian package chromium (scripts/install-system-deps.sh does, as root)",
)

FIGURES = ["elevation", "cadence", "contact", "impact", "strike", "stride", "balance"]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the bundled demo run (both feet, a -6 % descent, two cues), by the command."""
    out = tmp_path_factory.mktemp("report") / "demo.html"
    assert exit_code(["report", str(DEMO_RECORDING), "--out", str(out)]) == 0
    return out


def test_the_plots_are_in_the_rendered_page(demo_report: Path) -> None:
    run = browser.dump_dom(demo_report)
    dom = run.stdout
    assert re.findall(r'<figure id="(\w+)">', dom) == FIGURES
    assert dom.count("<svg") == len(FIGURES)
    assert len(re.findall(r"<path\b", dom)) > 100  # drawn lines, not empty frames
    assert '<table class="descents">' in dom and "Land midfoot" in dom
    assert run.console == []


def test_the_screenshot_shows_a_drawn_page(demo_report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    run = browser.screenshot(demo_report, png, 1100, 3000)
    spread, inked = browser.pixel_spread(png)
    assert spread > 15 and inked > 0.05, (spread, inked)
    assert run.console == []


def test_a_refused_request_would_show_as_a_console_message(tmp_path: Path) -> None:
    """The check above is not blind: the report's own policy refusing one outside image is logged."""
    page = tmp_path / "fetches.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head>'
        '<body><img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    messages = browser.dump_dom(page).console
    assert len(messages) == 1 and "Content Security Policy" in messages[0]


def test_a_report_without_steps_renders_its_sentence(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    activity = build_activity([], [], datetime(2026, 12, 3, tzinfo=UTC), duration_s=30.0)
    page.write_text(render_report(activity, "empty.ccrec"), encoding="utf-8")
    run = browser.dump_dom(page)
    assert NO_STEPS in run.stdout and "<svg" not in run.stdout and run.console == []
