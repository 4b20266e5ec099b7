"""``cadence-coach run --device NAME``: a live session with BLE sensors, coach, voice and a recording."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from contextlib import ExitStack
from pathlib import Path

from ..coach.coach import Coach
from ..coach.config import load_config
from ..datatypes import Placement, SensorInfo, Side
from ..errors import UserError
from ..outputs.cues_csv import CuesCsvWriter
from ..outputs.guard import WriteGuard, Writer
from ..outputs.steps_csv import StepsCsvWriter
from ..session.live import DeviceSpec, LiveRun, LiveSession, default_recording_path, print_notice
from ..session.pipeline import Pipeline
from ..session.session import Session, StepSink
from ..session.view import LiveView
from ..sources.ble.backend_types import PLATFORM, BleakBackends
from ..sources.ble.reader import LinkEvent
from ..voice import parse_audio_mode
from .activity_input import DescentLog, recording_start
from .preparing import prepare_step_detector
from .replay import (
    MetronomeFollower,
    add_runner_argument,
    add_view_argument,
    close_runner,
    make_voice,
    metronome_value,
    open_runner,
    speak_summary,
)
from .report_option import add_report_argument, open_report, write_session_report
from .signals import stop_on_signals


def duration_value(text: str) -> float:
    """Parse ``--duration``: seconds > 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: give seconds > 0") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: give seconds > 0")
    return v


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run",
        help=summary,
        description=(
            "Connect to the named sensors (and only those), detect steps, coach and speak cues live, and "
            "record every packet (default: a new file under ~/cadence-coach/sessions/). Ctrl-C (or SIGTERM) "
            "ends the session cleanly. --profile, --placement and --side given once apply to every device, given "
            "several times they apply to the devices in order."
        ),
    )
    p.add_argument(
        "--device",
        action="append",
        default=[],
        metavar="NAME_OR_ADDRESS",
        help="advertised name or Bluetooth address of a sensor (repeat for several)",
    )
    p.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="NAME",
        help="firmware profile (default: recognised from the advertisement)",
    )
    p.add_argument(
        "--placement",
        action="append",
        default=[],
        choices=[x.value for x in Placement],
        help="where the sensor is worn (default: the profile's)",
    )
    p.add_argument("--side", action="append", default=[], choices=[x.value for x in Side], help="which side")
    p.add_argument("--record", metavar="FILE", help="recording to create (an existing file is refused)")
    p.add_argument("--config", metavar="TOML", help="coach configuration (docs/coach-config.md)")
    add_runner_argument(p)
    p.add_argument(
        "--audio",
        type=parse_audio_mode,
        default="auto",
        help="auto (a sound device if one works, else print cues), on, off, or wav:PATH (default auto)",
    )
    p.add_argument("--cues-out", metavar="CSV", help="write every cue to this CSV file")
    p.add_argument(
        "--metronome",
        type=metronome_value,
        help="a click under the cues: SPM (steps/min) or 'target' (the coach's cadence target)",
    )
    p.add_argument("--steps-out", metavar="CSV", help="write every step to this CSV file")
    add_report_argument(p)
    add_view_argument(p)
    p.add_argument("--duration", type=duration_value, metavar="S", help="end the session after S seconds")
    p.add_argument(
        "--scan-timeout",
        type=duration_value,
        default=10.0,
        metavar="S",
        help="longest search for each device, s (default 10)",
    )
    return p


def per_device(values: list[str], n: int, flag: str) -> list[str | None]:
    """One value per device: none given -> None each; one -> for all; n -> in order; else UserError."""
    given: list[str | None] = list(values)
    if not given:
        return [None] * n
    if len(given) == 1:
        return given * n
    if len(given) != n:
        raise UserError(f"{flag} given {len(given)} times for {n} devices: give it once or once per device")
    return given


def device_specs(args: argparse.Namespace) -> list[DeviceSpec]:
    """The devices the user named, with their profile, placement and side."""
    n = len(args.device)
    if n == 0:
        raise UserError("no device named: give --device NAME_OR_ADDRESS (see `cadence-coach scan`)")
    profiles = per_device(args.profile, n, "--profile")
    placements = per_device(args.placement, n, "--placement")
    sides = per_device(args.side, n, "--side")
    return [
        DeviceSpec(d, prof, Placement(pl) if pl else None, Side(sd) if sd else None)
        for d, prof, pl, sd in zip(args.device, profiles, placements, sides)
    ]


