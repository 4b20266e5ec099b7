"""Gait engine accuracy on real recordings (tests/data/real, sources in tests/data/README.md).

Each excerpt goes through ``cadence-coach analyze`` as a user would run it; its steps are scored against
the reference events inside the reference's walking bouts (contacts matched within 60 ms):

- F1 of initial contacts, and the counts (detected / reference);
- IC error (detected - reference): median and 95th percentile of |error|, and the median signed error, ms;
- TO error: median signed and median |error|, ms (foot sensors; the reference must give toe-off);
- cadence error: median engine cadence vs the reference's median over the same bouts, steps/min;
- latency ``detected_at - reference IC``: median and 95th percentile, ms.

Usage: python benchmarks/real_data.py [--tolerance-ms 60]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from cadence_coach.cli import main as cli_main
from cadence_coach.evaluation.reference_events import ReferenceEvents, analyze_args, read_steps, score

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"


def median_abs(x: np.ndarray) -> float:
    return float(np.median(np.abs(x))) if x.size else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance-ms", type=float, default=60.0)
    opts = ap.parse_args()
    excerpts = json.loads((DATA / "excerpts.json").read_text())
    print(f"{'excerpt':32} {'F1':>5} {'det/ref':>7} {'IC|med|':>7} {'IC p95':>6} {'IC med':>6} "
          f"{'TO med':>6} {'TO|med|':>7} {'cad ref':>7} {'cad err':>7} {'lat med':>7} {'lat p95':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in excerpts.items():
            out = Path(tmp) / f"{name}.steps.csv"
            if cli_main(analyze_args(DATA / f"{name}.csv", spec, out)) != 0:
                print(f"{name}: analyze failed", file=sys.stderr)
                return 1
            steps = read_steps(out)
            ref = ReferenceEvents.load(DATA / f"{name}.events.csv", spec["reference"], spec.get("side"))
            s = score(ref, steps["t_ic_s"], steps["t_to_s"], steps["detected_at_s"], opts.tolerance_ms / 1000)
            in_bouts = ref.in_bouts(steps["t_ic_s"])
            per_interval = 120.0 if spec["placement"] in ("foot", "shank") else 60.0
            cad_ref = float(np.median(per_interval / ref.step_time_s()))
            cad = steps["cadence_spm"][in_bouts]
            cad_err = float(np.nanmedian(cad)) - cad_ref if np.isfinite(cad).any() else float("nan")
            ms = 1000.0
            print(f"{name:32} {s.f1:5.3f} {s.detected:>3}/{s.reference:<3} "
                  f"{median_abs(s.ic_error_s) * ms:7.1f} "
                  f"{np.percentile(np.abs(s.ic_error_s), 95) * ms if s.ic_error_s.size else np.nan:6.1f} "
                  f"{np.median(s.ic_error_s) * ms if s.ic_error_s.size else np.nan:6.1f} "
                  f"{np.median(s.to_error_s) * ms if s.to_error_s.size else np.nan:6.1f} "
                  f"{median_abs(s.to_error_s) * ms:7.1f} {cad_ref:7.1f} {cad_err:7.1f} "
                  f"{np.median(s.latency_s) * ms if s.latency_s.size else np.nan:7.1f} "
                  f"{np.percentile(s.latency_s, 95) * ms if s.latency_s.size else np.nan:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
