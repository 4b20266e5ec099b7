"""Simulated runs through the whole path to the coach, scored against their truth.

One run: simulate (a drawn run or a named scenario) -> write the recording and its truth sidecar ->
read it back in bulk -> decoders -> gait engine -> coach, in-process the way ``replay --speed 0
--audio off --cues-out`` does -> :func:`.coach_scoring.score_run`. Every function here takes a
folder for the recording and removes the recording when done.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..coach.coach import Coach
from ..coach.config import CoachConfig
from ..datatypes import Cue, StepEvent
from ..session.pipeline import Pipeline
from ..session.session import Session
from ..sources.recording import RecordingReader
from ..sources.simulator import Simulation, draw_run, load_truth, simulate, simulate_draw, truth_path, write
from .coach_scoring import CoachTrace, RunScore, score_run
from .coach_targets import quantile

REPLAY_BATCH = 512
"""Items per session window, as ``replay --speed 0``."""


class TracedCoach:
    """A coach that also records, after every step, its descent state and the grade it used.

    Args:
        config: coach configuration; None for the defaults.
    """

    def __init__(self, config: CoachConfig | None = None) -> None:
        self.coach = Coach(config)
        self.t_s: list[float] = []
        self.descent: list[bool] = []
        self.grade_pct: list[float] = []

    def feed(self, step: StepEvent) -> list[Cue]:
        """Feed the coach one step; returns its cues."""
        cues = self.coach.feed(step)
        state = self.coach.descent
        self.t_s.append(step.detected_at_s)
        self.descent.append(state.active)
        self.grade_pct.append(math.nan if state.grade_pct is None else state.grade_pct)
        return cues

    def trace(self, cues: list[Cue]) -> CoachTrace:
        """The trace of the run so far, with the cues the session collected."""
        return CoachTrace(
            cues=[(c.t_s, c.cue_id) for c in cues],
            t_s=np.array(self.t_s, dtype=float),
            descent=np.array(self.descent, dtype=bool),
            grade_pct=np.array(self.grade_pct, dtype=float),
        )


def trace_recording(path: str | os.PathLike, config: CoachConfig | None = None) -> CoachTrace:
    """Replay a recording through decoders, gait engine and coach as fast as possible."""
    coach = TracedCoach(config)
    with RecordingReader(path) as reader:
        session = Session(Pipeline(reader.header.sensors), coach=coach)
        session.run(reader.batches(), batch=REPLAY_BATCH)
    return coach.trace(session.cues)


def score_simulation(
    sim: Simulation, folder: str | os.PathLike, label: str, config: CoachConfig | None = None
) -> RunScore:
    """Write a simulation into ``folder``, replay and score it, and remove its files."""
    path = Path(folder) / f"run-{os.getpid()}-{sim.seed}.ccrec"
    try:
        write(sim, path)
        score = score_run(load_truth(path), trace_recording(path, config))
    finally:
        path.unlink(missing_ok=True)
        truth_path(path).unlink(missing_ok=True)
    return replace(score, label=label)


def score_draw(
    seed: int,
    folder: str | os.PathLike,
    max_duration_s: float | None = None,
    config: CoachConfig | None = None,
) -> RunScore:
    """Draw run ``seed``, optionally cut to ``max_duration_s`` (the course shrinks to fit), and score it."""
    draw = draw_run(seed)
    if max_duration_s is not None and draw.duration_s > max_duration_s:
        draw = replace(draw, duration_s=max_duration_s)
    score = score_simulation(simulate_draw(draw), folder, f"draw {seed}: {draw.describe()}", config)
    return replace(score, group=f"{draw.strike_style} strike", baro=draw.baro)


def score_scenario(
    name: str,
    duration_s: float,
    seed: int,
    folder: str | os.PathLike,
    feet: str = "right",
    config: CoachConfig | None = None,
) -> RunScore:
    """Simulate the named scenario (400 Hz and the other ``simulate`` defaults) and score it."""
    sim = simulate(name, duration_s, seed, feet=feet)
    score = score_simulation(sim, folder, f"{name} seed {seed}, {duration_s:g} s, {feet}", config)
    return replace(score, baro=bool(sim.options["baro"]))


def run_line(s: RunScore) -> str:
    """Two lines per run for people: episodes, overstride cues, terrain errors, onsets, grade p95 (now /
    trailing 10 s), cues."""
    onsets = ", ".join("never" if v == math.inf else f"{v:.1f}" for v in s.onset_s) or "-"
    grade = f"{quantile(s.grade_window_pp, 0.95):.1f}/{quantile(s.grade_window_trailing_pp, 0.95):.1f}"
    cues = ", ".join(f"{t:.0f} {cid}" for t, cid in s.cue_list) or "none"
    return (
        f"{s.label}\n    episodes {s.episodes_cued}/{s.episodes} cued, overstride cues "
        f"{s.overstride_cues_in_episodes}/{s.overstride_cues} in episodes, off-descent {s.descent_cues_on_flats} "
        f"(after a descent {s.descent_cues_after_descent}), onsets [{onsets}] s, grade p95 {grade} pp; cues: {cues}"
    )
