"""The pitch axis of a foot-mounted IMU, found from the signals whatever the mounting.

The pitch axis is the principal axis of the angular rate (the foot rotates mostly in the sagittal
plane); its sign is set so that the largest pitch excursion from mid-stance, reached at push-off, is
toes-down. That first guess is on probation (the detector holds its steps back, at most
``PROBATION_MAX_S``) until a stride's direction confirms it, and the steps are read again turned round if
the stride went backwards. After probation every stride still votes: the sign is flipped when most of
the last strides went backwards. Every stride that agrees refines the axis.
"""

from __future__ import annotations

import math
from collections import deque
from enum import Enum, auto

import numpy as np

from ..history import SampleHistory
from ..strapdown import StrideTrajectory
from .search import W_SWING

AXIS_VOTE_STRIDES, AXIS_FLIP_VOTES = 5, 3
"""The pitch axis is flipped when this many of the last strides contradict it."""
AXIS_BOOT_S = 2.0
"""Data needed before the pitch axis is first estimated, s."""
AXIS_MIN_SHARE = 0.55
"""Share of the angular-rate variance the pitch axis must carry in the window it is first estimated
from: steady walking gives 0.6-0.9, running more; gait initiation, with its turning, can give under 0.5."""
PROBATION_MAX_S = 10.0
"""Longest time after the pitch axis is found that steps are held back until a stride confirms its
sign, s (a stride shorter than MIN_TRAVEL_M cannot tell)."""
AXIS_MEMORY = 0.8
"""Weight of the old angular-rate covariance when a stride refines the pitch axis."""
MIN_TRAVEL_M = 0.3
"""Shortest horizontal stride that can tell the axis's sign, m."""


SIGN_KEPT_DEG = 60.0
"""Largest turn of the axis at one refinement that keeps the old sign, deg: beyond it the old and new
axes are too far apart for their dot product to tell the sign."""


def level_cov(cov: np.ndarray, gravity: np.ndarray) -> np.ndarray:
    """The angular-rate covariance ``cov`` ((rad/s)^2, sensor frame) with the rotation about the
    vertical taken out: ``gravity`` is the specific force of the foot at rest (m/s^2, sensor frame).
    The foot pitches about an axis that is level when it stands flat, while turning (the steps of a
    U-turn, a pivot) rotates it about the vertical; only the level plane can hold the pitch axis."""
    up = gravity / max(float(np.linalg.norm(gravity)), 1e-9)
    level = np.eye(3) - np.outer(up, up)
    return level @ cov @ level


def toes_down_sign(gyro: np.ndarray, axis: np.ndarray) -> float:
    """+1 or -1: the sign that makes ``axis`` toes-down positive, from rows of angular rate that hold
    a push-off. The pitch excursions from the stillest row are summed; the largest is toes-down (the
    foot leaves the ground plantarflexed by 60-70 deg, and lands at most 20-30 deg toes-up)."""
    quiet = int(np.argmin(np.einsum("ij,ij->i", gyro, gyro)))
    angle = np.cumsum(gyro[quiet:] @ axis)
    return -1.0 if angle.size and abs(angle.min()) > abs(angle.max()) else 1.0


class AxisVerdict(Enum):
    """What a stride says of the pitch axis's sign."""

    AGREES = auto()
    """The stride went forward (or was too short to tell): keep it."""
    SKIP = auto()
    """It went backwards, but most recent strides agree: leave this one out."""
    FLIP = auto()
    """Most recent strides went backwards: turn the axis round and read again since the last step."""
    REREAD = auto()
    """On probation, it went backwards: turn the axis round and read again everything held."""


