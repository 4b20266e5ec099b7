"""Zero-velocity-aided strapdown integration of one stride of a foot-mounted IMU.

Between two mid-stance instants the foot is momentarily still: its velocity is zero and the
accelerometer reads gravity only. From the first still instant the sensor's tilt is known (the measured
specific force points up); heading is free and set to zero. Integrating the gyroscope gives the
orientation through the stride, rotating the accelerometer into the level frame and removing gravity
gives acceleration, integrating twice gives the path. The velocity at the second still instant should be
zero again; the residual (sensor bias, integration error) is removed as a linear drift in time.

That holds only if both ends really are still. A foot that is still turns at well under
``STILL_END_RATE`` (the sensor noise and bias are hundredths of that); an end turning faster was taken
while the foot still moved (a landing roll taken for mid-stance), its velocity was not zero, and the
rise of that stride is unknown (NaN) while its length stays usable (horizontal errors of that kind
are small next to a stride).

Three things decide the rise to a fraction of a percent of grade (1 % of grade on a 2.5 m stride is
25 mm; a tilt error of 0.57 degrees turns the whole stride by that much):

- Gravity is read from the stance's longest still stretch, turned to the still instant: rows that
  turn slower than ``STILL_END_RATE`` with a specific force within ``STILL_FORCE_TOL`` of their mean
  (:func:`stance_gravity_force`). At heel-off the foot starts turning about the ball from rest: its
  angular acceleration moves the sensor (0.1-0.2 m from the ball) at several m/s^2 while the rate is
  still hundredths of a rad/s, so a test on rate and magnitude alone lets in readings tilted by 3-12
  degrees; averaged in, they had tilted every stride by about +1 % of grade. After a landing the shoe
  rings without turning, so the quietest rate may fall on a reading far from gravity: hence the
  longest stretch, not the one around the quietest row.
- The gyroscope's bias (up to 1 deg/s) turns the level frame by up to a degree over a stride. Gravity at
  the end is read the same way; the tilt the integrated orientation gives it there is that error, taken
  away in proportion to time (:func:`tilt_drift`; a constant bias grows it linearly).
- A clipped reading (at the accelerometer's full scale: the push-off and early swing of a fast runner
  reach 20-25 g, past a 16 g range, for 10-40 ms) loses area, and the end velocity says how much: the
  part of it along the clipped axes is taken away from the clipped rows on, not spread over the stride
  as a drift (:func:`zero_velocity_update`).

What is left without a barometer: the accelerometer's bias tilts the still instant's gravity by its
horizontal part over g (0.1 m/s^2 along the stride is 1 % of grade) and nothing in one foot's strides
tells it from the grade (docs/gait-foot.md).

The orientation uses the single-axis closed form ``R(t) = R0 exp(theta(t))`` with ``theta`` the integral
of the body rate: exact when the rotation axis is fixed, as it nearly is for a foot swinging in the
sagittal plane. The per-sample loop is compiled (gait/kernels.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..datatypes import GRAVITY
from .kernels import still_force, stride_displacement

STILL_END_RATE = 0.5
"""Largest angular rate at either end of a stride whose rise is trusted, rad/s: at 0.5 rad/s a point
0.1-0.2 m from the pivot moves at 0.05-0.1 m/s."""
STILL_FORCE_TOL = 0.2
"""Largest difference between a still reading's specific force and the mean of those around it, m/s^2:
six times a MEMS accelerometer's noise at 400 Hz (0.02 m/s^2 per axis), and 1.2 degrees of tilt."""
CLIP_MIN = 3.0 * GRAVITY
"""No accelerometer on a running shoe has a full scale below this, m/s^2 (ranges are 8-32 g)."""
CLIP_MIN_ROWS = 2
"""Readings at an axis's extreme that make a flat top (a clipped axis), at least."""


def stance_gravity_force(
    t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, row: int, start: int, stop: int
) -> np.ndarray:
    """Gravity's specific force at the still instant ``row``, m/s^2, sensor frame: the mean over the
    longest stationary stretch of rows in [start, stop) (rows that turn slower than
    ``STILL_END_RATE`` with a specific force within ``STILL_FORCE_TOL`` of their mean), turned by the
    body rate from the stretch's middle to ``row``."""
    force, lo, hi = still_force(acc, gyro, row, start, stop, STILL_END_RATE**2, STILL_FORCE_TOL**2)
    mid = (lo + hi - 1) // 2
    a, b = min(row, mid), max(row, mid)
    theta = (0.5 * (gyro[a + 1 : b + 1] + gyro[a:b]) * np.diff(t[a : b + 1])[:, None]).sum(axis=0)
    return rotate(theta if mid >= row else -theta, force)


@dataclass(frozen=True, slots=True)
class StrideTrajectory:
    """The integrated path of one stride in a level frame (z up, heading arbitrary).

    Attributes:
        displacement: foot displacement from the first to the second still instant, m, shape (3,).
        duration_s: time between the two still instants, s.
        t_end_s: time of the second still instant, s.
        start_tilt: rotation from the sensor frame to the level frame at the first still instant.
        length_m: horizontal length of the displacement, m.
        rise_m: vertical component of the displacement, m (negative downhill); NaN unless both ends
            were still.
        ends_still: True if the foot turned slower than ``STILL_END_RATE`` at both ends.
    """

    displacement: np.ndarray
    duration_s: float
    t_end_s: float
    start_tilt: np.ndarray
    ends_still: bool = True

    @property
    def length_m(self) -> float:
        return math.hypot(float(self.displacement[0]), float(self.displacement[1]))

    @property
    def rise_m(self) -> float:
        return float(self.displacement[2]) if self.ends_still else math.nan


