"""The phases of one foot's stride as polynomial segments: where the foot is and how it is pitched,
stance by stance and swing by swing (:class:`.foot.FootTrajectory` evaluates them).

World and foot frames, and the sign of ``pitch``, are those of :mod:`.foot`.

Each stride of one foot is a chain of quintic segments (:mod:`.polynomials`), so position, velocity,
acceleration, pitch, pitch rate and pitch acceleration are all continuous:

- I, landing: the contact point (heel if toes up, ball if toes down) touches the ground at initial
  contact still moving (forward and down) and the ground stops it within a few milliseconds: its
  acceleration is a pulse a(tau) = -12 v tau (T - tau)^2 / T^4 that starts at contact with a jump in
  jerk (the sharp onset of the impact), peaks at T/3 with 16/9 v/T and ends smoothly at T;
- A, contact to foot flat: the contact point stays on the ground while the foot rolls from the strike
  angle to the ground's slope (the roll starts at contact, from rest in pitch);
- B, foot flat: the foot is stationary, pitched by the slope (zero velocity);
- C, heel-off to toe-off: the foot rotates about the ball to the toe-off angle;
- D1..D3, swing: the heel travels to the next contact point, rising and falling with the course, while
  the foot pitches further toes down, swings through toes up to just past the next strike angle
  shortly before contact, and settles there with no pitch rate at contact.

Each segment gives the foot's pitch and the world position (x, z) of an anchor point fixed on the sole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import polynomials as poly

BALL_M = 0.18
"""Heel to ball of the foot along the sole, m."""
PULSE_STOP_FRACTION = 0.4
"""Distance the contact point travels while being stopped, over landing speed x stop time."""
SWING_KNOT_S = 0.15
"""Fraction of the swing at the pitch minimum and heel peak."""
PITCH_MAX_BEFORE_IC_S = 0.04
"""Time of the largest toes-up pitch before contact, s."""
PITCH_OVERSHOOT_DEG = 1.5
"""How far the foot pitches toes up past the strike angle before settling at it, degrees."""
PUSH_PEAK_RATIO = 1.8
"""Toes-down rate at toe-off over the mean rate of the push (heel-off to toe-off). The push is one quintic
from rest with zero angular acceleration at toe-off; from 1.8 up its rate rises all through the push,
so it peaks at toe-off (at 1.6 it would peak at 90 % of the push, 10 ms early)."""


@dataclass(frozen=True)
class Stances:
    """One foot's stances in time order (arrays of equal length, first = standing start).

    Attributes:
        t_ic_s: initial contact, s.
        contact_s: contact time, s.
        strike_deg: foot pitch relative to the ground at contact, degrees.
        toe_off_deg: foot pitch relative to the ground at toe-off, degrees.
        heel_x_m: heel's horizontal position while flat, m.
        heel_z_m: ground altitude there, m.
        slope_rad: ground slope angle there, rad (atan(grade / 100)).
        landing_forward_mps: contact point velocity along the ground at contact, m/s (forward +).
        landing_down_mps: contact point velocity into the ground at contact, m/s (0 = no landing).
        stop_s: time the ground takes to stop the contact point, s (> 0).
        speed_mps: running speed, m/s (sets the swing height).
        walking: True for walking stances.
    """

    t_ic_s: np.ndarray
    contact_s: np.ndarray
    strike_deg: np.ndarray
    toe_off_deg: np.ndarray
    heel_x_m: np.ndarray
    heel_z_m: np.ndarray
    slope_rad: np.ndarray
    landing_forward_mps: np.ndarray
    landing_down_mps: np.ndarray
    stop_s: np.ndarray
    speed_mps: np.ndarray
    walking: np.ndarray


def phase_durations(
    contact_s: np.ndarray, strike_deg: np.ndarray, walking: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Durations of the roll to foot flat and of heel-off to toe-off, s."""
    roll = np.where(walking, 0.15, np.clip(0.16 + 0.008 * np.abs(strike_deg), 0.12, 0.32))
    push = np.where(walking, 0.35, 0.42)
    return contact_s * roll, contact_s * push


