"""``--report HTML`` for the commands that run a session (replay, demo, run): the session report
(docs/report.md) written at the end from the session's own steps and cues.

The report file is reserved when the command starts (:func:`open_report`), so a path that cannot be
written fails before the session; the session's coach is wrapped in a
:class:`~.activity_input.DescentLog`, which keeps the descent state and cadence band the report shows.
The report modules (and matplotlib) are imported only when ``--report`` is given.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from ..coach.config import CoachConfig
from ..datatypes import Placement, SensorInfo
from ..session.session import Session
from .activity_input import DescentLog

if TYPE_CHECKING:
    from ..outputs.report import ReportFile


def add_report_argument(p: argparse.ArgumentParser) -> None:
    """``--report HTML``."""
    p.add_argument(
        "--report",
        metavar="HTML",
        help="at the end, also write the session report: one HTML page with the summary, plots and "
        "descents (docs/report.md; replaced if it exists)",
    )


def open_report(args: argparse.Namespace) -> ReportFile | None:
    """The report file ``--report`` names, reserved now (:class:`UserError` if it cannot be written), or
    None without ``--report``."""
    if not getattr(args, "report", None):
        return None
    from ..outputs.report import ReportFile

    return ReportFile(args.report)


def write_session_report(
    report: ReportFile,
    session: Session,
    log: DescentLog,
    sensors: list[SensorInfo],
    config: CoachConfig,
    start_utc: datetime | None,
    source: str,
) -> None:
    """Build the session's activity from its steps and cues and write the report; says where."""
    from ..outputs.activity import build_activity

    activity = build_activity(
        session.steps,
        session.cues,
        start_utc,
        feet=sum(1 for s in sensors if s.placement is Placement.FOOT),
        descent=log.states if len(log.states) == len(session.steps) else None,
        settings=config.descent,
        flat_grade_pct=config.baseline.flat_grade_pct,
    )
    if len(log.bands) == len(session.steps):
        activity.cadence_band = log.bands
    report.write(activity, source)
    print(f"report written to {report.path}")