def tilt_rotation(specific_force: np.ndarray) -> np.ndarray:
    """The rotation matrix (sensor to level frame) that turns ``specific_force`` to point along +z."""
    fx, fy, fz = specific_force.tolist()
    norm = math.sqrt(fx * fx + fy * fy + fz * fz)
    fx, fy, fz = fx / norm, fy / norm, fz / norm
    # Axis f x z = (fy, -fx, 0), sin = |axis|, cos = fz (Rodrigues with a unit axis).
    s = math.hypot(fx, fy)
    if s < 1e-12:
        return np.eye(3) if fz > 0 else np.diag([1.0, -1.0, -1.0])
    kx, ky = fy / s, -fx / s
    c = fz
    v = 1.0 - c
    return np.array(
        [
            [c + kx * kx * v, kx * ky * v, ky * s],
            [kx * ky * v, c + ky * ky * v, -kx * s],
            [-ky * s, kx * s, c],
        ]
    )


def rotate(theta: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``v`` rotated by the rotation vector ``theta`` (rad), Rodrigues."""
    angle = float(np.linalg.norm(theta))
    if angle < 1e-12:
        return v
    k = theta / angle
    return v * math.cos(angle) + np.cross(k, v) * math.sin(angle) + k * float(k @ v) * (1.0 - math.cos(angle))


def tilt_drift(t: np.ndarray, gyro: np.ndarray, start_tilt: np.ndarray, end_force: np.ndarray) -> np.ndarray:
    """The level frame's tilt error at the end of a stride, a rotation vector (rad, level frame): the one
    that turns gravity at the end, as the start tilt and the integrated body rate place it, back to
    vertical."""
    theta = (0.5 * (gyro[1:] + gyro[:-1]) * np.diff(t)[:, None]).sum(axis=0)
    up = start_tilt @ rotate(theta, end_force)
    axis = np.cross(up, [0.0, 0.0, 1.0])
    sin = float(np.linalg.norm(axis))
    if sin < 1e-12:
        return np.zeros(3)
    return axis / sin * math.atan2(sin, float(up[2]))


def clipped_runs(acc: np.ndarray) -> np.ndarray:
    """The runs of clipped readings of a stride, numbered per axis and sign, shape (n, 3) (-1 where a
    reading is not clipped). A clipped axis shows a flat top: at least ``CLIP_MIN_ROWS`` readings at its
    extreme, beyond ``CLIP_MIN`` (no foot still or swinging moves so slowly there that two readings
    agree); each stretch of consecutive readings there is one run."""
    runs = np.full(acc.shape, -1)
    count = 0
    for values in (acc, -acc):
        top = values.max(axis=0)
        for k in range(3):
            at_top = values[:, k] >= top[k]
            if top[k] < CLIP_MIN or np.count_nonzero(at_top) < CLIP_MIN_ROWS:
                continue
            starts = at_top & ~np.concatenate(([False], at_top[:-1]))
            runs[at_top, k] = (count + np.cumsum(starts) - 1)[at_top]
            count += int(np.count_nonzero(starts))
    return runs


def lost_area(vel: np.ndarray, lost: np.ndarray) -> np.ndarray:
    """How much each run of clipped readings lost, >= 0 (the readings fell short of the truth), in units
    of its ``lost`` direction: the non-negative least-squares fit of -``vel`` (the velocity left at
    the end, m/s) by the columns of ``lost`` (shape (r, 3))."""
    amount = np.zeros(lost.shape[0])
    active = np.ones(lost.shape[0], dtype=bool)
    while active.any():
        fit = np.linalg.lstsq(lost[active].T, -vel, rcond=None)[0]
        if (fit >= 0.0).all():
            amount[active] = fit
            break
        active[np.flatnonzero(active)[fit < 0.0]] = False
    return amount


def zero_velocity_update(
    pos: np.ndarray, vel: np.ndarray, span_s: float, lost: np.ndarray, lost_t: np.ndarray
) -> np.ndarray:
    """The stride's displacement (m) once the velocity left at its end is taken away: the part the
    clipped runs lost (directions ``lost``, mean times ``lost_t`` s after the start) from their time on,
    the rest as a linear drift in time (a constant acceleration error: half of it over the span)."""
    if lost.shape[0] == 0:
        return pos - vel * span_s / 2.0
    amount = lost_area(vel, lost)
    steps = amount[:, None] * lost  # velocity lost by each run, m/s
    rest = vel + steps.sum(axis=0)
    return pos + ((span_s - lost_t)[:, None] * steps).sum(axis=0) - rest * span_s / 2.0


def integrate_stride(
    t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, still_force: np.ndarray, end_force: np.ndarray
) -> StrideTrajectory:
    """Integrate one stride from one still instant (index 0) to the next (last index).

    Args:
        t: sample times, s, shape (n,).
        acc: specific force in the sensor frame, m/s^2, shape (n, 3).
        gyro: angular rate in the sensor frame, rad/s, shape (n, 3).
        still_force: gravity's specific force at the first still instant, m/s^2, shape (3,): sets the
            tilt.
        end_force: the same at the second still instant: checks the tilt there.
    """
    r0 = tilt_rotation(still_force)
    still = max(math.hypot(*gyro[0].tolist()), math.hypot(*gyro[-1].tolist())) < STILL_END_RATE
    # An end that moves has no gravity reading to check the tilt against.
    drift = tilt_drift(t, gyro, r0, end_force) if still else np.zeros(3)
    pos, vel, lost, lost_t = stride_displacement(t, acc, gyro, r0, drift, clipped_runs(acc))
    span_s = float(t[-1] - t[0])
    return StrideTrajectory(
        displacement=zero_velocity_update(pos, vel, span_s, lost, lost_t),
        duration_s=span_s,
        t_end_s=float(t[-1]),
        start_tilt=r0,
        ends_still=still,
    )
