"""The input of ``export`` and ``report``: a recording or a CSV file run through the pipeline and the
coach (as ``replay`` does, without audio or pacing) into an :class:`~cadence_coach.outputs.activity.Activity`.

:func:`add_activity_arguments` adds the input, its import flags, ``--config``, ``--runner`` and
``--start`` to a parser; :func:`load_activity` runs the input.
"""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from pathlib import Path

from ..coach.coach import Coach
from ..coach.config import load_config
from ..coach.descent import DescentState
from ..coach.runner_store import RunnerStore
from ..datatypes import Cue, Placement, PodReading, StepEvent
from ..errors import UserError
from ..outputs.activity import Activity, build_activity
from ..session.pipeline import Pipeline
from ..session.session import Session, windows
from ..sources.recording import RecordingReader
from .input_options import add_input_arguments, detect_format, open_input
from .preparing import prepare_step_detector

BATCH = 2048
"""Items (packets, blocks) handed to the pipeline at once."""


def start_value(text: str) -> datetime:
    """Parse ``--start``: an ISO 8601 date and time; without a time zone, the local time of this machine."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid start {text!r}: give an ISO 8601 date and time, e.g. 2026-12-03T07:30:00+01:00"
        ) from None
    return when if when.tzinfo is not None else when.astimezone()


def add_activity_arguments(p: argparse.ArgumentParser) -> None:
    """The input (a recording or a CSV file with its import flags), ``--config``, ``--runner``, ``--start``."""
    add_input_arguments(p)
    p.add_argument("--config", metavar="TOML", help="coach configuration (docs/coach-config.md)")
    p.add_argument(
        "--runner",
        metavar="NAME",
        help="start the coach from this runner's saved baseline (read, never changed; default: the "
        "population prior alone, so the result depends on the input only)",
    )
    p.add_argument(
        "--start",
        type=start_value,
        metavar="ISO-8601",
        help="wall-clock time of the input's 0 s, e.g. 2026-12-03T07:30:00+01:00 (a recording's own "
        "start is used when not given; a CSV file has none; without a zone: this machine's local time)",
    )


def recording_start(path: Path) -> datetime | None:
    """The wall-clock start in a recording's header (UTC), or None when it has none or it is unreadable."""
    with RecordingReader(path) as reader:
        text = reader.header.started_at
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone(UTC)


class DescentLog:
    """The coach, as the session sees it, keeping its descent state and its cadence band after every
    step (:attr:`Activity.cadence_band`)."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.states: list[DescentState] = []
        self.bands: list[tuple[float, float] | None] = []

    def feed(self, step: StepEvent) -> list[Cue]:
        cues = self.coach.feed(step)
        self.states.append(self.coach.descent)
        self.bands.append(cadence_band(self.coach))
        return cues


def cadence_band(coach: Coach) -> tuple[float, float] | None:
    """The coach's cadence band now, steps/min: the usual cadence at the current speed less
    ``cadence_drop_pct`` (below it the coach may cue on a descent) and its target (the usual plus
    ``cadence_target_pct``); None while it knows no usual cadence."""
    usual = coach.baseline.cadence(coach.figures.speed_mps)
    if usual is None:
        return None
    s = coach.config.overstride
    return usual[0] * (1 - s.cadence_drop_pct / 100), usual[0] * (1 + s.cadence_target_pct / 100)


def input_start(args: argparse.Namespace) -> datetime | None:
    """``--start`` if given, else the recording's own start; None for a CSV file without ``--start``."""
    if getattr(args, "start", None) is not None:
        return args.start.astimezone(UTC)
    path = Path(args.input)
    kind = args.format if args.format != "auto" else detect_format(path)
    return recording_start(path) if kind == "recording" else None


def load_activity(args: argparse.Namespace) -> Activity:
    """Run ``args.input`` through the pipeline and the coach; the session as an :class:`Activity`.

    Raises:
        UserError: the input or the coach config cannot be read.
    """
    config = load_config(getattr(args, "config", None))
    saved = None
    if getattr(args, "runner", None):
        store = RunnerStore(args.runner)
        store.load()
        if store.warning:
            raise UserError(store.warning)
        saved = store.saved
    start = input_start(args)
    log = DescentLog(Coach(config, saved=saved))
    pods: list[PodReading] = []
    pressure, t_last = False, 0.0
    with open_input(args) as source:
        prepare_step_detector(placements=[s.placement for s in source.sensors])
        session = Session(Pipeline(source.sensors), coach=log)
        for window in windows(source.items(speed=0.0), BATCH):
            out = session.process(window)
            pods.extend(out.pod_readings)
            for block in out.blocks:
                if len(block):
                    t_last = max(t_last, float(block.t[-1]))
                    if block.baro_pa is not None and not pressure:
                        pressure = bool((block.baro_pa == block.baro_pa).any())
        session.finish()
        feet = sum(1 for s in source.sensors if s.placement is Placement.FOOT)
    ends = [t_last] + [s.t_ic_s for s in session.steps[-1:]] + [r.t_s for r in pods[-1:]]
    ends += [c.t_s for c in session.cues[-1:]]
    duration = max(e for e in ends if math.isfinite(e))
    activity = build_activity(
        session.steps,
        session.cues,
        start,
        duration_s=duration,
        feet=feet,
        has_pressure=pressure,
        pods=pods,
        descent=log.states,
        settings=config.descent,
        flat_grade_pct=config.baseline.flat_grade_pct,
    )
    activity.cadence_band = log.bands
    return activity
