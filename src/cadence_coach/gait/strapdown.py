"""Zero-velocity-aided strapdown integration of one stride of a foot-mounted IMU.

Between two mid-stance instants the foot is momentarily still: its velocity is zero and the
accelerometer reads gravity only. From the first still instant the sensor's tilt is known (the measured
specific force points up); heading is free and set to zero. Integrating the gyroscope gives the
orientation through the stride, rotating the accelerometer into the level frame and removing gravity
gives acceleration, integrating twice gives the path. The velocity at the second still instant should be
zero again; the residual (sensor bias, integration error) is removed as a linear drift in time.

The orientation uses the single-axis closed form ``R(t) = R0 exp(theta(t))`` with ``theta`` the integral
of the body rate: exact when the rotation axis is fixed, as it nearly is for a foot swinging in the
sagittal plane, and vectorised (no per-sample Python loop).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datatypes import GRAVITY


@dataclass(frozen=True, slots=True)
class StrideTrajectory:
    """The integrated path of one stride in a level frame (z up, heading arbitrary).

    Attributes:
        displacement: foot displacement from the first to the second still instant, m, shape (3,).
        duration_s: time between the two still instants, s.
        t_end_s: time of the second still instant, s.
        length_m: horizontal length of the displacement, m.
        rise_m: vertical component of the displacement, m (negative downhill).
    """

    displacement: np.ndarray
    duration_s: float
    t_end_s: float

    @property
    def length_m(self) -> float:
        return float(np.hypot(self.displacement[0], self.displacement[1]))

    @property
    def rise_m(self) -> float:
        return float(self.displacement[2])


def tilt_rotation(specific_force: np.ndarray) -> np.ndarray:
    """The rotation matrix (sensor to level frame) that turns ``specific_force`` to point along +z."""
    f = specific_force / np.linalg.norm(specific_force)
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(f, z)
    s = np.linalg.norm(axis)
    c = float(np.dot(f, z))
    if s < 1e-12:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    k = axis / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * (kx @ kx)


def rotate_by_rotvec(theta: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate each row of ``v`` by the rotation vector in the same row of ``theta`` (Rodrigues)."""
    angle = np.linalg.norm(theta, axis=1)
    safe = np.where(angle > 1e-12, angle, 1.0)
    k = theta / safe[:, None]
    cos = np.cos(angle)[:, None]
    sin = np.sin(angle)[:, None]
    kv = np.einsum("ij,ij->i", k, v)[:, None]
    return v * cos + np.cross(k, v) * sin + k * kv * (1.0 - cos)


def cumulative_trapezoid(y: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Running integral of ``y`` (rows) over sample intervals ``dt`` (len(y) - 1), starting at 0."""
    out = np.zeros_like(y)
    out[1:] = np.cumsum(0.5 * (y[1:] + y[:-1]) * dt[:, None], axis=0)
    return out


def integrate_stride(
    t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, still_force: np.ndarray
) -> StrideTrajectory:
    """Integrate one stride from one still instant (index 0) to the next (last index).

    Args:
        t: sample times, s, shape (n,).
        acc: specific force in the sensor frame, m/s^2, shape (n, 3).
        gyro: angular rate in the sensor frame, rad/s, shape (n, 3).
        still_force: mean specific force over the first still phase, m/s^2, shape (3,): sets the tilt.
    """
    dt = np.diff(t)
    r0 = tilt_rotation(still_force)
    theta = cumulative_trapezoid(gyro, dt)
    acc_start_frame = rotate_by_rotvec(theta, acc)
    acc_level = acc_start_frame @ r0.T
    acc_level[:, 2] -= GRAVITY
    vel = cumulative_trapezoid(acc_level, dt)
    span = t[-1] - t[0]
    vel -= np.outer((t - t[0]) / span, vel[-1])  # zero velocity at both still instants
    pos = cumulative_trapezoid(vel, dt)
    return StrideTrajectory(displacement=pos[-1].copy(), duration_s=float(span), t_end_s=float(t[-1]))
