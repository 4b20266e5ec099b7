"""Shank, trunk (pelvis) and head step detection against the simulator's ground truth.

For each placement, scenario and sample rate, simulates a run, derives the body-worn sensor's samples
(``sources/simulator/body.py``: random mounting, noise, bias, 16 g / 2000 dps clipping, 15 ms BLE
packets, 0.2 % packet loss), feeds them through the gait engine packet by packet and scores the steps
against the true ones the sensor can see (a shank: its own leg's; trunk and head: every step):

- F1 of initial contacts matched within 50 ms;
- IC error: median of the signed error (bias), median and 95th percentile of |error|, ms;
- TO error and contact time error, median of |error|, ms (steps where the method gives them);
- side accuracy, % of matched steps with a side that have the right one (and the share with a side);
- latency ``detected_at - true IC``: median and 95th percentile, ms;
- trunk lean / head pitch error, median |error|, degrees.

Usage: python benchmarks/body_gait_accuracy.py [--duration S] [--rates 100,200,400]
       [--scenarios flat-easy,steep-descent,walk-run] [--placements shank-gyro,shank-acc,trunk-gyro,...]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from cadence_coach.datatypes import Placement
from cadence_coach.gait.engine import GaitEngine
from cadence_coach.session.matching import match_events, percentile
from cadence_coach.sources.simulator import simulate
from cadence_coach.sources.simulator.body import body_session

PLACEMENTS = {
    "shank-gyro": (Placement.SHANK, True),
    "shank-acc": (Placement.SHANK, False),
    "trunk-gyro": (Placement.TRUNK, True),
    "trunk-acc": (Placement.TRUNK, False),
    "head-gyro": (Placement.HEAD, True),
}
COLS = [
    "f1",
    "ic_bias",
    "ic_med",
    "ic_p95",
    "to_med",
    "ct_med",
    "side_ok",
    "side_n",
    "lat_med",
    "lat_p95",
    "pitch",
    "cpu_us",
]


def run(scenario: str, rate: float, name: str, duration: float, seed: int) -> dict:
    placement, gyro = PLACEMENTS[name]
    sim = simulate(scenario, duration, seed, rate_hz=rate, feet="right", baro=False)
    session = body_session(sim, placement, side=1, seed=seed, gyro=gyro)
    engine = GaitEngine([session.info])
    steps = []
    t0 = time.process_time()
    for block in session.blocks:
        steps.extend(engine.feed(block).completed)
    cpu = time.process_time() - t0
    return score(steps, session, cpu)


def score(steps: list, session, cpu_s: float) -> dict:
    truth = session.steps
    t_true = np.array([s["t_ic_s"] for s in truth])
    # Score inside the truth's span (the sensor's first and last second can hold steps it lists not).
    steps = sorted(
        (s for s in steps if t_true[0] - 0.3 < s.t_ic_s < t_true[-1] - 1.0), key=lambda s: s.t_ic_s
    )
    t_true = t_true[t_true < t_true[-1] - 1.0]
    m = match_events(np.array([s.t_ic_s for s in steps]), t_true)
    ic, lat, to, ct, side, pitch = [], [], [], [], [], []
    sided = 0
    for d, k in zip(m.detected, m.true):
        s, ts = steps[d], truth[k]
        ic.append((s.t_ic_s - ts["t_ic_s"]) * 1000)
        lat.append((s.detected_at_s - ts["t_ic_s"]) * 1000)
        if s.t_to_s is not None:
            to.append(abs(s.t_to_s - ts["t_to_s"]) * 1000)
        if s.contact_s is not None:
            ct.append(abs(s.contact_s - ts["contact_s"]) * 1000)
        if s.side is not None:
            sided += 1
            side.append(s.side.value == ts["side"])
        if s.trunk_pitch_deg is not None and session.pitch_deg is not None:
            pitch.append(abs(s.trunk_pitch_deg - session.pitch_deg[k]))
    a = {
        k: np.array(v, dtype=float)
        for k, v in dict(ic=ic, lat=lat, to=to, ct=ct, side=side, pitch=pitch).items()
    }
    n = max(len(m.detected), 1)
    return {
        "f1": m.f1,
        "ic_bias": percentile(a["ic"], 50),
        "ic_med": percentile(np.abs(a["ic"]), 50),
        "ic_p95": percentile(np.abs(a["ic"]), 95),
        "to_med": percentile(a["to"], 50),
        "ct_med": percentile(a["ct"], 50),
        "side_ok": 100 * float(a["side"].mean()) if a["side"].size else float("nan"),
        "side_n": 100 * sided / n,
        "lat_med": percentile(a["lat"], 50),
        "lat_p95": percentile(a["lat"], 95),
        "pitch": percentile(a["pitch"], 50),
        "cpu_us": 1e6 * cpu_s / max(sum(len(s) for s in session.blocks), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=180.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rates", default="100,200,400")
    ap.add_argument("--scenarios", default="flat-easy,steep-descent,walk-run")
    ap.add_argument("--placements", default=",".join(PLACEMENTS))
    args = ap.parse_args()
    print(f"{'placement':11s} {'scenario':15s} {'Hz':>4s} " + " ".join(f"{c:>8s}" for c in COLS))
    for name in args.placements.split(","):
        for rate in (float(r) for r in args.rates.split(",")):
            for scenario in args.scenarios.split(","):
                r = run(scenario, rate, name, args.duration, args.seed)
                print(
                    f"{name:11s} {scenario:15s} {rate:4.0f} " + " ".join(f"{r[c]:8.3f}" for c in COLS),
                    flush=True,
                )
    print(
        "\nms for times, % for side (side_n: share of steps with a side), degrees for pitch, "
        "CPU microseconds per sample"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
