"""Foot kinematics: a smooth trajectory of one foot from which every sensor signal is derived exactly.

World frame: x forward along the course (horizontal distance, m), y left, z up (altitude, m). Foot frame:
origin at the heel on the sole, x toward the toes along the sole, y left, z up out of the sole. The
foot only pitches (rotation about y); the angle ``pitch`` is + toes up, absolute (relative to
horizontal). The foot rotates the world x axis toward +z by ``pitch``:
``R = [[cos, 0, -sin], [0, 1, 0], [sin, 0, cos]]`` maps foot-frame vectors to the world.

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

A small damped ringing follows each landing pulse, added to the position so every signal stays
consistent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...datatypes import GRAVITY
from . import polynomials as poly
from .course import Course
from .runner import PULSE_PEAK, StepPlan

BALL_M = 0.18
"""Heel to ball of the foot along the sole, m."""
INSTEP = np.array([0.13, 0.0, 0.07])
"""Nominal sensor position on the laces, foot frame, m."""
FOOT_Y_M = 0.1
"""Lateral offset of each foot from the course centre line, m (left +, right -)."""
RING_TAU_S = 0.004
RING_FREQ_HZ = 35.0
RING_DIRECTION = np.array([-0.3, 0.0, 1.0]) / math.hypot(0.3, 1.0)
"""World direction of the ringing after a landing: mostly vertical with some braking."""
RING_RATIO = 0.15
"""Peak acceleration of the ringing over that of the landing pulse."""
RING_WINDOW_S = 0.3
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


def _ring_shape(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit ringing h(t) = Im[(t/tau)^2 exp(s t)] and its first two derivatives (t >= 0, s)."""
    s = complex(-1.0 / RING_TAU_S, 2 * math.pi * RING_FREQ_HZ)
    e = np.exp(s * t) / RING_TAU_S**2
    return (
        np.imag(t**2 * e),
        np.imag((2 * t + s * t**2) * e),
        np.imag((2 + 4 * s * t + s**2 * t**2) * e),
    )


_RING_PEAK = float(np.max(np.abs(_ring_shape(np.linspace(0.0, 0.05, 20001))[2])))


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


@dataclass(frozen=True)
class PointMotion:
    """Motion of one point fixed on the foot, at sample times (world frame).

    Attributes:
        pos: position, m, (n, 3).
        vel: velocity, m/s, (n, 3).
        acc: acceleration, m/s^2, (n, 3).
        pitch: foot pitch, rad (+ toes up), (n,).
        pitch_rate: its time derivative, rad/s, (n,).
    """

    pos: np.ndarray
    vel: np.ndarray
    acc: np.ndarray
    pitch: np.ndarray
    pitch_rate: np.ndarray

    def rotation(self) -> np.ndarray:
        """Foot-to-world rotation matrices, (n, 3, 3)."""
        return pitch_matrix(self.pitch)

    def specific_force(self) -> np.ndarray:
        """Specific force in the foot frame, m/s^2, (n, 3): R^T (a - g_vec), g_vec = (0, 0, -g)."""
        w = self.acc + np.array([0.0, 0.0, GRAVITY])
        c, s = np.cos(self.pitch), np.sin(self.pitch)
        return np.stack([c * w[:, 0] + s * w[:, 2], w[:, 1], -s * w[:, 0] + c * w[:, 2]], axis=1)

    def angular_rate(self) -> np.ndarray:
        """Angular velocity in the foot frame, rad/s, (n, 3) (toes up = negative about y)."""
        zero = np.zeros_like(self.pitch_rate)
        return np.stack([zero, -self.pitch_rate, zero], axis=1)


def pitch_matrix(pitch: np.ndarray) -> np.ndarray:
    """Foot-to-world rotations for pitch angles (rad, + toes up), (n, 3, 3)."""
    c, s = np.cos(pitch), np.sin(pitch)
    out = np.zeros(np.shape(pitch) + (3, 3))
    out[..., 0, 0] = c
    out[..., 0, 2] = -s
    out[..., 1, 1] = 1.0
    out[..., 2, 0] = s
    out[..., 2, 2] = c
    return out


