"""Online steps from a trunk (sacrum, lower back, chest), head or trunk-worn phone sensor's accelerometer,
any subset of its axes. Physics and the value of every constant: docs/gait-trunk.md.

Data flow, per sample (compiled loops in gait/trunk_kernels.py):

1. Gravity is the slow mean of the specific force; the vertical acceleration ``v`` is the specific force
   along it, gravity removed; the backward one ``b`` is along the fore-aft axis once known.
2. :class:`.step_period.StepPeriod` finds, every half second, the step period from the autocorrelation
   of ``v`` (whether the signal repeats every step or, for a phone in a trouser pocket, every stride),
   and the fore-aft axis (3-axis or vertical + fore-aft sensors).
3. Each step shows as one dominant rise of the step signal: ``b`` while walking with the fore-aft axis
   known (the braking at heel strike is the sharpest event of the step at the pelvis), else ``v`` (the
   loading). A rise counts once it crosses half the recent steps' rise above the lowest value since the
   last one; for ``REFRACTORY`` of a step period after a step nothing counts (the push-off and the rebound
   inside a step are smaller rises there), and a step overdue is looked for with a lower level (a turn's
   slower, weaker steps). Recent rises are kept per foot (alternate steps) and the smaller foot's sets
   the level, so a phone that feels one leg's landings far more than the other's counts both.
4. Contact is placed on that rise (gait/contact.py): the extrapolated edge of the vertical rise when
   running (a flight phase), the braking onset when walking with the fore-aft axis, else the start of
   the loading rise's steepest part. The step is emitted at the sample of the crossing, completed at the next step with
   the impact, and while running the toe-off, contact and flight times; with all three axes also the
   side (:mod:`.body_axes`) and the forward lean or head pitch.
"""

from __future__ import annotations

import math
import statistics
from collections import deque

import numpy as np

from ..datatypes import GRAVITY, Placement, SampleBlock, Side, StepEvent
from . import contact, trunk_kernels
from .body_axes import BodyAxes, SideVote, side_evidence
from .output import HISTORY_S, MAX_RATE_HZ, PIECE_SAMPLES, BodyDetector, BodyOutput
from .ringbuffer import RingBuffer
from .step_period import BIN_S, EVAL_S, SETTLED_COS, WINDOW_S, StepPeriod

