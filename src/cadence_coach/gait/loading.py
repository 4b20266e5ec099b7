"""Online steps from the loading peaks of the acceleration magnitude (trunk, head).

Every step loads the body: the acceleration magnitude rises sharply from the flight or swing level to a
stance peak (2-3 g at the trunk while running, less when walking). The
detector follows the running levels of peaks and troughs and takes each rise through the middle of them
as a step. Contact is placed by extrapolating that rise (the line through its 20 % and 50 % crossings)
back to the trough level: for a half-sine loading this lands within a few ms of the true onset, where a
fixed threshold would be 10-20 ms late (Kiernan et al. 2023 report 17-30 ms bias for threshold methods
at shank and sacrum). Walking has no flight: the trunk's acceleration climbs slowly for 100-200 ms before
contact, so there contact is the knee where that slow climb turns into the steep loading rise (found
50 ms after the mid-level crossing), and a rebound inside a step is told from a landing by its height
and timing.

A trunk or head sensor feels every step. When the trough between steps is near free fall (running with
a flight phase), the end of the loading is extrapolated the same way down to the trough level and gives
toe-off, so contact and flight time; the side comes from :mod:`.body_axes`. Those figures need the
whole step, so a step is emitted at contact (``new``) and completed at the next contact (``completed``).
(A shank, which feels only its own leg's landings, has its own detectors: gait/shank.py, gait/shank_acc.py.)
"""

from __future__ import annotations

import statistics
from collections import deque

import numpy as np

from ..datatypes import GRAVITY, Placement, SampleBlock, Side, StepEvent
from .body_axes import BodyAxes, SideVote, side_evidence
from .output import BodyDetector, BodyOutput

MIN_STEP_S, MAX_STEP_S = 0.22, 1.5
"""Plausible step times, s."""
MIN_SWING_G = 0.15
"""Smallest peak-to-trough range that counts as stepping, g."""
LEVEL_MEMORY = 0.9
"""Weight of the old value when the peak and trough levels are updated per step."""
FLIGHT_G = 0.45
"""A trough below this is a flight phase (running): toe-off is measurable, g."""
LOW_FRACTION = 0.2
"""Lower of the two crossings through which a rise or fall is extrapolated (fraction of the range)."""
GRAVITY_WINDOW_S = 2.0
"""Gravity (vertical axis, pitch) is averaged over this window, s."""
IMPACT_WINDOW_S = 0.05
"""Impact peak is the largest magnitude within this time after contact, s."""
MAX_EXTRAPOLATION_S = 0.03
"""Farthest an extrapolated edge may lie before its lower crossing, s."""
KNEE_FRACTION = 0.5
"""Walking: slope, as a fraction of the steepest, above which the loading rise counts as begun."""
KNEE_WINDOW_S = 0.15
"""Walking: contact is looked for this far before the rise through mid-level at most, s (the steep
loading rise is shorter; further back lie the slow pre-rise and the previous step's rebound)."""
WALK_REFRACTORY = 0.5
"""Walking: a rise sooner than this fraction of the recent median interval after the last step is the
same step's second bump, not a step (running switches to walking pace gradually; the other way, half
the walking interval is still shorter than a running step)."""
WALK_MIN_HEIGHT = 0.4
"""Walking: a rise (trough to its top within KNEE_AFTER_S of mid-level) smaller than this fraction of
the recent landings' is a rebound inside the step, not a landing."""
KNEE_AFTER_S = 0.05
"""Walking: samples this long after the rise through mid-level are waited for before the contact is
placed, s (the rise is slow and the mid-level crossing can come before its steepest part)."""
"""Farthest an extrapolated edge may lie before its lower crossing, s."""


