"""Evaluate the coach on synthetic, labelled step sequences and print its figures.

Each seed makes one run of about 25 min for a different synthetic runner: 3 min of flat running (the
baseline is learned here), then a random course of descents (-3 to -14 %), climbs and flats. Descents
hold 0 to 2 overstride episodes (20-45 s; cadence 1-6 % below the flat baseline, strike angle 10-16 deg,
impact +20-50 %; good form: cadence +6-10 % and the runner's usual strike angle, -2 to +5 deg);
flats and climbs hold heel-strike episodes too, which must not be cued. Steps carry realistic noise:
cadence 2 % per step, 1 % missed steps (half cadence), strike angle 4 deg, stride 0.08 m, impact 10 %,
speed 0.1 m/s, trunk pitch 2 deg, and the grade is a 10 s moving average of the course with 0.4 %
noise, like the engine's. Each measured field is missing (None) on 3 % of steps.

Figures (overstride cues = shorten_stride, quick_feet, land_midfoot):
- precision: overstride cues whose time lies inside an overstride episode, from its start - LEAD_S
  (a runner slides into an episode: its labelled start is where the fault is half developed) to its
  end + TOLERANCE_S, divided by all overstride cues.
- recall: overstride episodes with at least one overstride cue in that window, divided by all episodes.
- first-cue delay: time from an episode's start to its first overstride cue, 0 if it came in the lead
  (median over the detected episodes), s.
- cues on flats/climbs: cues of any id at times labelled flat or climb, excluding the first
  SETTLE_S after a descent ends (the smoothed grade needs that long to show the change).
- cues per 20 s: all cues / (run time / 20 s), and the same over time on descents only.
- coach time per step: median over seeds of (time in Coach.feed / steps), microseconds.

Targets: precision and recall >= 0.95, median delay <= 4 s, zero cues on flats/climbs, <= 1 cue per 20 s.
Usage: python benchmarks/coach_scenarios.py [--seeds N]
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from statistics import mean, median

import numpy as np

from cadence_coach.coach.coach import Coach
from cadence_coach.datatypes import Cue, Side, StepEvent, StrikeClass

OVERSTRIDE_CUES = {"shorten_stride", "quick_feet", "land_midfoot"}
TOLERANCE_S = 3.0
LEAD_S = 3.0
SETTLE_S = 12.0
MISSING = 0.03


@dataclass
class Leg:
    """A stretch of the course: kind is "flat", "climb" or "descent"; episodes are (start, end) in s."""

    kind: str
    start_s: float
    end_s: float
    grade_pct: float
    episodes: list[tuple[float, float]]


def make_course(rng: np.random.Generator) -> list[Leg]:
    legs = [Leg("flat", 0.0, 180.0, 0.0, [])]
    t = 180.0
    while t < 1500.0:
        kind = rng.choice(["descent", "descent", "climb", "flat"])
        if kind == "descent":
            duration = rng.uniform(90, 240)
            episodes = []
            slot = t + 20.0
            for _ in range(rng.integers(0, 3)):
                length = rng.uniform(20, 45)
                start = slot + rng.uniform(0, 20)
                if start + length > t + duration - 10:
                    break
                episodes.append((start, start + length))
                slot = start + length + 30.0
            legs.append(Leg("descent", t, t + duration, -rng.uniform(3, 14), episodes))
        else:
            duration = rng.uniform(60, 150)
            grade = rng.uniform(3, 8) if kind == "climb" else 0.0
            episodes = [(t + 20.0, t + 45.0)] if rng.random() < 0.5 else []  # heel striking, not cued here
            legs.append(Leg(str(kind), t, t + duration, grade, episodes))
        t += duration
    return legs


def measured(rng: np.random.Generator, value: float) -> float | None:
    return None if rng.random() < MISSING else float(value)


def make_steps(rng: np.random.Generator, legs: list[Leg]) -> list[StepEvent]:
    base_speed = rng.uniform(2.6, 3.4)
    base_cadence = rng.uniform(160, 180)
    base_impact = rng.uniform(6, 10)
    good_strike = rng.uniform(-2, 5)
    descent_cadence_gain = rng.uniform(1.06, 1.10)
    severity = {
        ep: (rng.uniform(0.94, 0.99), rng.uniform(10, 16), rng.uniform(1.2, 1.5))
        for leg in legs
        for ep in leg.episodes
    }
    grade_at = np.concatenate([np.full(int((leg.end_s - leg.start_s) * 10), leg.grade_pct) for leg in legs])
    smoothed = np.convolve(grade_at, np.ones(100) / 100)[: len(grade_at)]  # causal 10 s mean at 10 Hz
    steps: list[StepEvent] = []
    t = 0.0
    for leg in legs:
        while t < leg.end_s:
            episode = next((ep for ep in leg.episodes if ep[0] <= t < ep[1]), None)
            speed = base_speed * (1 + 0.02 * max(-leg.grade_pct, 0) - 0.03 * max(leg.grade_pct, 0))
            flat_cadence = base_cadence + 8.0 * (speed - base_speed)
            cadence_factor, strike, impact_factor = severity[episode] if episode else (1.0, good_strike, 1.0)
            if leg.kind == "descent" and not episode:
                cadence_factor = descent_cadence_gain
            cadence = flat_cadence * cadence_factor
            impact = base_impact * impact_factor * (1 + 0.015 * max(-leg.grade_pct, 0))
            step_cadence = cadence * (1 + 0.02 * rng.standard_normal())
            if rng.random() < 0.01:
                step_cadence /= 2  # a missed step
            stride = 2 * speed * 60 / cadence + 0.08 * rng.standard_normal()
            lean = math.degrees(math.atan(max(-leg.grade_pct, 0) / 100)) + 3.0
            i = min(int(t * 10), len(smoothed) - 1)
            strike_angle = strike + 4 * rng.standard_normal()
            steps.append(
                StepEvent(
                    t_ic_s=t,
                    detected_at_s=t + 0.02,
                    side=Side.LEFT if len(steps) % 2 else Side.RIGHT,
                    step_time_s=60 / step_cadence,
                    cadence_spm=measured(rng, step_cadence),
                    impact_g=measured(rng, impact * (1 + 0.1 * rng.standard_normal())),
                    strike_angle_deg=measured(rng, strike_angle),
                    strike=StrikeClass.HEEL if strike_angle > 8 else StrikeClass.MID,
                    stride_m=measured(rng, stride),
                    speed_mps=measured(rng, speed + 0.1 * rng.standard_normal()),
                    grade_pct=measured(rng, smoothed[i] + 0.4 * rng.standard_normal()),
                    trunk_pitch_deg=measured(rng, lean + 2 * rng.standard_normal()),
                )
            )
            t += 60 / cadence
    return steps


@dataclass
class Score:
    overstride_cues: int = 0
    overstride_cues_in_episodes: int = 0
    episodes: int = 0
    episodes_cued: int = 0
    cues_on_flats: int = 0
    cues: int = 0
    cues_on_descents: int = 0
    run_s: float = 0.0
    descent_s: float = 0.0


def score(legs: list[Leg], cues: list[Cue], delays: list[float]) -> Score:
    s = Score(run_s=legs[-1].end_s, cues=len(cues))
    descents = [leg for leg in legs if leg.kind == "descent"]
    s.descent_s = sum(leg.end_s - leg.start_s for leg in descents)
    episodes = [ep for leg in descents for ep in leg.episodes]
    s.episodes = len(episodes)
    over = [c for c in cues if c.cue_id in OVERSTRIDE_CUES]
    s.overstride_cues = len(over)
    s.overstride_cues_in_episodes = sum(
        any(a - LEAD_S <= c.t_s <= b + TOLERANCE_S for a, b in episodes) for c in over
    )
    for a, b in episodes:
        hits = [c.t_s for c in over if a - LEAD_S <= c.t_s <= b + TOLERANCE_S]
        if hits:
            s.episodes_cued += 1
            delays.append(max(0.0, hits[0] - a))
    for cue in cues:
        leg = next(leg for leg in legs if leg.start_s <= cue.t_s < leg.end_s or leg is legs[-1])
        after_descent = any(d.end_s <= cue.t_s < d.end_s + SETTLE_S for d in descents)
        if leg.kind == "descent":
            s.cues_on_descents += 1
        elif not after_descent:
            s.cues_on_flats += 1
    return s


def report(scores: list[Score], delays: list[float]) -> Score:
    """Print the figures every coach evaluation shares; returns the summed score."""
    total = Score(**{k: sum(getattr(sc, k) for sc in scores) for k in Score.__dataclass_fields__})
    precision = (
        total.overstride_cues_in_episodes / total.overstride_cues if total.overstride_cues else float("nan")
    )
    recall = total.episodes_cued / total.episodes if total.episodes else float("nan")
    print(f"overstride precision:       {precision:.3f}  (target >= 0.95)")
    print(
        f"overstride recall:          {recall:.3f}  ({total.episodes_cued}/{total.episodes}, target >= 0.95)"
    )
    print(
        f"first-cue delay median:     {median(delays):.2f} s  (max {max(delays):.2f} s, target <= 4 s)"
        if delays
        else "first-cue delay: no episode cued"
    )
    print(f"cues on flats/climbs:       {total.cues_on_flats}  (target 0)")
    print(f"cues per 20 s, whole runs:  {20 * total.cues / total.run_s:.2f}  (target <= 1)")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    delays: list[float] = []
    scores = []
    per_step_us: list[float] = []
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        legs = make_course(rng)
        coach = Coach()
        steps = make_steps(rng, legs)
        started = time.perf_counter()
        cues = [cue for step in steps for cue in coach.feed(step)]
        per_step_us.append(1e6 * (time.perf_counter() - started) / len(steps))
        scores.append(score(legs, cues, delays))
        sc = scores[-1]
        print(
            f"seed {seed}: {sc.episodes} episodes, {sc.episodes_cued} cued, {sc.overstride_cues} overstride cues "
            f"({sc.overstride_cues_in_episodes} in episodes), {sc.cues} cues, {sc.cues_on_flats} on flats/climbs"
        )
    total = report(scores, delays)
    print(f"cues per 20 s, on descents: {20 * total.cues_on_descents / total.descent_s:.2f}")
    print(f"coach time per step:        {median(per_step_us):.0f} us (median over seeds)")
    print(
        f"mean run: {mean(sc.run_s for sc in scores) / 60:.1f} min, "
        f"{mean(sc.descent_s for sc in scores) / 60:.1f} min on descents"
    )


if __name__ == "__main__":
    main()