@dataclass(frozen=True)
class Segments:
    """A foot's segments in time order (phases I, A, B, C of every stance, D1..D3 of every swing).

    Attributes:
        start: start time of each segment, s; each polynomial's local time is measured from it.
        pitch: pitch polynomial, rad (+ toes up), (m, 6).
        px, pz: the anchor point's world x and z polynomials, m, (m, 6).
        cx: foot-frame x of the anchor point on the sole, m, (m,).
    """

    start: np.ndarray
    pitch: np.ndarray
    px: np.ndarray
    pz: np.ndarray
    cx: np.ndarray


def stride_segments(
    st: Stances,
    ground_altitude: Callable[[np.ndarray], np.ndarray],
    ground_slope: Callable[[np.ndarray], np.ndarray],
) -> Segments:
    """The segments of one foot's stances (see the module docstring) on a ground of the given altitude, m,
    and slope dz/dx at horizontal distances."""
    lm = _landmarks(st)
    zeros = np.zeros(lm.t_ic.shape[0])
    # With zero acceleration at touch-down, no stop distance left over at stop_s and travel
    # PULSE_STOP_FRACTION v T, this quintic's acceleration is exactly the landing pulse.
    land = [
        poly.quintic_hermite(lm.touch[:, j], lm.v_land[:, j], zeros, lm.pivot[:, j], zeros, zeros, lm.stop)
        for j in (0, 1)
    ]
    sx, sz = _swing_segments(st, lm, ground_altitude, ground_slope)
    start = _by_phase([lm.t_ic, lm.t_stop, lm.t_ff, lm.t_ho, lm.t_to[:-1], lm.t_k1, lm.t_k2], np.inf)
    const = poly.constant
    px = [land[0], const(lm.pivot[:, 0]), const(lm.heel[:, 0]), const(lm.ball[:, 0]), *sx]
    pz = [land[1], const(lm.pivot[:, 1]), const(lm.heel[:, 1]), const(lm.ball[:, 1]), *sz]
    cx = [lm.pivot_c, lm.pivot_c, zeros, zeros + BALL_M]
    # The last stance stays flat for ever: drop its (undefined) heel-off and swing segments.
    keep = np.ones(start.shape, dtype=bool)
    keep[-1, 3:] = False
    return Segments(
        start=start[keep],
        pitch=_by_phase(_pitch_segments(lm), 0.0, (6,))[keep],
        px=_by_phase(px, 0.0, (6,))[keep],
        pz=_by_phase(pz, 0.0, (6,))[keep],
        cx=_by_phase(cx, 0.0)[keep],
    )


@dataclass(frozen=True)
class _Landmarks:
    """What the pitch and position segments of a foot's stances share, per stance (K rows) or per swing
    (K - 1 rows; swing k goes from toe-off k to contact k + 1).

    Attributes:
        t_ic, t_stop, t_ff, t_ho, t_to: initial contact, contact point stopped, foot flat, heel-off and
            toe-off, s (K).
        t_k1, t_k2: the swing's pitch minimum and heel peak, and its largest toes-up pitch, s (K - 1).
        t_sw: swing duration, s (K - 1).
        t_roll, t_push: durations of the roll to foot flat and of heel-off to toe-off, s (K).
        stop: time the ground takes to stop the contact point, s (K).
        slope: ground slope angle, rad (K).
        pitch_ic, pitch_to: absolute foot pitch at contact and at toe-off, rad (K).
        rate_to: pitch rate at toe-off, rad/s (K).
        heel, ball, pivot: the heel, the ball and the contact point while on the ground, world (x, z), m
            (K, 2).
        pivot_c: foot-frame x of the contact point, m (K).
        v_land: contact point velocity at touch-down, world (x, z), m/s (K, 2).
        touch: where the contact point touches down, world (x, z), m (K, 2).
    """

    t_ic: np.ndarray
    t_stop: np.ndarray
    t_ff: np.ndarray
    t_ho: np.ndarray
    t_to: np.ndarray
    t_k1: np.ndarray
    t_k2: np.ndarray
    t_sw: np.ndarray
    t_roll: np.ndarray
    t_push: np.ndarray
    stop: np.ndarray
    slope: np.ndarray
    pitch_ic: np.ndarray
    pitch_to: np.ndarray
    rate_to: np.ndarray
    heel: np.ndarray
    ball: np.ndarray
    pivot: np.ndarray
    pivot_c: np.ndarray
    v_land: np.ndarray
    touch: np.ndarray

    @property
    def knots(self) -> np.ndarray:
        """The swing's knots: toe-off, pitch minimum and heel peak, largest toes-up pitch, contact, s (K - 1, 4)."""
        return np.stack([self.t_to[:-1], self.t_k1, self.t_k2, self.t_ic[1:]], axis=1)


