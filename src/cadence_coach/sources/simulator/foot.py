"""Foot kinematics: a smooth trajectory of one foot from which every sensor signal is derived exactly.

World frame: x forward along the course (horizontal distance, m), y left, z up (altitude, m). Foot frame:
origin at the heel on the sole, x toward the toes along the sole, y left, z up out of the sole. The
foot only pitches (rotation about y); the angle ``pitch`` is + toes up, absolute (relative to
horizontal). The foot rotates the world x axis toward +z by ``pitch``:
``R = [[cos, 0, -sin], [0, 1, 0], [sin, 0, cos]]`` maps foot-frame vectors to the world.

Each stride of one foot is a chain of quintic segments (:mod:`.polynomials`), so position, velocity,
acceleration, pitch, pitch rate and pitch acceleration are all continuous:

- A, contact to foot flat: the sole's lowest point (heel if toes up, ball if toes down) stays on the
  ground while the foot rolls from the strike angle to the ground's slope;
- B, foot flat: the foot is stationary, pitched by the slope (zero velocity);
- C, heel-off to toe-off: the foot rotates about the ball to the toe-off angle;
- D1..D3, swing: the heel travels to the next contact point, rising and falling with the course, while
  the foot pitches further toes down, swings through toes up, and settles at the next strike angle.

The sole touches down with zero velocity; the landing shock is a short damped transient added to the
position (a few millimetres), so the accelerometer sees the impact and everything stays consistent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...datatypes import GRAVITY
from . import polynomials as poly
from .course import Course
from .runner import StepPlan

BALL_M = 0.18
"""Heel to ball of the foot along the sole, m."""
INSTEP = np.array([0.13, 0.0, 0.07])
"""Nominal sensor position on the laces, foot frame, m."""
FOOT_Y_M = 0.1
"""Lateral offset of each foot from the course centre line, m (left +, right -)."""
IMPACT_TAU_S = 0.004
IMPACT_FREQ_HZ = 35.0
IMPACT_DIRECTION = np.array([-0.3, 0.0, 1.0]) / math.hypot(0.3, 1.0)
"""World direction of the landing transient: mostly vertical with some braking."""
IMPACT_WINDOW_S = 0.3
SWING_KNOTS = (0.15, 0.85)
"""Fractions of the swing at the pitch minimum / heel peak and just before landing."""
PUSH_PEAK_RATIO = 1.6
"""Toes-down rate at toe-off over the mean rate of the push (heel-off to toe-off); above 1.5 the rate
rises all through the push."""


def _impact_shape(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit landing transient h(t) = Im[(t/tau)^2 exp(s t)] and its first two derivatives (t >= 0, s)."""
    s = complex(-1.0 / IMPACT_TAU_S, 2 * math.pi * IMPACT_FREQ_HZ)
    e = np.exp(s * t) / IMPACT_TAU_S**2
    return (
        np.imag(t**2 * e),
        np.imag((2 * t + s * t**2) * e),
        np.imag((2 + 4 * s * t + s**2 * t**2) * e),
    )


_IMPACT_PEAK = float(np.max(np.abs(_impact_shape(np.linspace(0.0, 0.05, 20001))[2])))


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
        impact_g: target peak acceleration of the landing, g (0 = no transient).
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
    impact_g: np.ndarray
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


