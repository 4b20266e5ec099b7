"""Strike class from the strike angle (Altman & Davis 2012).

The strike angle is the foot's pitch to the ground at initial contact, degrees, + with the toes up. Its
limits are defined here once, for the foot detector, the coach's settings and the tests.
"""

from __future__ import annotations

from ..datatypes import StrikeClass

STRIKE_HEEL_DEG = 8.0
"""A strike angle above this is a heel strike, degrees."""
STRIKE_FORE_DEG = -1.6
"""A strike angle below this is a forefoot strike, degrees; between the two limits, a midfoot strike."""
STRIKE_HYSTERESIS_DEG = 4.0
"""Width of the hysteresis band around each limit (half of it on either side), degrees."""


def strike_class(angle_deg: float) -> StrikeClass:
    """Strike class of one strike angle (degrees), without hysteresis."""
    if angle_deg > STRIKE_HEEL_DEG:
        return StrikeClass.HEEL
    if angle_deg < STRIKE_FORE_DEG:
        return StrikeClass.FORE
    return StrikeClass.MID


class StrikeClassifier:
    """Classifies one foot's successive strike angles, with hysteresis around the limits so that a runner
    near a limit does not flicker between two classes: a limit moves half the band away from the class
    of the last step.

    Args:
        hysteresis_deg: width of the band around each limit, degrees.
    """

    def __init__(self, hysteresis_deg: float = STRIKE_HYSTERESIS_DEG) -> None:
        self.hysteresis_deg = hysteresis_deg
        self.last: StrikeClass | None = None
        """Class of the last step classified, None at the start (no hysteresis then)."""

    def classify(self, angle_deg: float) -> StrikeClass:
        """Strike class of the next step's strike angle (degrees)."""
        prev = self.last
        h = self.hysteresis_deg / 2
        heel_lim = STRIKE_HEEL_DEG - (h if prev is StrikeClass.HEEL else -h if prev is not None else 0.0)
        fore_lim = STRIKE_FORE_DEG + (h if prev is StrikeClass.FORE else -h if prev is not None else 0.0)
        if angle_deg > heel_lim:
            cls = StrikeClass.HEEL
        elif angle_deg < fore_lim:
            cls = StrikeClass.FORE
        else:
            cls = StrikeClass.MID
        self.last = cls
        return cls

    def reset(self) -> None:
        """Forget the last class (the steps read so far are read again)."""
        self.last = None