def _landmarks(st: Stances) -> _Landmarks:
    """The times, angles and sole points of every stance and swing."""
    rad = np.radians
    t_roll, t_push = phase_durations(st.contact_s, st.strike_deg, st.walking)
    g = st.slope_rad
    strike = rad(st.strike_deg)
    toe_off = rad(st.toe_off_deg)
    along = np.stack([np.cos(g), np.sin(g)], axis=1)
    into = np.stack([np.sin(g), -np.cos(g)], axis=1)
    heel = np.stack([st.heel_x_m, st.heel_z_m], axis=1)
    ball = heel + BALL_M * along
    pivot = np.where((strike >= 0)[:, None], heel, ball)
    # The contact point touches down moving at v_land and comes to rest on the pivot after stop_s
    # (the sole and heel pad compress by a few millimetres meanwhile).
    v_land = st.landing_forward_mps[:, None] * along + st.landing_down_mps[:, None] * into
    stop = st.stop_s
    t_to = st.t_ic_s + st.contact_s
    t_sw = st.t_ic_s[1:] - t_to[:-1]
    return _Landmarks(
        t_ic=st.t_ic_s,
        t_stop=st.t_ic_s + stop,
        t_ff=st.t_ic_s + t_roll,
        t_ho=t_to - t_push,
        t_to=t_to,
        t_k1=t_to[:-1] + SWING_KNOT_S * t_sw,
        t_k2=st.t_ic_s[1:] - PITCH_MAX_BEFORE_IC_S,
        t_sw=t_sw,
        t_roll=t_roll,
        t_push=t_push,
        stop=stop,
        slope=g,
        pitch_ic=g + strike,
        pitch_to=g + toe_off,
        # Push-off: the toes-down rate grows through heel-off and peaks at toe-off, when the plantar
        # flexors let go (Falbriard et al. 2018 find toe-off at the peak toes-down rate); after it the
        # rotation runs down to the early-swing pitch minimum.
        rate_to=PUSH_PEAK_RATIO * toe_off / t_push,
        heel=heel,
        ball=ball,
        pivot=pivot,
        pivot_c=np.where(strike >= 0, 0.0, BALL_M),
        v_land=v_land,
        touch=pivot - PULSE_STOP_FRACTION * v_land * stop[:, None],
    )


def _pitch_segments(lm: _Landmarks) -> list[np.ndarray]:
    """Pitch polynomials of the seven phases: I, A, B, C per stance (K, 6), D1..D3 per swing (K - 1, 6)."""
    K = lm.t_ic.shape[0]
    g = lm.slope
    dip = 0.5 * np.abs(lm.rate_to[:-1]) * (lm.t_k1 - lm.t_to[:-1])
    pitch_min = lm.pitch_to[:-1] - dip
    pitch_max = lm.pitch_ic[1:] + np.radians(PITCH_OVERSHOOT_DEG)
    zeros = np.zeros(K)
    # The roll to foot flat starts at contact from rest in pitch; the landing segment is its start.
    pitch_i = poly.quintic_hermite(lm.pitch_ic, zeros, zeros, g, zeros, zeros, lm.t_roll)
    p_stop, r_stop, a_stop = poly.evaluate(pitch_i, lm.stop)
    pitch_a = poly.quintic_hermite(p_stop, r_stop, a_stop, g, zeros, zeros, lm.t_roll - lm.stop)
    pitch_b = poly.constant(g)
    pitch_c = poly.quintic_hermite(g, zeros, zeros, lm.pitch_to, lm.rate_to, zeros, lm.t_push)
    zn = np.zeros(K - 1)
    swing = poly.minimum_jerk_chain(
        lm.knots,
        np.stack([lm.pitch_to[:-1], pitch_min, pitch_max, lm.pitch_ic[1:]], axis=1),
        np.stack([lm.rate_to[:-1], zn, zn, zn], axis=1),
        zn,
        zn,
    )
    return [pitch_i, pitch_a, pitch_b, pitch_c, *swing]


