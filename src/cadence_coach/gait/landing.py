"""Online landings of one leg from one signal and its stride periodicity (shank or foot, partial axes).

At initial contact (IC) the ground stops the foot and the leg takes the body's weight. A sensor on that
leg feels it as a sharp break in its signal's trend together with a sudden rise of the signal's
magnitude: the acceleration's (the load: the tibial shock, the foot's impact) or the angular rate's
(the foot's rotation, stopped in the air at the end of the swing, turns at once into the slap of the
foot onto the ground). The leg's other events are either as sharp but without a rise (terminal swing's
knee extension stopping, treadmill or footfall vibration) or a slower rise (the swing itself). So each
sample is scored by its *loaded break*: the trend break ``|x[i] - 2 x[i-1] + x[i-2]|`` times the rise
of ``|x|`` over the RISE_S before it (in the signal's unit), and the stride's periodicity is used, one
landing per stride of this leg:

- the stride period ``T`` comes from the signal's autocorrelation (gait/stride_period.py), not from the
  detected contacts, so a missed or an extra contact cannot mislead it; after a landing, none is looked
  for during REFRACTORY_FRACTION of ``T`` (this leg's stance, push-off and the other foot's landing),
  unless a shock STRONG_FACTOR times the last one comes (the stride shortened: walking to running);
- the typical landing is the median of the largest loaded breaks of the last LEVEL_STRIDES stride-long
  windows (not of the detections: a wrong detection cannot teach it). A sample above
  CANDIDATE_FRACTION of it is a candidate; it is a landing as soon as its shock reaches
  CONFIRM_FRACTION of it. A weaker candidate waits WAIT_S for a stronger event (terminal swing comes
  50-150 ms before the landing's shock) and is taken if none comes;
- IC is the onset of the shock: the first sample of the magnitude's steep rise toward it (the contact
  lies between the last sample before the rise and the first on it);
- the step is emitted at the sample that confirms it (``detected_at`` = its arrival), with the step
  time from the stride (half of it; the estimated period stands in when the time since the last contact
  is not one stride). A subclass says which signal, which rows may hold a landing
  (:meth:`LandingDetector._allowed`) and what it measures once a step is emitted.

Until the period is first known (about FIRST_S of gait) nothing is decided; the samples held are then
read from the start and the steps found in them emitted late. Every decision is taken at a sample from
samples up to it, and the period and the typical landing are updated at fixed samples, so any block
sizes give the same events. With fewer than three axes the magnitude is that of the axes measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datatypes import SampleBlock, Side, StepEvent
from . import stride_period
from .landing_kernels import first_loaded_break, max_loaded_break
from .output import BodyDetector, BodyOutput
from .stride_period import StridePeriod

RISE_S = 0.02
"""The rise that weights a break is taken over this long before it, s: a landing's load builds within
10-20 ms; the swing's accelerations and rotations change over 50 ms and more."""
MIN_RISE = 0.05
"""Smallest weight of a break, in the signal's unit (a break with no rise still counts a little)."""
SHOCK_RISE_S = 0.005
"""Rise time of a landing's shock at the sensor, s: sampled faster, a shock's break per sample shrinks
as (sample period / rise)^2, and so does the absolute floor."""
CANDIDATE_FRACTION = 0.2
"""A candidate landing exceeds this fraction of the typical landing: a landing's loaded break varies by
a factor of 2-3 from stride to stride, more when a shock of 10 ms is sampled at 100 Hz (a sample may
catch its peak or its tail, and the break and the rise both shrink)."""
CONFIRM_FRACTION = 0.5
"""A candidate whose shock reaches this fraction of the typical landing is a landing at once."""
PEAK_WINDOW_S = 0.05
"""A shock's peak is within this time of its first sample above the candidate level, s."""
WAIT_S = 0.2
"""A weaker candidate is taken if no stronger event follows within this time, s (terminal swing
precedes the shock of contact by up to 150 ms)."""
REFRACTORY_FRACTION = 0.75
"""No landing is looked for sooner than this fraction of the stride after the last one (walking
toe-off comes at 0.6-0.65 of the stride, the other foot's landing at 0.5)."""
MIN_REFRACTORY_S = 0.3
"""Refractory time when the stride is not known, and the shortest, s (a stance lasts longer)."""
STRONG_FACTOR = 2.0
"""Within the refractory time a shock this many times the last landing's (or the typical one's, if
smaller) is a landing: the stride has shortened (walking to running; a running landing is 3-10 times a
walking one)."""
LEVEL_STRIDES = 5
"""The typical landing is the median over this many of the last stride-long windows (fewer for slow
strides: the windows stay within the stride period's window)."""
ONSET_BACK_S = 0.03
"""The rise of the magnitude toward a shock is looked for this far back, s."""
ONSET_FRACTION = 0.1
"""The rise starts at the first sample above this fraction of the way from its low to the shock that rose
by more than this fraction of the shock's steepest step."""
QUIET_S = 0.1
"""The time before a candidate that ``quiet_factor`` compares it with, s (its own first sample's rising
edge, the sample just before it, is left out)."""
STRIDE_TOLERANCE = 0.3
"""The time since the last contact is a stride when within this fraction of the estimated period."""
AGREE = 0.15
"""Two successive stride estimates agree within this fraction (a step's pace changes by a few percent
in 0.5 s)."""
DEFAULT_STRIDE_S = 1.0
"""Window of the typical landing while the stride period is not known, s (a walking stride)."""
UPDATE_S = 0.5
"""The stride period and the typical landing are updated every this many seconds of samples."""


