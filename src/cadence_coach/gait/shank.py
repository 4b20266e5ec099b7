"""Online gait events from a shank IMU with a gyroscope (the common research set-up).

The shank's sagittal angular velocity ``w`` (about the knee's hinge axis) has the shape the published
methods rely on (Aminian et al. 2002, Salarian et al. 2004, Greene et al. 2010; running: Mo & Chow 2018,
Falbriard et al. 2018): a large positive peak at mid-swing as the shank swings forward, a zero crossing
when it reaches its most forward angle in terminal swing, a local minimum at initial contact (IC) as the
foot is stopped while the knee goes on forward, negative values through stance as the knee passes over
the foot, and a deeper minimum around toe-off (TO) before the next swing.

- Axis and sign: the principal axis of the angular rate over a few seconds (the sagittal hinge axis
  carries most of the rotation while walking or running); its sign makes the mid-swing peak positive
  (the forward swing is faster than anything in stance). No axis flags.
- Per stride, causally: mid-swing peak (``w`` rises above and falls below an adaptive threshold), zero
  crossing, then IC at the first local minimum after it, confirmed once ``w`` has risen by a hysteresis
  above it. If the tibial shock (acceleration magnitude) peaks near that minimum, IC is its onset instead
  (the rising edge extrapolated back to the pre-impact level): the impact marks contact more sharply
  than the rotation does. The step is emitted then (``detected_at`` = that sample's arrival).
- TO is the lowest ``w`` between IC and the rise of the next mid-swing peak; the step is completed then
  with contact time, impact peak (g) and, from the stride time, flight time.
- Without an accelerometer (a gyroscope-only shank), IC is the rate minimum and no impact is measured.

All state changes at samples, never at block edges: any block sizes give the same events.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from ..datatypes import GRAVITY, SampleBlock, Side, StepEvent
from .loading import MAX_EXTRAPOLATION_S
from .output import BodyDetector, BodyOutput

AXIS_WINDOW_S = 3.0
"""Window of angular rate over which the hinge axis is found, s."""
AXIS_PROBE_S = 0.5
"""Until the axis is known, it is looked for every this many seconds of samples."""
MIN_ROTATION = 1.0
"""Root-mean-square rate about the axis that counts as walking or running, rad/s."""
SIGN_RATIO = 1.3
"""The mid-swing peak must exceed the stance's largest negative rate by this factor to set the sign."""
MIN_SWING_PEAK = 2.0
"""Lowest mid-swing threshold, rad/s (about 115 deg/s)."""
SWING_FRACTION = 0.4
"""Mid-swing threshold as a fraction of the recent swing peaks."""
HYSTERESIS = 0.35
"""Smallest rise of ``w`` above its minimum that confirms IC, rad/s (grows with the swing peaks)."""
HYSTERESIS_FRACTION = 0.03
MAX_TERMINAL_SWING_S = 0.5
"""Longest wait from mid-swing peak to the zero crossing, or from there to IC, s."""
SHOCK_G = 1.5
"""Rise of the acceleration magnitude over its pre-contact level that counts as a tibial shock, g."""
SHOCK_SEARCH_S = (0.04,)
"""The shock peak is looked for from this long before the rate minimum, s."""
MIN_STANCE_S = 0.06
"""Toe-off is looked for at least this long after IC, s."""
MIN_STRIDE_S, MAX_STRIDE_S = 0.44, 3.0
IMPACT_WINDOW_S = 0.05
LEVEL_MEMORY = 0.8
AXIS_MEMORY = 0.8
"""Weight of the old hinge axis when it is refreshed at each IC."""


class Phase(Enum):
    SEEK_SWING = 0
    SWING = 1
    SEEK_ZERO = 2
    SEEK_IC = 3


