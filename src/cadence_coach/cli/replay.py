"""``cadence-coach replay INPUT``: run a recording or a CSV file through the whole pipeline."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from ..coach.coach import Coach
from ..coach.config import CoachConfig, load_config
from ..coach.runner_store import DEFAULT_RUNNER, RunnerStore
from ..outputs.cues_csv import CuesCsvWriter
from ..session.pipeline import Pipeline
from ..session.session import Session
from ..session.view import VIEW_MODES, LiveView
from ..voice import Voice, parse_audio_mode
from .activity_input import DescentLog, input_start
from .input_options import add_input_arguments, open_input
from .preparing import prepare_step_detector
from .report_option import add_report_argument, open_report, write_session_report

PACED_BLOCK_S = 0.05
"""CSV block length when pacing, s: short enough that the view moves smoothly."""
FAST_BATCH = 512
"""Items (packets, events) handed to the pipeline at once when replaying as fast as possible."""


def speed_value(text: str) -> float:
    """Parse ``--speed``: a number >= 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: give a number >= 0") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: give a number >= 0")
    return v


def metronome_value(text: str) -> float | str:
    """Parse ``--metronome``: steps/min from 60 to 240, or ``target``."""
    if text == "target":
        return text
    try:
        spm = float(text)
    except ValueError:
        spm = float("nan")
    if not 60 <= spm <= 240:
        raise argparse.ArgumentTypeError(f"invalid metronome {text!r}: give 60 to 240 steps/min or 'target'")
    return spm


def make_voice(args: argparse.Namespace, config: CoachConfig) -> Voice:
    """The voice for ``--audio`` and ``--metronome``, speaking the configured cue texts (not started)."""
    fixed = args.metronome if isinstance(args.metronome, float) else None
    return Voice(args.audio, {cid: cue.text for cid, cue in config.cues.items()}, metronome_spm=fixed)


class MetronomeFollower:
    """A step sink that keeps the voice's metronome on the coach's cadence target."""

    def __init__(self, voice: Voice, coach: Coach) -> None:
        self.voice, self.coach = voice, coach

    def write(self, steps: list) -> None:
        target = self.coach.target_cadence_spm
        if target is not None and target != self.voice.metronome_spm:
            self.voice.set_metronome(round(target))


def add_runner_argument(p: argparse.ArgumentParser, default: str = DEFAULT_RUNNER) -> None:
    """``--runner NAME``: whose saved baseline the coach starts from and updates (replay, run, demo;
    the demo has a runner of its own, so that it never changes a real runner's baseline)."""
    p.add_argument(
        "--runner",
        default=default,
        metavar="NAME",
        help="the runner, whose baseline of earlier sessions the coach starts from and updates at the "
        f"end (docs/coaching.md; default {default!r})",
    )


def open_runner(args: argparse.Namespace) -> RunnerStore:
    """The runner's store with their saved baseline loaded; a one-line warning if it is unusable."""
    store = RunnerStore(args.runner)
    store.load()
    if store.warning:
        print(f"warning: {store.warning}", file=sys.stderr)
    return store


def close_runner(store: RunnerStore, coach: Coach) -> None:
    """Save what this session learned of the runner (merged into their baseline)."""
    if coach.baseline.steps_learned:
        path = store.save(coach.baseline.session())
        print(f"runner {store.name}: baseline saved ({store.sessions} sessions) in {path}")


def add_coaching_arguments(
    p: argparse.ArgumentParser, speed_default: float, runner_default: str = DEFAULT_RUNNER
) -> None:
    """The flags replay and demo share: pacing, coach config, runner (``runner_default`` when not
    given), audio, cue log."""
    p.add_argument(
        "--speed",
        type=speed_value,
        default=speed_default,
        help=f"1 = original timing, 4 = four times faster, 0 = as fast as possible (default {speed_default:g})",
    )
    p.add_argument("--config", metavar="TOML", help="coach configuration (docs/coach-config.md)")
    add_runner_argument(p, runner_default)
    p.add_argument(
        "--audio",
        type=parse_audio_mode,
        default="auto",
        help="auto (a sound device if one works, else print cues), on, off, or wav:PATH (default auto)",
    )
    p.add_argument(
        "--cues-out", metavar="CSV", help="write every cue to this CSV file (t_s,cue_id,text,reason,figures)"
    )
    add_report_argument(p)
    p.add_argument(
        "--metronome",
        type=metronome_value,
        help="a click under the cues: SPM (steps/min) or 'target' (the coach's cadence target, once known)",
    )
    add_view_argument(p)


