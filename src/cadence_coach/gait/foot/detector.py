"""The foot detector: a state machine over the phases of the foot's cycle (see the package docstring),
fed blocks of samples; each phase waits for the sample that begins the next.

It composes the pitch axis (pitch_axis.py), the searches (search.py), the impact threshold (impact.py),
the stance figures (stance.py), the strike classes (gait/strike.py) and the step events (steps.py); its
samples come in through gaps.py (sample period, short gaps bridged).
While the axis's sign is on probation its output is held back, and handed on once a stride confirms it.
"""

from __future__ import annotations

import math
from enum import Enum, auto

import numpy as np

from ...datatypes import GRAVITY, SampleBlock, Side
from .. import kernels
from ..output import StepDetector
from ..strapdown import integrate_stride
from ..strike import StrikeClassifier
from .gaps import RepeatFilter, bridge_gap, learn_period
from .impact import ImpactThreshold
from .pitch_axis import AxisVerdict, PitchAxis
from .records import DetectedStride, FootOutput, FootStep
from .search import (
    NO_STILL_PUSH_AFTER_S,
    W_PUSH,
    W_SWING,
    first_rate,
    first_still,
    found,
    impact_onset,
    late_contact,
    mid_stance,
    span,
)
from .stance import stance_gravity, strike_angle_deg
from .steps import MAX_STRIDE_S, MIN_STRIDE_S, StepMaker
from .swings import SwingMemory

TERMINAL_FRACTION = 0.25
"""Terminal swing starts when the toes-up rate has fallen to this fraction of its mid-swing peak."""
SWING_JERK_FACTOR = 2.0
"""The impact must break the trend at least this much more than anything in mid-swing did..."""
TERMINAL_JERK_FACTOR = 1.8
"""... and this much more than anything earlier in terminal swing."""
SPIN_JUMP = 300.0
"""Pitch angular acceleration that marks contact, rad/s^2 (a swinging foot's stays under about 200; the
ground stops or reverses its rotation at well over 1000)."""
TERMINAL_STILL_S = 0.06
"""How long the foot must stay still for terminal swing to count as over (mid-stance reached without a
confirmed impact), s: a slow walker's foot hangs almost motionless for 20-40 ms at its largest
dorsiflexion before contact, while even a running stance holds still for longer than this."""
HOVER_MAX_S = 0.25
"""Longest a foot at rest in terminal swing, with no landing-sized trend break yet, is taken to hover
before its landing, s: a swinging foot is lowered to the ground within this; longer, the person stands."""
TERMINAL_AFTER_TO_S = 0.2
"""Terminal swing starts no sooner than this after toe-off, s: a foot swings for 0.3 s or more even in a
sprint, so a rate that runs down this early is the toe-off's own jolt, not the end of the swing."""
IMPACT_SKIP_S = 0.02
"""The impact transient after contact, skipped before looking for mid-stance, s."""
MAX_CONTACT_WAIT_S = 0.8
"""If no mid-stance follows an IC within this time, the cycle is abandoned, s."""
MAX_SWING_S = 1.5
"""If no IC follows mid-swing within this time, the cycle is abandoned, s."""
STANCE_LOOKBACK_S = 0.5
"""The end of a stance looks for its quietest sample this far before push-off at most, s."""
IMPACT_WINDOW_S = 0.05
"""The impact peak is looked for from the sample before contact to this long after it, s."""


class _Phase(Enum):
    BOOT = auto()  # pitch axis unknown yet
    SEEK_STILL = auto()  # waiting for a mid-stance without a known IC (start, after a gap)
    STILL = auto()  # in mid-stance, waiting for push-off
    PUSH = auto()  # push-off, waiting for the toes-down peak to pass (toe-off)
    EARLY_SWING = auto()  # waiting for mid-swing
    LATE_SWING = auto()  # after mid-swing, waiting for the toes-up rotation to run down
    TERMINAL = auto()  # terminal swing, waiting for the impact of IC
    CONTACT = auto()  # after IC, waiting for mid-stance


