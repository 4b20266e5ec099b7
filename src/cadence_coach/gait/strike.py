"""Strike class from the strike angle (Altman & Davis 2012).

The strike angle is the foot's pitch to the ground at initial contact, degrees, + with the toes up. Its
limits are defined once, beside :class:`~cadence_coach.datatypes.StrikeClass` (the simulator's truth uses
them too); this module adds the hysteresis a foot's successive steps are classified with.
"""

from __future__ import annotations

from ..datatypes import STRIKE_FORE_DEG, STRIKE_HEEL_DEG, StrikeClass, strike_class

__all__ = ["STRIKE_FORE_DEG", "STRIKE_HEEL_DEG", "STRIKE_HYSTERESIS_DEG", "StrikeClassifier", "strike_class"]
STRIKE_HYSTERESIS_DEG = 4.0
"""Width of the hysteresis band around each limit (half of it on either side), degrees."""


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