def guarded(writer: Writer, path: str, what: str) -> WriteGuard:
    """A live output that a full disk stops (one notice) instead of ending the session."""
    return WriteGuard(writer, path, what, print_notice)


def show_event(ev: LinkEvent) -> None:
    print(f"link {ev.t_s:.3f} s sensor {ev.sensor}: {ev.kind} {ev.detail}", file=sys.stderr, flush=True)


async def run_live_command(args: argparse.Namespace, backend: BleakBackends) -> int:
    """The ``run`` command on the running event loop, against any bleak backends (tests pass a
    SimulatedLink's). Ctrl-C (SIGINT) or SIGTERM ends the session cleanly instead of raising."""
    specs = device_specs(args)
    config = load_config(args.config)
    runner = open_runner(args)
    record_path = Path(args.record) if args.record else default_recording_path()
    if record_path.exists():
        raise UserError(f"{record_path}: already exists (recordings are never overwritten)")
    with ExitStack() as stack:
        report = open_report(args)  # before the session: a report that cannot be written fails first
        if report is not None:
            stack.enter_context(report)
        voice = make_voice(args, config)
        voice.start()
        stack.callback(voice.close)
        coach = Coach(config, saved=runner.saved)
        log = DescentLog(coach)
        cue_sinks = []
        if args.cues_out:
            cues = CuesCsvWriter(args.cues_out, keep_partial=True)
            cue_sinks.append(stack.enter_context(guarded(cues, args.cues_out, "the cues file")))
        step_sinks: list[StepSink] = []
        if args.steps_out:
            steps = StepsCsvWriter(args.steps_out, keep_partial=True)
            step_sinks.append(stack.enter_context(guarded(steps, args.steps_out, "the steps file")))
        if args.metronome == "target":
            step_sinks.append(MetronomeFollower(voice, coach))
        sessions: list[Session] = []

        def make_session(sensors: list[SensorInfo]) -> Session:
            view = LiveView(sensors, mode=args.view, coach=coach)
            sessions.append(
                Session(
                    Pipeline(sensors),
                    coach=log if report is not None else coach,
                    speaker=voice,
                    view=view,
                    step_sinks=step_sinks,
                    cue_sinks=cue_sinks,
                    keep=report is not None,  # the report needs every step and cue; else counts only
                )
            )
            return sessions[0]

        prepare_step_detector()  # before any link is up: LiveSession's own call is then a no-op
        stop = asyncio.Event()
        try:
            with stop_on_signals(asyncio.get_running_loop(), stop):
                live = await LiveSession(
                    specs,
                    make_session,
                    record_path=record_path,
                    backend=backend,
                    duration_s=args.duration,
                    stop=stop,
                    on_event=show_event,
                    scan_timeout_s=args.scan_timeout,
                ).run()
        finally:
            for session in sessions:
                session.view.close(session.pipeline)  # type: ignore[union-attr]
        print_summary(live)
        print("\n".join(coach.summary.lines()))
        if report is not None:
            start = recording_start(live.recording) if live.recording is not None else None
            name = live.recording.name if live.recording is not None else "live session"
            write_session_report(report, live.session, log, live.sensors, config, start, name)
        close_runner(runner, coach)
        speak_summary(voice, coach, live.session)
    return 0


def print_summary(run: LiveRun) -> None:
    pipeline = run.session.pipeline
    for i, (info, c, reader) in enumerate(zip(run.sensors, pipeline.counters, run.readers)):
        rate = f"{c.rate_hz:.1f} Hz" if c.rate_hz else "-"
        print(
            f"sensor {i} ({info.name or info.address}, {info.profile}, {info.placement.value}"
            f"{', ' + info.side.value if info.side else ''}): {c.packets} packets, {c.samples} samples at "
            f"{rate}, {c.gaps} gaps, {reader.stats.disconnects} disconnects, {reader.stats.reconnects} reconnects"
        )
    print(
        f"session: {run.wall_s:.1f} s, steps: {run.session.step_count}, cues: {run.session.cue_count}, "
        f"lost packets: {pipeline.lost_packets}"
    )
    stopped = f" (recording {run.recording_stopped})" if run.recording_stopped else ""
    print(f"recording: {run.recording}{stopped}")
    if pipeline.malformed_packets:
        print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(run_live_command(args, PLATFORM))
