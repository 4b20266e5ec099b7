"""Online initial contacts of one leg from a shank accelerometer without gyroscope (the tibial shock).

A tibial accelerometer feels, per stride of its own leg, one sharp shock at initial contact (IC): while
running 5-15 g within 5-15 ms of contact, walking 1.5-3 g, in both the sharpest change of the cycle.
The swing's centripetal and tangential accelerations can be as large (several g while running) but
change over tens of ms, so the acceleration's magnitude does not tell them apart; its trend does. The
detector watches the trend break ``|a[i] - 2 a[i-1] + a[i-2]|`` (``SampleHistory.jerk``, m/s^2):

- a landing is the first sample, once the refractory time after the previous landing has passed
  (a fraction of the recent stride time: stance, its ringing and toe-off lie inside it), whose break
  exceeds both a floor and ``BREAK_FACTOR`` times every break of the ``QUIET_S`` before it (the late
  swing is smooth). The floor follows the recent landings' breaks; it falls back to a small absolute
  one, scaled to the sample rate, when no landing has come for a while (a slower, softer gait);
- IC is half a sample period before the first sample of the break's rising edge (a contact between two
  samples shows partly in the first of them);
- the step is emitted at the sample that crossed the threshold (``detected_at`` = its arrival) with the
  step time from the stride since the previous landing (half of it), and completed with the impact peak
  (largest magnitude within ``IMPACT_WINDOW_S`` of IC, g) once those samples are in. Contact time needs
  toe-off, which the shank's acceleration alone does not mark reliably: it is left None.

Every decision is taken at a sample from samples up to it, so any block sizes give the same events.
"""

from __future__ import annotations

import statistics
from collections import deque

import numpy as np

from ..datatypes import GRAVITY, SampleBlock, Side, StepEvent
from .kernels import first_landing
from .output import BodyDetector, BodyOutput

MIN_STRIDE_S, MAX_STRIDE_S = 0.44, 3.0
"""Plausible stride times (one leg, contact to contact), s: 0.44 s is 270 steps/min."""
REFRACTORY_FRACTION = 0.7
"""No landing is looked for sooner than this fraction of the recent median stride after the last one
(walking stance, with the break of toe-off at its end, lasts up to 0.64 of the stride, running 0.3-0.4;
a switch from walking to running shortens the stride by about a quarter)."""
MIN_REFRACTORY_S = 0.3
"""Refractory time before the stride is known, and its floor, s (admits 270 steps/min). Between it and
the stride-relative one, only a break as strong as STRONG_FRACTION of the recent landings' counts: the
stride has shortened (walking to running), else every other landing would fall in the refractory time."""
STRONG_FRACTION = 0.6
STRIDE_MEMORY = 5
"""Recent strides and landings whose median sets the refractory time and the floor."""
QUIET_S = 0.2
"""A landing must break the trend harder than anything in this window before it, s."""
EDGE_SAMPLES = 2
"""The samples just before a break are its rising edge, not the quiet before it."""
BREAK_FACTOR = 2.0
"""A landing's break exceeds the largest break of the quiet window by this factor."""
LEVEL_FRACTION = 0.25
"""Floor: this fraction of the recent landings' median break."""
LEVEL_HOLD = 1.25
"""The floor holds for this many median strides after a landing; a landing still missing then is a
softer one (running slowed to walking): the floor falls to LOW_LEVEL_FRACTION."""
LOW_LEVEL_FRACTION = 0.08
"""Floor once the next landing is overdue, as a fraction of the recent landings' median break (walking
landings break the trend 4-6 times less than running ones, toe-off 10-20 times less)."""
MIN_SHOCK_G = 1.0
"""Absolute floor: the break of a 1 g shock, g (see :func:`absolute_floor`)."""
SHOCK_RISE_S = 0.005
"""Rise time of a soft-tissue-filtered tibial shock, s: sampled faster, a shock's break shrinks."""
ONSET_FRACTION = 0.1
"""The rising edge is walked back over samples whose break exceeds this fraction of the landing's and
EDGE_FACTOR times the largest break of the EDGE_SAMPLES + 1 samples before the edge (the local trend)."""
EDGE_FACTOR = 2.0
PEAK_WINDOW_S = 0.02
"""A landing's break is the largest within this time of its threshold crossing, s."""
IMPACT_WINDOW_S = 0.05
"""The impact peak is the largest magnitude within this time after IC, s."""


