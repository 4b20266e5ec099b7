"""Online initial contacts of one leg from a shank accelerometer without gyroscope (the tibial shock).

At initial contact the ground stops the foot and the tibia takes the body's weight: a shank accelerometer
feels a shock, a sharp break in its acceleration's trend together with a sudden rise of its magnitude.
Running, the shock reaches 5-15 g within 10-20 ms; walking, 1.5-4 g, and it is then no sharper than the
swing's own events (the knee's extension stopping in terminal swing, push-off, the treadmill or the
other foot's landing shaking the stance leg), which come with no rise of the load or a slow one. The
landing is found by :class:`.landing.LandingDetector` from the acceleration (its loaded break: the trend
break weighted by the load's rise, in g) and the stride's periodicity.

Each step is completed with the impact peak (largest magnitude within IMPACT_WINDOW_S of IC, g) once
those samples are in. Contact time needs toe-off, which the shank's acceleration alone does not mark
reliably: it is left None.
"""

from __future__ import annotations

import numpy as np

from ..datatypes import GRAVITY, Side, StepEvent
from .landing import LandingDetector
from .output import BodyOutput

MIN_BREAK_G, MIN_LOAD_G = 0.3, 0.3
"""Absolute floor: a 0.3 g break with a 0.3 g rise of the load, far softer than any foot strike; it
keeps sensor noise out while nothing is known of the landings."""
SHOCK_DELAY_S = 0.003
"""The shock's onset at a skin-mounted sensor lags the tibia's, s: the soft tissue between them is a
damped mass on a spring (about 50 Hz, damping 0.6: group delay 3.8 ms; the first tenth of a rise lags
a little less). docs/gait-shank.md has what it changes on the simulator and the real shanks."""
IMPACT_WINDOW_S = 0.05
"""The impact peak is the largest magnitude within this time after IC, s."""


class ShankAccDetector(LandingDetector):
    """Initial contacts of one leg from a shank accelerometer (no gyroscope needed).

    Args:
        sensor: sensor index, copied into every event.
        side: the leg, copied into every event.
    """

    unit = GRAVITY
    min_break = MIN_BREAK_G * GRAVITY
    min_rise = MIN_LOAD_G
    shock_delay_s = SHOCK_DELAY_S

    def __init__(self, sensor: int, side: Side | None) -> None:
        super().__init__(sensor, side)
        self._pending: list[tuple[StepEvent, int]] = []  # emitted steps waiting for their impact

    def _emitted(self, ev: StepEvent, onset: int, out: BodyOutput) -> None:
        self._pending.append((ev, onset))

    def _measure(self, out: BodyOutput) -> None:
        """Measure the impact peak of the emitted steps whose impact window is in; complete them."""
        h = self.hist
        assert h is not None
        while self._pending:
            ev, onset = self._pending[0]
            last = onset + self._n(IMPACT_WINDOW_S)
            if last >= h.end:
                return
            r = h.rows(onset, last + 1)
            if r.stop > r.start:
                ev.impact_g = float(np.linalg.norm(h.acc[r], axis=1).max()) / GRAVITY
            out.completed.append(ev)
            self._pending.pop(0)