def phase_durations(
    contact_s: np.ndarray, strike_deg: np.ndarray, walking: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Durations of the roll to foot flat and of heel-off to toe-off, s."""
    roll = np.where(walking, 0.15, np.clip(0.16 + 0.008 * np.abs(strike_deg), 0.12, 0.32))
    push = np.where(walking, 0.35, 0.42)
    return contact_s * roll, contact_s * push


class FootTrajectory:
    """The trajectory of one foot over a session; evaluate it at any times.

    Args:
        st: the foot's stances (the first one is the standing start, whose toe-off starts the run).
        ground_altitude: altitude of the ground at horizontal distances, m (the course).
        ground_slope: slope dz/dx of the ground at horizontal distances.
        y_m: the foot's lateral position, m.
    """

    def __init__(
        self,
        st: Stances,
        ground_altitude: Callable[[np.ndarray], np.ndarray],
        ground_slope: Callable[[np.ndarray], np.ndarray],
        y_m: float,
    ) -> None:
        self.stances = st
        self.y_m = y_m
        K = st.t_ic_s.shape[0]
        rad = np.radians
        t_roll, t_push = phase_durations(st.contact_s, st.strike_deg, st.walking)
        g = st.slope_rad
        strike = rad(st.strike_deg)
        toe_off = rad(st.toe_off_deg)
        along = np.stack([np.cos(g), np.sin(g)], axis=1)
        into = np.stack([np.sin(g), -np.cos(g)], axis=1)
        heel = np.stack([st.heel_x_m, st.heel_z_m], axis=1)
        ball = heel + BALL_M * along
        pivot_c = np.where(strike >= 0, 0.0, BALL_M)  # foot-frame x of the contact point
        pivot = np.where((strike >= 0)[:, None], heel, ball)
        # The contact point touches down moving at v_land and comes to rest on the pivot after stop_s
        # (the sole and heel pad compress by a few millimetres meanwhile).
        v_land = st.landing_forward_mps[:, None] * along + st.landing_down_mps[:, None] * into
        stop = st.stop_s
        touch = pivot - PULSE_STOP_FRACTION * v_land * stop[:, None]

        t_stop = st.t_ic_s + stop
        t_ff = st.t_ic_s + t_roll
        t_to = st.t_ic_s + st.contact_s
        t_ho = t_to - t_push
        # Swing k goes from toe-off k to contact k+1.
        n = K - 1
        t_sw = st.t_ic_s[1:] - t_to[:-1]
        t_k1 = t_to[:-1] + SWING_KNOT_S * t_sw
        t_k2 = st.t_ic_s[1:] - PITCH_MAX_BEFORE_IC_S

        pitch_ic = g + strike
        pitch_to = g + toe_off
        # Push-off: the toes-down rate grows through heel-off and peaks at toe-off, when the plantar
        # flexors let go (Falbriard et al. 2018 find toe-off at the peak toes-down rate); after it the
        # rotation runs down to the early-swing pitch minimum.
        rate_to = PUSH_PEAK_RATIO * toe_off / t_push
        speed = st.speed_mps[1:]
        dip = 0.5 * np.abs(rate_to[:-1]) * (t_k1 - t_to[:-1])
        pitch_min = pitch_to[:-1] - dip
        pitch_max = pitch_ic[1:] + rad(PITCH_OVERSHOOT_DEG)

        zeros = np.zeros(K)
        # The roll to foot flat starts at contact from rest in pitch; the landing segment is its start.
        pitch_i = poly.quintic_hermite(pitch_ic, zeros, zeros, g, zeros, zeros, t_roll)
        p_stop, r_stop, a_stop = poly.evaluate(pitch_i, stop)
        pitch_a = poly.quintic_hermite(p_stop, r_stop, a_stop, g, zeros, zeros, t_roll - stop)
        pitch_b = poly.constant(g)
        pitch_c = poly.quintic_hermite(g, zeros, zeros, pitch_to, rate_to, zeros, t_push)
        zn = np.zeros(n)
        # The swing's knots: toe-off, pitch minimum and heel peak, largest dorsiflexion, contact.
        knots = np.stack([t_to[:-1], t_k1, t_k2, st.t_ic_s[1:]], axis=1)
        pitch_d1, pitch_d2, pitch_d3 = poly.minimum_jerk_chain(
            knots,
            np.stack([pitch_to[:-1], pitch_min, pitch_max, pitch_ic[1:]], axis=1),
            np.stack([rate_to[:-1], zn, zn, zn], axis=1),
            zn,
            zn,
        )
        # With zero acceleration at touch-down, no stop distance left over at stop_s and travel
        # PULSE_STOP_FRACTION v T, this quintic's acceleration is exactly the landing pulse.
        land = [
            poly.quintic_hermite(touch[:, j], v_land[:, j], zeros, pivot[:, j], zeros, zeros, stop)
            for j in (0, 1)
        ]

        # Heel at toe-off: the ball is fixed and the foot rotates about it at rate_to (pitch acc 0).
        ca, sa = np.cos(pitch_to[:-1]), np.sin(pitch_to[:-1])
        w = rate_to[:-1]
        heel_to = ball[:-1] - BALL_M * np.stack([ca, sa], axis=1)
        heel_to_v = -w[:, None] * BALL_M * np.stack([-sa, ca], axis=1)
        heel_to_a = w[:, None] ** 2 * BALL_M * np.stack([ca, sa], axis=1)
        # Heel at the next contact: no pitch rate or pitch acceleration, so it moves like the contact
        # point: at the landing velocity, with no acceleration (the pulse starts from zero).
        cb, sb = np.cos(pitch_ic[1:]), np.sin(pitch_ic[1:])
        heel_ic = touch[1:] - pivot_c[1:, None] * np.stack([cb, sb], axis=1)
        heel_ic_v = v_land[1:]

        # Forward: one quintic over the whole swing, from toe-off to the landing velocity.
        forward = poly.quintic_hermite(
            heel_to[:, 0], heel_to_v[:, 0], heel_to_a[:, 0], heel_ic[:, 0], heel_ic_v[:, 0], zn, t_sw
        )
        x1, vx1, ax1 = poly.evaluate(forward, t_k1 - t_to[:-1])
        x2, vx2, ax2 = poly.evaluate(forward, t_k2 - t_to[:-1])
        # Up: to the peak above the ground, then down, at the landing velocity from 40 ms before contact on.
        lift = 0.10 + 0.07 * speed
        z_k1 = ground_altitude(x1) + lift
        vz1 = ground_slope(x1) * vx1
        vz2 = heel_ic_v[:, 1]
        z_k2 = heel_ic[:, 1] - vz2 * PITCH_MAX_BEFORE_IC_S

        sx = (  # the forward quintic, cut at the knots
            poly.quintic_hermite(
                heel_to[:, 0], heel_to_v[:, 0], heel_to_a[:, 0], x1, vx1, ax1, t_k1 - t_to[:-1]
            ),
            poly.quintic_hermite(x1, vx1, ax1, x2, vx2, ax2, t_k2 - t_k1),
            poly.quintic_hermite(x2, vx2, ax2, heel_ic[:, 0], heel_ic_v[:, 0], zn, st.t_ic_s[1:] - t_k2),
        )
        sz = poly.minimum_jerk_chain(
            knots,
            np.stack([heel_to[:, 1], z_k1, z_k2, heel_ic[:, 1]], axis=1),
            np.stack([heel_to_v[:, 1], vz1, vz2, vz2], axis=1),
            heel_to_a[:, 1],
            zn,
        )

        seg_start = np.full((K, 7), np.inf)
        seg_start[:, 0], seg_start[:, 1], seg_start[:, 2], seg_start[:, 3] = st.t_ic_s, t_stop, t_ff, t_ho
        seg_start[:-1, 4], seg_start[:-1, 5], seg_start[:-1, 6] = t_to[:-1], t_k1, t_k2
        pitch_c_all = np.zeros((K, 7, 6))
        px = np.zeros((K, 7, 6))
        pz = np.zeros((K, 7, 6))
        cx = np.zeros((K, 7))
        pitch_c_all[:, 0], pitch_c_all[:, 1] = pitch_i, pitch_a
        pitch_c_all[:, 2], pitch_c_all[:, 3] = pitch_b, pitch_c
        pitch_c_all[:-1, 4], pitch_c_all[:-1, 5], pitch_c_all[:-1, 6] = pitch_d1, pitch_d2, pitch_d3
        # Segment polynomials give an anchor point (world x, z) fixed to the foot at sole point cx.
        px[:, 0], pz[:, 0], cx[:, 0] = land[0], land[1], pivot_c
        px[:, 1], pz[:, 1], cx[:, 1] = poly.constant(pivot[:, 0]), poly.constant(pivot[:, 1]), pivot_c
        px[:, 2], pz[:, 2] = poly.constant(heel[:, 0]), poly.constant(heel[:, 1])
        px[:, 3], pz[:, 3], cx[:, 3] = poly.constant(ball[:, 0]), poly.constant(ball[:, 1]), BALL_M
        for j in range(3):
            px[:-1, 4 + j], pz[:-1, 4 + j] = sx[j], sz[j]
        # The last stance stays flat for ever: drop its (undefined) heel-off and swing segments.
        keep = np.ones((K, 7), dtype=bool)
        keep[-1, 3:] = False
        self._start = seg_start[keep]
        self._start[0] = -np.inf
        self._pitch = pitch_c_all[keep]
        self._px = px[keep]
        self._pz = pz[keep]
        self._cx = cx[keep]
        self._local0 = seg_start[keep]
        if np.any(np.diff(self._start) <= 0):
            raise ValueError("foot phases overlap: contact or swing too short for this step")
        landing_speed = np.hypot(st.landing_forward_mps, st.landing_down_mps)
        real = landing_speed > 0
        self._ring_t = t_stop[real]
        self._ring_amp = RING_RATIO * PULSE_PEAK * landing_speed[real] / stop[real] / _RING_PEAK

    def motion(self, t: np.ndarray, point: np.ndarray) -> PointMotion:
        """Motion of a point fixed on the foot (foot frame, m) at session times ``t`` (s)."""
        t = np.asarray(t, dtype=float)
        i = np.searchsorted(self._start, t, side="right") - 1
        tau = t - self._local0[i]
        pitch, rate, racc = poly.evaluate(self._pitch[i], tau)
        ax_, vx_, aax = poly.evaluate(self._px[i], tau)
        az_, vz_, aaz = poly.evaluate(self._pz[i], tau)
        # Point relative to the anchor, foot frame (x, z); y is unaffected by pitch.
        ux = point[0] - self._cx[i]
        uz = point[2]
        c, s = np.cos(pitch), np.sin(pitch)
        rx, rz = c * ux - s * uz, s * ux + c * uz  # R u
        jx, jz = -s * ux - c * uz, c * ux - s * uz  # dR/dpitch u
        pos = np.stack([ax_ + rx, np.full_like(t, self.y_m + point[1]), az_ + rz], axis=1)
        vel = np.stack([vx_ + rate * jx, np.zeros_like(t), vz_ + rate * jz], axis=1)
        acc = np.stack(
            [aax + racc * jx - rate**2 * rx, np.zeros_like(t), aaz + racc * jz - rate**2 * rz], axis=1
        )
        self._add_ringing(t, pos, vel, acc)
        return PointMotion(pos, vel, acc, pitch, rate)

    def _add_ringing(self, t: np.ndarray, pos: np.ndarray, vel: np.ndarray, acc: np.ndarray) -> None:
        k = np.searchsorted(self._ring_t, t, side="right") - 1
        since = t - self._ring_t[np.maximum(k, 0)]
        on = (k >= 0) & (since < RING_WINDOW_S)
        if not np.any(on):
            return
        h, dh, ddh = _ring_shape(since[on])
        amp = self._ring_amp[k[on]]
        for out, shape in ((pos, h), (vel, dh), (acc, ddh)):
            out[on] += (amp * shape)[:, None] * RING_DIRECTION


def foot_from_plan(plan: StepPlan, side: int, course: Course) -> FootTrajectory:
    """The trajectory of one foot (0 = left, 1 = right) for a step plan on a course."""
    mine = plan.side == side
    first = int(np.flatnonzero(mine)[0])
    standing_contact = 1.0
    t_ic = np.concatenate(([plan.first_toe_off_s[side] - standing_contact], plan.t_ic_s[mine]))
    heel_x = np.concatenate(([0.0], plan.heel_x_m[mine]))
    stances = Stances(
        t_ic_s=t_ic,
        contact_s=np.concatenate(([standing_contact], plan.contact_s[mine])),
        strike_deg=np.concatenate(([0.0], plan.strike_angle_deg[mine])),
        toe_off_deg=np.concatenate(([-40.0], plan.toe_off_pitch_deg[mine])),
        heel_x_m=heel_x,
        heel_z_m=course.altitude_at(heel_x),
        slope_rad=np.arctan(course.slope_at(heel_x)),
        landing_forward_mps=np.concatenate(([0.0], plan.landing_forward_mps[mine])),
        landing_down_mps=np.concatenate(([0.0], plan.landing_down_mps[mine])),
        stop_s=np.concatenate(([plan.stop_s[first]], plan.stop_s[mine])),
        speed_mps=np.concatenate(([plan.speed_mps[first]], plan.speed_mps[mine])),
        walking=np.concatenate(([False], plan.walking[mine])),
    )
    return FootTrajectory(stances, course.altitude_at, course.slope_at, FOOT_Y_M if side == 0 else -FOOT_Y_M)