MAX_EXTRAPOLATION_S = contact.MAX_EXTRAPOLATION_S
"""Re-exported for gait/shank.py, which places its contacts the same way."""
MIN_STEP_S, MAX_STEP_S = 0.22, 1.5
"""Plausible step times, s (270 to 40 steps/min)."""
GRAVITY_MEMORY_S = 1.0
"""Time constant of the gravity estimate, s: several steps, so a step's own accelerations average out,
yet it follows a phone turning in a pocket or a bending trunk within a second."""
LOWPASS_HZ = 20.0
"""Cut-off of the step signals' low-pass filter, Hz: loading and braking build over 30-150 ms (below
10 Hz); above 20 Hz lie the heel strike's ringing and sensor noise."""
REFRACTORY = 0.55
"""Fraction of the step period after a step during which no other counts. The push-off (0.2-0.3 of a
step later) and the rebound inside the step fall inside it; the next step (1.0) and a quickened one
(a 20 % faster step is 0.8) fall well outside."""
FIRST_REFRACTORY_S = MIN_STEP_S
"""Refractory time while the period is not known, s: the shortest step."""
MIN_WALK_STEP_S = 0.33
"""Shortest step of a walk, s (180 steps/min: people change to running at 140-180 steps/min). A shorter
period without flight is a harmonic of the loading (found while a walk starts from standing), and is
taken as unknown: it would shorten the refractory time and make each step overdue at once."""
LATE_FROM = 1.15
"""A step not found by this many step periods after the last is overdue..."""
LATE_RATE = 2.0
"""... and the rise it needs shrinks by this fraction per step period overdue..."""
LATE_FLOOR = 0.3
"""... down to this fraction of the recent rises (a turning step brakes and loads less)."""
LEVEL = 0.5
"""Running, and stride-periodic phones: a step's rise counts once it crosses this fraction of the
expected rise (the landing from flight is by far the largest rise of a running step; a phone in a
pocket feels the other leg's landing at about half its own leg's, and the smaller foot sets the level)."""
WALK_LEVEL = 0.7
"""Walking: the fraction is higher, because before the loading of a walking step the trunk climbs and
often bumps (the push-off of the trailing leg) by up to about 0.6 of the loading rise."""
REARM = 0.5
"""After a step, the signal must fall this fraction of the expected rise below its top before another
rise counts (one rise, one step)."""
MIN_RISE_G = 0.1
"""Smallest rise that is a step, g (slow walking loads the trunk by 0.1-0.3 g)."""
IRREGULAR_RISE_G = 0.3
"""While the motion is not periodic (standing, fidgeting, a phone handled, the first steps of a bout),
or too few steps are known, a step is expected to rise this much, g: a step's loading (0.3-1 g at the
trunk while walking, more running), not a hand's."""
RANGE_FRACTION = 0.8
"""... or, running, this fraction of the vertical acceleration's range over the last two seconds (40 ms
bins, which shave the peaks): below the landing's rise of a running step, above the small rises before
it (the trunk settling in flight). (Walking steps vary too much in size for it: a slow or impaired step
loads the trunk far less than the walker's brisk ones.)"""
REGULAR = 0.3
"""Autocorrelation peak above which the motion is periodic (walking: 0.5-1, standing: below 0.2)."""
RISES_KEPT = 8
"""Recent rises (4 per foot) whose medians set the level."""
FLIGHT_G = 0.45
"""Vertical specific force below this is a flight phase (running): the contact is the edge of the
loading rise and toe-off is measurable, g."""
LOOK_BACK_S = 0.2
"""Walking: contact is looked for this far back from the crossing, s (the steep part of the loading or
braking rise is shorter; further back lies the previous step's push-off)."""
RISE_TIME_CYCLES = 0.35
"""Walking without the fore-aft axis, the loading's slope is measured over the low-pass filter's rise
time, this many periods of its cut-off (a low-pass's 10-90 % rise time is 0.35 / f_c: 17.5 ms at 20 Hz,
two samples at 100 Hz): a slope over less is the filter's ripple and the sensor's noise, and its time
would depend on the sample rate; the heel strike's loading rise takes 30-60 ms."""
IMPACT_WINDOW_S = 0.05
"""The impact peak is the largest magnitude within this time after contact, s."""
BRIDGED_GAP_S = 0.1
"""Samples lost over at most this long (s: a few wireless packets) are bridged: the filters and the step
search run on across the gap, timed by the sample times. It is shorter than the braking jump and the
loading rise of a step together (100-200 ms), so at most part of one rise is lost, where a restart
would lose the period, the level and the next steps."""
SIGN_SMOOTH_S = 0.02
"""The fore-aft axis's sign is told from the jerk of the horizontal acceleration smoothed over this
long, s: shorter than the braking jump (30-60 ms), which the 40 ms bins of the period would blur."""
SEED_STEPS = 4
"""When the step signal becomes the backward acceleration, the rises of the last this many steps are
measured from the binned signal (so the level fits the new signal at once, not after four steps)."""
GRAVITY_WINDOW_S = 2.0
"""Gravity (for the pitch) is averaged over this window, s."""
GYRO_SCALE = GRAVITY
"""Without an accelerometer the angular speed is the step signal, m/s^2 per rad/s: each step turns the
pelvis (yaw and roll swing with the legs, up to 1-2 rad/s walking), so 1 rad/s stands for 1 g and the
rises above (0.1-0.3 g) read as 0.1-0.3 rad/s."""
CADENCE_STEPS = 4
"""The cadence is the step rate over this many recent step times: two strides (an even count, so the
left and right steps of a pocket phone or a limp weigh alike), about 2 s walking and 1.3 s running, as
a watch smooths its cadence display."""
CADENCE_FOLD = 2
"""A step time up to this many of the longest step (MAX_STEP_S) can be missed steps: it counts as
s / round(s / usual) usual steps (a missed detection is two steps, not one slow one); a longer one is
a stop, and the cadence starts afresh."""
SIGNALS = 4
"""Columns of the signal history: t, v, v low-passed, b low-passed."""


