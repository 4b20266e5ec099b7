"""Foot kinematics: a smooth trajectory of one foot from which every sensor signal is derived exactly.

World frame: x forward along the course (horizontal distance, m), y left, z up (altitude, m). Foot frame:
origin at the heel on the sole, x toward the toes along the sole, y left, z up out of the sole. The
foot only pitches (rotation about y); the angle ``pitch`` is + toes up, absolute (relative to
horizontal). The foot rotates the world x axis toward +z by ``pitch``:
``R = [[cos, 0, -sin], [0, 1, 0], [sin, 0, cos]]`` maps foot-frame vectors to the world.

Each stride of one foot is a chain of quintic segments, so position, velocity, acceleration, pitch,
pitch rate and pitch acceleration are all continuous; :mod:`.foot_phases` builds them phase by phase
(landing, roll to foot flat, foot flat, push-off, swing).

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
from .foot_phases import Stances, stride_segments
from .runner import PULSE_PEAK, StepPlan

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
        seg = stride_segments(st, ground_altitude, ground_slope)
        self._start = seg.start.copy()
        self._start[0] = -np.inf
        self._local0 = seg.start
        self._pitch, self._px, self._pz, self._cx = seg.pitch, seg.px, seg.pz, seg.cx
        if np.any(np.diff(self._start) <= 0):
            raise ValueError("foot phases overlap: contact or swing too short for this step")
        landing_speed = np.hypot(st.landing_forward_mps, st.landing_down_mps)
        real = landing_speed > 0
        self._ring_t = (st.t_ic_s + st.stop_s)[real]
        self._ring_amp = RING_RATIO * PULSE_PEAK * landing_speed[real] / st.stop_s[real] / _RING_PEAK

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
