"""The runner: how speed, cadence, foot strike, landing and contact time follow the course.

:func:`plan_steps` walks the runner over a course one step at a time (a loop over steps, not samples)
and returns every initial contact of both feet with the gait figures the foot kinematics are built from.
Distances are horizontal (m), speeds horizontal (m/s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ...datatypes import GRAVITY
from .course import Course

SPEED_TIME_CONSTANT_S = 4.0
"""How quickly the runner's speed follows the grade, s (first-order lag)."""
STEP_TIME_JITTER = 0.015
"""Step-to-step variability of step time (relative standard deviation)."""
STRIKE_JITTER_DEG = 1.5
STOP_JITTER = 0.06
"""Step-to-step variability of the stop time (relative standard deviation)."""
CONTACT_JITTER = 0.03
PULSE_PEAK = 16.0 / 9.0
"""Peak of the landing deceleration pulse over (landing speed / stop time); see foot.py."""
STOP_SPEED_EXPONENT = -0.2
"""Stop time grows as landing speed to this power: Hertzian contact, so harder landings stop sooner."""
FOREFOOT_STOP_RATIO = 0.7
"""Stop time on the ball over that on the heel: thinner forefoot sole, less mass stopped at once."""
WALK_STOP_S = 0.02


@dataclass(frozen=True)
class OverstrideEpisode:
    """A stretch of course where the runner overstrides.

    Attributes:
        start_m, end_m: course distances where it begins and ends, m.
        cadence_drop: fraction below the flat-ground cadence at the same speed (0.05..0.10).
        strike_angle_deg: strike angle while overstriding, degrees (heel strike, 12..20).
        landing_gain: relative increase of the landing velocity (0.3..0.6 = +30..60 %): the foot
            lands further ahead, still moving forward.
        ramp_m: distance over which the runner slides into and out of it, m.
    """

    start_m: float
    end_m: float
    cadence_drop: float
    strike_angle_deg: float
    landing_gain: float
    ramp_m: float = 15.0

    def intensity(self, x_m: float) -> float:
        """0 outside, 1 fully overstriding, linear ramps at both ends."""
        edge = min(x_m - self.start_m, self.end_m - x_m)
        return float(np.clip(edge / self.ramp_m, 0.0, 1.0))


@dataclass(frozen=True)
class Runner:
    """One runner's personal figures.

    Attributes:
        flat_speed_mps: easy pace on flat ground, m/s.
        cadence_at_3mps: flat-ground cadence at 3 m/s, steps/min.
        cadence_per_mps: cadence change per m/s of speed, steps/min per m/s.
        strike_angle_deg: flat-ground strike angle, degrees (+ = toes up).
        impact_g: flat-ground peak foot acceleration at 3 m/s, g; sets the runner's stop time.
        walk_speed_mps: walking pace on flat ground, m/s.
        fatigue_slowdown: fraction of the pace lost per 10 min of moving (0.02 = 2 %); cadence follows
            the slower speed, so strides shorten too.
        fatigue_strike_deg: rise of the running strike angle per 10 min of moving, degrees.
    """

    flat_speed_mps: float = 3.0
    cadence_at_3mps: float = 167.0
    cadence_per_mps: float = 8.0
    strike_angle_deg: float = 3.0
    impact_g: float = 9.0
    walk_speed_mps: float = 1.4
    fatigue_slowdown: float = 0.0
    fatigue_strike_deg: float = 0.0

    @classmethod
    def random(cls, rng: np.random.Generator, flat_speed_mps: float) -> Runner:
        """A plausible runner around the given easy pace (seeded)."""
        return cls(
            flat_speed_mps=flat_speed_mps,
            cadence_at_3mps=float(rng.uniform(162.0, 172.0)),
            cadence_per_mps=float(rng.uniform(6.0, 10.0)),
            strike_angle_deg=float(rng.uniform(0.0, 5.0)),
            impact_g=float(rng.uniform(7.0, 11.0)),
            walk_speed_mps=float(rng.uniform(1.3, 1.5)),
        )

    def target_speed(self, grade_pct: float, walking: bool) -> float:
        """Speed the runner settles at on this grade, m/s: slower uphill, faster downhill within limits."""
        base = self.walk_speed_mps if walking else self.flat_speed_mps
        if grade_pct >= 0:
            return base / (1.0 + (0.03 if walking else 0.045) * grade_pct)
        down = -grade_pct
        # Faster down to about -8 %, then braking on steeper ground.
        return base * (1.0 + 0.025 * min(down, 8.0) - 0.02 * max(down - 8.0, 0.0))

    def flat_cadence(self, speed_mps: float, walking: bool) -> float:
        """Flat-ground cadence at this speed, steps/min (both feet)."""
        if walking:
            return 100.0 + 12.0 * speed_mps
        return self.cadence_at_3mps + self.cadence_per_mps * (speed_mps - 3.0)

    def strike_angle(self, grade_pct: float, walking: bool) -> float:
        """Typical strike angle on this grade, degrees: a little more heel downhill, more toe uphill."""
        if walking:
            return 20.0
        return self.strike_angle_deg + 0.25 * max(-grade_pct, 0.0) - 0.5 * max(grade_pct, 0.0)

    def landing_velocity(
        self, speed_mps: float, grade_pct: float, strike_deg: float, walking: bool
    ) -> tuple[float, float]:
        """Velocity of the contact point relative to the ground at initial contact, m/s.

        Returns (forward along the ground, down into it), both >= 0. Heel strikes land faster and further
        ahead (the foot is still swinging forward), forefoot strikes slower; faster running lands faster,
        and downhill the foot falls from higher.
        """
        if walking:
            return 0.2, 0.25
        forward = max(0.3 + 0.025 * strike_deg, 0.1) * speed_mps / 3.0
        down = (
            (0.28 + 0.02 * max(strike_deg, 0.0))
            * math.sqrt(speed_mps / 3.0)
            * (1.0 + 0.02 * max(-grade_pct, 0.0))
        )
        return forward, down

    def stop_time(self, landing_speed_mps: float, strike_deg: float, walking: bool) -> float:
        """Time the ground takes to stop the contact point, s.

        Set so that the specific force at the contact point of this runner's own flat landing at 3 m/s
        peaks at ``impact_g`` (pulse against the landing velocity plus 1 g up), shorter for faster
        landings (Hertzian contact) and on the ball of the foot.
        """
        if walking:
            return WALK_STOP_S
        forward, down = self.landing_velocity(3.0, 0.0, self.strike_angle_deg, False)
        ref = math.hypot(forward, down)
        up = down / ref  # cosine between the pulse and the vertical
        pulse = math.sqrt((self.impact_g * GRAVITY) ** 2 - (GRAVITY**2) * (1.0 - up**2)) - GRAVITY * up
        ref_stop = PULSE_PEAK * ref / pulse
        stop = ref_stop * (landing_speed_mps / ref) ** STOP_SPEED_EXPONENT
        return stop * (FOREFOOT_STOP_RATIO if strike_deg < 0 else 1.0)