class AccStepDetector(BodyDetector):
    """Detects steps from the accelerometer of a trunk, head or trunk-worn phone sensor.

    Args:
        sensor: sensor index, copied into every event.
        placement: where the sensor is worn (trunk or head).
        side: copied into the steps until the side is found from the signals (normally None).
    """

    needs_acc = False  # a gyroscope alone gives the steps

    def __init__(self, sensor: int, placement: Placement, side: Side | None = None) -> None:
        self.sensor = sensor
        self.placement = placement
        self.side = side
        self.period = StepPeriod()
        self.sig = RingBuffer(int(HISTORY_S * MAX_RATE_HZ) + PIECE_SAMPLES, SIGNALS)
        self._state = np.zeros(trunk_kernels.SIGNAL_STATE)
        self._rise = np.array([1.0, math.inf, -math.inf])
        self._lowpass = np.zeros(5)
        self._memory = 0.0
        self._bins = np.zeros((0, 4))
        self._next_eval: float | None = None
        self.pos = 0  # next absolute index to scan for a rise
        self._gap_at = 0  # absolute index of the first sample after the last gap
        self._rises: deque[float] = deque(maxlen=RISES_KEPT)
        self._rise_from: float | None = None  # lowest value before the last step's crossing
        self._last_cross: float | None = None  # time of the last step's crossing, s
        self._last_cross_at = -1  # its absolute index: this step's contact lies after it
        self._last_ic: float | None = None  # the last contact whose time is known, s
        self._intervals: deque[float] = deque(maxlen=CADENCE_STEPS)  # contact to contact, s
        self.braking = False  # the step signal is the backward acceleration
        self._back: np.ndarray | None = None  # the backward axis the rises were measured along
        self.running = False
        self._recent_range = 0.0  # of the vertical acceleration over the last GRAVITY_WINDOW_S, m/s^2
        self._pending: tuple[StepEvent, int] | None = None
        self.acc_present = False
        self.full_acc = False
        self.fore_aft_possible = False
        self.gyro_present = False
        self.axes = BodyAxes()
        self.sides = SideVote()

    # -- input ----------------------------------------------------------------------------------

    def _feed_piece(self, block: SampleBlock, out: BodyOutput) -> None:
        h = self.hist
        assert h is not None
        if block.gap_before and not (h.end and float(block.t[0]) - float(h.t[-1]) <= BRIDGED_GAP_S):
            self._after_gap(out)
        h.append(block)
        self.acc_present = any(block.acc_axes)
        self.full_acc = all(block.acc_axes)
        self.fore_aft_possible = sum(block.acc_axes) >= 2
        self.gyro_present = block.gyro is not None
        if self.full_acc and block.acc is not None:
            self.axes.add_reference(block.t, block.acc)
        if self._period_known():
            self._advance(out)

    def _after_gap(self, out: BodyOutput) -> None:
        """No rise is measured across lost samples: restart the step search (the period stands)."""
        assert self.hist is not None
        self._flush(out)
        self._gap_at = self.hist.end
        self._rise[:] = (1.0, math.inf, -math.inf)
        self._last_cross = None
        self._rise_from = None
        self._last_ic = None
        self._intervals.clear()
        self.period.clear()
        self._state[trunk_kernels.BIN_T] = math.nan  # the bins restart at the first sample after the gap
        self.sides.reset()

    def _advance(self, out: BodyOutput) -> None:
        """Turn the new samples into signals, up to each evaluation time in turn, and scan them."""
        h = self.hist
        assert h is not None
        if not self._memory:
            self._start_filters()
        while self.sig.total < h.end:
            rows = h.rows(self.sig.total, h.end)
            t = h.t[rows]
            if self._next_eval is None:
                self._next_eval = float(t[0]) + EVAL_S
            cut = int(np.searchsorted(t, self._next_eval))
            if cut == 0:
                self._evaluate()
                continue
            self._signals(t[:cut], self._motion(rows)[:cut])
            self._scan(out)

    def _motion(self, rows: slice) -> np.ndarray:
        """The specific force of these history rows, or for a gyroscope alone a stand-in: the angular
        speed (GYRO_SCALE m/s^2 per rad/s) along a constant 'gravity', so it is the step signal."""
        h = self.hist
        assert h is not None
        if self.acc_present:
            return h.acc[rows]
        stand_in = np.zeros((rows.stop - rows.start, 3))
        stand_in[:, 0] = GRAVITY + GYRO_SCALE * np.linalg.norm(h.gyro[rows], axis=1)
        return stand_in

    def _start_filters(self) -> None:
        self._memory = math.exp(-self.dt / GRAVITY_MEMORY_S)
        self._lowpass = _butterworth(min(LOWPASS_HZ, 0.4 / self.dt), self.dt)
        self._bins = np.zeros((int(PIECE_SAMPLES * self.dt / BIN_S) + 64, 4))

    def _signals(self, t: np.ndarray, acc: np.ndarray) -> None:
        out = np.empty((t.size, SIGNALS))
        out[:, 0] = t
        back = self.period.back
        opened = self._state[trunk_kernels.BIN_T]
        need = (
            int(
                (t[-1] - (t[0] if math.isnan(opened) or not self._state[trunk_kernels.NSEEN] else opened))
                / BIN_S
            )
            + 2
        )
        if need > len(self._bins):
            self._bins = np.zeros((need + 64, 4))
        n = trunk_kernels.trunk_signals(
            t,
            acc,
            self._state,
            self._memory,
            self._lowpass,
            np.zeros(3) if back is None else back,
            BIN_S,
            out[:, 1:],
            self._bins,
        )
        self.period.add(self._bins[:n])
        self.sig.push(out)

    def _evaluate(self) -> None:
        """Renew the period and the fore-aft axis; choose the step signal and whether this is running."""
        assert self._next_eval is not None
        self._next_eval += EVAL_S
        bins = self.period.bins
        recent = bins[-int(GRAVITY_WINDOW_S / BIN_S) :, 0] if len(bins) else np.zeros(1)
        self.running = bool(recent.min() < (FLIGHT_G - 1.0) * GRAVITY)
        self._recent_range = float(recent.max() - recent.min())
        learn = self.fore_aft_possible and not self.running
        self.period.evaluate(learn_axis=learn, horizontal=self._horizontal)
        self.running = (
            self.running and not self.period.stride_periodic
        )  # a thigh falls freely, a body does not
        braking = self.period.fore_aft_steady and not self.running and not self.period.stride_periodic
        back = self.period.back
        turned = (
            braking and self._back is not None and back is not None and float(back @ self._back) < SETTLED_COS
        )
        if braking:
            self._back = back
        if braking != self.braking or turned:  # another signal: its rises are another size
            self.braking = braking
            self._rises.clear()
            self._rise[:] = (1.0, math.inf, -math.inf)
            if braking:
                self._rises.extend(self._binned_rises())

    def _binned_rises(self) -> list[float]:
        """The backward acceleration's rise in each of the last SEED_STEPS step periods (m/s^2), from
        the binned signals: its range within a step is the braking jump (the bins shave its peaks, so
        the first level is a little lower than the rises that follow)."""
        step, back = self.period.step_s, self.period.back
        if step is None or back is None:
            return []
        n = max(2, round(step / BIN_S))
        b = self.period.bins[-SEED_STEPS * n :, 1:] @ back
        if len(b) < SEED_STEPS * n:
            return []
        chunks = b.reshape(SEED_STEPS, n)
        return [float(x) for x in chunks.max(axis=1) - chunks.min(axis=1)]

    def _horizontal(self) -> np.ndarray:
        """The horizontal specific force over the last WINDOW_S, low-passed (n, 3), m/s^2, gravity taken
        as its mean there."""
        h = self.hist
        assert h is not None
        end = self.sig.total  # the samples up to this evaluation, however the blocks were cut
        acc = h.acc[h.rows(end - self._n(WINDOW_S), end)]
        g = acc.mean(axis=0)
        up = g / (np.linalg.norm(g) + 1e-12)
        hor = acc - np.outer(acc @ up, up)
        return _smooth(hor, max(1, round(SIGN_SMOOTH_S / self.dt)))

    # -- steps ----------------------------------------------------------------------------------

    def _scan(self, out: BodyOutput) -> None:
        held = self.sig.latest()
        base = self.sig.total - len(held)
        column = 3 if self.braking else 2
        while True:
            start = max(self.pos, base, self._gap_at)
            if start >= self.sig.total:
                return
            step = self._step_s()
            last = self._last_cross
            quiet = -math.inf if last is None else last + (REFRACTORY * step if step else FIRST_REFRACTORY_S)
            due = math.inf if last is None or step is None else last + LATE_FROM * step
            row, what = trunk_kernels.next_rise(
                held[:, 0],
                held[:, column],
                start - base,
                len(held),
                self._rise,
                self._expected_rise(),
                quiet,
                due,
                LATE_RATE / (step or 1.0),
                LATE_FLOOR,
                REARM,
                self._level(),
                self._flight_level(),
            )
            if row < 0:
                self.pos = self.sig.total
                return
            self.pos = row + base + 1
            if what == trunk_kernels.REARMED:
                if self._rise_from is not None:
                    self._rises.append(float(self._rise[trunk_kernels.TOP]) - self._rise_from)
                    self._rise_from = None
            else:
                self._rise_from = float(self._rise[trunk_kernels.TROUGH])
                self._step(row + base, out)

    def _step_s(self) -> float | None:
        """The step period (s) if the motion is periodic at a pace the gait can have: a walk's step
        lasts at least MIN_WALK_STEP_S (a shorter period without flight is a harmonic of the loading,
        found while a walk starts or the body stands), else None."""
        step = self.period.step_s if self.period.regularity >= REGULAR else None
        if step is not None and step < MIN_WALK_STEP_S and not self.running:
            return None
        return step

    def _flight_level(self) -> float:
        """Below this the step signal is in flight (m/s^2), and a landing must take it past 1 g: the
        vertical of a body, not of a thigh (a pocket phone falls freely with the leg) nor the braking."""
        return -math.inf if self.braking or self.period.stride_periodic else (FLIGHT_G - 1.0) * GRAVITY

    def _level(self) -> float:
        """Fraction of the expected rise a step's rise must cross."""
        return WALK_LEVEL if not (self.running or self.period.stride_periodic) else LEVEL

    def _expected_rise(self) -> float:
        """The rise a step is expected to make (m/s^2): the smaller foot's median of the recent ones; a
        fixed one while they are too few or the motion is not periodic."""
        if len(self._rises) < 4 or self.period.regularity < REGULAR:
            return max(
                IRREGULAR_RISE_G * GRAVITY, RANGE_FRACTION * self._recent_range if self.running else 0.0
            )
        rises = list(self._rises)
        return max(
            MIN_RISE_G * GRAVITY, min(statistics.median(rises[-1::-2]), statistics.median(rises[-2::-2]))
        )

    def _step(self, cross: int, out: BodyOutput) -> None:
        """A step's rise crossed the level at absolute index ``cross``: place the contact, emit."""
        h = self.hist
        assert h is not None
        t_ic = self._contact(cross)
        self._last_cross_at = cross
        t_cross = float(h.t[cross - h.base])
        self._last_cross = t_cross
        ev = StepEvent(
            t_ic_s=t_ic, detected_at_s=float(h.arrival[cross - h.base]), sensor=self.sensor, side=self.side
        )
        self._timing(ev)
        out.new.append(ev)
        self._complete(cross, t_ic, out)
        self._pending = (ev, cross)
        ev.side = self.sides.next_side() if self.full_acc else self.side
        if self.full_acc:
            g = h.acc[h.rows(cross - self._n(GRAVITY_WINDOW_S), cross + 1)]
            ev.trunk_pitch_deg = self.axes.pitch_deg(t_cross, g.mean(axis=0))

    def _timing(self, ev: StepEvent) -> None:
        """Step time from the last contact; cadence from the last CADENCE_STEPS step times
        (:func:`cadence_from_step_times`). A step whose contact lies within MAX_EXTRAPOLATION_S of the
        first sample (after the start or a gap) counts, but its time is not used: the recording began
        during its loading."""
        h = self.hist
        assert h is not None
        if ev.t_ic_s < float(h.t[max(self._gap_at, h.base) - h.base]) + MAX_EXTRAPOLATION_S:
            return  # the data began during this step's rise: its onset, so its time, is not known
        interval = math.inf if self._last_ic is None else ev.t_ic_s - self._last_ic
        self._last_ic = ev.t_ic_s
        if interval > CADENCE_FOLD * MAX_STEP_S:  # a stop: the pace starts afresh
            self._intervals.clear()
        elif interval >= MIN_STEP_S:
            if interval <= MAX_STEP_S:
                ev.step_time_s = interval
            self._intervals.append(interval)
            ev.cadence_spm = cadence_from_step_times(list(self._intervals), self._step_s())

    def _contact(self, cross: int) -> float:
        """Contact time of the rise crossing at absolute index ``cross`` (s), looked for after the last
        step's crossing (so the flight level is this step's, not an older, lower one)."""
        held = self.sig.latest()
        base = self.sig.total - len(held)
        first = max(self._gap_at, base, cross - self._n(MAX_STEP_S / 2), self._last_cross_at + 1)
        look = held[first - base : cross - base + 1]
        t, v = look[:, 0], look[:, 1]
        trough = float(v.min())
        if trough < (FLIGHT_G - 1.0) * GRAVITY:  # running: from flight, through the step level
            # the rise seen so far may already exceed the expected one (the first steps)
            mid = trough + LEVEL * max(self._expected_rise(), float(v[-1]) - trough)
            if float(v.max()) > mid:
                return contact.extrapolated_edge(t, v, trough, mid, rising=True)
        near = look[-self._n(LOOK_BACK_S) - 1 :]
        delay = _group_delay(self._lowpass_hz())
        if self.braking:
            return contact.braking_onset(near[:, 0], near[:, 3]) - delay
        span = self._n(RISE_TIME_CYCLES / self._lowpass_hz())
        return contact.steepest_rise(near[:, 0], near[:, 2], span) - delay

    def _lowpass_hz(self) -> float:
        return min(LOWPASS_HZ, 0.4 / self.dt)

    def _complete(self, next_cross: int, next_ic: float, out: BodyOutput) -> None:
        """The next step (its rise crossing at absolute index ``next_cross``, contact at ``next_ic`` s) has
        come: measure the previous one's impact, toe-off and side; complete it."""
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
        from_ic = h.rows(cross - self._n(IMPACT_WINDOW_S), cross + self._n(IMPACT_WINDOW_S) + 1)
        if self.acc_present:
            ev.impact_g = float(np.linalg.norm(h.acc[from_ic], axis=1).max()) / GRAVITY
        if self.full_acc:
            self.axes.learn_step(h.acc[h.rows(next_cross - self._n(GRAVITY_WINDOW_S), next_cross)], acc)
            gyro = h.gyro[rows] if self.gyro_present else None
            self.sides.add_evidence(side_evidence(self.axes, acc, gyro))
        self._toe_off(ev, cross, next_cross, next_ic)
        out.completed.append(ev)

    def _toe_off(self, ev: StepEvent, cross: int, next_cross: int, next_ic: float) -> None:
        """Running: toe-off is the end of the loading, extrapolated down to the flight level."""
        held = self.sig.latest()
        base = self.sig.total - len(held)
        if cross < base:
            return
        part = held[cross - base : next_cross - base]
        t, v = part[:, 0], part[:, 1]
        low = int(np.argmin(v))
        trough = float(v[low])
        if trough >= (FLIGHT_G - 1.0) * GRAVITY or low <= 2:
            return
        mid = 0.5 * (float(v[:low].max()) + trough)
        t_to = contact.extrapolated_edge(t[: low + 1], v[: low + 1], trough, mid, rising=False)
        if ev.t_ic_s < t_to:
            ev.t_to_s = t_to
            ev.contact_s = t_to - ev.t_ic_s
            if ev.step_time_s is not None:
                ev.flight_s = max(0.0, next_ic - t_to)

    def _flush(self, out: BodyOutput) -> None:
        if self._pending is not None:
            out.completed.append(self._pending[0])
            self._pending = None


