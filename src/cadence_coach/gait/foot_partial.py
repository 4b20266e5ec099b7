"""Online steps of a foot sensor that measures only acceleration, or only angular rate.

The foot's cycle: mid-stance (flat on the ground, still) -> push-off (heel rise to toe-off, the foot
rotating toes-down and accelerating hard) -> swing (large but smooth accelerations and a large toes-up
rotation) -> initial contact (the impact: a sharp break in the acceleration with a jump of its
magnitude; the rotation, nearly stopped at the end of the swing, turning at once into the slap of the
foot onto the ground) -> foot flat -> mid-stance. A full six-axis foot IMU is read by gait/foot.py; with
one of the two sensors missing, the landing is found as on a shank (:class:`.landing.LandingDetector`:
the signal's loaded break and the stride's periodicity) from the signal there is:

- :class:`FootAccDetector`: the acceleration; each step is completed with its impact peak (g);
- :class:`FootGyroDetector`: the angular rate (its magnitude: the mounting does not matter); each step is
  completed at toe-off, the end of the push-off's rotation, with its contact time.

On a foot the push-off is as violent as the landing, and right after mid-stance: so whenever the foot was
still (mid-stance), no landing is looked for while it stays still nor for PUSH_OFF_S after it moved
again. Still means every acceleration axis within STILL_RANGE_G over STILL_S (the accelerometer reads
gravity only), or the angular rate under STILL_RATE over STILL_S. A running foot may never be still; the
periodicity alone then separates landings from push-offs, whose shock is smaller.
"""

from __future__ import annotations

import numpy as np

from ..datatypes import GRAVITY, Side, StepEvent
from .landing import LandingDetector
from .landing_kernels import next_still_change
from .output import BodyOutput
from .shank_acc import ShankAccDetector

STILL_S = 0.06
"""How long the foot must stay still to count as flat on the ground, s (mid-stance lasts 0.2-0.4 s
walking)."""
STILL_RANGE_G = 0.1
"""Largest range of every acceleration axis over STILL_S while still, g (a foot that moves 0.5 cm in
60 ms reads more)."""
STILL_RATE = 0.5
"""Largest angular rate while still, rad/s (30 deg/s: a foot flat on the ground turns far less, a
swinging one far more)."""
PUSH_OFF_S = 0.3
"""After the foot leaves mid-stance, no landing is looked for during this time, s: push-off lasts
0.1-0.3 s to toe-off, and the swing that follows at least as long again."""
BURST_S = 0.08
"""A foot's landing is a burst lasting this long, s: heel contact, the impact peak 20-50 ms later, then
the slap of the foot flat; its largest break is the impact or the slap."""
BURST_START_FRACTION = 0.1
"""The burst starts with a break this fraction of the typical landing's largest (heel contact: 5-30 %
of the impact's) ..."""
QUIET_FACTOR = 3.0
"""... that exceeds three times anything in the terminal swing before it (the heel's contact breaks the
swing's trend ten to twenty times harder than the swing itself did) ..."""
BURST_CONFIRM_FRACTION = 0.3
"""... and the burst is a landing once it reaches this fraction of the typical landing's largest break
(its impact and slap vary by a factor of 3-5 from step to step, more than a shank's single shock)."""
PUSH_RATE = 2.0
"""Rate the push-off's rotation exceeds before toe-off, rad/s (115 deg/s; walking reaches 3-6)."""
LANDING_MEMORY = 5
"""Landings whose bursts give the typical landing."""
MIN_STRIDE_SHARE = 0.05
"""A foot's landing burst breaks at least this share of its stride's hardest break (the push-off's is
1-3 times the landing's on the real feet measured, up to 10 times on the simulator's runner)."""
MIN_BREAK_RATE, MIN_RATE_RISE = 0.3, 0.3
"""Absolute floor of the angular rate's loaded break: a 0.3 rad/s break with a 0.3 rad/s rise."""


