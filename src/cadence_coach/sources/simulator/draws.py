"""Random runs: a runner, a course, overstride episodes and sensor settings drawn from one seed.

The coach is tuned and benchmarked on these draws rather than on the hand-written scenarios, so that a
rule fitted to one course shape shows up as a failure elsewhere. ``draw_run(seed)`` only draws (no
simulation, cheap); :func:`~cadence_coach.sources.simulator.simulate_draw` turns a draw into a
simulated session, and ``cadence-coach simulate --scenario random --seed N`` writes one.

What is drawn (the ranges are the module constants below; docs/simulator.md lists them):

- the runner: flat cadence 150-195 steps/min at an easy pace of 2.2-4.5 m/s, with the step length
  (pace / cadence) kept within 0.8-1.5 m; a strike style (heel, midfoot or forefoot, by share);
  impact; fatigue (pace lost and strike angle gained per 10 min);
- the course: either a descent from the first step (a hilltop start) or a flat lead of 15 s to 4 min
  first, then a body in one of three styles: ``mixed`` (descents, flats and climbs), ``rolling``
  (short climbs and descents in turn) or ``downhill`` (descents only, the grade changing); descents
  last 15 s to 10 min at -2 to -15 %, climbs +2 to +12 % (all run: the step planner has no smooth
  walk-to-run change for a high-cadence runner, see docs/simulator.md);
- overstride episodes, only on descents (where the coach must act): on most descents one to three,
  12 s to 90 s long, at random places, often right at the start of the first descent; each drops the
  cadence 4-12 % below the flat cadence at that speed, lands on the heel at 12-20 degrees and lands
  20-60 % faster (further ahead);
- the session: 2-8 minutes (one run in ten 10-15 minutes), one foot or both, 100-400 Hz, connection
  interval, packet loss, barometer or not, sensor ranges, seconds standing still at the start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .runner import Runner
from .scenarios import EpisodeSpan, Segment

DRAW_SCENARIO = "random"
"""The scenario name of drawn runs (``simulate --scenario random``)."""

DURATION_S = (120.0, 480.0)
LONG_DURATION_S = (600.0, 900.0)
LONG_SHARE = 0.1
RATES_HZ = (100.0, 104.0, 125.0, 200.0, 208.0, 250.0, 400.0)
INTERVALS_MS = (7.5, 15.0, 30.0, 45.0)
LOSS_MAX = 0.01
BARO_SHARE = 0.7
STANDING_S = (1.0, 5.0)

CADENCE_SPM = (150.0, 195.0)
PACE_MPS = (2.2, 4.5)
STEP_LENGTH_M = (0.8, 1.5)
STRIKE_STYLES: dict[str, tuple[float, tuple[float, float]]] = {
    "heel": (0.3, (9.0, 14.0)),
    "mid": (0.45, (-1.0, 6.0)),
    "fore": (0.25, (-8.0, -3.0)),
}
"""Strike style -> (share of runners, flat strike angle range in degrees)."""
FATIGUE_SLOWDOWN = (0.0, 0.03)
FATIGUE_STRIKE_DEG = (0.0, 1.5)

DESCENT_FIRST_SHARE = 0.35
LEAD_FLAT_S = (15.0, 240.0)
STYLES = {"mixed": 0.6, "rolling": 0.25, "downhill": 0.15}
DESCENT_S = (15.0, 600.0)
DESCENT_PCT = (-15.0, -2.0)
CLIMB_S = (15.0, 240.0)
CLIMB_PCT = (2.0, 12.0)
FLAT_S = (20.0, 180.0)
ROLLING_S = (15.0, 90.0)
MIN_SEGMENT_S = 15.0
MIN_FIRST_DESCENT_S = 45.0
"""The flat lead leaves at least this long for the course after it, s."""

EPISODE_SHARE = 0.75
"""Share of descents (long enough) that hold overstride episodes."""
EPISODE_S = (12.0, 90.0)
EPISODE_MARGIN_S = 3.0
"""An episode starts at least this long into its descent and ends this long before its end, s."""
EARLY_SHARE = 0.4
"""Share of first descents whose first episode starts within its first 10 s."""
CADENCE_DROP = (0.04, 0.12)
EPISODE_STRIKE_DEG = (12.0, 20.0)
LANDING_GAIN = (0.2, 0.6)


@dataclass(frozen=True)
class RunDraw:
    """One drawn run: everything :func:`~cadence_coach.sources.simulator.simulate_draw` needs.

    Attributes:
        seed: the seed it was drawn from (the simulation's noise follows it too).
        duration_s: session length, s (standing still included).
        rate_hz: IMU sample rate, Hz.
        feet: "left", "right" or "both".
        interval_ms: BLE connection interval, ms.
        loss: packet loss probability.
        baro: whether the sensors carry a barometer.
        acc_range_g, gyro_range_dps: sensor full scales.
        standing_s: standing still at the start, s.
        runner: the runner's personal figures.
        strike_style: "heel", "mid" or "fore".
        course_style: "descent-first" or "flat-lead", then "+", then "mixed", "rolling" or "downhill".
        segments: the course as shares of the moving time, with the episodes placed.
    """

    seed: int
    duration_s: float
    rate_hz: float
    feet: str
    interval_ms: float
    loss: float
    baro: bool
    acc_range_g: int
    gyro_range_dps: int
    standing_s: float
    runner: Runner
    strike_style: str
    course_style: str
    segments: tuple[Segment, ...]

    def describe(self) -> str:
        """One line for people: session, runner, course."""
        r = self.runner
        pace = r.flat_speed_mps
        descents = [s for s in self.segments if s.grade_pct < 0]
        episodes = sum(len(s.episodes) for s in self.segments)
        steepest = min((s.grade_pct for s in descents), default=0.0)
        return (
            f"{self.duration_s / 60:.1f} min, {self.feet} {self.rate_hz:g} Hz"
            f"{'' if self.baro else ' no baro'}; {r.flat_cadence(pace, False):.0f} spm at {pace:.1f} m/s, "
            f"{self.strike_style} strike; {self.course_style}, {len(descents)} descents to {steepest:.0f} %, "
            f"{episodes} episodes"
        )

    def as_dict(self) -> dict:
        """What the truth sidecar records of the draw."""
        return {
            "strike_style": self.strike_style,
            "course_style": self.course_style,
            "segments": [
                {
                    "share": round(s.share, 6),
                    "grade_pct": round(s.grade_pct, 4),
                    "episodes": [[round(e.start, 6), round(e.end, 6)] for e in s.episodes],
                }
                for s in self.segments
            ],
        }


def draw_run(seed: int) -> RunDraw:
    """Draw one run from ``seed`` (a whole number >= 0); the same seed gives the same draw."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(5)[4])
    long_run = rng.random() < LONG_SHARE
    duration = float(rng.uniform(*(LONG_DURATION_S if long_run else DURATION_S)))
    standing = float(rng.uniform(*STANDING_S))
    runner, style = draw_runner(rng)
    course_style, seconds, grades = draw_course(rng, duration - standing)
    segments = place_episodes(rng, runner, seconds, grades)
    run_s = sum(seconds)
    return RunDraw(
        seed=seed,
        duration_s=round(duration, 1),
        rate_hz=float(rng.choice(RATES_HZ)),
        feet=str(rng.choice(["left", "right", "both", "both"])),
        interval_ms=float(rng.choice(INTERVALS_MS)),
        loss=float(rng.uniform(0.0, LOSS_MAX)),
        baro=bool(rng.random() < BARO_SHARE),
        acc_range_g=int(rng.choice([16, 32, 32])),
        gyro_range_dps=int(rng.choice([2000, 4000, 4000])),
        standing_s=standing,
        runner=runner,
        strike_style=style,
        course_style=course_style,
        segments=tuple(Segment(s.share / run_s, s.grade_pct, episodes=s.episodes) for s in segments),
    )


def draw_runner(rng: np.random.Generator) -> tuple[Runner, str]:
    """A runner and their strike style ("heel", "mid" or "fore")."""
    cadence = float(rng.uniform(*CADENCE_SPM))
    low = max(PACE_MPS[0], STEP_LENGTH_M[0] * cadence / 60.0)
    high = min(PACE_MPS[1], STEP_LENGTH_M[1] * cadence / 60.0)
    pace = float(rng.uniform(low, high))
    per_mps = float(rng.uniform(5.0, 11.0))
    styles = list(STRIKE_STYLES)
    style = str(rng.choice(styles, p=[STRIKE_STYLES[s][0] for s in styles]))
    runner = Runner(
        flat_speed_mps=pace,
        cadence_at_3mps=cadence - per_mps * (pace - 3.0),
        cadence_per_mps=per_mps,
        strike_angle_deg=float(rng.uniform(*STRIKE_STYLES[style][1])),
        impact_g=float(rng.uniform(6.0, 13.0)),
        fatigue_slowdown=float(rng.uniform(*FATIGUE_SLOWDOWN)),
        fatigue_strike_deg=float(rng.uniform(*FATIGUE_STRIKE_DEG)),
    )
    return runner, style


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    """Short lengths as likely per doubling as long ones."""
    return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))


