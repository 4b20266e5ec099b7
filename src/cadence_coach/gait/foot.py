"""Online step detection and per-step figures for a foot-mounted IMU (accelerometer + gyroscope).

The foot's gait cycle, seen by a shoe IMU whatever its mounting::

    mid-stance (still) -> push-off (toes-down rotation, peak near toe-off) -> swing (toes-up rotation)
    -> initial contact (impact: a sharp jump in acceleration) -> foot lowers to flat -> mid-stance ...

Mounting is found from the signals: the pitch axis is the principal axis of the angular rate (the foot
rotates mostly in the sagittal plane) and its sign is set so that the largest pitch excursion from
mid-stance, reached at push-off, is toes-down; that guess is on probation (steps held back, at most
``PROBATION_MAX_S``) until a stride's direction confirms it, and read again turned round if the stride
went backwards. After probation every stride still votes: the sign is flipped when most of the last
strides went backwards. Gravity at each mid-stance gives the tilt for the stride integration
(gait/strapdown.py). No axis flags are needed.

Events, and when they are known (``detected_at``):
- initial contact (IC): the onset of the impact, confirmed by the first sample whose acceleration
  breaks its trend (second difference) by more than an adaptive threshold, or whose pitch rate jumps
  (the ground stops the foot's rotation: the cue on soft walking landings): 1-3 samples after contact.
  The step is emitted then, with its timing, side and cadence (step time: half this foot's stride,
  until the engine knows the other foot's contact). When mid-stance comes first (no sample confirmed
  the landing: soft, clipped, or between two samples at low rates), contact is placed after the fact
  on the largest trend break since terminal swing, walked back at most ``ONSET_LATE_MAX_S``, and the
  step is emitted at mid-stance.
- mid-stance: still samples (low angular rate), or for a foot that never quite stops the quietest
  sample bearing about 1 g before push-off; the strike angle is the pitch rotation from IC to flat
  (the foot is flat on the ground at mid-stance whatever the slope), and the stride is integrated from
  the previous mid-stance and handed on (:class:`DetectedStride`) for the session's grade, which the
  engine computes from every foot's strides (gait/grade.py).
- toe-off (TO): the peak toes-down rate of push-off (Falbriard et al. 2018); the step is then complete
  (contact and flight time known) and is handed on as completed.

The searches are compiled kernels (gait/kernels.py); decisions depend only on samples up to the deciding
one, so feeding the stream in blocks of any size, one packet at a time as live or in replay's batches,
gives the same events.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import NamedTuple

import numpy as np

from ..datatypes import GRAVITY, SampleBlock, Side, StepEvent, StrikeClass
from . import kernels
from .history import SampleHistory, pieces
from .strapdown import StrideTrajectory, integrate_stride

W_STILL = 1.5
"""Angular rate below which the foot counts as still (mid-stance), rad/s (86 deg/s)."""
STILL_MIN_S = 0.02
"""How long the foot must stay still before it counts as mid-stance, s."""
A_STILL_G = 0.3
"""Largest departure of the specific force from 1 g while the foot counts as still, g."""
_STILL_BOUNDS = (W_STILL**2, ((1 - A_STILL_G) * GRAVITY) ** 2, ((1 + A_STILL_G) * GRAVITY) ** 2)
"""The still test as the kernels take it: squared rate limit, squared specific force limits."""
GROUNDED_G = 0.6
"""Largest departure of the specific force from 1 g at the mid-stance of a foot that never quite stops."""
_GROUNDED_BOUNDS = (((1 - GROUNDED_G) * GRAVITY) ** 2, ((1 + GROUNDED_G) * GRAVITY) ** 2)
W_PUSH = 2.0
"""Toes-down rate that marks the start of push-off after mid-stance, rad/s."""
W_SWING = 3.0
"""Toes-up rate that marks mid-swing, rad/s (walking reaches 5-7, running 10-17)."""
TERMINAL_FRACTION = 0.25
"""Terminal swing starts when the toes-up rate has fallen to this fraction of its mid-swing peak."""
IMPACT_MIN_G, IMPACT_MAX_G = 1.0, 20.0
"""Bounds of the adaptive impact threshold on the acceleration's second difference, g."""
IMPACT_FRACTION = 0.2
"""Threshold as a fraction of the median second-difference peak of recent landings."""
SWING_JERK_FACTOR = 2.0
"""The impact must break the trend at least this much more than anything in mid-swing did..."""
TERMINAL_JERK_FACTOR = 1.8
"""... and this much more than anything earlier in terminal swing."""
SPIN_JUMP = 300.0
"""Pitch angular acceleration that marks contact, rad/s^2 (a swinging foot's stays under about 200; the
ground stops or reverses its rotation at well over 1000)."""
STILL_MIN_SAMPLES = 3
"""Fewest samples of a still phase that ends terminal swing (STILL_MIN_S is 1-2 samples below 150 Hz)."""
LEARNED_MIN_RATE_HZ = 150.0
"""Lowest sample rate at which the impact threshold learned from recent landings applies, Hz. Below it
a landing's largest trend break is often the foot settling flat 20-40 ms later (a landing lasting
about one sample period can fall between two samples), so the learned threshold would be too high."""
ONSET_FRACTION_LATE = 0.3
"""Without a detected impact, contact is the first sample of the run of samples around the largest
break (terminal swing to mid-stance) whose breaks exceed this fraction of it."""
ONSET_LATE_MAX_S = 0.015
"""... and at most this far back from it, s (a landing's rising edge is that short; further back, at low
rates, lies the swing's own deceleration)."""
ONSET_FRACTION = 0.1
"""Samples before the detecting one belong to the impact while their break exceeds this fraction of
its break (and twice anything earlier in terminal swing)."""
NO_STILL_PUSH_AFTER_S = 0.1
"""Without a still phase, a toes-down rate this long after contact is taken as push-off, s (the
foot slap of a heel strike is over by then)."""
NO_STILL_LOOKBACK_S = 0.4
"""Without a still phase, mid-stance is looked for this far before push-off at most, s."""
SLAP_CHECK_S = 0.12
"""A toes-down rate followed within this time by a still phase is a heel strike's foot slap, not push-off, s."""
MAX_CONTACT_WAIT_S = 0.8
"""If no mid-stance follows an IC within this time, the cycle is abandoned, s."""
MAX_SWING_S = 1.5
"""If no IC follows mid-swing within this time, the cycle is abandoned, s."""
MIN_STRIDE_S, MAX_STRIDE_S = 0.45, 2.5
"""Plausible stride times (running at 260 steps/min to slow walking), s."""
STRIKE_HEEL_DEG, STRIKE_FORE_DEG = 8.0, -1.6
"""Strike classes by strike angle (Altman & Davis 2012), degrees."""
STRIKE_HYSTERESIS_DEG = 4.0
"""Half-width of the hysteresis band around the class limits, degrees."""
AXIS_VOTE_STRIDES, AXIS_FLIP_VOTES = 5, 3
"""The pitch axis is flipped when this many of the last strides contradict it."""
AXIS_BOOT_S = 2.0
"""Data needed before the pitch axis is first estimated, s."""
AXIS_MIN_SHARE = 0.55
"""Share of the angular-rate variance the pitch axis must carry in the window it is first estimated
from: steady walking gives 0.6-0.9, running more; gait initiation, with its turning, can give under 0.5."""
PROBATION_MAX_S = 10.0
"""Longest time after the pitch axis is found that steps are held back until a stride confirms its
sign, s (a stride shorter than 0.3 m cannot tell)."""
AXIS_MEMORY = 0.8
"""Weight of the old angular-rate covariance when a stride refines the pitch axis."""
MAX_BRIDGE_S = 0.1
"""Longest gap in the samples that is bridged by interpolation; longer gaps restart the cycle, s."""
PIECE_SAMPLES = 2048
"""Longest piece a block is cut into before it enters the history."""
MAX_RATE_HZ = 2000.0
"""Highest sample rate the history is sized for, Hz."""
DT_SAMPLES = 64
"""Samples the sample period is estimated from."""
HISTORY_S = 6.0
"""How far back the detector can look, s."""