def phase_durations(contact_s: np.ndarray, strike_deg: np.ndarray, walking: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        heel = np.stack([st.heel_x_m, st.heel_z_m], axis=1)
        ball = heel + BALL_M * np.stack([np.cos(g), np.sin(g)], axis=1)
        pivot_c = np.where(strike >= 0, 0.0, BALL_M)  # foot-frame x of the point that stays down in A
        pivot = np.where((strike >= 0)[:, None], heel, ball)

        t_ff = st.t_ic_s + t_roll
        t_to = st.t_ic_s + st.contact_s
        t_ho = t_to - t_push
        # Swing k goes from toe-off k to contact k+1.
        n = K - 1
        t_sw = st.t_ic_s[1:] - t_to[:-1]
        t_k1 = t_to[:-1] + SWING_KNOTS[0] * t_sw
        t_k2 = t_to[:-1] + SWING_KNOTS[1] * t_sw

        pitch_ic = g + strike
        pitch_to = g + toe_off
        # Push-off: the toes-down rate grows through heel-off and peaks at toe-off, when the plantar
        # flexors let go (Falbriard et al. 2018 find toe-off at the peak toes-down rate); after it the
        # rotation runs down to the early-swing pitch minimum.
        rate_to = PUSH_PEAK_RATIO * toe_off / t_push
        speed = st.speed_mps[1:]
        dip = 0.5 * np.abs(rate_to[:-1]) * (t_k1 - t_to[:-1])
        pitch_min = pitch_to[:-1] - dip
        pitch_max = pitch_ic[1:] + rad(3.0)

        zeros = np.zeros(K)
        pitch_a = poly.quintic_hermite(pitch_ic, zeros, zeros, g, zeros, zeros, t_roll)
        pitch_b = poly.constant(g)
        pitch_c = poly.quintic_hermite(g, zeros, zeros, pitch_to, rate_to, zeros, t_push)
        zn = np.zeros(n)
        pitch_d1 = poly.quintic_hermite(pitch_to[:-1], rate_to[:-1], zn, pitch_min, zn, zn, t_k1 - t_to[:-1])
        pitch_d2 = poly.quintic_hermite(pitch_min, zn, zn, pitch_max, zn, zn, t_k2 - t_k1)
        pitch_d3 = poly.quintic_hermite(pitch_max, zn, zn, pitch_ic[1:], zn, zn, st.t_ic_s[1:] - t_k2)

        # Heel at toe-off: the ball is fixed and the foot rotates about it at rate_to (pitch acc 0).
        ca, sa = np.cos(pitch_to[:-1]), np.sin(pitch_to[:-1])
        w = rate_to[:-1]
        heel_to = ball[:-1] - BALL_M * np.stack([ca, sa], axis=1)
        heel_to_v = -w[:, None] * BALL_M * np.stack([-sa, ca], axis=1)
        heel_to_a = w[:, None] ** 2 * BALL_M * np.stack([ca, sa], axis=1)
        # Heel at the next contact: pivot fixed, pitch rate 0, so velocity and acceleration are 0.
        cb, sb = np.cos(pitch_ic[1:]), np.sin(pitch_ic[1:])
        heel_ic = pivot[1:] - pivot_c[1:, None] * np.stack([cb, sb], axis=1)

        dx = heel_ic[:, 0] - heel_to[:, 0]
        knots = []
        for frac in SWING_KNOTS:
            s, ds, dds = _min_jerk(frac)
            x = heel_to[:, 0] + dx * s
            vx = dx * ds / t_sw
            ax = dx * dds / t_sw**2
            knots.append((x, vx, ax))
        (x1, vx1, ax1), (x2, vx2, ax2) = knots
        lift = 0.10 + 0.07 * speed
        z_k1 = ground_altitude(x1) + lift
        vz1 = ground_slope(x1) * vx1
        heel_above = heel_ic[:, 1] - ground_altitude(heel_ic[:, 0])
        z_k2 = ground_altitude(x2) + heel_above + 0.035
        vz2 = ground_slope(x2) * vx2 - 0.4

        def chain(p0, v0, a0, p1, v1, a1, p2, v2, a2, p3, v3, a3):
            return (
                poly.quintic_hermite(p0, v0, a0, p1, v1, a1, t_k1 - t_to[:-1]),
                poly.quintic_hermite(p1, v1, a1, p2, v2, a2, t_k2 - t_k1),
                poly.quintic_hermite(p2, v2, a2, p3, v3, a3, st.t_ic_s[1:] - t_k2),
            )

        sx = chain(heel_to[:, 0], heel_to_v[:, 0], heel_to_a[:, 0], x1, vx1, ax1, x2, vx2, ax2, heel_ic[:, 0], zn, zn)
        sz = chain(heel_to[:, 1], heel_to_v[:, 1], heel_to_a[:, 1], z_k1, vz1, zn, z_k2, vz2, zn, heel_ic[:, 1], zn, zn)

        seg_start = np.full((K, 6), np.inf)
        seg_start[:, 0], seg_start[:, 1], seg_start[:, 2] = st.t_ic_s, t_ff, t_ho
        seg_start[:-1, 3], seg_start[:-1, 4], seg_start[:-1, 5] = t_to[:-1], t_k1, t_k2
        pitch_c_all = np.zeros((K, 6, 6))
        px = np.zeros((K, 6, 6))
        pz = np.zeros((K, 6, 6))
        cx = np.zeros((K, 6))
        pitch_c_all[:, 0], pitch_c_all[:, 1], pitch_c_all[:, 2] = pitch_a, pitch_b, pitch_c
        pitch_c_all[:-1, 3], pitch_c_all[:-1, 4], pitch_c_all[:-1, 5] = pitch_d1, pitch_d2, pitch_d3
        # Segment polynomials give an anchor point (world x, z) fixed to the foot at sole point cx.
        px[:, 0], pz[:, 0], cx[:, 0] = poly.constant(pivot[:, 0]), poly.constant(pivot[:, 1]), pivot_c
        px[:, 1], pz[:, 1] = poly.constant(heel[:, 0]), poly.constant(heel[:, 1])
        px[:, 2], pz[:, 2], cx[:, 2] = poly.constant(ball[:, 0]), poly.constant(ball[:, 1]), BALL_M
        for j in range(3):
            px[:-1, 3 + j], pz[:-1, 3 + j] = sx[j], sz[j]
        # The last stance stays flat for ever: drop its (undefined) heel-off and swing segments.
        keep = np.ones((K, 6), dtype=bool)
        keep[-1, 2:] = False
        self._start = seg_start[keep]
        self._start[0] = -np.inf
        self._pitch = pitch_c_all[keep]
        self._px = px[keep]
        self._pz = pz[keep]
        self._cx = cx[keep]
        self._local0 = seg_start[keep]
        if np.any(np.diff(self._start) <= 0):
            raise ValueError("foot phases overlap: contact or swing too short for this step")
        real = st.impact_g > 0
        self._impact_t = st.t_ic_s[real]
        self._impact_amp = (np.maximum(st.impact_g[real], 1.0) - 1.0) * GRAVITY / _IMPACT_PEAK

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
        self._add_impacts(t, pos, vel, acc)
        return PointMotion(pos, vel, acc, pitch, rate)

    def _add_impacts(self, t: np.ndarray, pos: np.ndarray, vel: np.ndarray, acc: np.ndarray) -> None:
        k = np.searchsorted(self._impact_t, t, side="right") - 1
        since = t - self._impact_t[np.maximum(k, 0)]
        on = (k >= 0) & (since < IMPACT_WINDOW_S)
        if not np.any(on):
            return
        h, dh, ddh = _impact_shape(since[on])
        amp = self._impact_amp[k[on]]
        for out, shape in ((pos, h), (vel, dh), (acc, ddh)):
            out[on] += (amp * shape)[:, None] * IMPACT_DIRECTION


def _min_jerk(frac: float) -> tuple[float, float, float]:
    """Minimum-jerk profile s(u) = 10u^3 - 15u^4 + 6u^5 and its derivatives with respect to u."""
    u = frac
    return (
        10 * u**3 - 15 * u**4 + 6 * u**5,
        30 * u**2 - 60 * u**3 + 30 * u**4,
        60 * u - 180 * u**2 + 120 * u**3,
    )


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
        impact_g=np.concatenate(([0.0], plan.impact_g[mine])),
        speed_mps=np.concatenate(([plan.speed_mps[first]], plan.speed_mps[mine])),
        walking=np.concatenate(([False], plan.walking[mine])),
    )
    return FootTrajectory(stances, course.altitude_at, course.slope_at, FOOT_Y_M if side == 0 else -FOOT_Y_M)