@dataclass(slots=True)
class _Candidate:
    cross: int  # absolute row of the first sample above the candidate level
    t_ic: float  # its onset, s
    peak: float  # largest loaded break so far


class LandingDetector(BodyDetector):
    """Landings of one leg from one signal: the base of the shank and partial-axis foot detectors.

    Subclasses set the signal (``uses_gyro``: the angular rate, else the acceleration), its ``unit``
    (the rise weighting a break is in this unit) and the absolute floor: no landing breaks the trend by
    less than ``min_break`` (signal units per sample, at sample periods over SHOCK_RISE_S) with a rise
    under ``min_rise`` (units); and how a landing's burst looks: ``candidate_fraction`` of the typical
    landing starts it, its peak comes within ``peak_window_s``, and ``quiet_factor`` (if not 0) says how
    much harder than the QUIET_S before it its first sample breaks.

    Args:
        sensor: sensor index, copied into every event.
        side: the leg, copied into every event.
    """

    uses_gyro = False
    unit = 1.0
    min_break = 0.0
    min_rise = 0.0
    candidate_fraction = CANDIDATE_FRACTION
    confirm_fraction = CONFIRM_FRACTION
    peak_window_s = PEAK_WINDOW_S
    quiet_factor = 0.0
    """A candidate must also break harder than this many times anything in the QUIET_S before it (0:
    not required)."""
    shock_delay_s = 0.0
    """Time from the ground contact to the onset of the landing's shock at the sensor, s: subtracted
    from the onset to give IC."""

    def __init__(self, sensor: int, side: Side | None) -> None:
        self.sensor = sensor
        self.side = side
        self.period = StridePeriod()
        self.stride_s: float | None = None
        """Estimated stride period, s (None until known)."""
        self.level = 0.0
        """Typical landing's loaded break (0 until known)."""
        self._estimate: float | None = None  # the last update's stride estimate, s
        self.pos = 0  # next absolute row to examine
        self._first = 2  # first row with a valid break since the stream start or the last gap
        self._started = False
        self._start_row = 0  # steps found in rows before it are dated at its arrival
        self._next_update = 0  # absolute row of the next update of the period and the level
        self._last: int | None = None  # crossing row of the last landing
        self._last_ic: float | None = None
        self._cand: _Candidate | None = None

    # -- what subclasses provide ------------------------------------------------------------------

    def _allowed(self, start: int, stop: int) -> list[tuple[int, int]]:
        """The parts of the absolute rows [start, stop) that may hold a landing (all, by default)."""
        return [(start, stop)]

    def _emitted(self, ev: StepEvent, onset: int, out: BodyOutput) -> None:
        """A step was emitted (IC at absolute row ``onset``): complete it now or later (now, by default)."""
        out.completed.append(ev)

    def _measure(self, out: BodyOutput) -> None:
        """Called after each piece is examined: complete the steps whose figures are now known."""

    # -- input ------------------------------------------------------------------------------------

    def _signal(self) -> np.ndarray:
        assert self.hist is not None
        return self.hist.gyro if self.uses_gyro else self.hist.acc

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None
        if block.gap_before and h.end:
            self._after_gap(out)
        h.append(block)
        if self._period_known():
            if not self._next_update:
                self._next_update = self._n(UPDATE_S)
            self._run(out)
            self._measure(out)

    def _after_gap(self, out: BodyOutput) -> None:
        """Lost samples: nothing is measured across the gap (the period and the typical landing stay)."""
        h = self.hist
        assert h is not None
        if self._cand is not None:
            self._emit(self._cand, h.end - 1, out)
        self._first = h.end + 2
        self.pos = max(self.pos, self._first)
        self._last = None
        self._last_ic = None

    def _run(self, out: BodyOutput) -> None:
        """Examine the rows that arrived, applying each update before the rows after it."""
        h = self.hist
        assert h is not None
        while True:
            if self._next_update <= h.end and (self.pos >= self._next_update or not self._started):
                self._update(self._next_update)
                self._next_update += self._n(UPDATE_S)
                continue
            if not self._started:
                return
            stop = min(h.end, self._next_update)
            if self.pos >= stop:
                return
            self._examine(stop, out)

    # -- stride period and typical landing --------------------------------------------------------

    def _update(self, row: int) -> None:
        """Period and typical landing from the rows before ``row``; starts the scan once the period is
        known (or a whole window went by without one)."""
        h = self.hist
        assert h is not None
        start = max(self._first, h.base)
        estimate = self.period.estimate(self._signal(), start - h.base, row - h.base, self.dt)
        # A period counts once two successive estimates agree: a window holding the first steps after
        # standing can repeat after a step's worth of lag by chance, never twice in a row.
        agreed = (
            estimate is not None
            and self._estimate is not None
            and abs(estimate / self._estimate - 1) <= AGREE
        )
        self._estimate = estimate
        period = estimate if agreed else None
        if period is not None:
            self.stride_s = period
        self.level = self._typical_landing(row, self.stride_s or DEFAULT_STRIDE_S)
        if not self._started and (period is not None or row - start >= self._n(stride_period.WINDOW_S)):
            self._started = True
            self._start_row = row - 1  # the last row the update read: known when it arrived
            self.pos = max(self.pos, start)

    def _typical_landing(self, row: int, stride: float) -> float:
        """Median of the largest loaded breaks of the last LEVEL_STRIDES stride-long windows before
        ``row``; when fewer than three windows fit (start, gap), the current level votes too (one
        artefact must not set the level)."""
        h = self.hist
        assert h is not None
        w = self._n(stride)
        lo = max(self._first, h.base, row - self._n(stride_period.WINDOW_S))  # not across a gap's break
        tops = [
            self._max_break(row - (k + 1) * w, row - k * w)
            for k in range(LEVEL_STRIDES)
            if row - (k + 1) * w >= lo
        ]
        tops = [x for x in tops if x > self._floor()]  # a window with no landing at all: standing
        if len(tops) < 3 and self.level:
            tops.append(self.level)
        return float(np.median(tops)) if tops else self.level

    # -- the search -------------------------------------------------------------------------------

    def _max_break(self, start: int, stop: int) -> float:
        h = self.hist
        assert h is not None
        return max_loaded_break(
            self._signal(),
            start - h.base,
            stop - h.base,
            self._n(RISE_S),
            self._first - h.base,
            MIN_RISE,
            self.unit,
        )

    def _find(self, start: int, stop: int, threshold: float, anywhere: bool = False) -> int | None:
        """First absolute row in [start, stop) allowed to hold a landing (any, if ``anywhere``) whose
        loaded break exceeds ``threshold`` (and, with a ``quiet_factor``, that many times anything in
        the QUIET_S before it)."""
        h = self.hist
        assert h is not None
        for a, b in [(start, stop)] if anywhere else self._allowed(start, stop):
            while a < b:
                row = first_loaded_break(
                    self._signal(),
                    a - h.base,
                    b - h.base,
                    self._n(RISE_S),
                    self._first - h.base,
                    MIN_RISE,
                    self.unit,
                    threshold,
                )
                if row < 0:
                    break
                row += h.base
                if not self.quiet_factor or self._max_break(
                    row, row + 1
                ) > self.quiet_factor * self._max_break(row - self._n(QUIET_S) - 1, row - 1):
                    return row
                a = row + 1
        return None

    def _floor(self) -> float:
        """Smallest loaded break that can be a landing at this sample rate."""
        return self.min_break * self.min_rise * min(1.0, (self.dt / SHOCK_RISE_S) ** 2)

    def _threshold(self) -> float:
        """Loaded break a candidate must exceed."""
        return max(self._floor(), self.candidate_fraction * self.level)

    def _examine(self, stop: int, out: BodyOutput) -> None:
        """One step of the search over the rows [pos, stop)."""
        cand = self._cand
        if cand is None:
            self._seek(stop, out)
            return
        peak_end = cand.cross + self._n(self.peak_window_s) + 1
        if self.pos < peak_end:  # the candidate's shock is still rising: is it a landing already?
            end = min(stop, peak_end)
            hit = self._find(self.pos, end, self.confirm_fraction * self.level, anywhere=True)
            if hit is not None:
                self._emit(cand, hit, out)
                return
            cand.peak = max(cand.peak, self._max_break(self.pos, end))
            self.pos = end
            return
        expiry = cand.cross + self._n(WAIT_S)
        end = min(stop, expiry)
        hit = self._find(self.pos, end, max(self._threshold(), cand.peak))
        if hit is not None:  # a stronger event: the candidate was not the landing
            self._candidate(hit, False, out)
        elif end == expiry and end < stop:
            self._emit(cand, expiry, out)
        else:
            self.pos = end

    def _seek(self, stop: int, out: BodyOutput) -> None:
        """Look for a candidate in [pos, stop); in the refractory time of the last landing only a much
        stronger shock counts."""
        start, refractory_end = self.pos, self.pos
        last_peak = 0.0
        if self._last is not None:
            start = max(start, self._last + self._n(MIN_REFRACTORY_S))
            refractory_end = self._last + self._n(REFRACTORY_FRACTION * (self.stride_s or 0.0))
            last_peak = self._max_break(self._last, self._last + self._n(self.peak_window_s) + 1)
        strong = STRONG_FACTOR * min(last_peak, self.level or last_peak)
        for end, threshold, at_once in (
            (refractory_end, max(self._threshold(), strong), True),
            (stop, self._threshold(), False),
        ):
            end = min(end, stop)
            if start < end:
                hit = self._find(start, end, threshold)
                if hit is not None:
                    self._candidate(hit, at_once, out)
                    return
                start = end
        self.pos = max(self.pos, stop)

    def _candidate(self, row: int, at_once: bool, out: BodyOutput) -> None:
        """A candidate first above the candidate level at absolute ``row``; a landing at once if
        ``at_once`` (a strong shock in the refractory time), if its break already reaches the
        confirmation level, or if nothing is known of the landings yet."""
        cand = _Candidate(row, self._onset(row), self._max_break(row, row + 1))
        if at_once or cand.peak >= self.confirm_fraction * self.level:
            self._emit(cand, row, out)
        else:
            self._cand = cand
            self.pos = row + 1

    def _onset(self, row: int) -> float:
        """IC time (s) of a shock first above the candidate level at absolute ``row``: the first sample
        of the magnitude's steep rise toward it, less half a sample period and ``shock_delay_s``. A
        sample is on the rise while it lies above the low before the shock and rose from the sample
        before by more than a fraction of the shock's steepest step (a swing's smooth rise before the
        shock is not part of it)."""
        h = self.hist
        assert h is not None
        r = h.rows(max(row - self._n(ONSET_BACK_S), self._first - 2), row + 1)
        mag = np.linalg.norm(self._signal()[r], axis=1)
        low = int(np.argmin(mag))
        if low >= mag.size - 1:
            return float(h.t[r][-1]) - 0.5 * self.dt - self.shock_delay_s
        step = np.diff(mag, prepend=mag[0])
        level = mag[low] + ONSET_FRACTION * (mag[-1] - mag[low])
        steep = ONSET_FRACTION * float(step[low + 1 :].max())
        k = mag.size - 1
        while k > low + 1 and mag[k - 1] > level and step[k - 1] > steep:
            k -= 1
        return float(h.t[r][k]) - 0.5 * self.dt - self.shock_delay_s

    # -- output -----------------------------------------------------------------------------------

    def _emit(self, cand: _Candidate, row: int, out: BodyOutput) -> None:
        """The candidate is a landing, known at absolute ``row``."""
        h = self.hist
        assert h is not None
        at = min(max(row, self._start_row), h.end - 1)
        ev = StepEvent(
            t_ic_s=cand.t_ic, detected_at_s=float(h.arrival[at - h.base]), sensor=self.sensor, side=self.side
        )
        stride = self._stride(cand.t_ic)
        if stride is not None:
            ev.step_time_s = stride / 2
            ev.cadence_spm = 120.0 / stride
        self._last_ic = cand.t_ic
        self._last = cand.cross
        self._cand = None
        self.pos = row + 1
        out.new.append(ev)
        self._emitted(ev, int(np.searchsorted(h.t, cand.t_ic)) + h.base, out)

    def _stride(self, t_ic: float) -> float | None:
        """This contact's stride, s: the time since the last contact when it is one stride, else the
        estimated period."""
        since = None if self._last_ic is None else t_ic - self._last_ic
        if (
            since is not None
            and stride_period.MIN_STRIDE_S <= since <= stride_period.MAX_STRIDE_S
            and (self.stride_s is None or abs(since / self.stride_s - 1.0) <= STRIDE_TOLERANCE)
        ):
            return since
        return self.stride_s
