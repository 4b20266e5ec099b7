"""Where a trunk or head sensor's axes point, learned from the running itself, and which foot a step is.

Everything here is updated once per step from the samples of that step, never per block, so a stream
cut into blocks of any size gives the same answers.

- Vertical: gravity, the mean specific force over the last seconds (it points up).
- Forward: early in each stance the body brakes (forward acceleration < 0) while the vertical load
  rises; late in stance it pushes on while the load falls. So the horizontal acceleration weighted by
  the rate of change of the vertical one sums to a vector pointing backwards; sideways sway alternates
  with the feet and sums to nothing.
- Pitch: forward tilt relative to the posture of the first seconds of the session (stand tall or look
  ahead at the start), + = leaning forward / looking down.
- Side: the centre of mass is pushed away from the stance foot (the centre of pressure is lateral to
  it), so the mean sideways acceleration over a left step points right; with a gyroscope, the pelvis
  rolls up on the stance side as the swing side drops after contact (roll rate about the forward axis >
  0 over a left step). Evidence is weak per step, so steps vote on the alternation's phase.
"""

from __future__ import annotations

import math

import numpy as np

from ..datatypes import Side

REFERENCE_S = 5.0
"""Length of the start-of-session window that defines zero pitch, s."""
FORWARD_MEMORY = 0.95
"""Weight of the old braking sum at each step."""
SIDE_MEMORY = 0.7
"""Weight of the old side vote at each step."""
SIDE_MIN_VOTE = 0.8
"""Vote the alternation's phase needs before steps get a side."""
ROLL_RATE_SCALE = 0.05
"""Mean roll rate over a step that counts as full evidence, rad/s."""
LATERAL_SCALE = 0.3
"""Mean sideways acceleration over a step that counts as full evidence, m/s^2."""


class BodyAxes:
    """Vertical, forward and lateral axes of a trunk or head sensor in its own frame."""

    def __init__(self) -> None:
        self.up: np.ndarray | None = None
        self._ref_sum = np.zeros(3)
        self._ref_t0: float | None = None
        self.reference_up: np.ndarray | None = None
        self._braking = np.zeros(3)

    def add_reference(self, t: np.ndarray, acc: np.ndarray) -> None:
        """Feed every sample until the reference posture (the first ``REFERENCE_S`` s) is known."""
        if self.reference_up is not None or t.size == 0:
            return
        if self._ref_t0 is None:
            self._ref_t0 = float(t[0])
        inside = t < self._ref_t0 + REFERENCE_S
        self._ref_sum += acc[inside].sum(axis=0)
        if not inside[-1]:
            self.reference_up = self._ref_sum / np.linalg.norm(self._ref_sum)

    def learn_step(self, gravity_window: np.ndarray, step_acc: np.ndarray) -> None:
        """Update from one step: the last seconds of specific force (m/s^2, (n, 3)) and the step's own."""
        g = gravity_window.mean(axis=0)
        norm = float(np.linalg.norm(g))
        if norm == 0.0 or len(step_acc) < 3:
            return
        self.up = g / norm
        vertical = step_acc @ self.up
        horizontal = step_acc - np.outer(vertical, self.up)
        self._braking = FORWARD_MEMORY * self._braking + horizontal[1:].T @ np.diff(vertical)

    @property
    def forward(self) -> np.ndarray | None:
        """Unit forward axis in the sensor frame, level, or None yet."""
        up = self.up if self.up is not None else self.reference_up
        if up is None:
            return None
        f = -(self._braking - (self._braking @ up) * up)
        norm = float(np.linalg.norm(f))
        return f / norm if norm > 0 else None

    @property
    def left(self) -> np.ndarray | None:
        """Unit left axis in the sensor frame (up x forward), or None yet."""
        f = self.forward
        if f is None or self.up is None:
            return None
        return np.cross(self.up, f)

    def pitch_deg(self, t: float, mean_acc: np.ndarray) -> float | None:
        """Forward tilt from the start-of-session posture, degrees (+ leaning forward / looking down).

        Leaning forward by an angle turns the sensor's forward axis down by it, so gravity (the mean
        specific force ``mean_acc``, pointing up) gains a backward component of sin(angle) along it.
        ``t`` (s) is the step's time: before the reference window is over there is no pitch yet.
        """
        if self._ref_t0 is None or t < self._ref_t0 + REFERENCE_S:
            return None
        forward = self._reference_forward()
        if forward is None:
            return None
        g = mean_acc / np.linalg.norm(mean_acc)
        return math.degrees(math.asin(float(np.clip(-(g @ forward), -1.0, 1.0))))

    def _reference_forward(self) -> np.ndarray | None:
        up = self.reference_up
        if up is None:
            return None
        f = -(self._braking - (self._braking @ up) * up)
        norm = float(np.linalg.norm(f))
        return f / norm if norm > 0 else None


class SideVote:
    """Which foot each step is, from weak per-step evidence and the strict left-right alternation."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the phase (after a gap: a step may have been missed)."""
        self._vote = 0.0
        self._count = 0

    def next_side(self) -> Side | None:
        """Side of the step being emitted now (call once per step, before :meth:`add_evidence`)."""
        self._count += 1
        if abs(self._vote) < SIDE_MIN_VOTE:
            return None
        return Side.LEFT if self._vote * self._parity(self._count) > 0 else Side.RIGHT

    def add_evidence(self, left: float) -> None:
        """Evidence that the previous step (the one before the last :meth:`next_side`) was left (+1)
        or right (-1), in -1..1."""
        self._vote = SIDE_MEMORY * self._vote + left * self._parity(self._count - 1)

    @staticmethod
    def _parity(k: int) -> int:
        return 1 if k % 2 == 0 else -1


def side_evidence(axes: BodyAxes, acc: np.ndarray, gyro: np.ndarray | None) -> float:
    """Evidence that a step (its samples from contact to the next contact) was left, -1..1."""
    if gyro is not None:
        f = axes.forward
        if f is None:
            return 0.0
        return float(np.clip((gyro @ f).mean() / ROLL_RATE_SCALE, -1.0, 1.0))
    left = axes.left
    if left is None:
        return 0.0
    return float(np.clip(-(acc @ left).mean() / LATERAL_SCALE, -1.0, 1.0))