class ShankGyroDetector(BodyDetector):
    """Initial contact, toe-off and contact time of one leg from a shank IMU with gyroscope.

    Args:
        sensor: sensor index, copied into every event.
        side: the leg, copied into every event.
    """

    needs_gyro = True
    needs_acc = False

    def __init__(self, sensor: int, side: Side | None) -> None:
        self.sensor = sensor
        self.side = side
        self.axis: np.ndarray | None = None
        self.pos = 0
        self.phase = Phase.SEEK_SWING
        self._mark = 0  # index where the current phase began (rise, peak, or zero crossing)
        self._swing_level: float | None = None
        self._next_probe = 0
        self._last_ic: float | None = None
        self._stride: float | None = None
        self._pending: tuple[StepEvent, int] | None = None
        self._has_acc: bool | None = None  # whether the sensor measures acceleration (from its first block)

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        assert self.hist is not None
        if self._has_acc is None:
            self._has_acc = block.acc is not None and any(block.acc_axes)
        if block.gap_before:
            if self._pending is not None:
                out.completed.append(self._pending[0])
                self._pending = None
            self.phase = Phase.SEEK_SWING
            self._last_ic = None
            self.pos = self.hist.end  # nothing is measured across the gap
        self.hist.append(block)
        if not self.dt:
            if not self._period_known():
                return
            self._next_probe = self._n(AXIS_PROBE_S)
        if self.axis is None:
            self._probe_axis()
        if self.axis is not None:
            self._scan(out)

    def _probe_axis(self) -> None:
        h = self.hist
        assert h is not None
        while self._next_probe <= h.end:
            probe = self._next_probe
            self._next_probe += self._n(AXIS_PROBE_S)
            axis = self._hinge_axis(probe)
            if axis is not None:
                self.axis = axis
                self.pos = max(self.pos, probe - self._n(AXIS_WINDOW_S), h.base)
                return

    def _hinge_axis(self, end: int) -> np.ndarray | None:
        """Principal axis of the angular rate in the window before ``end``, signed so that the largest
        excursion (mid-swing) is positive; None if the shank is hardly rotating."""
        h = self.hist
        assert h is not None
        g = h.gyro[h.rows(end - self._n(AXIS_WINDOW_S), end)]
        if len(g) < 0.9 * AXIS_WINDOW_S / self.dt:
            return None
        g = g - g.mean(axis=0)
        values, vectors = np.linalg.eigh(g.T @ g / len(g))
        if values[-1] < MIN_ROTATION**2:
            return None
        axis = vectors[:, -1]
        w = g @ axis
        if max(w.max(), -w.min()) < SIGN_RATIO * min(w.max(), -w.min()):
            return None  # no clear mid-swing peak yet (starting from standing, turning)
        return axis if w.max() > -w.min() else -axis

    def _scan(self, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None and self.axis is not None
        look_back = self.phase in (Phase.SWING, Phase.SEEK_IC)  # these phases look back to their mark
        base = max(min(self._mark, self.pos) if look_back else self.pos, h.base)
        w = h.gyro[h.rows(base, h.end)] @ self.axis
        self.pos = max(self.pos, base)
        while True:
            i = self.pos - base
            if i >= w.size:
                return
            if not self._advance(w, base, i, out):
                return

    def _threshold(self) -> float:
        level = self._swing_level or 0.0
        return max(MIN_SWING_PEAK, SWING_FRACTION * level)

    def _advance(self, w: np.ndarray, base: int, i: int, out: BodyOutput) -> bool:
        """One phase transition from local index ``i`` of the sagittal rate ``w`` (rad/s; ``base`` is the
        absolute index of ``w[0]``); False when more samples are needed."""
        if self.phase is Phase.SEEK_SWING:
            return self._seek_swing(w, base, i, out)
        if self.phase is Phase.SWING:
            return self._swing(w, base, i)
        if self.phase is Phase.SEEK_ZERO:
            return self._seek_zero(w, base, i)
        return self._seek_ic(w, base, out)

    def _seek_swing(self, w: np.ndarray, base: int, i: int, out: BodyOutput) -> bool:
        """Wait for the mid-swing rate to pass the swing threshold."""
        hits = np.flatnonzero(w[i:] > self._threshold())
        if hits.size == 0:
            self.pos = base + w.size
            return False
        self._mark = base + i + int(hits[0])
        self.pos = self._mark
        self.phase = Phase.SWING
        self._complete_pending(out)
        return True

    def _swing(self, w: np.ndarray, base: int, i: int) -> bool:
        """Follow the swing until the rate falls below the threshold; learn the swing's peak level."""
        falls = np.flatnonzero(w[i:] < self._threshold())
        if falls.size == 0:
            self.pos = base + w.size
            return False
        end = i + int(falls[0])
        start = self._mark - base
        peak = float(w[start:end].max()) if end > start else float(w[i])
        self._swing_level = (
            peak
            if self._swing_level is None
            else LEVEL_MEMORY * self._swing_level + (1 - LEVEL_MEMORY) * peak
        )
        self._mark = self.pos = base + end
        self.phase = Phase.SEEK_ZERO
        return True

    def _seek_zero(self, w: np.ndarray, base: int, i: int) -> bool:
        """Wait for the rate's zero crossing at the end of swing (or give the stride up after the wait)."""
        limit = self._mark + self._n(MAX_TERMINAL_SWING_S) - base  # local index where the wait ends
        zeros = np.flatnonzero(w[i:limit] < 0.0)
        if zeros.size == 0:
            if w.size < limit:
                self.pos = base + w.size
                return False
            self.phase, self.pos = Phase.SEEK_SWING, base + limit
            return True
        self._mark = self.pos = base + i + int(zeros[0])
        self.phase = Phase.SEEK_IC
        return True

    def _seek_ic(self, w: np.ndarray, base: int, out: BodyOutput) -> bool:
        """The first local minimum after the zero crossing, confirmed by a rise above it: IC near it."""
        n_wait = self._n(MAX_TERMINAL_SWING_S)
        start = self._mark - base
        seg = w[start : start + n_wait]
        run_min = np.minimum.accumulate(seg)
        hyst = max(HYSTERESIS, HYSTERESIS_FRACTION * (self._swing_level or 0.0))
        confirmed = np.flatnonzero((seg - run_min > hyst) & (run_min < -hyst))
        if confirmed.size == 0:
            if seg.size < n_wait:
                self.pos = base + w.size
                return False
            self.phase, self.pos = Phase.SEEK_SWING, self._mark + n_wait
            return True
        c = int(confirmed[0])
        k_min = self._mark + int(np.argmin(seg[: c + 1]))
        ic = self._contact(k_min, self._mark + c)
        if ic is None:
            self.pos = base + w.size  # a shock is still rising: wait for its peak
            return False
        t_ic, at = ic
        self._emit(t_ic, at, k_min, out)
        self.pos = at + 1
        self.phase = Phase.SEEK_SWING
        return True

    def _contact(self, k_min: int, confirm: int) -> tuple[float, int] | None:
        """IC time (s) and the index at which it is confirmed, from the rate minimum ``k_min`` and the
        tibial shock near it; None while a shock is still rising at the end of the data."""
        h = self.hist
        assert h is not None
        before = self._n(SHOCK_SEARCH_S[0])
        if not self._has_acc:
            return float(h.t[k_min - h.base]), confirm
        rows = h.rows(k_min - before, h.end)
        mag = np.linalg.norm(h.acc[rows], axis=1)
        t = h.t[rows]
        c = confirm - (rows.start + h.base)
        pre = float(np.median(mag[: max(before // 2, 1)]))
        peak = int(np.argmax(mag[: c + 1]))
        if peak == c:  # still rising at the confirmation: the shock's peak is the next local maximum
            falls = np.flatnonzero(np.diff(mag[c:]) < 0)
            if falls.size == 0:
                return None
            peak = c + int(falls[0])
        if mag[peak] - pre < SHOCK_G * GRAVITY:
            return float(h.t[k_min - h.base]), confirm
        return _onset(t[: peak + 1], mag[: peak + 1], pre), max(confirm, rows.start + h.base + peak + 1)

    def _emit(self, t_ic: float, at: int, k_min: int, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None
        ev = StepEvent(
            t_ic_s=t_ic, detected_at_s=float(h.arrival[at - h.base]), sensor=self.sensor, side=self.side
        )
        if self._last_ic is not None and MIN_STRIDE_S <= t_ic - self._last_ic <= MAX_STRIDE_S:
            self._stride = t_ic - self._last_ic
            ev.step_time_s = self._stride / 2
            ev.cadence_spm = 120.0 / self._stride
        self._last_ic = t_ic
        self._refresh_axis(k_min)
        out.new.append(ev)
        if self._pending is not None:  # no swing since the last contact: nothing more to measure
            out.completed.append(self._pending[0])
        self._pending = (ev, int(np.searchsorted(h.t, t_ic)) + h.base)

    def _refresh_axis(self, end: int) -> None:
        axis = self._hinge_axis(end)
        if axis is None or self.axis is None:
            return
        if axis @ self.axis < 0:  # the sign was wrong: the swing peaks now say so clearly
            self.axis = axis
            return
        mixed = AXIS_MEMORY * self.axis + (1 - AXIS_MEMORY) * axis
        self.axis = mixed / np.linalg.norm(mixed)

    def _complete_pending(self, out: BodyOutput) -> None:
        """The swing after a stance has begun (or a new contact came first): measure its TO; complete."""
        if self._pending is None:
            return
        ev, ic = self._pending
        h = self.hist
        assert h is not None and self.axis is not None
        self._pending = None
        rows = h.rows(ic, self._mark + 1)
        if rows.stop - rows.start > 2 and self._has_acc:
            mag = np.linalg.norm(h.acc[rows], axis=1)
            ev.impact_g = float(mag[: self._n(IMPACT_WINDOW_S) + 1].max()) / GRAVITY
        rows = h.rows(ic + self._n(MIN_STANCE_S), self._mark + 1)
        if rows.stop - rows.start > 2:
            w = h.gyro[rows] @ self.axis
            k = int(np.argmin(w))
            t_to = float(h.t[rows][k])
            if 0 < k < w.size - 1:
                t_to += _vertex_offset(w[k - 1 : k + 2]) * self.dt
            ev.t_to_s = t_to
            ev.contact_s = t_to - ev.t_ic_s
            if self._stride is not None:
                ev.flight_s = max(0.0, self._stride / 2 - ev.contact_s)
        out.completed.append(ev)


def _onset(t: np.ndarray, mag: np.ndarray, pre: float) -> float:
    """Onset of a shock ending at its peak (last sample): its rising edge, the line through the 20 % and
    60 % crossings, extrapolated back to the pre-impact level ``pre`` (s)."""
    top = float(mag[-1])
    levels = [pre + f * (top - pre) for f in (0.2, 0.6)]
    times = []
    for level in levels:
        below = np.flatnonzero(mag[:-1] <= level)
        k = int(below[-1]) + 1 if below.size else 0
        if k == 0:
            times.append(float(t[0]))
            continue
        frac = (level - mag[k - 1]) / max(mag[k] - mag[k - 1], 1e-9)
        times.append(float(t[k - 1] + frac * (t[k] - t[k - 1])))
    t20, t60 = times
    return max(t20 - (t60 - t20) * 0.2 / 0.4, t20 - MAX_EXTRAPOLATION_S)


def _vertex_offset(y: np.ndarray) -> float:
    """Sub-sample offset (samples, -0.5..0.5) of the extremum of a parabola through three samples."""
    den = y[0] - 2 * y[1] + y[2]
    return float(np.clip(0.5 * (y[0] - y[2]) / den, -0.5, 0.5)) if den != 0 else 0.0
