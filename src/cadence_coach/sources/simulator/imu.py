"""Sensor model: a MEMS IMU (and barometer) strapped to the shoe at a random orientation and place.

Noise is drawn per fixed block of sample indices from a seed, so any slice of a sensor's samples is the
same whichever way the session is cut into chunks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from ...datatypes import GRAVITY
from .foot import INSTEP, FootTrajectory

ACC_NOISE_400HZ = 0.02
"""Accelerometer white noise per sample at 400 Hz, m/s^2 (scales with sqrt(rate))."""
GYRO_NOISE_400HZ = math.radians(0.2)
"""Gyroscope white noise per sample at 400 Hz, rad/s."""
ACC_BIAS_MAX = 0.1
GYRO_BIAS_MAX = math.radians(1.0)
LEVER_ARM_MAX_M = 0.02
"""Largest offset of the sensor from the nominal instep position, per axis, m."""
BARO_NOISE_M = 0.1
"""Barometer noise as altitude, m."""
NOISE_BLOCK = 1 << 16


def pressure_at(altitude_m: np.ndarray) -> np.ndarray:
    """Standard-atmosphere pressure at an altitude, Pa."""
    return 101325.0 * (1.0 - 2.25577e-5 * np.asarray(altitude_m)) ** 5.25588


@dataclass(frozen=True)
class ImuModel:
    """One sensor on one foot.

    Attributes:
        mounting: sensor axes in the foot frame (columns), 3x3 rotation: v_foot = mounting @ v_sensor.
        position_m: sensor position in the foot frame (heel on the sole = origin), m.
        acc_bias: accelerometer bias, sensor frame, m/s^2.
        gyro_bias: gyroscope bias, sensor frame, rad/s.
        acc_noise: accelerometer white noise per sample, m/s^2.
        gyro_noise: gyroscope white noise per sample, rad/s.
        acc_range_g: full scale, +-g.
        gyro_range_dps: full scale, +-degrees/s.
        noise_seed: seed of the noise blocks.
    """

    mounting: np.ndarray
    position_m: np.ndarray
    acc_bias: np.ndarray
    gyro_bias: np.ndarray
    acc_noise: float
    gyro_noise: float
    acc_range_g: int
    gyro_range_dps: int
    noise_seed: int

    @classmethod
    def random(
        cls, rng: np.random.Generator, rate_hz: float, acc_range_g: int, gyro_range_dps: int
    ) -> ImuModel:
        """A sensor with a uniformly random mounting rotation, lever arm, biases (seeded)."""
        scale = math.sqrt(rate_hz / 400.0)
        return cls(
            mounting=Rotation.random(random_state=rng).as_matrix(),
            position_m=INSTEP + rng.uniform(-LEVER_ARM_MAX_M, LEVER_ARM_MAX_M, 3),
            acc_bias=rng.uniform(-ACC_BIAS_MAX, ACC_BIAS_MAX, 3),
            gyro_bias=rng.uniform(-GYRO_BIAS_MAX, GYRO_BIAS_MAX, 3),
            acc_noise=ACC_NOISE_400HZ * scale,
            gyro_noise=GYRO_NOISE_400HZ * scale,
            acc_range_g=acc_range_g,
            gyro_range_dps=gyro_range_dps,
            noise_seed=int(rng.integers(2**63)),
        )

    def ideal(self, foot: FootTrajectory, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Noise-free, unclipped specific force (m/s^2) and angular rate (rad/s) in the sensor frame."""
        motion = foot.motion(t, self.position_m)
        return motion.specific_force() @ self.mounting, motion.angular_rate() @ self.mounting

    def measure(
        self, foot: FootTrajectory, t: np.ndarray, first_index: int, with_pressure: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """What the sensor outputs for samples ``first_index ..`` at times ``t`` (s).

        Returns specific force (m/s^2) and angular rate (rad/s), both with bias, noise and clipping,
        and the barometric pressure (Pa, with noise) if asked.
        """
        motion = foot.motion(t, self.position_m)
        noise = self._noise(first_index, t.shape[0])
        acc = motion.specific_force() @ self.mounting + self.acc_bias + self.acc_noise * noise[:, 0:3]
        gyro = motion.angular_rate() @ self.mounting + self.gyro_bias + self.gyro_noise * noise[:, 3:6]
        acc_max = self.acc_range_g * GRAVITY
        gyro_max = math.radians(self.gyro_range_dps)
        pressure = None
        if with_pressure:
            pressure = pressure_at(motion.pos[:, 2] + BARO_NOISE_M * noise[:, 6])
        return np.clip(acc, -acc_max, acc_max), np.clip(gyro, -gyro_max, gyro_max), pressure

    def _noise(self, first: int, n: int) -> np.ndarray:
        """Standard normal noise for samples first .. first + n - 1, shape (n, 7)."""
        blocks = range(first // NOISE_BLOCK, (first + n - 1) // NOISE_BLOCK + 1)
        draws = [
            np.random.default_rng([self.noise_seed, b]).standard_normal((NOISE_BLOCK, 7)) for b in blocks
        ]
        offset = first - blocks[0] * NOISE_BLOCK
        return np.concatenate(draws)[offset : offset + n]
