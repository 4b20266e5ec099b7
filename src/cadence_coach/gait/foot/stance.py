"""Figures of one stance of the foot, from its held samples: its quietest sample and gravity there,
and the strike angle."""

from __future__ import annotations

import math

import numpy as np

from .. import kernels
from ..history import SampleHistory
from ..strapdown import stance_gravity_force


def stance_gravity(h: SampleHistory, lo: int, hi: int) -> tuple[int, np.ndarray]:
    """The stance's quietest sample in rows [lo, hi) (absolute index: the stride integration starts and
    ends there) and the specific force of gravity there (m/s^2, sensor frame; gait/strapdown.py reads it
    from the stationary samples around the quietest)."""
    zv = kernels.quietest(h.acc, h.gyro, lo, hi, -1.0, math.inf)[0] + h.base  # any specific force
    return zv, stance_gravity_force(h.t, h.acc, h.gyro, zv - h.base, lo, hi)


def strike_angle_deg(h: SampleHistory, axis: np.ndarray, lo: int, hi: int, t_ic_s: float) -> float:
    """Strike angle, degrees (+ toes up): the pitch rotation from contact to flat over rows [lo, hi)
    (the foot is flat on the ground at mid-stance whatever the slope), from the sub-sample contact time
    ``t_ic_s`` (s) on. ``axis``: the pitch axis, + toward toes-down."""
    angle = kernels.rotation_between(h.t, h.gyro, axis, lo, hi)
    angle -= float(h.gyro[lo] @ axis) * (t_ic_s - h.t[lo])
    return math.degrees(angle)
