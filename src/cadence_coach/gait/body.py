"""Online step detection from a sensor worn anywhere but the foot, or a foot sensor without all six
axes: picks the method from the placement and the axes the first block carries (``SampleBlock.acc_axes``
/ ``gyro_axes``; an axis not measured is a NaN column, see datatypes.SampleBlock).

- Shank with gyroscope: :class:`.shank.ShankGyroDetector` (sagittal angular velocity and tibial shock:
  IC, toe-off, contact time, impact).
- Shank without gyroscope: :class:`.shank_acc.ShankAccDetector` (the tibial shock, found as the sharpest
  break in the acceleration's trend: IC and impact).
- Foot with a partial axis set: :class:`.foot_partial.FootAccDetector` from the acceleration when there is
  any, else :class:`.foot_partial.FootGyroDetector` from the angular rate (the landing's burst, the
  stride's periodicity, and mid-stance keeping the push-off out).
- Trunk, head and trunk-worn phones: :class:`.loading.AccStepDetector` (one rise of the braking or
  loading acceleration per step, any axes; from a gyroscope alone, of the angular speed; also toe-off
  and flight when running, side, and the forward lean or head pitch from :mod:`.body_axes`;
  docs/gait-trunk.md).
"""

from __future__ import annotations

from ..datatypes import Placement, SampleBlock, Side
from .foot_partial import FootAccDetector, FootGyroDetector
from .history import SampleHistory
from .loading import AccStepDetector
from .output import BodyDetector, BodyOutput
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
        self.method: BodyDetector | None = None

    @property
    def hist(self) -> SampleHistory | None:
        """The chosen method's sample history (None before the first block)."""
        return None if self.method is None else self.method.hist

    def feed(self, block: SampleBlock) -> BodyOutput:
        """Process one block; returns the steps it confirmed (``new``) and completed (``completed``)."""
        if self.method is None:
            if len(block) == 0:
                return BodyOutput()
            self.method = self._choose(any(block.acc_axes), any(block.gyro_axes))
        return self.method.feed(block)

    def _choose(self, acc: bool, gyro: bool) -> BodyDetector:
        """The method for this placement, given whether any accelerometer / gyroscope axis is measured."""
        if self.placement is Placement.FOOT:
            return (
                FootAccDetector(self.sensor, self.side) if acc else FootGyroDetector(self.sensor, self.side)
            )
        if self.placement is Placement.SHANK:
            if gyro:
                return ShankGyroDetector(self.sensor, self.side)
            return ShankAccDetector(self.sensor, self.side)
        return AccStepDetector(self.sensor, self.placement, self.side)
