"""The session report: one self-contained HTML file (docs/report.md).

:func:`render_report` turns an :class:`~cadence_coach.outputs.activity.Activity` into the page: the
summary (``summary.py``), the plots against distance (``series.py`` bins the figures, ``plots.py`` draws
them with matplotlib as inline SVG, ``svg.py`` fits the SVG into the page), the descents and cues tables
(``descents.py``) and the page around them (``page.py``). :class:`ReportFile` writes it atomically; it is
opened before the session runs, so a path that cannot be written fails at once and costs nothing.
"""

from __future__ import annotations

import os
from types import TracebackType

from ... import __version__
from ...atomic import AtomicFile
from ..activity import Activity
from .descents import cues_html, descents_html
from .page import page_html
from .series import build_series
from .summary import summary_html, when

NO_STEPS = "No steps were detected in this recording, so there is nothing to plot: were the sensors worn and sending?"


def report_notes(activity: Activity) -> list[str]:
    """Sentences the page shows above the summary: what is missing and why."""
    notes = []
    if not activity.steps:
        notes.append(NO_STEPS)
    elif activity.summary is not None and activity.summary.distance_m is None:
        notes.append(
            "No distance was measured (no foot sensor's strides, no foot pod): the plots are against time."
        )
    return notes


def render_report(activity: Activity, source: str) -> str:
    """The report page of ``activity``; ``source`` names the input (shown in the title)."""
    from .plots import render_plots

    series = build_series(activity)
    plots = render_plots(activity, series) if activity.steps else []
    return page_html(
        title=f"Run report: {source}",
        subtitle=f"{when(activity.start_utc)} \u00b7 {len(activity.steps)} steps",
        summary=summary_html(activity),
        plots=plots,
        descents=descents_html(activity),
        cues=cues_html(activity),
        notes=report_notes(activity),
        footer=f"cadence-coach {__version__}: steps, grade and cues as the coach saw them.",
    )


class ReportFile:
    """The report file, reserved now (a temporary file beside it) and written whole by :meth:`write`.

    Raises:
        UserError: ``path`` cannot be written (one line naming it and why).
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self._file = AtomicFile(path, "the report")
        self.path = self._file.path

    def write(self, activity: Activity, source: str) -> None:
        """Render the report and move it into place; the temporary file is removed on any error."""
        try:
            self._file.tmp.write_text(render_report(activity, source), encoding="utf-8")
        except BaseException:
            self._file.discard()
            raise
        self._file.commit()

    def discard(self) -> None:
        """Give up: remove the temporary file (an existing report is left as it was)."""
        self._file.discard()

    def __enter__(self) -> ReportFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._file.done:
            self._file.discard()
