"""Gait engine accuracy and latency against the simulator's ground truth.

For each scenario and sample rate, simulates a run (with noise, bias, random mounting and packet loss),
replays the recording through the pipeline as fast as possible and scores the steps:

- step detection F1 (initial contacts matched within 50 ms, per foot);
- |IC error| median and 95th percentile, ms;
- cadence error: rolling cadence over 8 steps vs the truth's over the same steps, steps/min;
- contact time error median, ms; strike class accuracy, %;
- stride length error, % (median of |error|);
- grade error over 30 s windows, percentage points (95th percentile of |window mean error|),
  against the true grade at each step (the engine estimates the grade now, gait/grade.py; until
  2026-11 it smoothed over the trailing 10 s and was compared with the truth smoothed that way);
- latency ``detected_at - true IC``: median and 95th percentile, ms.

Usage: python benchmarks/gait_accuracy.py [--duration S] [--seeds N] [--rates 100,200,400,1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from cadence_coach.cli import main as cli_main
from cadence_coach.session.matching import field_array, match_events, percentile
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session
from cadence_coach.sources.recording import RecordingReader

SCENARIOS = ["flat-easy", "rolling-hills", "long-descent-overstride", "steep-descent"]


def analyze(path: Path) -> tuple[list, list]:
    """Steps of a recording, replayed as fast as possible; also the sensor list."""
    with RecordingReader(path) as reader:
        session = Session(Pipeline(reader.header.sensors))
        session.run(reader.records(), batch=512)
        return session.steps, reader.header.sensors


def truth_grade_now(grade_rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """True grade at times ``t``, % (the truth's 1 Hz rows interpolated)."""
    return np.interp(t, grade_rows[:, 0], grade_rows[:, 2])


def score(steps: list, sensors: list, truth: dict) -> dict:
    tsteps = truth["steps"]
    t_ic = np.array([s["t_ic_s"] for s in tsteps])
    sides = np.array([s["side"] for s in tsteps])
    out: dict[str, list] = {
        k: [] for k in ("ic_err", "lat", "contact_err", "stride_err", "cad_err", "strike_ok")
    }
    tp = fp = fn = 0
    grade_est, grade_t = [], []
    for i, info in enumerate(sensors):
        mine = sorted((s for s in steps if s.sensor == i), key=lambda s: s.t_ic_s)
        side = info.side.value if info.side else None
        sel = np.flatnonzero(sides == side) if side else np.arange(len(tsteps))
        m = match_events(field_array(mine, "t_ic_s"), t_ic[sel])
        tp += len(m.detected)
        fp += m.false_positives
        fn += m.false_negatives
        for d, k in zip(m.detected, sel[m.true]):
            s, ts = mine[d], tsteps[k]
            out["ic_err"].append(abs(s.t_ic_s - ts["t_ic_s"]) * 1000)
            out["lat"].append((s.detected_at_s - ts["t_ic_s"]) * 1000)
            if s.contact_s is not None and ts.get("contact_s") is not None:
                out["contact_err"].append(abs(s.contact_s - ts["contact_s"]) * 1000)
            if s.stride_m is not None and ts.get("stride_m"):
                out["stride_err"].append(100 * abs(s.stride_m - ts["stride_m"]) / ts["stride_m"])
            if s.strike is not None and ts.get("strike"):
                out["strike_ok"].append(s.strike.value == ts["strike"])
            if s.grade_pct is not None:
                grade_est.append(s.grade_pct)
                grade_t.append(s.t_ic_s)
        # Rolling cadence over 8 steps of this foot (4 strides) vs the truth's over the same span.
        if len(m.detected) > 9:
            det_t = np.array([mine[d].t_ic_s for d in m.detected])
            tru_t = t_ic[sel][m.true]
            for j in range(8, len(det_t)):
                if m.true[j] - m.true[j - 8] != 8:
                    continue  # a missed step inside the window: not comparable
                est = 60.0 * 16 / (det_t[j] - det_t[j - 8])
                tru = 60.0 * 16 / (tru_t[j] - tru_t[j - 8])
                out["cad_err"].append(abs(est - tru))
    grade_rows = np.array(truth["grade"], dtype=float)
    g_err_windows = []
    if grade_t:
        gt = np.array(grade_t)
        err = np.array(grade_est) - truth_grade_now(grade_rows, gt)
        for w0 in np.arange(gt.min() + 10.0, gt.max() - 30.0, 30.0):
            sel = (gt >= w0) & (gt < w0 + 30.0) & ~np.isnan(err)
            if sel.sum() > 10:
                g_err_windows.append(abs(float(err[sel].mean())))
    arr = {k: np.array(v, dtype=float) for k, v in out.items()}
    return {
        "f1": 2 * tp / max(1, 2 * tp + fp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "ic_med": percentile(arr["ic_err"], 50),
        "ic_p95": percentile(arr["ic_err"], 95),
        "cad_med": percentile(arr["cad_err"], 50),
        "cad_p95": percentile(arr["cad_err"], 95),
        "contact_med": percentile(arr["contact_err"], 50),
        "strike_acc": 100 * float(np.mean(arr["strike_ok"])) if arr["strike_ok"].size else float("nan"),
        "stride_med": percentile(arr["stride_err"], 50),
        "grade_p95": percentile(np.array(g_err_windows), 95),
        "lat_med": percentile(arr["lat"], 50),
        "lat_p95": percentile(arr["lat"], 95),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=240.0)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--rates", default="100,200,400,1000")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--feet", default="both")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    cols = [
        "f1",
        "ic_med",
        "ic_p95",
        "cad_med",
        "contact_med",
        "strike_acc",
        "stride_med",
        "grade_p95",
        "lat_med",
        "lat_p95",
    ]
    print(f"{'scenario':26s} {'Hz':>5s} " + " ".join(f"{c:>11s}" for c in cols))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in args.scenarios.split(","):
            for rate in rates:
                for seed in range(1, args.seeds + 1):
                    path = Path(tmp) / f"{scenario}-{rate:g}-{seed}.ccrec"
                    rc = cli_main(
                        [
                            "simulate",
                            "--scenario",
                            scenario,
                            "--duration",
                            str(args.duration),
                            "--seed",
                            str(seed),
                            "--rate",
                            f"{rate:g}",
                            "--feet",
                            args.feet,
                            "--out",
                            str(path),
                        ]
                    )
                    if rc:
                        return rc
                    truth = json.loads(Path(str(path) + ".truth.json").read_text())
                    steps, sensors = analyze(path)
                    r = score(steps, sensors, truth)
                    rows.append((rate, r))
                    print(
                        f"{scenario:26s} {rate:5.0f} " + " ".join(f"{r[c]:11.3f}" for c in cols), flush=True
                    )
    print("\nmedians over all runs (targets: f1>=0.995, ic_med<=5, ic_p95<=15, cad<=1, contact_med<=10,")
    print("  strike>=90, stride<=3, grade_p95<=1, lat_med<=20 at 200 Hz):")
    for c in cols:
        vals = np.array([r[c] for _, r in rows], dtype=float)
        print(
            f"  {c:12s} median {np.nanmedian(vals):8.3f}  worst {np.nanmax(vals) if c not in ('f1', 'strike_acc') else np.nanmin(vals):8.3f}"
        )
    lat200 = [r["lat_med"] for rate, r in rows if rate == 200]
    if lat200:
        print(f"  latency median at 200 Hz: {np.median(lat200):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
