"""Online step detection from a shank, trunk (sacrum, chest) or head sensor, accelerometer only.

Every step loads the body: the acceleration magnitude rises sharply from the flight or swing level to a
stance peak (tibial shock at the shank, 2-3 g at the trunk while running, less when walking). The
detector follows the running levels of peaks and troughs and takes each rise through the middle of them
as a step; contact is placed where that rise left the trough (a quarter of the way up), which is how
close an accelerometer away from the foot can get (Kiernan et al. 2023 report 17-30 ms bias for shank
and sacrum methods).

Orientation: gravity (the mean specific force over a few seconds) gives the vertical; the direction of
travel comes from the braking in each step (see ``_learn_forward``). The pitch of a trunk or head
sensor is the forward tilt relative to the first few seconds of the session (stand tall or look ahead at
the start); + = leaning forward / looking down. It needs no axis flags, but it is relative to how the
session started.

A shank sensor feels only its own leg's landings, one per stride: its steps are that leg's, and the step
time is half the time between them. A trunk or head sensor feels every step.

Figures an accelerometer away from the foot cannot give (toe-off, strike angle, stride) stay None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..datatypes import GRAVITY, Placement, SampleBlock, Side, StepEvent
from .history import SampleHistory, pieces

HISTORY_S = 4.0
"""How far back the detector can look, s."""
PIECE_SAMPLES = 512
"""Longest piece a block is cut into before it enters the history."""
MAX_RATE_HZ = 2000.0
"""Highest sample rate the history is sized for, Hz."""
MIN_STEP_S, MAX_STEP_S = 0.22, 1.5
"""Plausible step times, s."""
MIN_SWING_G = 0.25
"""Smallest peak-to-trough range that counts as stepping, g."""
LEVEL_MEMORY = 0.9
"""Weight of the old value when the peak and trough levels are updated per step."""
REFERENCE_S = 5.0
"""Length of the start-of-session window that defines zero pitch, s."""
PITCH_WINDOW_S = 2.0
"""Gravity for the pitch is averaged over this window, s."""
FORWARD_MEMORY = 0.999
"""Forgetting factor per block of the braking sum that gives the forward axis."""


@dataclass(slots=True)
class BodyOutput:
    """Steps found in one block (complete at once: nothing more is measured later)."""

    new: list[StepEvent] = field(default_factory=list)


class BodyStepDetector:
    """Detects steps from the acceleration magnitude of a shank, trunk or head sensor.

    Args:
        sensor: sensor index, copied into every event.
        placement: where the sensor is worn.
        side: side, for a shank sensor.
    """

    def __init__(self, sensor: int, placement: Placement, side: Side | None = None) -> None:
        self.sensor = sensor
        self.placement = placement
        self.side = side
        self.hist: SampleHistory | None = None
        self.dt = 0.0
        self.pos = 0
        self._peak = 2.0 * GRAVITY
        self._trough = 0.5 * GRAVITY
        self._above = False
        self._rise_start = 0
        self._last_ic: float | None = None
        self._ref_gravity: np.ndarray | None = None
        self._ref_sum = np.zeros(3)
        self._ref_n = 0
        self._ref_t0: float | None = None
        self._braking = np.zeros(3)  # see _learn_forward

    def feed(self, block: SampleBlock) -> BodyOutput:
        """Process one block; returns the steps it confirmed."""
        out = BodyOutput()
        if len(block) == 0 or block.acc is None:
            return out
        for piece in pieces(block, PIECE_SAMPLES):
            self._feed_piece(piece, out)
        return out

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        if self.hist is None:
            dt = float(np.median(np.diff(block.t))) if len(block) > 1 else 0.005
            self.dt = dt if dt > 0 else 0.005
            self.hist = SampleHistory(int(HISTORY_S * MAX_RATE_HZ) + PIECE_SAMPLES)
        if block.gap_before:
            self.pos = self.hist.end  # no rise is measured across the gap
            self._last_ic = None
            self._above = False
        self.hist.append(block)
        self._learn_reference(block)
        self._learn_forward(block)
        self._scan(out)

    def _learn_reference(self, block: SampleBlock) -> None:
        if self._ref_gravity is not None or block.acc is None:
            return
        if self._ref_t0 is None:
            self._ref_t0 = float(block.t[0])
        self._ref_sum += block.acc.sum(axis=0)
        self._ref_n += len(block)
        if block.t[-1] - self._ref_t0 >= REFERENCE_S:
            self._ref_gravity = self._ref_sum / np.linalg.norm(self._ref_sum)

    def _scan(self, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None
        rows = h.rows(self.pos, h.end)
        mag = np.linalg.norm(h.acc[rows], axis=1)
        i = 0
        while i < mag.size:
            mid = 0.5 * (self._peak + self._trough)
            if not self._above:
                hits = np.flatnonzero(mag[i:] > mid)
                if hits.size == 0:
                    break
                i += int(hits[0])
                self._above = True
                self._rise_start = self.pos + i
                self._emit(self.pos + i, out)
            else:
                falls = np.flatnonzero(mag[i:] < mid)
                if falls.size == 0:
                    break
                j = i + int(falls[0])
                peak = float(mag[i:j].max()) if j > i else float(mag[i])
                self._peak = LEVEL_MEMORY * self._peak + (1 - LEVEL_MEMORY) * peak
                self._above = False
                i = j
        self.pos += mag.size

    def _emit(self, cross: int, out: BodyOutput) -> None:
        """A rise through mid-level at absolute index ``cross``: place the contact and emit the step."""
        h = self.hist
        assert h is not None
        look = h.rows(cross - int(MAX_STEP_S / 2 / self.dt), cross + 1)
        mag = np.linalg.norm(h.acc[look], axis=1)
        trough = float(mag.min())
        self._trough = LEVEL_MEMORY * self._trough + (1 - LEVEL_MEMORY) * trough
        if self._peak - self._trough < MIN_SWING_G * GRAVITY:
            return  # standing, or a bump: not stepping
        level = trough + 0.25 * (mag[-1] - trough)
        k = mag.size - 1
        while k > 0 and mag[k - 1] > level:
            k -= 1
        t = h.t[look]
        if k > 0:
            frac = (level - mag[k - 1]) / max(mag[k] - mag[k - 1], 1e-9)
            t_ic = float(t[k - 1] + frac * (t[k] - t[k - 1]))
        else:
            t_ic = float(t[0])
        # A shank sensor feels its own leg's landings only: one per stride, two steps apart.
        per_landing = 2 if self.placement is Placement.SHANK else 1
        interval = None if self._last_ic is None else t_ic - self._last_ic
        if interval is not None and interval < MIN_STEP_S * per_landing:
            return  # a second bump within one step (walking double peak, the shank's swing)
        step = None if interval is None else interval / per_landing
        self._last_ic = t_ic
        ev = StepEvent(t_ic_s=t_ic, detected_at_s=float(h.arrival[cross - h.base]), sensor=self.sensor, side=self.side)
        if step is not None and step <= MAX_STEP_S:
            ev.step_time_s = step
            ev.cadence_spm = 60.0 / step
        win = h.rows(cross, cross + int(0.05 / self.dt))
        ev.impact_g = float(np.linalg.norm(h.acc[win], axis=1).max()) / GRAVITY if win.stop > win.start else None
        if self.placement in (Placement.TRUNK, Placement.HEAD):
            ev.trunk_pitch_deg = self._pitch_deg(cross)
        out.new.append(ev)

    def _learn_forward(self, block: SampleBlock) -> None:
        """Accumulate the direction of travel in the sensor frame from the steps' braking.

        Early in each stance the body brakes (forward acceleration < 0) while the vertical load rises;
        late in stance it pushes on while the load falls. So the horizontal acceleration, weighted by
        the rate of change of the vertical one, sums to a vector pointing backwards. Sideways sway
        alternates with the feet and sums to nothing.
        """
        h = self.hist
        assert h is not None and block.acc is not None
        if self._ref_gravity is None:
            return
        rows = h.rows(h.end - len(block) - 1, h.end)
        a = h.acc[rows]
        if len(a) < 2:
            return
        up = self._ref_gravity
        vertical = a @ up
        horizontal = a - np.outer(vertical, up)
        rise = np.diff(vertical)
        self._braking = FORWARD_MEMORY * self._braking + horizontal[1:].T @ rise

    def _forward(self) -> np.ndarray | None:
        """Unit forward axis in the sensor frame, level in the reference posture, or None yet."""
        up = self._ref_gravity
        if up is None:
            return None
        f = -(self._braking - (self._braking @ up) * up)
        norm = float(np.linalg.norm(f))
        return f / norm if norm > 0 else None

    def _pitch_deg(self, index: int) -> float | None:
        """Forward tilt from the start-of-session posture, degrees (+ leaning forward / looking down).

        Leaning forward by an angle turns the sensor's forward axis down by it, so gravity (the mean
        specific force, pointing up) gains a backward component of sin(angle) along that axis.
        """
        forward = self._forward()
        if forward is None:
            return None
        h = self.hist
        assert h is not None
        rows = h.rows(index - int(PITCH_WINDOW_S / self.dt), index + 1)
        g = h.acc[rows].mean(axis=0)
        g /= np.linalg.norm(g)
        return math.degrees(math.asin(float(np.clip(-(g @ forward), -1.0, 1.0))))