class AccStepDetector(BodyDetector):
    """Detects steps from the acceleration magnitude of a trunk or head sensor.

    Args:
        sensor: sensor index, copied into every event.
        placement: where the sensor is worn (trunk or head).
        side: copied into the steps until the side is found from the signals (normally None).
    """

    def __init__(self, sensor: int, placement: Placement, side: Side | None = None) -> None:
        self.sensor = sensor
        self.placement = placement
        self.side = side
        self.pos = 0
        self._peak = 2.0 * GRAVITY
        self._trough = 0.5 * GRAVITY
        self._above = False
        self._top = 0.0  # highest magnitude since the last rise through mid-level
        self._last_ic: float | None = None
        self._intervals: deque[float] = deque(maxlen=5)  # recent intervals between landings, s
        self._heights: deque[float] = deque(maxlen=6)  # recent walking landings' rise, m/s^2
        self._pending: tuple[StepEvent, int] | None = None
        self.gyro_present = False
        self.axes = BodyAxes()
        self.sides = SideVote()

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        assert self.hist is not None
        if block.gap_before:
            self._flush(out)
            self.pos = self.hist.end  # no rise is measured across the gap
            self._last_ic = None
            self._intervals.clear()
            self._heights.clear()
            self._above = False
            self.sides.reset()
        self.hist.append(block)
        self.axes.add_reference(block.t, block.acc)
        self.gyro_present = block.gyro is not None
        if self._period_known():
            self._scan(out)

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
                if not self._rise_seen(self.pos + i):
                    self.pos += i  # scan again from this crossing when the rest of the rise is in
                    return
                self._above = True
                self._top = 0.0
                self._rise(self.pos + i, mid, out)
            else:
                falls = np.flatnonzero(mag[i:] < mid)
                j = i + int(falls[0]) if falls.size else mag.size
                self._top = max(self._top, float(mag[i:j].max()) if j > i else 0.0)
                if falls.size == 0:
                    break
                self._peak = LEVEL_MEMORY * self._peak + (1 - LEVEL_MEMORY) * self._top
                self._above = False
                i = j
        self.pos += mag.size

    def _trough_before(self, cross: int) -> tuple[slice, np.ndarray, float]:
        """The rows looked back over from a rise through mid-level at ``cross``, their magnitudes
        (m/s^2) and the lowest of them."""
        h = self.hist
        assert h is not None
        look = h.rows(cross - self._n(MAX_STEP_S / 2), cross + 1)
        mag = np.linalg.norm(h.acc[look], axis=1)
        return look, mag, float(mag.min())

    def _rise_seen(self, cross: int) -> bool:
        """Whether the samples a contact at the rise through ``cross`` is placed from are all in: up to
        the crossing when running, KNEE_AFTER_S beyond it when walking (its steepest part can follow)."""
        h = self.hist
        assert h is not None
        if cross + self._n(KNEE_AFTER_S) < h.end:
            return True
        return self._trough_before(cross)[2] < FLIGHT_G * GRAVITY

    def _rise(self, cross: int, mid: float, out: BodyOutput) -> None:
        """A rise through mid-level at absolute index ``cross``: place the contact and emit the step."""
        h = self.hist
        assert h is not None
        look, mag, trough = self._trough_before(cross)
        self._trough = LEVEL_MEMORY * self._trough + (1 - LEVEL_MEMORY) * trough
        if self._peak - self._trough < MIN_SWING_G * GRAVITY:
            return  # standing, or a bump: not stepping
        walking = trough >= FLIGHT_G * GRAVITY
        decided = cross
        if walking:
            decided = cross + self._n(KNEE_AFTER_S)
            rise = h.rows(cross - self._n(KNEE_WINDOW_S), decided + 1)
            rise_mag = np.linalg.norm(h.acc[rise], axis=1)
            height = float(rise_mag.max()) - trough
            if len(self._heights) >= 3 and height < WALK_MIN_HEIGHT * statistics.median(self._heights):
                return  # a bump far smaller than the recent landings: the rebound inside a step
            t_ic = _knee(h.t[rise], rise_mag)
        else:
            t_ic = _extrapolated_edge(h.t[look], mag, trough, mid, rising=True)
        interval = None if self._last_ic is None else t_ic - self._last_ic
        shortest = MIN_STEP_S
        if walking and len(self._intervals) >= 3:
            # A walking step can load the trunk twice (heel, then the push of the other leg): the second
            # bump comes well inside the step period.
            shortest = max(shortest, WALK_REFRACTORY * statistics.median(self._intervals))
        if interval is not None and interval < shortest:
            return  # a second bump within one step (walking double peak)
        if interval is not None and interval <= MAX_STEP_S:
            self._intervals.append(interval)
        if walking:
            self._heights.append(height)
        step = interval
        self._last_ic = t_ic
        ev = StepEvent(
            t_ic_s=t_ic,
            detected_at_s=float(h.arrival[min(decided, h.end - 1) - h.base]),
            sensor=self.sensor,
            side=self.side,
        )
        if step is not None and step <= MAX_STEP_S:
            ev.step_time_s = step
            ev.cadence_spm = 60.0 / step
        out.new.append(ev)
        self._complete(cross, out)
        self._pending = (ev, cross)
        ev.side = self.sides.next_side()
        g = h.acc[h.rows(cross - self._n(GRAVITY_WINDOW_S), cross + 1)]
        ev.trunk_pitch_deg = self.axes.pitch_deg(float(h.t[cross - h.base]), g.mean(axis=0))

    def _complete(self, next_cross: int, out: BodyOutput) -> None:
        """The next step has come: measure the previous one's toe-off, impact and side; complete it."""
        if self._pending is None:
            return
        ev, cross = self._pending
        self._pending = None
        h = self.hist
        assert h is not None
        rows = h.rows(cross, next_cross)
        if rows.stop - rows.start < 3 or cross < h.base:
            out.completed.append(ev)
            return
        acc = h.acc[rows]
        mag = np.linalg.norm(acc, axis=1)
        win = self._n(IMPACT_WINDOW_S) + 1
        ev.impact_g = float(mag[:win].max()) / GRAVITY
        self.axes.learn_step(h.acc[h.rows(next_cross - self._n(GRAVITY_WINDOW_S), next_cross)], acc)
        gyro = h.gyro[rows] if self.gyro_present else None
        self.sides.add_evidence(side_evidence(self.axes, acc, gyro))
        low = int(np.argmin(mag))
        trough = float(mag[low])
        if trough < FLIGHT_G * GRAVITY and low > 2:
            mid = 0.5 * (float(mag[:low].max()) + trough)
            t_to = _extrapolated_edge(h.t[rows][: low + 1], mag[: low + 1], trough, mid, rising=False)
            if ev.t_ic_s < t_to:
                ev.t_to_s = t_to
                ev.contact_s = t_to - ev.t_ic_s
                if ev.step_time_s is not None:
                    ev.flight_s = (
                        max(0.0, float(h.t[next_cross - h.base]) - t_to) if h.holds(next_cross) else None
                    )
        out.completed.append(ev)

    def _flush(self, out: BodyOutput) -> None:
        if self._pending is not None:
            out.completed.append(self._pending[0])
            self._pending = None