class FootStepDetector(StepDetector[FootOutput]):
    """Detects steps of one foot-mounted IMU, online.

    Args:
        sensor: sensor index, copied into every event.
        side: the foot, when known.
    """

    needs_gyro = True
    history_s = 6.0
    piece_samples = 2048

    def __init__(self, sensor: int, side: Side | None = None) -> None:
        self.sensor = sensor
        self.side = side
        self.phase = _Phase.BOOT
        self.pos = 0  # absolute index of the next sample to examine
        self._mark = 0  # phase-specific index (still start, push peak, mid-swing...)
        self.pitch = PitchAxis()
        self.impact = ImpactThreshold()
        self.strike = StrikeClassifier()
        self.steps = StepMaker(sensor, side)
        self.swings = SwingMemory()
        self._swing_low = 0.0  # most negative (toes-up) rate of the current swing, rad/s
        self._swing_peak = 0.0  # peak toes-up rate of the swing that ended in terminal swing, rad/s
        self._swing_jerk = 0.0  # largest second difference of the current swing, m/s^2
        self._terminal_jerk = 0.0  # largest second difference so far in terminal swing, m/s^2
        self._terminal_start = 0  # index where the current terminal swing began
        self._toe_off = 0  # index of the last toe-off (the push-off's peak toes-down rate)
        self._prev_zv: tuple[int, np.ndarray] | None = None  # (index, still specific force)
        self._rewound_at = -math.inf  # arrival time of the sample that last had the history re-read, s
        self._resume_from = 0  # where a flip re-reads from: after the last emitted contact
        self._reread_from = 0  # where a re-read on probation starts: the stream's start, or its last gap
        self._held = FootOutput()  # output held back while the pitch axis is on probation
        self._repeats = RepeatFilter()

    def _new_output(self) -> FootOutput:
        return FootOutput()

    @property
    def _axis(self) -> np.ndarray:
        """The pitch axis (sensor frame, + rotation = toes down); known in every phase but BOOT."""
        assert self.pitch.axis is not None
        return self.pitch.axis

    # -- input ---------------------------------------------------------------------------------

    def _feed_piece(self, piece: SampleBlock, out: FootOutput) -> None:
        for block in self._repeats.split(piece):
            self._feed_part(block, out)

    def _feed_part(self, block: SampleBlock, out: FootOutput) -> None:
        assert self.hist is not None
        self.dt = learn_period(self.dt, self.hist, block)
        if block.gap_before and self.hist.size and not bridge_gap(self.hist, block, self.dt):
            self._reset_after_gap(self._held if self.pitch.on_probation else out)
        self.hist.append(block)
        if self.phase is _Phase.BOOT:
            self._boot()
        if self.phase is not _Phase.BOOT:
            self._run(self._held if self.pitch.on_probation else out)
        if not self.pitch.on_probation:
            self._held.move_to(out, self.pitch.probation_end_s)

    def _reset_after_gap(self, out: FootOutput) -> None:
        """Lost samples: end the cycle in progress so no step is made up across the gap."""
        assert self.hist is not None
        self.pos = self.hist.end
        self.steps.abandon(out)
        self.steps.forget()
        self._prev_zv = None
        if self.phase is _Phase.BOOT:
            self.pitch.boot_start = self.hist.end
        else:
            self.phase = _Phase.SEEK_STILL
        self._reread_from = self.hist.end  # a re-read on probation never crosses the gap

    def _boot(self) -> None:
        """Look for the pitch axis; once found, read from the start of the window it came from."""
        assert self.hist is not None
        if self.pitch.find(self.hist, self.dt):
            self.phase = _Phase.SEEK_STILL
            self.pos = self._resume_from = self.pitch.boot_start

    # -- the state machine ------------------------------------------------------------------------

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
        assert self.hist is not None
        i = mid_stance(self.hist, self.dt, self._axis, self.pos, self.pos, None)
        if i is None:
            return False  # searched again from the same sample when more data is in
        self._mark = i
        self.pos = i
        self.phase = _Phase.STILL
        return True

    def _on_still(self, out: FootOutput) -> bool:
        h = self.hist
        assert h is not None
        push = first_rate(h, self._axis, self.pos, W_PUSH, 1.0)
        # A foot lifted with no push-off (the first step from standing, a turn's step, a closing step)
        # turns toes-up first: it is in the air, in mid-swing already. Not while its landing settles: a
        # forefoot landing's heel drop turns it toes-up too, within NO_STILL_PUSH_AFTER_S of contact.
        cur = self.steps.current
        settled = self.pos if cur is None else cur.ic_index + int(NO_STILL_PUSH_AFTER_S / self.dt)
        lift = first_rate(h, self._axis, max(self.pos, settled), W_SWING, -1.0, push)
        i = push if lift is None else lift
        if i is None:
            self.pos = h.end
            return False
        self.pos = i
        self._end_of_stance(self._mark, i, out)
        if self.phase is _Phase.SEEK_STILL:  # the pitch axis was turned round: start the cycle again
            return True
        self._mark = i
        self.phase = _Phase.PUSH
        if lift is not None:
            self.steps.toe_off(float(h.t[i - h.base]), out)
            self._toe_off = i
            self.phase = _Phase.LATE_SWING
        return True

    def _on_push(self, out: FootOutput) -> bool:
        h = self.hist
        assert h is not None
        i = first_rate(h, self._axis, self.pos, 0.0, -1.0)
        if i is None:
            self.pos = h.end
            return False
        lo, hi = span(h, self._mark, i)
        peak = found(h, kernels.argmax_rate(h.gyro, self._axis, lo, hi))
        if peak is not None:
            self.steps.toe_off(float(h.t[peak - h.base]), out)
        self._toe_off = i if peak is None else peak
        self.pos = i
        self.phase = _Phase.EARLY_SWING
        return True

    def _on_early_swing(self, out: FootOutput) -> bool:
        assert self.hist is not None
        limit = self.pos + int(MAX_SWING_S / self.dt)
        i = first_rate(self.hist, self._axis, self.pos, W_SWING, -1.0, limit)
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
        assert h is not None
        lo, hi = span(h, self.pos, None)
        first = self._toe_off + int(TERMINAL_AFTER_TO_S / self.dt) - h.base
        row, self._swing_low = kernels.terminal_swing_start(
            h.gyro, self._axis, lo, hi, self._swing_low, TERMINAL_FRACTION, first
        )
        if row < 0:
            self.pos = h.end
            return False
        end = row + h.base
        # The jerk of the swing itself sets the floor of the impact threshold for this landing.
        swing = h.jerk[h.rows(self._mark, end + 1)]
        self._swing_jerk = float(swing.max()) if swing.size else 0.0
        self._swing_peak, self._swing_low = -self._swing_low, 0.0
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
        assert h is not None
        floor = max(self.impact.threshold(self.dt), SWING_JERK_FACTOR * self._swing_jerk)
        lo, hi = span(h, self.pos, None)
        hit, before_hit, jerk_max = kernels.first_trend_break(
            h.jerk, lo, hi, floor, TERMINAL_JERK_FACTOR, self._terminal_jerk
        )
        i = hit + h.base if hit >= 0 else None
        # The ground also stops the foot's rotation at once (a heel strike's toes-up swing turns into the
        # foot slap, a forefoot landing's into the heel drop): a jump in the pitch rate is a second sign
        # of contact, the first on soft landings whose impact hardly breaks the acceleration's trend.
        # The ground jolts the acceleration too: a jump in the pitch rate with no landing-sized trend
        # break at that sample or the one before is the swing's own wobble (a turning or unsteady foot).
        spin = kernels.first_rate_jump(
            h.gyro,
            self._axis,
            h.jerk,
            lo,
            hi if i is None else i - h.base,
            SPIN_JUMP * self.dt,
            self.impact.min_g * GRAVITY,
        )
        if spin >= 0:
            i = spin + h.base
        if self._still_before(i, out):
            return True
        if i is None:
            self._terminal_jerk = jerk_max
            self.pos = h.end
            return False
        # Contact is half a period before the first sample of the impact that broke the swing's trend.
        onset = i if spin >= 0 else impact_onset(h, i, before_hit, self._terminal_start)
        self.swings.learn(self._swing_peak)
        self._initial_contact(onset, i, i + 1, out)
        return True

    def _still_before(self, limit: int | None, out: FootOutput) -> bool:
        """Terminal swing: did the foot come to rest before sample ``limit`` (absolute; None: all held)?

        A still phase that follows a landing-sized trend break (at least the impact threshold's floor,
        1 g: a hovering foot's stay well under) is mid-stance reached with no sharp impact (soft landing, clipped, slow walking): the largest break since terminal swing began is
        the contact, confirmed late. Without such a break the foot is hovering, slowly lowered (a slow
        walker's last steps): the impact is still to come, unless the foot stays at rest for
        HOVER_MAX_S: it is on the ground then. After a swing of a step's size for this wearer (swings.py)
        it was set down softly, the contact where its toes-up rotation stopped; after a smaller one it
        only shifted while standing: the cycle starts again from that stance, with no step. Every
        sample that ends a still run is judged with the samples up to it, so block sizes do not matter.
        """
        h = self.hist
        assert h is not None
        landing = self.impact.min_g * GRAVITY
        start = self.pos
        while (still := first_still(h, self.dt, start, limit, TERMINAL_STILL_S)) is not None:
            if float(h.jerk[h.rows(self._mark, still + 1)].max()) >= landing:
                self.swings.learn(self._swing_peak)
                ic = late_contact(h, self.dt, self._mark, still)
                self._initial_contact(ic, still, ic + 1, out)
                return True
            if first_still(h, self.dt, still, still + 1, HOVER_MAX_S) is not None:
                if self.swings.step_sized(self._swing_peak):  # set down softly: a step all the same
                    flat = first_rate(h, self._axis, self._terminal_start, 0.0, 1.0, still + 1)
                    ic = self._terminal_start if flat is None else flat
                    self._initial_contact(ic, still, ic + 1, out)
                    return True
                self.pos = self._mark = still
                self.phase = _Phase.STILL
                return True
            start = still + 1
        return False

    def _on_contact(self, out: FootOutput) -> bool:
        h = self.hist
        assert h is not None
        cur = self.steps.current
        limit = cur.ic_index + int(MAX_CONTACT_WAIT_S / self.dt) if cur else None
        # Skip the impact transient itself before looking for stillness. The searches start from the same
        # sample at every call (not from where the last one stopped), so they see the same samples
        # whatever the block sizes.
        start = max(self._mark, (cur.ic_index if cur else 0) + int(IMPACT_SKIP_S / self.dt))
        after = (cur.ic_index if cur else start) + int(NO_STILL_PUSH_AFTER_S / self.dt)
        i = mid_stance(h, self.dt, self._axis, start, after, limit)
        if i is None:
            if limit is not None and h.end >= limit:
                self.steps.abandon(out)
                self.phase = _Phase.SEEK_STILL
                return True
            self.pos = max(self.pos, h.end - 1)
            return False
        # The impact threshold learns from this landing's largest trend break, whether or not it was
        # the one detected: a wrong detection cannot teach it.
        rows = h.rows(self._terminal_start, i)
        if rows.stop > rows.start:
            self.impact.learn(float(h.jerk[rows].max()))
        self._mark = i
        self.pos = i
        self.phase = _Phase.STILL
        return True

    # -- events ----------------------------------------------------------------------------------

    def _initial_contact(self, idx: int, confirmed_by: int, search_from: int, out: FootOutput) -> None:
        """Emit the step whose contact is half a period before sample ``idx``, known at sample
        ``confirmed_by``; the contact phase then searches from ``search_from`` (absolute indices)."""
        h = self.hist
        assert h is not None
        t_ic = float(h.t[idx - h.base]) - 0.5 * self.dt
        detected_at = max(float(h.arrival[confirmed_by - h.base]), self._rewound_at)
        self.steps.contact(t_ic, idx, detected_at, out)
        self._resume_from = idx + 1
        self.pos = self._mark = search_from  # the contact phase searches from here, at every call
        self.phase = _Phase.CONTACT

    def _end_of_stance(self, still_start: int, push: int, out: FootOutput) -> None:
        """Mid-stance is over: strike angle, impact, stride integration for this stance."""
        h = self.hist
        assert h is not None
        lo, hi = span(h, max(still_start, push - int(STANCE_LOOKBACK_S / self.dt)), push)
        if hi <= lo:
            return
        zv, force = stance_gravity(h, lo, hi)
        cur = self.steps.current
        if cur is not None and h.holds(cur.ic_index):
            self._measure_landing(cur, zv)
        if (
            self._prev_zv is not None
            and h.holds(self._prev_zv[0])
            and not self._stride(zv, force, push, cur, out)
        ):
            return  # the pitch axis was turned round: the cycle starts again
        self._prev_zv = (zv, force)

    def _measure_landing(self, cur: FootStep, zv: int) -> None:
        """Strike angle and class, and impact, of the step in progress; ``zv``: its quietest sample."""
        h = self.hist
        assert h is not None
        ev = cur.event
        a, b = span(h, cur.ic_index, zv + 1)
        if b - a > 1:
            ev.strike_angle_deg = strike_angle_deg(h, self._axis, a, b, ev.t_ic_s)
            ev.strike = self.strike.classify(ev.strike_angle_deg)
        a, b = span(h, cur.ic_index - 1, cur.ic_index + max(2, int(IMPACT_WINDOW_S / self.dt)))
        ev.impact_g = kernels.peak_norm(h.acc, a, b) / GRAVITY

    def _stride(self, zv: int, force: np.ndarray, push: int, cur: FootStep | None, out: FootOutput) -> bool:
        """Integrate the stride from the previous stance's quietest sample to ``zv`` (``force``: gravity
        there) and let it judge the pitch axis; a stride that agrees is handed on (known at sample ``push``), gives the step in
        progress its length and speed, and refines the axis. False if the axis was turned round."""
        h = self.hist
        assert h is not None and self._prev_zv is not None
        start, prev_force = self._prev_zv
        r = h.rows(start, zv + 1)
        duration = h.t[r][-1] - h.t[r][0]
        if not MIN_STRIDE_S <= duration <= MAX_STRIDE_S:
            return True
        traj = integrate_stride(h.t[r], h.acc[r], h.gyro[r], prev_force, force)
        verdict = self.pitch.judge(traj, h, self.pos)
        if verdict is AxisVerdict.FLIP:
            self._flip_axis(out)
            return False
        if verdict is AxisVerdict.REREAD:
            self._reread_turned_round()
            return False
        if verdict is AxisVerdict.AGREES:
            out.strides.append(DetectedStride(traj, float(h.arrival[push - h.base])))
            if cur is not None:
                cur.event.stride_m = traj.length_m
                cur.event.speed_mps = traj.length_m / traj.duration_s
            lo, hi = span(h, start, zv + 1)
            self.pitch.refine(h.gyro, lo, hi, prev_force)
        return True

    def _reread_turned_round(self) -> None:
        """On probation, a stride went backwards: the sign was wrong. Nothing has been emitted, so the
        steps held are dropped and everything held since the stream began (or its last gap) is read
        again, turned round."""
        h = self.hist
        assert h is not None
        self.pitch.turn_round()
        self._held.clear()
        self.steps.forget()
        self._prev_zv = None
        self.strike.reset()
        self.phase = _Phase.SEEK_STILL
        self.pos = self._resume_from = max(h.base, self._reread_from)

    def _flip_axis(self, out: FootOutput) -> None:
        """Turn the pitch axis round and read the strides since the last step again; steps found
        now are emitted now."""
        h = self.hist
        assert h is not None
        self.pitch.flip()
        self.steps.abandon(out)
        self._prev_zv = None
        self.phase = _Phase.SEEK_STILL
        self._rewound_at = float(h.arrival[self.pos - h.base])  # the sample that decided the flip
        self.pos = max(h.base, self._resume_from)
