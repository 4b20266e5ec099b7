"""Simulated runner: physically consistent foot IMU recordings with ground truth.

One facade::

    sim = simulate("long-descent-overstride", duration_s=300, seed=1, rate_hz=200, feet="both")
    sim = simulate_draw(draw_run(7))         # or a run drawn at random (runner, course, sensors)
    summary = write(sim, "run.ccrec")        # + run.ccrec.truth.json
    signals = true_signals(sim, 0, t)        # noise-free sensor signals and pose at times t

Stages (one module each): :mod:`.course` grade over distance, :mod:`.scenarios` named courses,
:mod:`.draws` random runs, :mod:`.runner` behaviour step by step, :mod:`.foot` foot kinematics
(:mod:`.polynomials` its segments), :mod:`.imu` sensor model, :mod:`.wire` clocks, packets and radio,
:mod:`.truth` the sidecar; :mod:`.simulation` assembles them into a :class:`Simulation` and
:mod:`.writer` writes it. :mod:`.body` adds shank, trunk and head sensors for the tests and benchmarks
of those detectors. See docs/simulator.md.
"""

from __future__ import annotations

from .draws import DRAW_SCENARIO, RunDraw, draw_run
from .scenarios import SCENARIOS, scenario_names
from .simulation import SensorSamples, Simulation, TrueSignals, simulate, simulate_draw, true_signals
from .truth import Truth, load_truth, truth_path
from .writer import WriteSummary, write

__all__ = [
    "DRAW_SCENARIO",
    "SCENARIOS",
    "RunDraw",
    "Simulation",
    "SensorSamples",
    "TrueSignals",
    "WriteSummary",
    "Truth",
    "draw_run",
    "load_truth",
    "scenario_names",
    "simulate",
    "simulate_draw",
    "true_signals",
    "truth_path",
    "write",
]
