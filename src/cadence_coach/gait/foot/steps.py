"""The foot's steps: a step event made at each contact, completed at toe-off."""

from __future__ import annotations

from collections import deque

from ...datatypes import Side, StepEvent
from .records import FootOutput, FootStep

MIN_STRIDE_S, MAX_STRIDE_S = 0.45, 2.5
"""Plausible stride times (running at 260 steps/min to slow walking), s."""
STRIDE_STRETCH = 1.3
"""How much longer than the typical stride one stride may get as a person turns, steps round an
obstacle or slows to a stop (turning strides take 20-50 % longer than straight ones). An interval is
counted as ``round(interval / (STRIDE_STRETCH x typical))`` strides: one for 0.65-1.95 typical strides,
two from there (a missed contact), none below (an extra detection)."""
TYPICAL_STRIDES = 5
"""Recent single strides whose median is the typical stride."""
TRUSTED_STRIDES = 3
"""Single strides known before the typical one is trusted to count an interval as several strides: the
median of three outvotes one odd interval (a false contact at the first step from standing), while one
interval alone, taken as typical, could count every later stride as two."""


class StrideClock:
    """The cadence of one foot's strides, robust to a missed or an extra contact.

    Each interval between contacts counts as ``round(interval / (STRIDE_STRETCH x typical))`` strides,
    typical being the median of the last TYPICAL_STRIDES single strides (one stride until
    TRUSTED_STRIDES are known); the cadence is 120 x strides /
    interval, steps/min (both feet: two steps per stride), each stride's own, not averaged over several
    (an average carries a turn's slow strides into the straight walking after it).
    """

    def __init__(self) -> None:
        self._singles: deque[float] = deque(maxlen=TYPICAL_STRIDES)  # recent single strides, s
        self._last_t: float | None = None

    def contact(self, t_ic: float) -> tuple[float, float] | None:
        """A contact at ``t_ic`` (s): (its stride time s, the cadence steps/min), or None when the
        interval is no stride (none before it, a stop, or too short to be one)."""
        last, self._last_t = self._last_t, t_ic
        if last is None:
            return None
        interval = t_ic - last
        n = 1
        if len(self._singles) >= TRUSTED_STRIDES:
            typical = sorted(self._singles)[len(self._singles) // 2]
            n = round(interval / (STRIDE_STRETCH * typical))
        if n == 0:
            self._last_t = last  # an extra contact: the next one is measured from the one before
            return None
        if not MIN_STRIDE_S <= interval / n <= MAX_STRIDE_S or interval > MAX_STRIDE_S * 2:
            self._singles.clear()  # a stop, or no stride: the count starts again
            return None
        if n == 1:
            self._singles.append(interval)
        return interval / n, 120.0 * n / interval

    def forget(self) -> None:
        """No interval is measured across a gap: the next contact starts a new count."""
        self._last_t = None


class StepMaker:
    """Makes one foot's steps: emitted at contact with their timing, side and cadence (step time: half
    this foot's stride, until the engine knows the other foot's contact), completed at toe-off with
    contact and flight time, or handed on with what is known when their stance is not seen through.

    Args:
        sensor: sensor index, copied into every event.
        side: the foot, when known.

    Attributes:
        current: the stance in progress, None between toe-off and the next contact.
    """

    def __init__(self, sensor: int, side: Side | None) -> None:
        self.sensor = sensor
        self.side = side
        self.current: FootStep | None = None
        self._clock = StrideClock()

    def contact(self, t_ic: float, index: int, detected_at_s: float, out: FootOutput) -> None:
        """Emit the step whose contact is at ``t_ic`` (s; absolute sample ``index``), known at
        ``detected_at_s`` (s); the step in progress, if any, is handed on first."""
        self.abandon(out)
        timing = self._clock.contact(t_ic)
        ev = StepEvent(t_ic_s=t_ic, detected_at_s=detected_at_s, sensor=self.sensor, side=self.side)
        if timing is not None:
            ev.step_time_s = timing[0] / 2
            ev.cadence_spm = timing[1]
        self.current = FootStep(ev, index)
        out.new.append(ev)

    def toe_off(self, t_to: float, out: FootOutput) -> None:
        """Complete the step in progress with its toe-off at ``t_to`` (s)."""
        cur = self.current
        if cur is None or cur.completed:
            return
        ev = cur.event
        ev.t_to_s = t_to
        ev.contact_s = ev.t_to_s - ev.t_ic_s
        if ev.step_time_s is not None:
            ev.flight_s = max(0.0, ev.step_time_s - ev.contact_s)
        cur.completed = True
        out.completed.append(ev)
        self.current = None

    def abandon(self, out: FootOutput) -> None:
        """Hand on the step in progress with what is known of it (its stance was not seen through)."""
        if self.current is not None and not self.current.completed:
            self.current.completed = True
            out.completed.append(self.current.event)
        self.current = None

    def forget(self) -> None:
        """Drop the step in progress without handing it on, and the last contact (no stride time is
        measured across a gap or a re-read)."""
        self.current = None
        self._clock.forget()
