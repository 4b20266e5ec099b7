"""The gait engine against a simple offline baseline on real recordings from other labs (issue 10).

Cases: every case of ``../shared/data/real-dev/`` (62; skipped with a message where the folder is
absent; see its README.md) and the excerpts bundled in tests/data/real. The engine runs as a user runs
it: one ``cadence-coach analyze --manifest cases.json --out-dir DIR`` command (each case with its own
import flags), in a fresh process, timed whole; the bundled excerpts
(one set of flags each) in-process. The baseline (cadence_coach.evaluation.baseline: find_peaks on the
filtered acceleration norm) runs on the same files, and is timed in one fresh process over the dev cases.

Scored by the rules of the real-dev README (cadence_coach.evaluation.real_scoring): one row per dataset
group, engine and baseline, with F1, median and 95th percentile |IC error|, median signed IC error,
median latency (engine only: the baseline is offline), median cadence error over cases, median |count
error| (step-count truth); then each target of the issue (cadence_coach.evaluation.real_targets), met
or not, and the wall times.

Usage: python benchmarks/real_data.py [--dev-dir DIR] [--jobs N] [--timing-runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cadence_coach.evaluation.baseline import detect_case
from cadence_coach.evaluation.real_cases import (
    Case,
    Steps,
    default_dev_dir,
    load_dev_cases,
    load_excerpt_cases,
)
from cadence_coach.evaluation.real_dev import GROUP_HEADER, group_row, run_engine
from cadence_coach.evaluation.real_scoring import (
    CaseScore,
    by_label,
    score_case,
    summarize,
)
from cadence_coach.evaluation.real_targets import group_targets, pooled_target

BASELINE_SCRIPT = """
import sys
from pathlib import Path
from cadence_coach.evaluation.baseline import detect_case
from cadence_coach.evaluation.real_cases import load_dev_cases
for case in load_dev_cases(Path(sys.argv[1])):
    detect_case(case)
"""
"""The baseline over every dev case in a fresh process (imports included, like the engine's commands)."""


def engine_run(
    dev_dir: Path, cases: list[Case], out_dir: Path, jobs: int | None
) -> tuple[list[CaseScore], float]:
    """Analyze every dev case with ONE ``analyze --manifest cases.json --out-dir`` command (each case's
    own import flags) and score them; (scores, wall time s). Lines naming failed inputs are passed on."""
    cmd = [
        sys.executable,
        "-m",
        "cadence_coach",
        "analyze",
        "--manifest",
        str(dev_dir / "cases.json"),
        "--out-dir",
        str(out_dir),
    ] + (["--jobs", str(jobs)] if jobs else [])
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)  # exit 2: some inputs failed
    wall = time.perf_counter() - start
    for line in proc.stderr.splitlines():
        if line.startswith("error:") or "Traceback" in line:
            print(f"  engine {line}", file=sys.stderr)
    scores = []
    for case in cases:
        out = out_dir / f"{case.csv.stem}.steps.csv"
        steps, failed = (Steps.from_csv(out), "") if out.is_file() else (Steps.empty(), "analyze failed")
        scores.append(score_case(case, steps, failed))
    return scores, wall


def baseline_wall_s(dev_dir: Path) -> float:
    """Wall time of the baseline over every dev case in one fresh process, s."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BASELINE_SCRIPT, str(dev_dir)], check=True)
    return time.perf_counter() - start


def report(engine: list[CaseScore], baseline: list[CaseScore]) -> int:
    """Print the rows and targets; returns the number of targets not met."""
    print(f"{'':9} {GROUP_HEADER}")
    base_groups = by_label(baseline)
    missed = 0
    events = []
    for label, scores in by_label(engine).items():
        if scores[0].case.kind == "none":
            found = ", ".join(f"{s.case.name} {s.failed or f'{s.detected} steps'}" for s in scores)
            print(f"{'engine':9} {label}: ran on the smoke case(s): {found}")
            continue
        e = summarize(label, scores)
        b = summarize(label, base_groups[label])
        print(f"{'engine':9} {group_row(e)}")
        print(f"{'baseline':9} {group_row(b)}")
        targets = group_targets(scores[0].case.group, e, b)
        missed += sum(not t.met for t in targets)
        for t in targets:
            print(f"{'':12}{t}")
        if e.kind == "events":
            events += scores
    suite = "dev" if any(s.case.suite == "dev" for s in events) else "bundled"
    label = f"{suite} cases with contacts, pooled"
    pooled = summarize(label, [s for s in events if s.case.suite == suite])
    print(f"{'engine':9} {group_row(pooled)}")
    base = [s for s in baseline if s.case.kind == "events" and s.case.suite == suite]
    print(f"{'baseline':9} {group_row(summarize(label, base))}")
    target = pooled_target(pooled)
    print(f"{'':12}{target}")
    return missed + (not target.met)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--dev-dir", type=Path, default=None, help="real-dev folder (default: ../shared/data/real-dev)"
    )
    ap.add_argument("--jobs", type=int, default=None, help="analyze --jobs (default: the core count)")
    ap.add_argument("--timing-runs", type=int, default=3, help="timed runs of each (default 3; medians)")
    opts = ap.parse_args()
    dev_dir = opts.dev_dir or default_dev_dir()
    dev = load_dev_cases(dev_dir) if (dev_dir / "cases.json").is_file() else []
    if not dev:
        print(f"{dev_dir}: no real-dev cases (cases.json absent): only the bundled excerpts are scored")
    bundled = load_excerpt_cases()
    with tempfile.TemporaryDirectory() as tmp:
        engine, engine_wall = engine_run(dev_dir, dev, Path(tmp), opts.jobs) if dev else ([], 0.0)
    engine += run_engine(bundled)
    baseline = [score_case(case, detect_case(case)) for case in dev + bundled]
    missed = report(engine, baseline)
    print(f"\n{missed} targets not met")
    if dev:
        engine_walls, base_walls = [engine_wall], [baseline_wall_s(dev_dir)]
        for _ in range(opts.timing_runs - 1):  # side by side, alternating: a shared machine's load drifts
            with tempfile.TemporaryDirectory() as tmp:
                engine_walls.append(engine_run(dev_dir, dev, Path(tmp), opts.jobs)[1])
            base_walls.append(baseline_wall_s(dev_dir))
        engine_wall, base_wall = statistics.median(engine_walls), statistics.median(base_walls)
        print(
            f"wall time over the {len(dev)} dev cases (median of {len(engine_walls)} runs each): engine "
            f"{engine_wall:.2f} s in one analyze --manifest command, baseline {base_wall:.2f} s in one "
            f"process; ratio {engine_wall / base_wall:.2f} (target <= 2)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