def cadence_from_step_times(intervals: list[float], period: float | None) -> float:
    """Step rate, steps/min, from recent contact-to-contact times (s): each is first divided by the
    number of usual steps it spans, the usual step being the autocorrelation's ``period`` (s) when
    known (it does not depend on any detection), else the times' median. So a missed step counts as
    two steps of the pace, not as one slow step that drags the rate down for two strides."""
    usual = period or statistics.median(intervals)
    steps = [x / max(1, round(x / usual)) for x in intervals]
    return 60.0 * len(steps) / sum(steps)


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    """Moving mean of ``x`` (rows) over ``n`` rows."""
    if n <= 1 or len(x) < n:
        return x
    c = np.cumsum(np.vstack([np.zeros((1, x.shape[1])), x]), axis=0)
    return (c[n:] - c[:-n]) / n


def _butterworth(cutoff_hz: float, dt: float) -> np.ndarray:
    """Second-order low-pass Butterworth biquad (b0, b1, b2, a1, a2) for sample period ``dt`` (s)."""
    w = math.tan(math.pi * cutoff_hz * dt)
    k = 1.0 / (1.0 + math.sqrt(2.0) * w + w * w)
    b0 = w * w * k
    return np.array([b0, 2.0 * b0, b0, 2.0 * (w * w - 1.0) * k, (1.0 - math.sqrt(2.0) * w + w * w) * k])


def _group_delay(cutoff_hz: float) -> float:
    """Delay of that filter at low frequencies, s: sqrt(2) / (2 pi f_c)."""
    return math.sqrt(2.0) / (2.0 * math.pi * cutoff_hz)
