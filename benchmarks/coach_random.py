"""The coach on randomly drawn runs and on the descent scenarios, against issue 11's targets.

Draws ``--runs`` runs (sources/simulator/draws.py: runners, courses, overstride episodes, sensors),
seeds BASE .. BASE + runs - 1; BASE is new at every call (printed first) so that tuning meets fresh
draws; ``--seed BASE`` repeats a set. Each run is simulated, written, replayed through decoders, gait
engine and coach (as ``replay --speed 0``) and scored (evaluation/coach_scoring.py has the
definitions), in a pool of ``--workers`` processes. Then the same figures on the four descent
scenarios of ``simulate`` (long-descent-overstride, steep-descent, rolling-hills, walk-run; seeds
1..``--scenario-seeds``, ``--scenario-duration`` s, right foot, 400 Hz), unless ``--no-scenarios``.

``--config TOML`` scores a coach configuration (docs/coach-config.md) instead of the defaults.

Usage: python benchmarks/coach_random.py [--runs 50] [--seed BASE] [--workers 2] [--config TOML] [--quiet]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from cadence_coach.coach.config import CoachConfig, load_config
from cadence_coach.errors import UserError
from cadence_coach.evaluation.coach_runs import run_line, score_draw, score_scenario
from cadence_coach.evaluation.coach_scoring import RunScore
from cadence_coach.evaluation.coach_targets import (
    barometer_lines,
    grade_by_barometer_line,
    grade_lag_line,
    group_lines,
    target_table,
)

DESCENT_SCENARIOS = ("long-descent-overstride", "steep-descent", "rolling-hills", "walk-run")


def report(title: str, scores: list[RunScore], quiet: bool) -> None:
    print(f"\n## {title}")
    if not quiet:
        for s in scores:
            print(run_line(s))
    print()
    print(target_table(scores))
    print(grade_lag_line(scores))
    print(grade_by_barometer_line(scores))
    print("\n".join(barometer_lines(scores)))
    print("\n".join(group_lines(scores)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50, help="drawn runs (default 50)")
    ap.add_argument("--seed", type=int, help="first seed of the draws (default: a new one each call)")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--max-duration", type=float, help="cut longer draws to this many seconds")
    ap.add_argument("--scenario-seeds", type=int, default=3, help="seeds per descent scenario (default 3)")
    ap.add_argument("--scenario-duration", type=float, default=480.0, help="scenario length, s (default 480)")
    ap.add_argument("--no-scenarios", action="store_true", help="draws only")
    ap.add_argument("--quiet", action="store_true", help="no per-run lines")
    ap.add_argument("--config", metavar="TOML", help="coach configuration (default: the defaults)")
    args = ap.parse_args()
    try:
        config = load_config(args.config)
    except UserError as exc:
        print(f"coach_random: {exc}", file=sys.stderr)
        return 2
    base = args.seed if args.seed is not None else secrets.randbelow(10**9)
    print(
        f"base seed {base} (repeat with --seed {base}), {args.runs} runs, {args.workers} workers", flush=True
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(args.workers) as pool:
        draw = partial(score_draw, folder=tmp, max_duration_s=args.max_duration, config=config)
        draws = list(pool.map(draw, range(base, base + args.runs)))
        jobs = [(name, seed) for name in DESCENT_SCENARIOS for seed in range(1, args.scenario_seeds + 1)]
        scenario = partial(_scenario, duration_s=args.scenario_duration, folder=tmp, config=config)
        scenarios = [] if args.no_scenarios else list(pool.map(scenario, jobs))
    minutes = sum(s.duration_s for s in draws) / 60
    report(
        f"Random runs: {args.runs} draws from seed {base}, {minutes:.0f} min of running", draws, args.quiet
    )
    if scenarios:
        report(f"Descent scenarios: {', '.join(DESCENT_SCENARIOS)}", scenarios, args.quiet)
    print(f"\nwall time {time.perf_counter() - started:.0f} s")
    return 0


def _scenario(job: tuple[str, int], duration_s: float, folder: str, config: CoachConfig) -> RunScore:
    return score_scenario(job[0], duration_s, job[1], folder, config=config)


if __name__ == "__main__":
    sys.exit(main())