@dataclass
class StepPlan:
    """Every initial contact of both feet, in time order (arrays of equal length).

    Attributes:
        t_ic_s: initial contact, s.
        side: 0 = left, 1 = right.
        step_time_s: time since the previous initial contact (either foot), s; for the first step,
            since the start of motion.
        contact_s: ground contact time of this stance, s.
        strike_angle_deg: foot pitch relative to the ground at contact, degrees (+ = toes up).
        toe_off_pitch_deg: foot pitch relative to the ground at toe-off, degrees.
        landing_forward_mps: forward velocity of the contact point at initial contact, m/s (along the ground).
        landing_down_mps: its velocity into the ground then, m/s.
        stop_s: time the ground takes to stop it, s.
        heel_x_m: horizontal position of the heel while the foot is flat, m.
        grade_pct: course grade at the contact, percent.
        speed_mps: horizontal running speed, m/s.
        walking: True for walking steps.
        overstride: True while the runner overstrides.
        episode: overstride episode index, -1 for none.
        first_toe_off_s: when each foot (left, right) leaves its standing position, s (set once the plan
            is built).
    """

    t_ic_s: np.ndarray
    side: np.ndarray
    step_time_s: np.ndarray
    contact_s: np.ndarray
    strike_angle_deg: np.ndarray
    toe_off_pitch_deg: np.ndarray
    landing_forward_mps: np.ndarray
    landing_down_mps: np.ndarray
    stop_s: np.ndarray
    heel_x_m: np.ndarray
    grade_pct: np.ndarray
    speed_mps: np.ndarray
    walking: np.ndarray
    overstride: np.ndarray
    episode: np.ndarray
    first_toe_off_s: tuple[float, float] = field(default=(0.0, 0.0), init=False)

    def __len__(self) -> int:
        return int(self.t_ic_s.shape[0])


def contact_time(speed_mps: float, step_time_s: float, grade_pct: float, walking: bool) -> float:
    """Ground contact time of one stance, s (walking: 62 % of the stride, so both feet share ground)."""
    if walking:
        return 1.24 * step_time_s
    tc = 0.25 * (3.0 / speed_mps) ** 0.7 * (1.0 + 0.01 * max(grade_pct, 0.0))
    return min(max(tc, 0.16), 0.40, 0.85 * step_time_s)


def toe_off_pitch(speed_mps: float, walking: bool) -> float:
    """Foot pitch relative to the ground at toe-off, degrees (toes down, negative)."""
    if walking:
        return -40.0
    return -min(max(45.0 + 8.0 * (speed_mps - 2.5), 40.0), 70.0)


