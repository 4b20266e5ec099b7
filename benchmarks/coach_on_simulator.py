"""The coach on the real data path: simulated runs -> decoders -> gait engine -> coach.

benchmarks/coach_scenarios.py scores the coach alone on synthetic steps; this script scores what a
runner would hear: each seed simulates a run (default scenario long-descent-overstride, both feet,
200 Hz, with noise, bias, random mounting and packet loss), replays it through the whole pipeline as
fast as possible, and scores the cues against the simulator's labels with the same definitions
(precision and recall of overstride cues during overstride episodes, first-cue delay, cues on flats
and climbs, cues per 20 s). Legs come from the true course: descent where the true grade is <= -2 %.

Usage: python benchmarks/coach_on_simulator.py [--seeds N] [--duration S] [--scenario NAME]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from cadence_coach.coach.coach import Coach
from cadence_coach.session.pipeline import Pipeline
from cadence_coach.session.session import Session
from cadence_coach.sources import simulator as sim_mod
from cadence_coach.sources.recording import RecordingReader

sys.path.insert(0, str(Path(__file__).parent))
from coach_scenarios import Leg, report, score  # noqa: E402  (same scoring as the synthetic benchmark)

DESCENT_PCT = -2.0


def legs_from_truth(truth: sim_mod.Truth) -> list[Leg]:
    """Flat/climb/descent stretches of the true course, with the overstride episodes in them."""
    t, grade = truth.grade[:, 0], truth.grade[:, 2]
    kind = np.where(grade <= DESCENT_PCT, "descent", np.where(grade > 1.0, "climb", "flat"))
    legs: list[Leg] = []
    start = 0
    for i in range(1, len(t) + 1):
        if i == len(t) or kind[i] != kind[start]:
            end_s = float(t[i]) if i < len(t) else float(t[-1]) + 1.0
            legs.append(Leg(str(kind[start]), float(t[start]), end_s, float(np.mean(grade[start:i])), []))
            start = i
    for ep in truth.episodes:
        leg = next(
            (lg for lg in legs if lg.kind == "descent" and lg.start_s <= ep["t_start_s"] < lg.end_s), None
        )
        if leg is not None:
            leg.episodes.append((ep["t_start_s"], ep["t_end_s"]))
    return legs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=480.0)
    ap.add_argument("--scenario", default="long-descent-overstride")
    ap.add_argument("--rate", type=float, default=200.0)
    args = ap.parse_args()
    scores, delays = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            path = Path(tmp) / f"run{seed}.ccrec"
            sim_mod.write(
                sim_mod.simulate(args.scenario, args.duration, seed, rate_hz=args.rate, feet="both"), path
            )
            truth = sim_mod.load_truth(str(path) + ".truth.json")
            with RecordingReader(path) as reader:
                session = Session(Pipeline(reader.header.sensors), coach=Coach())
                session.run(reader.records(), batch=512)
            legs = legs_from_truth(truth)
            sc = score(legs, session.cues, delays)
            scores.append(sc)
            ids = ", ".join(f"{c.t_s:.0f}s {c.cue_id}" for c in session.cues)
            print(
                f"seed {seed}: episodes {sc.episodes} cued {sc.episodes_cued}; overstride cues "
                f"{sc.overstride_cues} ({sc.overstride_cues_in_episodes} in episodes); flats {sc.cues_on_flats}; [{ids}]"
            )
    report(scores, delays)
    return 0


if __name__ == "__main__":
    sys.exit(main())