class ShankAccDetector(BodyDetector):
    """Initial contacts of one leg from a shank accelerometer (no gyroscope needed).

    Args:
        sensor: sensor index, copied into every event.
        side: the leg, copied into every event.
    """

    def __init__(self, sensor: int, side: Side | None) -> None:
        self.sensor = sensor
        self.side = side
        self.pos = 0  # next absolute index to examine
        self._quiet_from = 2  # breaks before this index span a gap (or the stream start): not quiet data
        self._last: int | None = None  # absolute index of the last landing's threshold crossing
        self._last_ic: float | None = None
        self._strides: deque[float] = deque(maxlen=STRIDE_MEMORY)  # s
        self._breaks: deque[float] = deque(maxlen=STRIDE_MEMORY)  # landings' largest breaks, m/s^2
        self._unmeasured: int | None = None  # landing whose largest break is not yet measured
        self._pending: tuple[StepEvent, int] | None = None  # emitted step and its onset index

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        assert self.hist is not None
        h = self.hist
        if block.gap_before:
            self._quiet_from = h.end + 2
            self.pos = max(self.pos, self._quiet_from)
            self._last_ic = None  # no stride is measured across the gap
        h.append(block)
        if self._period_known():
            self._scan(out)

    def _scan(self, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None
        while True:
            self._measure_break()
            self._complete(out)
            start = max(self.pos, h.base + 2)
            strong_until = start
            if self._last is not None:
                start = max(start, self._last + self._n(MIN_REFRACTORY_S))
                strong_until = self._last + self._refractory()
            if start >= h.end:
                return
            high, low, low_from = self._floors()
            strong = max(high, STRONG_FRACTION * statistics.median(self._breaks)) if self._breaks else high
            row = -1
            for a, b, hi, lo, lo_from in (
                (start, min(strong_until, h.end), strong, strong, 0),
                (max(start, strong_until), h.end, high, low, low_from),
            ):
                if row < 0 and a < b:
                    row = first_landing(
                        h.jerk,
                        a - h.base,
                        b - h.base,
                        hi,
                        lo,
                        lo_from - h.base,
                        BREAK_FACTOR,
                        self._n(QUIET_S),
                        EDGE_SAMPLES,
                        max(self._quiet_from - h.base, 0),
                    )
            if row < 0:
                self.pos = h.end
                return
            self._landing(row + h.base, out)

    def _refractory(self) -> int:
        """Samples after a landing during which no other is looked for."""
        stride = statistics.median(self._strides) if self._strides else 0.0
        return self._n(max(MIN_REFRACTORY_S, REFRACTORY_FRACTION * stride))

    def _floors(self) -> tuple[float, float, int]:
        """The floor a landing's break must exceed (m/s^2): the first one until the absolute index
        returned, the second (lower) from there on."""
        lowest = absolute_floor(self.dt)
        if not self._breaks or self._last is None:
            return lowest, lowest, 0
        stride = statistics.median(self._strides) if self._strides else MIN_REFRACTORY_S / REFRACTORY_FRACTION
        level = statistics.median(self._breaks)
        return (
            max(lowest, LEVEL_FRACTION * level),
            max(lowest, LOW_LEVEL_FRACTION * level),
            self._last + self._n(LEVEL_HOLD * stride),
        )

    def _landing(self, hit: int, out: BodyOutput) -> None:
        """A landing crossed the threshold at absolute index ``hit``: place IC on its rising edge, emit."""
        h = self.hist
        assert h is not None
        jerk = h.jerk
        first = max(hit - EDGE_SAMPLES, self._quiet_from, h.base)  # earliest sample the edge may start at
        trend = jerk[h.rows(first - EDGE_SAMPLES - 1, first)]
        edge = max(
            ONSET_FRACTION * jerk[hit - h.base], EDGE_FACTOR * float(trend.max()) if trend.size else 0.0
        )
        onset = hit
        while onset > first and jerk[onset - 1 - h.base] > edge:
            onset -= 1
        t_ic = float(h.t[onset - h.base]) - 0.5 * self.dt
        ev = StepEvent(
            t_ic_s=t_ic, detected_at_s=float(h.arrival[hit - h.base]), sensor=self.sensor, side=self.side
        )
        if self._last_ic is not None and MIN_STRIDE_S <= t_ic - self._last_ic <= MAX_STRIDE_S:
            stride = t_ic - self._last_ic
            self._strides.append(stride)
            ev.step_time_s = stride / 2
            ev.cadence_spm = 120.0 / stride
        self._last_ic = t_ic
        self._last = hit
        self.pos = hit + 1
        self._unmeasured = hit
        out.new.append(ev)
        self._pending = (ev, onset)  # the previous one was completed: the refractory time outlasts its window
        self._measure_break()
        self._complete(out)

    def _measure_break(self) -> None:
        """Once the samples after the last landing's crossing are in, learn its largest break."""
        h = self.hist
        assert h is not None
        if self._unmeasured is None or self._unmeasured + self._n(PEAK_WINDOW_S) >= h.end:
            return
        r = h.rows(self._unmeasured, self._unmeasured + self._n(PEAK_WINDOW_S) + 1)
        self._breaks.append(float(h.jerk[r].max()))
        self._unmeasured = None

    def _complete(self, out: BodyOutput) -> None:
        """Once the impact window after the pending step's IC is in, measure its impact peak; complete it."""
        h = self.hist
        assert h is not None
        if self._pending is None:
            return
        ev, onset = self._pending
        last = onset + self._n(IMPACT_WINDOW_S)
        if last >= h.end:
            return
        r = h.rows(onset, last + 1)
        if r.stop > r.start:
            ev.impact_g = float(np.linalg.norm(h.acc[r], axis=1).max()) / GRAVITY
        out.completed.append(ev)
        self._pending = None


def absolute_floor(dt: float) -> float:
    """Smallest break that can be a landing at sample period ``dt`` (s), m/s^2: a MIN_SHOCK_G shock
    rising over SHOCK_RISE_S breaks the trend by its full height when sampled slower than its rise, by
    about (dt / rise)^2 of it when sampled faster."""
    return MIN_SHOCK_G * GRAVITY * min(1.0, (dt / SHOCK_RISE_S) ** 2)