def _swing_segments(
    st: Stances,
    lm: _Landmarks,
    ground_altitude: Callable[[np.ndarray], np.ndarray],
    ground_slope: Callable[[np.ndarray], np.ndarray],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The heel's path through every swing: x and z polynomials of D1..D3, (K - 1, 6) each."""
    zn = np.zeros(lm.t_sw.shape[0])
    t_to = lm.t_to[:-1]
    # Heel at toe-off: the ball is fixed and the foot rotates about it at rate_to (pitch acc 0).
    ca, sa = np.cos(lm.pitch_to[:-1]), np.sin(lm.pitch_to[:-1])
    w = lm.rate_to[:-1]
    heel_to = lm.ball[:-1] - BALL_M * np.stack([ca, sa], axis=1)
    heel_to_v = -w[:, None] * BALL_M * np.stack([-sa, ca], axis=1)
    heel_to_a = w[:, None] ** 2 * BALL_M * np.stack([ca, sa], axis=1)
    # Heel at the next contact: no pitch rate or pitch acceleration, so it moves like the contact
    # point: at the landing velocity, with no acceleration (the pulse starts from zero).
    cb, sb = np.cos(lm.pitch_ic[1:]), np.sin(lm.pitch_ic[1:])
    heel_ic = lm.touch[1:] - lm.pivot_c[1:, None] * np.stack([cb, sb], axis=1)
    heel_ic_v = lm.v_land[1:]

    # Forward: one quintic over the whole swing, from toe-off to the landing velocity.
    forward = poly.quintic_hermite(
        heel_to[:, 0], heel_to_v[:, 0], heel_to_a[:, 0], heel_ic[:, 0], heel_ic_v[:, 0], zn, lm.t_sw
    )
    x1, vx1, ax1 = poly.evaluate(forward, lm.t_k1 - t_to)
    x2, vx2, ax2 = poly.evaluate(forward, lm.t_k2 - t_to)
    # Up: to the peak above the ground, then down, at the landing velocity from 40 ms before contact on.
    lift = 0.10 + 0.07 * st.speed_mps[1:]
    z_k1 = ground_altitude(x1) + lift
    vz1 = ground_slope(x1) * vx1
    vz2 = heel_ic_v[:, 1]
    z_k2 = heel_ic[:, 1] - vz2 * PITCH_MAX_BEFORE_IC_S

    sx = [  # the forward quintic, cut at the knots
        poly.quintic_hermite(heel_to[:, 0], heel_to_v[:, 0], heel_to_a[:, 0], x1, vx1, ax1, lm.t_k1 - t_to),
        poly.quintic_hermite(x1, vx1, ax1, x2, vx2, ax2, lm.t_k2 - lm.t_k1),
        poly.quintic_hermite(x2, vx2, ax2, heel_ic[:, 0], heel_ic_v[:, 0], zn, lm.t_ic[1:] - lm.t_k2),
    ]
    sz = poly.minimum_jerk_chain(
        lm.knots,
        np.stack([heel_to[:, 1], z_k1, z_k2, heel_ic[:, 1]], axis=1),
        np.stack([heel_to_v[:, 1], vz1, vz2, vz2], axis=1),
        heel_to_a[:, 1],
        zn,
    )
    return sx, list(sz)


def _by_phase(parts: list, fill: float, tail: tuple[int, ...] = ()) -> np.ndarray:
    """Per-phase values into one array (K, 7, *tail): phases I, A, B, C of every stance, D1..D3 of every
    stance but the last (which has no swing after it); ``fill`` elsewhere."""
    K = np.shape(parts[0])[0]
    out = np.full((K, 7) + tail, fill)
    for j, part in enumerate(parts):
        out[: K if j < 4 else K - 1, j] = part
    return out