def draw_course(rng: np.random.Generator, run_s: float) -> tuple[str, list[float], list[float]]:
    """A course filling ``run_s`` seconds of moving: its style, and per segment its seconds and grade
    (%). The first segment after the (optional) flat lead is a descent."""
    first = "descent-first" if rng.random() < DESCENT_FIRST_SHARE else "flat-lead"
    body = str(rng.choice(list(STYLES), p=list(STYLES.values())))
    seconds: list[float] = []
    grades: list[float] = []

    def add(length_s: float, grade: float) -> None:
        left = run_s - sum(seconds)
        # No stub of a segment at the end: one that would leave less than the shortest runs to the end.
        seconds.append(left if left - length_s < MIN_SEGMENT_S else length_s)
        grades.append(grade)

    if first == "flat-lead":
        add(min(float(rng.uniform(*LEAD_FLAT_S)), run_s - MIN_FIRST_DESCENT_S), 0.0)
    kind = "descent"
    while run_s - sum(seconds) > 1.0:
        if kind == "descent":
            bounds = ROLLING_S if body == "rolling" else DESCENT_S
            add(_log_uniform(rng, bounds), float(rng.uniform(*DESCENT_PCT)))
        elif kind == "climb":
            add(
                _log_uniform(rng, ROLLING_S if body == "rolling" else CLIMB_S), float(rng.uniform(*CLIMB_PCT))
            )
        else:
            add(_log_uniform(rng, FLAT_S), 0.0)
        kind = _next_kind(rng, body, kind)
    return f"{first}+{body}", seconds, grades


