"""Online step detection from a shank, trunk (sacrum, chest) or head sensor: picks the method.

- Shank with gyroscope: :class:`.shank.ShankGyroDetector` (sagittal angular velocity and tibial shock:
  IC, toe-off, contact time, impact).
- Shank without gyroscope: :class:`.shank_acc.ShankAccDetector` (the tibial shock, found as the sharpest
  break in the acceleration's trend: IC and impact).
- Trunk and head: :class:`.loading.AccStepDetector` (loading peaks of the acceleration magnitude; also
  toe-off and flight when running, side, and the forward lean or head pitch from :mod:`.body_axes`).

The method is chosen from the first block: whether it carries angular rate.
"""

from __future__ import annotations

from ..datatypes import Placement, SampleBlock, Side
from .loading import AccStepDetector
from .output import BodyOutput
from .shank import ShankGyroDetector
from .shank_acc import ShankAccDetector


class BodyStepDetector:
    """Detects the steps of a sensor worn anywhere but the foot.

    Args:
        sensor: sensor index, copied into every event.
        placement: where the sensor is worn.
        side: side, for a shank sensor.
    """

    def __init__(self, sensor: int, placement: Placement, side: Side | None = None) -> None:
        self.sensor = sensor
        self.placement = placement
        self.side = side
        self.method: ShankGyroDetector | ShankAccDetector | AccStepDetector | None = None

    @property
    def hist(self):
        """The chosen method's sample history (None before the first block)."""
        return None if self.method is None else self.method.hist

    def feed(self, block: SampleBlock) -> BodyOutput:
        """Process one block; returns the steps it confirmed (``new``) and completed (``completed``)."""
        if self.method is None:
            if len(block) == 0 or block.acc is None:
                return BodyOutput()
            if self.placement is Placement.SHANK and block.gyro is not None:
                self.method = ShankGyroDetector(self.sensor, self.side)
            elif self.placement is Placement.SHANK:
                self.method = ShankAccDetector(self.sensor, self.side)
            else:
                self.method = AccStepDetector(self.sensor, self.placement, self.side)
        return self.method.feed(block)
