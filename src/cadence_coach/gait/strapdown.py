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

The orientation uses the single-axis closed form ``R(t) = R0 exp(theta(t))`` with ``theta`` the integral
of the body rate: exact when the rotation axis is fixed, as it nearly is for a foot swinging in the
sagittal plane. The per-sample loop is compiled (gait/kernels.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .kernels import stride_displacement

STILL_END_RATE = 0.5
"""Largest angular rate at either end of a stride whose rise is trusted, rad/s: at 0.5 rad/s a point
0.1-0.2 m from the pivot moves at 0.05-0.1 m/s."""


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
    r0 = tilt_rotation(still_force)
    displacement = stride_displacement(t, acc, gyro, r0)
    end_rate = max(math.hypot(*gyro[0].tolist()), math.hypot(*gyro[-1].tolist()))
    return StrideTrajectory(
        displacement=displacement,
        duration_s=float(t[-1] - t[0]),
        t_end_s=float(t[-1]),
        start_tilt=r0,
        ends_still=end_rate < STILL_END_RATE,
    )