def _extrapolated_edge(t: np.ndarray, mag: np.ndarray, base: float, mid: float, rising: bool) -> float:
    """Time where the rise (or, going back in time, the fall) from the lowest sample of ``mag`` through
    ``mid``, continued as the straight line through its 20 % and 50 % crossings above ``base``, reaches
    ``base`` (s)."""
    low = base + LOW_FRACTION / 0.5 * (mid - base)
    if not rising:
        t, mag = -t[::-1], mag[::-1]
    above = np.flatnonzero(mag[:-1] > mid) if rising else np.zeros(0, dtype=int)
    first = int(above[-1]) + 1 if above.size else 0  # after the previous excursion above mid
    start = first + int(np.argmin(mag[first:]))
    over = np.flatnonzero(mag[start:] > mid)
    if over.size == 0:
        result = float(t[start])
    else:
        k2 = start + int(over[0])
        t_mid = _crossing(t, mag, k2, mid)
        under = np.flatnonzero(mag[start:k2] <= low)
        if under.size == 0:
            result = t_mid
        else:
            t_low = _crossing(t, mag, start + int(under[-1]) + 1, low)
            result = t_low - (t_mid - t_low) * (low - base) / max(mid - low, 1e-9)
            result = max(result, t_low - MAX_EXTRAPOLATION_S)
    return result if rising else -result


def _knee(t: np.ndarray, mag: np.ndarray) -> float:
    """Walking: the time where the slow rise from the trough turns into the steep loading rise that
    ends at the last sample (s).

    Without a flight phase the trunk's acceleration climbs slowly for 100-200 ms before contact (the body
    is still falling onto the leading leg), so an edge extrapolated to the trough lands far too early;
    contact is where the slope jumps (Zijlstra & Hof 2003 place it at the same instant from the forward
    acceleration's peak). The steep run is the run of intervals, back from the steepest one, whose slope
    stays above KNEE_FRACTION of it; contact is the sample that starts it.
    """
    rise_from = int(np.argmin(mag))
    slope = np.diff(mag[rise_from:])
    if slope.size == 0:
        return float(t[-1])
    k = int(np.argmax(slope))
    while k > 0 and slope[k - 1] > KNEE_FRACTION * slope[k]:
        k -= 1
    return float(t[rise_from + k])


def _crossing(t: np.ndarray, mag: np.ndarray, k: int, level: float) -> float:
    """Interpolated time where ``mag`` crosses ``level`` between samples k-1 and k."""
    if k <= 0:
        return float(t[0])
    frac = (level - mag[k - 1]) / max(mag[k] - mag[k - 1], 1e-9)
    return float(t[k - 1] + np.clip(frac, 0.0, 1.0) * (t[k] - t[k - 1]))