class _Phase(Enum):
    BOOT = auto()  # pitch axis unknown yet
    SEEK_STILL = auto()  # waiting for a mid-stance without a known IC (start, after a gap)
    STILL = auto()  # in mid-stance, waiting for push-off
    PUSH = auto()  # push-off, waiting for the toes-down peak to pass (toe-off)
    EARLY_SWING = auto()  # waiting for mid-swing
    LATE_SWING = auto()  # after mid-swing, waiting for the toes-up rotation to run down
    TERMINAL = auto()  # terminal swing, waiting for the impact of IC
    CONTACT = auto()  # after IC, waiting for mid-stance


@dataclass(slots=True)
class FootStep:
    """Everything the detector knows about one stance of this foot, filled in as it goes."""

    event: StepEvent
    ic_index: int
    completed: bool = False


class DetectedStride(NamedTuple):
    """A stride integrated at the end of a stance."""

    trajectory: StrideTrajectory
    detected_at_s: float
    """Arrival time of the sample that ended the stance (push-off began), s: when the stride was known."""


@dataclass(slots=True)
class FootOutput:
    """What one block produced: steps emitted at IC, and steps completed at toe-off."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)
    strides: list[DetectedStride] = field(default_factory=list)


class FootStepDetector:
    """Detects steps of one foot-mounted IMU, online.

    Args:
        sensor: sensor index, copied into every event.
        side: the foot, when known.
    """

    def __init__(self, sensor: int, side: Side | None = None) -> None:
        self.sensor = sensor
        self.side = side
        self.hist: SampleHistory | None = None
        self.dt = 0.0
        self.phase = _Phase.BOOT
        self.pos = 0  # absolute index of the next sample to examine
        self.left: np.ndarray | None = None  # pitch axis, sensor frame: + rotation = toes down
        self._boot_start = 0  # first sample of the window the axis is estimated from
        self._votes: deque[bool] = deque(maxlen=AXIS_VOTE_STRIDES)  # recent strides agreeing with the axis
        self._rewound_at = -math.inf  # arrival time of the sample that last had the history re-read, s
        self._resume_from = 0  # where a re-read starts: after the last emitted contact
        self._cov = np.zeros((3, 3))
        self._impacts: deque[float] = deque(maxlen=9)
        self._impact_thr = IMPACT_MIN_G * GRAVITY
        self._swing_low = 0.0  # most negative (toes-up) rate of the current swing, rad/s
        self._swing_jerk = 0.0  # largest second difference of the current swing, m/s^2
        self._terminal_jerk = 0.0  # largest second difference so far in terminal swing, m/s^2
        self._terminal_start = 0  # index where the current terminal swing began
        self._mark = 0  # phase-specific index (still start, push peak, mid-swing...)
        self._current: FootStep | None = None
        self._prev_zv: tuple[int, np.ndarray] | None = None  # (index, still specific force)
        self._last_ic_t: float | None = None
        self._strike: StrikeClass | None = None
        self.gaps = 0  # gaps in the samples that restarted the cycle
        self._on_probation = False  # the pitch axis sign not confirmed yet: steps held in _held
        self._held = FootOutput()
        self._probation_until = 0  # sample where probation ends at the latest
        self._probation_end_s = -math.inf  # arrival time when it ended, s
        self._reread_from = 0  # where a re-read on probation starts: the stream's start, or its last gap

    # -- input ---------------------------------------------------------------------------------

    def feed(self, block: SampleBlock) -> FootOutput:
        """Process one block of samples (any length); returns the events it produced."""
        out = FootOutput()
        if len(block) == 0 or block.gyro is None or block.acc is None:
            return out
        for piece in pieces(block, PIECE_SAMPLES):
            self._feed_piece(piece, out)
        return out

    def _feed_piece(self, block: SampleBlock, out: FootOutput) -> None:
        if self.hist is None:
            self._start(block)
        assert self.hist is not None
        if self.hist.size < DT_SAMPLES and len(block) + self.hist.size > 1:
            self._refine_dt(block)
        if block.gap_before and self.hist.size:
            if not self._bridge(block):
                self._reset_after_gap(self._held if self._on_probation else out)
        self.hist.append(block)
        if self.phase is _Phase.BOOT:
            self._boot()
        if self.phase is not _Phase.BOOT:
            self._run(self._held if self._on_probation else out)
        if not self._on_probation:
            self._hand_on_held(out)

    def _start(self, block: SampleBlock) -> None:
        dt = float(np.median(np.diff(block.t))) if len(block) > 1 else 0.0
        self.dt = dt if dt > 0 else 1 / 200
        self.hist = SampleHistory(int(HISTORY_S * MAX_RATE_HZ) + PIECE_SAMPLES)

    def _bridge(self, block: SampleBlock) -> bool:
        """Fill a short gap (a lost packet or two) by linear interpolation so the cycle in progress
        goes on; a step whose impact fell in the gap is then placed by the fallback. False if the gap
        is too long to bridge."""
        h = self.hist
        assert h is not None and block.acc is not None and block.gyro is not None
        last = h.end - 1 - h.base
        span = float(block.t[0] - h.t[last])
        missing = int(round(span / self.dt)) - 1
        if span > MAX_BRIDGE_S or missing < 1:
            return span <= MAX_BRIDGE_S
        w = (np.arange(1, missing + 1) / (missing + 1))[:, None]
        fill = SampleBlock(
            sensor=block.sensor,
            t=h.t[last] + w[:, 0] * span,
            acc=h.acc[last] + w * (block.acc[0] - h.acc[last]),
            gyro=h.gyro[last] + w * (block.gyro[0] - h.gyro[last]),
            t_arrival=float(block.arrival_times()[0]),
        )
        h.append(fill)
        return True

    def _refine_dt(self, block: SampleBlock) -> None:
        """Sample period from the first DT_SAMPLES samples (a first block may hold only one)."""
        h = self.hist
        assert h is not None
        t = np.concatenate([h.t[: h.size], block.t])[:DT_SAMPLES]
        steps = np.diff(t)
        steps = steps[steps > 0]
        if steps.size:
            self.dt = float(np.median(steps))

    def _reset_after_gap(self, out: FootOutput) -> None:
        """Lost samples: end the cycle in progress so no step is made up across the gap."""
        assert self.hist is not None
        self.gaps += 1
        self.pos = self.hist.end
        self._abandon(out)
        self._prev_zv = None
        self._last_ic_t = None
        if self.phase is _Phase.BOOT:
            self._boot_start = self.hist.end
        else:
            self.phase = _Phase.SEEK_STILL
        self._reread_from = self.hist.end  # a re-read on probation never crosses the gap

    # -- mounting ------------------------------------------------------------------------------

    def _boot(self) -> None:
        """Estimate the pitch axis from the first AXIS_BOOT_S window of gait: swinging, with one axis
        carrying most of the rotation.

        Windows start at the beginning of the stream and move on by half a window while the foot is
        not moving, or is turning every way (standing up, the first steps, fidgeting with the sensor),
        so the estimate does not depend on how the stream was cut into blocks.
        """
        h = self.hist
        assert h is not None
        n = int(AXIS_BOOT_S / self.dt)
        while self._boot_start + n <= h.end:
            rows = h.rows(self._boot_start, self._boot_start + n)
            gyro = h.gyro[rows]
            if np.max(np.einsum("ij,ij->i", gyro, gyro)) >= W_SWING**2:
                cov = gyro.T @ gyro / len(gyro)
                spread, axes = np.linalg.eigh(cov)
                if spread[-1] >= AXIS_MIN_SHARE * spread.sum():
                    break
            self._boot_start += n // 2
        else:
            return
        axis = axes[:, -1]
        # Sign: pitch excursions from the stillest sample; the largest is toes-down (push-off).
        quiet = int(np.argmin(np.linalg.norm(gyro, axis=1)))
        angle = np.cumsum(gyro[quiet:] @ axis) * self.dt
        if angle.size and abs(angle.min()) > abs(angle.max()):
            axis = -axis
        self.left = axis
        self._cov = cov
        self.phase = _Phase.SEEK_STILL
        self.pos = self._resume_from = self._boot_start
        # The sign from these first seconds is a guess until a stride's direction confirms it: the steps
        # found meanwhile are held back, and read again with the axis turned round if it was wrong.
        self._on_probation = True
        self._probation_until = self._boot_start + int(PROBATION_MAX_S / self.dt)

    def _update_axis(self, start: int, stop: int) -> None:
        """Refine the pitch axis with one stride of gyro data, keeping its sign."""
        h = self.hist
        assert h is not None and self.left is not None
        lo, hi = self._span(start, stop)
        if hi - lo < 4:
            return
        # One power-iteration step per stride tracks the principal axis (the pitch axis dominates the
        # spread of a swinging foot's rates by far) and keeps the sign.
        self.left = kernels.track_principal_axis(h.gyro, lo, hi, self._cov, self.left, AXIS_MEMORY)

    # -- the state machine ------------------------------------------------------------------------

    def _span(self, start: int, limit: int | None) -> tuple[int, int]:
        """Rows of the held views for absolute indices [start, limit) (limit None: all held)."""
        h = self.hist
        base, end = h.base, h.end
        stop = end if limit is None or limit > end else limit
        lo = start - base if start > base else 0
        return lo, stop - base if stop > base else 0

    def _found(self, row: int) -> int | None:
        """Absolute index of a kernel's answer row (None for -1)."""
        return None if row < 0 else row + self.hist.base

    def _first_still(self, start: int, limit: int | None = None, min_samples: int = 1) -> int | None:
        """First absolute index >= start (and < limit) where the foot has been still on the ground
        (slow rotation, specific force about 1 g) for the last STILL_MIN_S and at least ``min_samples``
        samples: a landing passes through 1 g for an instant, a stance stays there."""
        h = self.hist
        lo, hi = self._span(start, limit)
        run = max(min_samples, round(STILL_MIN_S / self.dt))
        return self._found(kernels.first_still(h.acc, h.gyro, lo, hi, run, *_STILL_BOUNDS))

    def _first_rate(self, start: int, threshold: float, sign: float, limit: int | None = None) -> int | None:
        """First absolute index >= start (and < limit) where ``sign`` * pitch rate > ``threshold``
        (rad/s; the pitch rate is + toward toes-down)."""
        lo, hi = self._span(start, limit)
        return self._found(kernels.first_rate_beyond(self.hist.gyro, self.left, lo, hi, threshold, sign))

    def _run(self, out: FootOutput) -> None:
        h = self.hist
        assert h is not None
        handlers = {
            _Phase.SEEK_STILL: self._on_seek_still,
            _Phase.STILL: self._on_still,
            _Phase.PUSH: self._on_push,
            _Phase.EARLY_SWING: self._on_early_swing,
            _Phase.LATE_SWING: self._on_late_swing,
            _Phase.TERMINAL: self._on_terminal,
            _Phase.CONTACT: self._on_contact,
        }
        while self.pos < h.end:
            before = (self.phase, self.pos)
            if not handlers[self.phase](out):
                break  # needs more samples
            if (self.phase, self.pos) == before:
                break

    def _on_seek_still(self, out: FootOutput) -> bool:
        i = self._mid_stance(self.pos, self.pos, None)
        if i is None:
            return False  # searched again from the same sample when more data is in
        self._mark = i
        self.pos = i
        self.phase = _Phase.STILL
        return True

    def _on_still(self, out: FootOutput) -> bool:
        i = self._first_rate(self.pos, W_PUSH, 1.0)
        if i is None:
            self.pos = self.hist.end
            return False
        self.pos = i
        self._end_of_stance(self._mark, i, out)
        if self.phase is _Phase.SEEK_STILL:  # the pitch axis was flipped: start the cycle again
            return True
        self._mark = i
        self.phase = _Phase.PUSH
        return True

    def _on_push(self, out: FootOutput) -> bool:
        i = self._first_rate(self.pos, 0.0, -1.0)
        if i is None:
            self.pos = self.hist.end
            return False
        lo, hi = self._span(self._mark, i)
        peak = self._found(kernels.argmax_rate(self.hist.gyro, self.left, lo, hi))
        if peak is not None:
            self._toe_off(peak, out)
        self.pos = i
        self.phase = _Phase.EARLY_SWING
        return True

    def _on_early_swing(self, out: FootOutput) -> bool:
        limit = self.pos + int(MAX_SWING_S / self.dt)
        i = self._first_rate(self.pos, W_SWING, -1.0, limit)
        if i is None:
            if self.hist.end >= limit:
                self.phase = _Phase.SEEK_STILL  # no swing: standing, shuffling
                return True
            self.pos = self.hist.end
            return False
        self._mark = i
        self.pos = i
        self.phase = _Phase.LATE_SWING
        return True

    def _on_late_swing(self, out: FootOutput) -> bool:
        """After mid-swing: wait until the toes-up rotation has mostly run down (terminal swing)."""
        h = self.hist
        lo, hi = self._span(self.pos, None)
        row, self._swing_low = kernels.terminal_swing_start(
            h.gyro, self.left, lo, hi, self._swing_low, TERMINAL_FRACTION
        )
        if row < 0:
            self.pos = h.end
            return False
        end = row + h.base
        # The jerk of the swing itself sets the floor of the impact threshold for this landing.
        swing = h.jerk[h.rows(self._mark, end + 1)]
        self._swing_jerk = float(swing.max()) if swing.size else 0.0
        self._swing_low = 0.0
        self._terminal_jerk = 0.0
        self._terminal_start = end
        self.pos = end
        self._mark = end
        self.phase = _Phase.TERMINAL
        return True

    def _on_terminal(self, out: FootOutput) -> bool:
        """Terminal swing: the contact is the first sample whose acceleration breaks its trend much
        harder than anything since mid-swing did."""
        h = self.hist
        learned = self._impact_thr if self.dt <= 1.0 / LEARNED_MIN_RATE_HZ else IMPACT_MIN_G * GRAVITY
        floor = max(learned, SWING_JERK_FACTOR * self._swing_jerk)
        lo, hi = self._span(self.pos, None)
        hit, before_hit, jerk_max = kernels.first_trend_break(
            h.jerk, lo, hi, floor, TERMINAL_JERK_FACTOR, self._terminal_jerk
        )
        i = hit + h.base if hit >= 0 else None
        # The ground also stops the foot's rotation at once (a heel strike's toes-up swing turns into the
        # foot slap, a forefoot landing's into the heel drop): a jump in the pitch rate is a second sign
        # of contact, the first on soft landings whose impact hardly breaks the acceleration's trend.
        spin = kernels.first_rate_jump(h.gyro, self.left, lo, hi if i is None else i - h.base, SPIN_JUMP * self.dt)
        if spin >= 0:
            i = spin + h.base
        # At its largest dorsiflexion, just before contact, the foot turns slowly and its acceleration
        # passes through 1 g: at low rates that can fill STILL_MIN_S. A stance lasts longer.
        still = self._first_still(self.pos, i, STILL_MIN_SAMPLES)
        if still is not None:
            # Mid-stance reached with no sharp impact (soft landing, clipped, slow walking): take the
            # largest trend break since terminal swing began as the contact, confirmed late.
            r = h.rows(self._mark, still + 1)
            jerk = h.jerk[r]
            k = int(np.argmax(jerk))  # the landing, then back over its rising edge only
            edge_from = k - int(ONSET_LATE_MAX_S / self.dt)
            while k > max(0, edge_from) and jerk[k - 1] > ONSET_FRACTION_LATE * jerk.max():
                k -= 1
            ic = self._mark + k
            self._initial_contact(float(h.t[ic - h.base]) - 0.5 * self.dt, ic, still, out)
            self.pos = self._mark = ic + 1  # the contact phase searches from here, at every call
            self.phase = _Phase.CONTACT
            return True
        if i is None:
            self._terminal_jerk = jerk_max
            self.pos = h.end
            return False
        # Walk back over the rising edge (a landing split across two samples shows partly in the first):
        # contact is half a period before the first sample that broke the swing's trend.
        onset = i
        if spin < 0:
            floor = max(ONSET_FRACTION * h.jerk[i - h.base], 1.5 * before_hit)
            while onset > max(i - 3, h.base + 2, self._terminal_start + 1) and h.jerk[onset - 1 - h.base] > floor:
                onset -= 1
        self._initial_contact(float(h.t[onset - h.base]) - 0.5 * self.dt, onset, i, out)
        self.pos = self._mark = i + 1  # the contact phase searches from here, at every call
        self.phase = _Phase.CONTACT
        return True

    def _on_contact(self, out: FootOutput) -> bool:
        limit = self._current.ic_index + int(MAX_CONTACT_WAIT_S / self.dt) if self._current else None
        # Skip the impact transient itself before looking for stillness. The searches start from the same
        # sample at every call (not from where the last one stopped), so they see the same samples
        # whatever the block sizes.
        start = max(self._mark, (self._current.ic_index if self._current else 0) + int(0.02 / self.dt))
        after = (self._current.ic_index if self._current else start) + int(NO_STILL_PUSH_AFTER_S / self.dt)
        i = self._mid_stance(start, after, limit)
        if i is None:
            if limit is not None and self.hist.end >= limit:
                self._abandon(out)
                self.phase = _Phase.SEEK_STILL
                return True
            self.pos = max(self.pos, self.hist.end - 1)
            return False
        self._learn_impact(self._terminal_start, i)
        self._mark = i
        self.pos = i
        self.phase = _Phase.STILL
        return True

    def _mid_stance(self, start: int, after: int, limit: int | None) -> int | None:
        """The mid-stance from ``start`` on (absolute index), or None until the samples that decide it
        are in.

        Normally the end of the first still phase. A foot that never quite stops (fast running, a loose
        mount) begins push-off, a toes-down rate from ``after`` on, before any still phase: mid-stance is
        then its quietest sample bearing about 1 g in the NO_STILL_LOOKBACK_S before the push (the foot
        turns slowest also at the instant of a heel strike, but the impact is far from 1 g). A toes-down
        rate that a still phase follows within SLAP_CHECK_S is the foot slapping flat after a heel strike,
        not a push-off. The searches depend only on the samples up to where they decide, so any block
        sizes give the same mid-stance.
        """
        still = self._first_still(start, limit)
        push = self._first_rate(max(start, after), W_PUSH, 1.0, limit if still is None else still)
        if push is not None:
            settled = push + int(SLAP_CHECK_S / self.dt)
            if still is None and self.hist.end <= settled:
                return None  # a push-off, or the foot slapping flat? the next samples tell
            if still is None or still > settled:
                lo, hi = self._span(max(start, push - int(NO_STILL_LOOKBACK_S / self.dt)), push)
                row, w2 = kernels.quietest(self.hist.acc, self.hist.gyro, lo, hi, *_GROUNDED_BOUNDS)
                if row >= 0 and w2 < (2 * W_STILL) ** 2:
                    return self._found(row)
        return still

    def _learn_impact(self, start: int, stop: int) -> None:
        """Adapt the impact threshold to the largest trend break of this landing (terminal swing to
        mid-stance), whether or not it was the one detected: a wrong detection cannot teach it."""
        h = self.hist
        rows = h.rows(start, stop)
        if rows.stop <= rows.start:
            return
        self._impacts.append(float(h.jerk[rows].max()))
        med = statistics.median(self._impacts)
        self._impact_thr = min(max(IMPACT_FRACTION * med, IMPACT_MIN_G * GRAVITY), IMPACT_MAX_G * GRAVITY)

    # -- events ----------------------------------------------------------------------------------

    def _initial_contact(self, t_ic: float, idx: int, confirmed_by: int, out: FootOutput) -> None:
        """Emit the step whose contact is at ``t_ic`` (s; sample ``idx``), known at ``confirmed_by``."""
        h = self.hist
        self._abandon(out)
        stride_time = None if self._last_ic_t is None else t_ic - self._last_ic_t
        if stride_time is not None and not MIN_STRIDE_S <= stride_time <= MAX_STRIDE_S:
            stride_time = None
        self._last_ic_t = t_ic
        self._resume_from = idx + 1
        ev = StepEvent(
            t_ic_s=t_ic,
            detected_at_s=max(float(h.arrival[confirmed_by - h.base]), self._rewound_at),
            sensor=self.sensor,
            side=self.side,
        )
        if stride_time is not None:
            ev.step_time_s = stride_time / 2
            ev.cadence_spm = 120.0 / stride_time
        self._current = FootStep(ev, idx)
        out.new.append(ev)

    def _end_of_stance(self, still_start: int, push: int, out: FootOutput) -> None:
        """Mid-stance is over: strike angle, impact, stride integration and grade for this stance."""
        h = self.hist
        lo, hi = self._span(max(still_start, push - int(0.5 / self.dt)), push)
        if hi <= lo:
            return
        zv = kernels.quietest(h.acc, h.gyro, lo, hi, -1.0, math.inf)[0] + h.base  # any specific force
        force, still_rows = kernels.mean_still_force(h.acc, h.gyro, lo, hi, *_STILL_BOUNDS)
        if not still_rows:  # a stance without a still phase: gravity from around its quietest sample
            force = h.acc[h.rows(zv - 2, zv + 3)].mean(axis=0)
        cur = self._current
        if cur is not None and h.holds(cur.ic_index):
            ev = cur.event
            a, b = self._span(cur.ic_index, zv + 1)
            # Strike angle: rotation from contact to flat; start at the sub-sample IC time.
            if b - a > 1:
                angle = kernels.rotation_between(h.t, h.gyro, self.left, a, b)
                angle -= float(h.gyro[a] @ self.left) * (ev.t_ic_s - h.t[a])
                ev.strike_angle_deg = math.degrees(angle)
                ev.strike = self._classify(ev.strike_angle_deg)
            a, b = self._span(cur.ic_index - 1, cur.ic_index + max(2, int(0.05 / self.dt)))
            ev.impact_g = kernels.peak_norm(h.acc, a, b) / GRAVITY
        if self._prev_zv is not None and h.holds(self._prev_zv[0]):
            start, prev_force = self._prev_zv
            r = h.rows(start, zv + 1)
            duration = h.t[r][-1] - h.t[r][0]
            if MIN_STRIDE_S <= duration <= MAX_STRIDE_S:
                traj = integrate_stride(h.t[r], h.acc[r], h.gyro[r], prev_force)
                verdict = self._axis_verdict(traj)
                if verdict == "flip":
                    self._flip_axis(out)
                    return
                if verdict == "reread":
                    self._reread_turned_round()
                    return
                if verdict == "agrees":
                    out.strides.append(DetectedStride(traj, float(h.arrival[push - h.base])))
                    if cur is not None:
                        cur.event.stride_m = traj.length_m
                        cur.event.speed_mps = traj.length_m / traj.duration_s
                    self._update_axis(start, zv + 1)
        self._prev_zv = (zv, force)

    def _abandon(self, out: FootOutput) -> None:
        """Hand on the step in progress with what is known of it (its stance was not seen through)."""
        if self._current is not None and not self._current.completed:
            self._current.completed = True
            out.completed.append(self._current.event)
        self._current = None

    def _axis_verdict(self, traj: StrideTrajectory) -> str:
        """Check the pitch axis sign against the stride: the foot travels forward, so the axis must
        point to the left of the displacement. "agrees"; "skip" for an odd stride (left out); "flip"
        when most recent strides contradict it (the sign from the first seconds can be fooled by a
        standing start)."""
        assert self.left is not None and self.hist is not None
        h = self.hist
        if self._on_probation and self.pos >= self._probation_until:
            self._end_probation(float(h.arrival[self._probation_until - h.base]) if h.holds(self._probation_until) else -math.inf)
        dx, dy = float(traj.displacement[0]), float(traj.displacement[1])
        travel = math.hypot(dx, dy)
        if travel < 0.3:
            return "agrees"  # too short a stride to tell
        axis_level = traj.start_tilt @ self.left
        agrees = (-dy * float(axis_level[0]) + dx * float(axis_level[1])) / travel > -0.5
        if self._on_probation:
            if not agrees:
                return "reread"
            self._end_probation(float(h.arrival[self.pos - h.base]))
        self._votes.append(bool(agrees))
        if agrees:
            return "agrees"
        return "flip" if sum(1 for v in self._votes if not v) >= AXIS_FLIP_VOTES else "skip"

    def _end_probation(self, at_s: float) -> None:
        """The pitch axis sign is trusted from now (arrival time ``at_s``, s): the held steps go out."""
        self._on_probation = False
        self._probation_end_s = at_s

    def _hand_on_held(self, out: FootOutput) -> None:
        """Emit what probation held, dated no earlier than its end."""
        held = self._held
        if not (held.new or held.completed or held.strides):
            return
        for ev in held.new:
            ev.detected_at_s = max(ev.detected_at_s, self._probation_end_s)
        out.new.extend(held.new)
        out.completed.extend(held.completed)
        out.strides.extend(DetectedStride(s.trajectory, max(s.detected_at_s, self._probation_end_s)) for s in held.strides)
        self._drop_held()

    def _drop_held(self) -> None:
        """Empty the held output in place (the run in progress may still be writing to it)."""
        self._held.new.clear()
        self._held.completed.clear()
        self._held.strides.clear()

    def _reread_turned_round(self) -> None:
        """On probation, a stride went backwards: the sign was wrong. Nothing has been emitted, so the
        steps held are dropped and everything held since the stream began (or its last gap) is read
        again, turned round."""
        h = self.hist
        assert h is not None and self.left is not None
        self.left = -self.left
        self._drop_held()
        self._current = None
        self._prev_zv = None
        self._last_ic_t = None
        self._strike = None
        self.phase = _Phase.SEEK_STILL
        self.pos = self._resume_from = max(h.base, self._reread_from)

    def _flip_axis(self, out: FootOutput) -> None:
        """Turn the pitch axis round and read the strides since the last step again; steps found
        now are emitted now."""
        h = self.hist
        assert h is not None and self.left is not None
        self.left = -self.left
        self._votes.clear()
        self._abandon(out)
        self._prev_zv = None
        self.phase = _Phase.SEEK_STILL
        self._rewound_at = float(h.arrival[self.pos - h.base])  # the sample that decided the flip
        self.pos = max(h.base, self._resume_from)

    def _toe_off(self, peak: int, out: FootOutput) -> None:
        cur = self._current
        if cur is None or cur.completed:
            return
        h = self.hist
        ev = cur.event
        ev.t_to_s = float(h.t[peak - h.base])
        ev.contact_s = ev.t_to_s - ev.t_ic_s
        if ev.step_time_s is not None:
            ev.flight_s = max(0.0, ev.step_time_s - ev.contact_s)
        cur.completed = True
        out.completed.append(ev)
        self._current = None

    def _classify(self, angle_deg: float) -> StrikeClass:
        """Strike class with hysteresis around the limits, so a runner near a limit does not flicker."""
        prev = self._strike
        h = STRIKE_HYSTERESIS_DEG / 2
        heel_lim = STRIKE_HEEL_DEG - (h if prev is StrikeClass.HEEL else -h if prev else 0.0)
        fore_lim = STRIKE_FORE_DEG + (h if prev is StrikeClass.FORE else -h if prev else 0.0)
        if angle_deg > heel_lim:
            cls = StrikeClass.HEEL
        elif angle_deg < fore_lim:
            cls = StrikeClass.FORE
        else:
            cls = StrikeClass.MID
        self._strike = cls
        return cls