def add_view_argument(p: argparse.ArgumentParser) -> None:
    """``--view``: the live view's screen (on a terminal; elsewhere one line per step and cue)."""
    p.add_argument(
        "--view",
        choices=VIEW_MODES,
        default="coach",
        help="coach: cadence, target, grade, last cue, time, distance, sensors at a glance; detail: the "
        "latest steps and cues in a table (default coach; without a terminal, one line per step and cue)",
    )


def add_parser(sub: argparse._SubParsersAction, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "replay",
        help=summary,
        description=(
            "Replay a recording (or a CSV file) through the same pipeline as live data: steps, coaching "
            "cues, voice. Cue times are in the input's own time base."
        ),
    )
    add_input_arguments(p)
    add_coaching_arguments(p, speed_default=1.0)
    return p


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) during a replay, after its summary was printed."""


def run_session(args: argparse.Namespace) -> int:
    """Replay ``args.input`` with the coach, the voice and the live view; prints a summary (also when
    interrupted: then how far it got, with the cue log and the runner's baseline left as they were, and
    exit code 130)."""
    try:
        return replay_session(args)
    except Interrupted:
        return 130


def replay_session(args: argparse.Namespace) -> int:
    """:func:`run_session` but for the exit code of an interruption (:class:`Interrupted` raised)."""
    config = load_config(args.config)
    runner = open_runner(args)
    with ExitStack() as stack:
        report = open_report(args)  # before anything else: a report that cannot be written fails first
        if report is not None:
            stack.enter_context(report)
        source = stack.enter_context(open_input(args, block_s=PACED_BLOCK_S if args.speed > 0 else 1.0))
        coach = Coach(config, saved=runner.saved)
        log = DescentLog(coach)
        voice = make_voice(args, config)
        voice.start()
        stack.callback(voice.close)
        cue_sinks = [stack.enter_context(CuesCsvWriter(args.cues_out))] if args.cues_out else []
        step_sinks = [MetronomeFollower(voice, coach)] if args.metronome == "target" else []
        prepare_step_detector()  # before the paced replay starts (and the view takes the screen)
        view = LiveView(source.sensors, mode=args.view, coach=coach)
        session = Session(
            Pipeline(source.sensors),
            coach=log if report is not None else coach,
            speaker=voice,
            view=view,
            step_sinks=step_sinks,
            cue_sinks=cue_sinks,
            keep=report is not None,  # the report needs every step and cue; else counts only
        )
        interrupted = False
        try:
            session.run(source.items(args.speed), batch=FAST_BATCH if args.speed == 0 else 1)
        except KeyboardInterrupt:
            interrupted = True
            session.finish()  # the steps the gait engine still held count in the summary
        finally:
            view.close(session.pipeline)
        pipeline = session.pipeline
        for i, (info, c) in enumerate(zip(source.sensors, pipeline.counters)):
            rate = f"{c.rate_hz:.1f} Hz" if c.rate_hz else "-"
            packets = f"{c.packets} packets, " if source.kind == "recording" else ""
            print(
                f"sensor {i} ({info.profile}, {info.placement.value}"
                f"{', ' + info.side.value if info.side else ''}): "
                f"{packets}{c.samples} samples at {rate}, {c.gaps} gaps"
            )
        print(f"steps: {session.step_count}, cues: {session.cue_count}")
        print("\n".join(coach.summary.lines()))
        if interrupted:
            print_interrupted(args, session)
            raise Interrupted  # the cue log's temporary file is discarded on the way out
        if report is not None:
            start = input_start(args)
            write_session_report(report, session, log, source.sensors, config, start, Path(args.input).name)
        close_runner(runner, coach)
        speak_summary(voice, coach, session)
        for note in source.notes():
            print(f"note: {note}", file=sys.stderr)
        if pipeline.malformed_packets:
            print(f"note: {pipeline.malformed_packets} malformed packets skipped", file=sys.stderr)
    return 0


def print_interrupted(args: argparse.Namespace, session: Session) -> None:
    """The line that says a replay was cut short: how far it got and what it left untouched."""
    replayed_s = max((c.samples / c.rate_hz for c in session.pipeline.counters if c.rate_hz), default=0.0)
    kept = [f"{args.cues_out} left as it was"] if args.cues_out else []
    kept.append(f"runner {args.runner}'s baseline not updated")
    print(
        f"interrupted: {replayed_s:.1f} s of {args.input} replayed; {', '.join(kept)}",
        file=sys.stderr,
        flush=True,
    )


def speak_summary(voice: Voice, coach: Coach, session: Session) -> None:
    """Say (or print) the coach's one-sentence summary and let it play out."""
    t_end = session.last_step.detected_at_s if session.last_step is not None else 0.0
    length = voice.add_phrase("summary", coach.summary.spoken())
    voice.speak("summary", t_end)
    if length and voice.device_name:
        time.sleep(length + 0.3)


def run(args: argparse.Namespace) -> int:
    return run_session(args)