class PitchAxis:
    """Finds and tracks the foot's pitch axis in the sensor frame.

    Args:
        boot_s: window of data the axis is first estimated from, s.
        min_share: share of the angular-rate variance the axis must carry in that window.
        swing_rate: the window must reach this angular rate (a swinging foot), rad/s.
        probation_max_s: longest probation of the first sign, s.
        memory: weight of the old angular-rate covariance when a stride refines the axis.
        vote_strides, flip_votes: the sign flips when ``flip_votes`` of the last ``vote_strides``
            strides contradict it.

    Attributes:
        axis: unit vector in the sensor frame, a positive rotation about it turns the toes down (it
            points to the foot's left); None until found.
        boot_start: absolute index of the first sample of the window the axis is estimated from.
        on_probation: the sign is not confirmed yet.
        probation_end_s: arrival time of the sample at which probation ended, s.
    """

    def __init__(
        self,
        boot_s: float = AXIS_BOOT_S,
        min_share: float = AXIS_MIN_SHARE,
        swing_rate: float = W_SWING,
        probation_max_s: float = PROBATION_MAX_S,
        memory: float = AXIS_MEMORY,
        vote_strides: int = AXIS_VOTE_STRIDES,
        flip_votes: int = AXIS_FLIP_VOTES,
    ) -> None:
        self.boot_s, self.min_share, self.swing_rate = boot_s, min_share, swing_rate
        self.probation_max_s, self.memory, self.flip_votes = probation_max_s, memory, flip_votes
        self.axis: np.ndarray | None = None
        self.boot_start = 0
        self.on_probation = False
        self.probation_end_s = -math.inf
        self._probation_until = 0  # sample where probation ends at the latest
        self._cov = np.zeros((3, 3))
        self._votes: deque[bool] = deque(maxlen=vote_strides)  # recent strides agreeing with the axis

    def find(self, h: SampleHistory, dt: float) -> bool:
        """Estimate the axis from the first ``boot_s`` window of gait: swinging, with one axis carrying
        most of the rotation (``dt``: sample period, s). True once found; the sign is then on probation.

        Windows start at ``boot_start`` and move on by half a window while the foot is not moving, or is
        turning every way (standing up, the first steps, fidgeting with the sensor), so the estimate does
        not depend on how the stream was cut into blocks.
        """
        n = int(self.boot_s / dt)
        while self.boot_start + n <= h.end:
            gyro = h.gyro[h.rows(self.boot_start, self.boot_start + n)]
            if np.max(np.einsum("ij,ij->i", gyro, gyro)) >= self.swing_rate**2:
                cov = gyro.T @ gyro / len(gyro)
                spread, axes = np.linalg.eigh(cov)
                if spread[-1] >= self.min_share * spread.sum():
                    break
            self.boot_start += n // 2
        else:
            return False
        quiet = int(np.argmin(np.einsum("ij,ij->i", gyro, gyro)))
        cov = level_cov(cov, h.acc[h.rows(self.boot_start, self.boot_start + n)][quiet])
        axis = np.linalg.eigh(cov)[1][:, -1]
        axis = axis * toes_down_sign(gyro, axis)
        self.axis = axis
        self._cov = cov
        self.on_probation = True
        self._probation_until = self.boot_start + int(self.probation_max_s / dt)
        return True

    def refine(self, gyro: np.ndarray, lo: int, hi: int, gravity: np.ndarray) -> None:
        """Refine the axis with one stride of angular rate (rows [lo, hi) of ``gyro``, rad/s) that
        starts at rest with specific force ``gravity`` (m/s^2, sensor frame).

        The axis is the principal axis of the blended covariance, solved outright: a stride's swing
        (5-17 rad/s) outweighs the weight shifts of a standing start (1-2 rad/s), so an axis first taken
        from those (a roll, not the pitch) is put right by the first strides. The sign follows the old
        axis; when the axis has turned by more than SIGN_KEPT_DEG, the old sign says nothing and the
        stride's own push-off sets it (:func:`toes_down_sign`), the strides' votes checking it as ever.
        """
        assert self.axis is not None
        if hi - lo < 4:
            return
        rows = gyro[lo:hi]
        fresh = level_cov(rows.T @ rows / len(rows), gravity)
        self._cov = self.memory * self._cov + (1.0 - self.memory) * fresh
        axis = np.linalg.eigh(self._cov)[1][:, -1]
        cos = float(axis @ self.axis)
        if abs(cos) >= math.cos(math.radians(SIGN_KEPT_DEG)):
            self.axis = axis if cos > 0 else -axis
        else:
            self.axis = axis * toes_down_sign(rows, axis)

    def judge(self, traj: StrideTrajectory, h: SampleHistory, pos: int) -> AxisVerdict:
        """Check the sign against a stride: the foot travels forward, so the axis must point to the left
        of the displacement. ``pos``: absolute index of the sample being examined (it may end probation,
        dated by its arrival). The sign from the first seconds can be fooled by a standing start."""
        assert self.axis is not None
        if self.on_probation and pos >= self._probation_until:
            until = self._probation_until
            self._end_probation(float(h.arrival[until - h.base]) if h.holds(until) else -math.inf)
        dx, dy = float(traj.displacement[0]), float(traj.displacement[1])
        travel = math.hypot(dx, dy)
        if travel < MIN_TRAVEL_M:
            return AxisVerdict.AGREES
        axis_level = traj.start_tilt @ self.axis
        agrees = (-dy * float(axis_level[0]) + dx * float(axis_level[1])) / travel > -0.5
        if self.on_probation:
            if not agrees:
                return AxisVerdict.REREAD
            self._end_probation(float(h.arrival[pos - h.base]))
        self._votes.append(bool(agrees))
        if agrees:
            return AxisVerdict.AGREES
        return (
            AxisVerdict.FLIP if sum(1 for v in self._votes if not v) >= self.flip_votes else AxisVerdict.SKIP
        )

    def flip(self) -> None:
        """Turn the axis round (verdict FLIP) and start the vote again."""
        assert self.axis is not None
        self.axis = -self.axis
        self._votes.clear()

    def turn_round(self) -> None:
        """Turn the axis round, still on probation (verdict REREAD)."""
        assert self.axis is not None
        self.axis = -self.axis

    def _end_probation(self, at_s: float) -> None:
        """The sign is trusted from now (arrival time ``at_s``, s)."""
        self.on_probation = False
        self.probation_end_s = at_s
