"""The harness for real recordings: run a detector on every case and score it (see
``../shared/data/real-dev/README.md``). Data flows in this order:

1. :mod:`.real_cases` reads a real-dev folder (``cases.json`` and each ``.truth.csv``) or the bundled
   excerpts (tests/data/real) as :class:`Case` s;
2. :func:`analyze_case` runs the engine on a case in-process, as ``cadence-coach analyze`` would, and
   gives its :class:`Steps` (the offline baseline, :mod:`.baseline`, gives the same);
3. :mod:`.real_scoring` scores each case (:func:`score_case`) and pools a group (:func:`summarize`).

A small command line for the detector developers prints one row per case, then one per group::

    python -m cadence_coach.evaluation.real_dev [--group trunk/walk] [--case NAME] [--dev-dir DIR]
        [--excerpts] [--detector engine|baseline]

The shipped commands never import this module.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

from .real_cases import Case, Steps, default_dev_dir, load_dev_cases, load_excerpt_cases
from .real_scoring import CaseScore, GroupSummary, by_label, score_case, summarize


def analyze_case(case: Case, out: Path) -> tuple[Steps, int]:
    """Run ``cadence-coach analyze`` on a case in-process, writing ``out``; (steps, exit code)."""
    from ..cli import main as cli_main

    code = cli_main(["analyze", str(case.csv), *case.argv, "--out", str(out)])
    return (Steps.from_csv(out) if code == 0 else Steps.empty()), code


def run_engine(cases: list[Case]) -> list[CaseScore]:
    """Analyze and score every case, one in-process ``analyze`` call each (its stderr lines pass
    through); a case whose ``analyze`` fails is scored with no steps and marked failed."""
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            steps, code = analyze_case(case, Path(tmp) / f"{case.name}.steps.csv")
            scores.append(score_case(case, steps, failed=f"analyze exit {code}" if code else ""))
    return scores


def run_baseline(cases: list[Case]) -> list[CaseScore]:
    """Detect and score every case with the offline baseline (:mod:`.baseline`)."""
    from .baseline import detect_case

    return [score_case(case, detect_case(case)) for case in cases]


def _num(x: float, spec: str, width: int) -> str:
    """A figure right-aligned in ``width``, ``-`` for NaN."""
    return ("-" if math.isnan(x) else format(x, spec)).rjust(width)


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.size else float("nan")


def case_row(s: CaseScore) -> str:
    """One line of figures for a case (times in ms)."""
    ic, lat = s.ic_error_s * 1000.0, s.latency_s * 1000.0
    return (
        f"{s.case.name:30} {s.case.group:11} {s.detected:5} {s.tp:4} {s.fp:4} {s.fn:4} {s.other_leg:4} "
        f"{_num(s.f1, '.3f', 5)} {_num(_median(np.abs(ic)), '.0f', 6)} {_num(_median(ic), '.0f', 6)} "
        f"{_num(_median(lat), '.0f', 6)} {_num(s.cadence_abs_error_spm, '.2f', 7)} "
        f"{_num(s.count_error_pct, '+.1f', 6)}{'  ' + s.failed if s.failed else ''}"
    )


CASE_HEADER = (
    f"{'case':30} {'group':11} {'det':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'othr':>4} {'F1':>5} "
    f"{'|IC|ms':>6} {'IC ms':>6} {'lat ms':>6} {'cad spm':>7} {'count%':>6}"
)


def group_row(g: GroupSummary) -> str:
    """One line of pooled figures for a group (times in ms)."""
    return (
        f"{g.label:30} {g.cases:5} {g.failed:6} {_num(g.f1, '.3f', 5)} {_num(g.ic_abs_median_ms, '.0f', 6)} "
        f"{_num(g.ic_abs_p95_ms, '.0f', 6)} {_num(g.ic_signed_median_ms, '.0f', 6)} "
        f"{_num(g.latency_median_ms, '.0f', 6)} {_num(g.cadence_error_spm, '.2f', 7)} "
        f"{_num(g.count_error_pct, '.1f', 6)}"
    )


GROUP_HEADER = (
    f"{'group':30} {'cases':>5} {'failed':>6} {'F1':>5} {'|IC|ms':>6} {'p95':>6} {'IC ms':>6} "
    f"{'lat ms':>6} {'cad spm':>7} {'count%':>6}"
)


def select(cases: list[Case], group: str | None, names: list[str] | None) -> list[Case]:
    """The cases of a group (``trunk/walk``, or a label ``voisard trunk/walk``) and/or with given names."""
    if group:
        cases = [c for c in cases if group in (c.group, c.label, c.dataset)]
    if names:
        cases = [c for c in cases if c.name in names]
    return cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m cadence_coach.evaluation.real_dev",
        description="Score the gait engine on real recordings with reference events.",
    )
    ap.add_argument(
        "--dev-dir", type=Path, default=None, help="real-dev folder (default: ../shared/data/real-dev)"
    )
    ap.add_argument("--excerpts", action="store_true", help="score the bundled tests/data/real excerpts too")
    ap.add_argument("--group", help="only this group (trunk/walk), label (voisard trunk/walk) or dataset")
    ap.add_argument("--case", action="append", help="only this case (repeatable)")
    ap.add_argument(
        "--detector",
        choices=("engine", "baseline"),
        default="engine",
        help="the gait engine (default) or the offline baseline (evaluation/baseline.py)",
    )
    opts = ap.parse_args(argv)
    dev_dir = opts.dev_dir or default_dev_dir()
    cases = load_dev_cases(dev_dir) if (dev_dir / "cases.json").is_file() else []
    if not cases:
        print(f"no real-dev cases in {dev_dir}", file=sys.stderr)
    if opts.excerpts:
        cases += load_excerpt_cases()
    cases = select(cases, opts.group, opts.case)
    if not cases:
        print("nothing to score", file=sys.stderr)
        return 1
    scores = run_engine(cases) if opts.detector == "engine" else run_baseline(cases)
    print(CASE_HEADER)
    for s in scores:
        print(case_row(s))
    print()
    print(GROUP_HEADER)
    for label, group in by_label(scores).items():
        print(group_row(summarize(label, group)))
    if len(by_label(scores)) > 1:
        print(group_row(summarize("all (pooled)", scores)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