def _next_kind(rng: np.random.Generator, body: str, kind: str) -> str:
    if body == "downhill":
        return "descent"
    if body == "rolling":
        return "climb" if kind == "descent" else "descent"
    return str(rng.choice(["descent", "descent", "flat", "climb"]))


def place_episodes(
    rng: np.random.Generator, runner: Runner, seconds: list[float], grades: list[float]
) -> list[Segment]:
    """Segments (share = seconds for now) with overstride episodes placed on their descents."""
    out: list[Segment] = []
    first_descent = True
    for length, grade in zip(seconds, grades):
        spans: list[EpisodeSpan] = []
        room = length - 2 * EPISODE_MARGIN_S
        if grade < 0 and room >= EPISODE_S[0] and rng.random() < EPISODE_SHARE:
            count = int(rng.integers(1, min(3, int(length // 60) + 1) + 1))
            slot = length / count
            for j in range(count):
                longest = min(EPISODE_S[1], slot - 2 * EPISODE_MARGIN_S)
                if longest < EPISODE_S[0]:
                    break
                span_s = float(rng.uniform(EPISODE_S[0], longest))
                early = first_descent and j == 0 and rng.random() < EARLY_SHARE
                latest = slot - EPISODE_MARGIN_S - span_s
                start = EPISODE_MARGIN_S + float(rng.uniform(0.0, min(latest, 10.0) if early else latest))
                start += j * slot
                spans.append(_episode(rng, runner, grade, start / length, (start + span_s) / length))
        if grade < 0:
            first_descent = False
        out.append(Segment(length, grade, episodes=tuple(spans)))
    return out


def _episode(rng: np.random.Generator, runner: Runner, grade: float, start: float, end: float) -> EpisodeSpan:
    """An overstride episode: clearly more heel than the runner's own landing on this grade."""
    own = runner.strike_angle(grade, False)
    strike = max(float(rng.uniform(*EPISODE_STRIKE_DEG)), own + 4.0)
    return EpisodeSpan(
        start=start,
        end=end,
        cadence_drop=float(rng.uniform(*CADENCE_DROP)),
        strike_angle_deg=strike,
        landing_gain=float(rng.uniform(*LANDING_GAIN)),
    )