class _FootLanding(LandingDetector):
    """Keeps landings out of mid-stance and the push-off after it (mixed into a LandingDetector), and
    says how a foot's landing looks: a burst from contact to the foot slapping flat, its largest break
    40-80 ms after contact, out of a terminal swing far quieter than its first sample."""

    candidate_fraction = BURST_START_FRACTION
    confirm_fraction = BURST_CONFIRM_FRACTION
    peak_window_s = BURST_S
    quiet_factor = QUIET_FACTOR

    by_range = True
    """Stillness from each axis's range (accelerometer) rather than the magnitude (gyroscope)."""
    still_limit = STILL_RANGE_G * GRAVITY

    def __init__(self, sensor: int, side: Side | None) -> None:
        super().__init__(sensor, side)
        self._bursts: list[float] = []  # largest breaks of the last landings' bursts
        self._unmeasured: list[int] = []  # crossing rows of landings whose burst is not measured yet
        self._gate_pos = 0  # next absolute row whose stillness is to be decided
        self._still = False  # stillness of the row before _gate_pos
        self._runs: list[
            list[int]
        ] = []  # still runs [first row, first row moving again (or -1)], oldest first

    def _allowed(self, start: int, stop: int) -> list[tuple[int, int]]:
        """The rows of [start, stop) where a landing may be: not still, not within PUSH_OFF_S after
        the foot moved off a still run."""
        self._track(stop)
        push = self._n(PUSH_OFF_S)
        out: list[tuple[int, int]] = []
        a = start
        for lo, moved in self._runs:
            hi = stop if moved < 0 else moved + push
            if hi <= a:
                continue
            if lo >= stop:
                break
            if lo > a:
                out.append((a, lo))
            a = max(a, hi)
            if a >= stop:
                break
        if a < stop:
            out.append((a, stop))
        return out

    def _typical_landing(self, row: int, stride: float) -> float:
        """The median burst of the last LANDING_MEMORY landings, once there are three (a foot's toe-off
        can break harder than its landing, so the stride's largest break is not its landing), but no
        less than MIN_STRIDE_SHARE of the stride's largest break (as the base class measures it: so a
        run of wrong detections cannot teach a level far below the real landings')."""
        h = self.hist
        assert h is not None
        while self._unmeasured and self._unmeasured[0] + self._n(self.peak_window_s) < row:
            cross = self._unmeasured.pop(0)
            if cross >= h.base:
                burst = self._max_break(cross, cross + self._n(self.peak_window_s) + 1)
                self._bursts = (self._bursts + [burst])[-LANDING_MEMORY:]
        strides = super()._typical_landing(row, stride)
        if len(self._bursts) < 3:
            return strides
        return max(float(np.median(self._bursts)), MIN_STRIDE_SHARE * strides)

    def _emitted(self, ev: StepEvent, onset: int, out: BodyOutput) -> None:
        assert self._last is not None
        self._unmeasured.append(self._last)
        super()._emitted(ev, onset, out)

    def _track(self, stop: int) -> None:
        """Decide the stillness of the rows up to ``stop`` (absolute), noting the still runs."""
        h = self.hist
        assert h is not None
        first = max(self._first, h.base)
        self._gate_pos = max(self._gate_pos, first)
        while self._gate_pos < stop:
            row = next_still_change(
                self._signal(),
                self._gate_pos - h.base,
                stop - h.base,
                first - h.base,
                self._n(STILL_S),
                self.still_limit,
                self.by_range,
                self._still,
            )
            if row < 0:
                self._gate_pos = stop
                return
            row += h.base
            self._still = not self._still
            if self._still:
                self._runs.append([row, -1])
            elif self._runs:
                self._runs[-1][1] = row
            self._gate_pos = row + 1
        while self._runs and 0 <= self._runs[0][1] < h.base - self._n(PUSH_OFF_S):
            self._runs.pop(0)

    def _after_gap(self, out: BodyOutput) -> None:
        super()._after_gap(out)
        assert self.hist is not None
        if self._still and self._runs:
            self._runs[-1][1] = self.hist.end
        self._still = False


class FootAccDetector(_FootLanding, ShankAccDetector):
    """Steps of one foot from its accelerometer alone.

    Args:
        sensor: sensor index, copied into every event.
        side: the foot, copied into every event.
    """


class FootGyroDetector(_FootLanding):
    """Steps of one foot from its gyroscope alone; toe-off from the push-off's rotation.

    Toe-off: after mid-stance the foot rotates toes-down ever faster through push-off; as the toes leave
    the ground that rotation stops and the swing's toes-up one begins. In the rate's magnitude that is
    the first minimum after the push-off's peak (the first maximum above PUSH_RATE after the foot moved
    off its still run). The step is completed then, with its contact time (and flight time, from the
    step time); if the next landing comes first (no still phase: running), without them.

    Args:
        sensor: sensor index, copied into every event.
        side: the foot, copied into every event.
    """

    uses_gyro = True
    needs_acc = False
    unit = 1.0
    min_break = MIN_BREAK_RATE
    min_rise = MIN_RATE_RISE
    by_range = False
    still_limit = STILL_RATE

    def __init__(self, sensor: int, side: Side | None) -> None:
        super().__init__(sensor, side)
        self._open: tuple[StepEvent, int] | None = None  # the last step, not completed yet, and its IC row

    def _emitted(self, ev: StepEvent, onset: int, out: BodyOutput) -> None:
        if self._open is not None:  # its toe-off, if any, came before this landing was confirmed
            self._toe_off(self.pos - 1, out)
            if self._open is not None:
                out.completed.append(self._open[0])
        self._open = (ev, onset)
        assert self._last is not None
        self._unmeasured.append(self._last)

    def _after_gap(self, out: BodyOutput) -> None:
        super()._after_gap(out)
        if self._open is not None:  # its toe-off may have been lost
            out.completed.append(self._open[0])
            self._open = None

    def _measure(self, out: BodyOutput) -> None:
        assert self.hist is not None
        self._toe_off(self.hist.end, out)

    def _toe_off(self, stop: int, out: BodyOutput) -> None:
        """Look for the open step's toe-off in the rows before absolute ``stop``; complete it if found."""
        if self._open is None:
            return
        ev, ic = self._open
        h = self.hist
        assert h is not None
        moved = [m for lo, m in self._runs if lo > ic and 0 <= m < stop]
        if not moved:
            return
        r = h.rows(moved[0], stop)
        w = np.linalg.norm(h.gyro[r], axis=1)
        peak = np.flatnonzero((w[:-1] > PUSH_RATE) & (w[:-1] >= w[1:]))
        if peak.size == 0:
            return
        rising = np.flatnonzero(w[peak[0] + 1 :] > w[peak[0] : -1])
        if rising.size == 0:
            return  # still falling: the minimum is not known yet
        ev.t_to_s = float(h.t[r][peak[0] + rising[0]])
        ev.contact_s = ev.t_to_s - ev.t_ic_s
        if ev.step_time_s is not None:
            ev.flight_s = max(0.0, ev.step_time_s - ev.contact_s)
        out.completed.append(ev)
        self._open = None