def plan_steps(
    course: Course,
    runner: Runner,
    end_s: float,
    rng: np.random.Generator,
    episodes: list[OverstrideEpisode],
    walk_ranges_m: list[tuple[float, float]],
    standing_s: float,
) -> StepPlan:
    """Walk the runner over the course from standing until past ``end_s``.

    The runner stands still (both feet flat at distance 0) for ``standing_s`` seconds, then starts at
    60 % of the target speed; the right foot steps first. Fatigue (:class:`Runner`) grows with the time
    moving.
    """
    rows: list[tuple] = []
    x = 0.0
    t = standing_s
    speed = 0.6 * runner.target_speed(float(course.grade_at(0.0)), _in_ranges(0.0, walk_ranges_m))
    side = 1
    while t <= end_s + 2.0:
        walking = _in_ranges(x, walk_ranges_m)
        dt_prev = rows[-1][2] if rows else 0.5
        tired = (t - standing_s) / 600.0  # tens of minutes moving
        grade = float(course.grade_at(x))
        target = runner.target_speed(grade, walking) * (1.0 - runner.fatigue_slowdown * tired)
        speed += (target - speed) * (1.0 - math.exp(-dt_prev / SPEED_TIME_CONSTANT_S))
        speed = min(speed, 2.0) if walking else max(speed, 1.8)
        row = _step(runner, course, episodes, rng, x, t, side, speed, walking, tired)
        rows.append(row)
        t, x = row[0], row[9]
        side = 1 - side
    cols = list(zip(*rows))
    plan = StepPlan(*(np.array(c) for c in cols))
    plan.first_toe_off_s = _first_toe_offs(plan)
    return plan


def _step(
    runner: Runner,
    course: Course,
    episodes: list[OverstrideEpisode],
    rng: np.random.Generator,
    x: float,
    t: float,
    side: int,
    speed: float,
    walking: bool,
    tired: float,
) -> tuple:
    """The next step from distance ``x`` (m) and time ``t`` (s) at ``speed`` (m/s): one row of the
    :class:`StepPlan`, in its field order (``tired``: tens of minutes moving)."""
    grade = float(course.grade_at(x))
    ep, intensity = _episode_at(x, episodes)
    cadence = runner.flat_cadence(speed, walking)
    strike = runner.strike_angle(grade, walking) + (0.0 if walking else runner.fatigue_strike_deg * tired)
    gain = 0.0
    if ep is not None:
        cadence *= 1.0 - ep.cadence_drop * intensity
        strike += (ep.strike_angle_deg - strike) * intensity
        gain = ep.landing_gain * intensity
    step_time = 60.0 / cadence * (1.0 + STEP_TIME_JITTER * rng.standard_normal())
    x += speed * step_time
    t += step_time
    strike += STRIKE_JITTER_DEG * rng.standard_normal()
    forward, down = runner.landing_velocity(speed, grade, strike, walking)
    forward *= 1.0 + gain
    stop = runner.stop_time(math.hypot(forward, down), strike, walking)
    stop *= 1.0 + STOP_JITTER * rng.standard_normal()
    contact = contact_time(speed, step_time, grade, walking) * (1.0 + CONTACT_JITTER * rng.standard_normal())
    if not walking:
        contact = min(contact, 0.9 * step_time)
    toe_off = toe_off_pitch(speed, walking) + 2.0 * rng.standard_normal()
    overstride = intensity >= 0.5
    episode = episodes.index(ep) if ep is not None and overstride else -1
    return (
        t,
        side,
        step_time,
        contact,
        strike,
        toe_off,
        forward,
        down,
        stop,
        x,
        float(course.grade_at(x)),
        speed,
        walking,
        overstride,
        episode,
    )


def _first_toe_offs(plan: StepPlan) -> tuple[float, float]:
    """When each foot leaves the standing position: one normal swing before its first contact."""
    out = [0.0, 0.0]
    for side in (0, 1):
        i = int(np.flatnonzero(plan.side == side)[0])
        swing = 2.0 * plan.step_time_s[i] - plan.contact_s[i]
        out[side] = float(plan.t_ic_s[i] - swing)
    # The second foot does not leave the ground before the first one has landed.
    first = int(plan.side[0])
    other = 1 - first
    out[other] = max(out[other], float(plan.t_ic_s[0] + 0.5 * plan.contact_s[0]))
    return out[0], out[1]


def _in_ranges(x_m: float, ranges: list[tuple[float, float]]) -> bool:
    return any(a <= x_m < b for a, b in ranges)


def _episode_at(x_m: float, episodes: list[OverstrideEpisode]) -> tuple[OverstrideEpisode | None, float]:
    for ep in episodes:
        level = ep.intensity(x_m)
        if level > 0:
            return ep, level
    return None, 0.0
