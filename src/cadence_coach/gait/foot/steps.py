"""The foot's steps: a step event made at each contact, completed at toe-off."""

from __future__ import annotations

from ...datatypes import Side, StepEvent
from .records import FootOutput, FootStep

MIN_STRIDE_S, MAX_STRIDE_S = 0.45, 2.5
"""Plausible stride times (running at 260 steps/min to slow walking), s."""


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
        self._last_ic_t: float | None = None

    def contact(self, t_ic: float, index: int, detected_at_s: float, out: FootOutput) -> None:
        """Emit the step whose contact is at ``t_ic`` (s; absolute sample ``index``), known at
        ``detected_at_s`` (s); the step in progress, if any, is handed on first."""
        self.abandon(out)
        stride_time = None if self._last_ic_t is None else t_ic - self._last_ic_t
        if stride_time is not None and not MIN_STRIDE_S <= stride_time <= MAX_STRIDE_S:
            stride_time = None
        self._last_ic_t = t_ic
        ev = StepEvent(t_ic_s=t_ic, detected_at_s=detected_at_s, sensor=self.sensor, side=self.side)
        if stride_time is not None:
            ev.step_time_s = stride_time / 2
            ev.cadence_spm = 120.0 / stride_time
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
        self._last_ic_t = None
