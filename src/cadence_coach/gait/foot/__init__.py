"""Online step detection and per-step figures for a foot-mounted IMU (accelerometer + gyroscope).

The foot's gait cycle, seen by a shoe IMU whatever its mounting::

    mid-stance (still) -> push-off (toes-down rotation, peak near toe-off) -> swing (toes-up rotation)
    -> initial contact (impact: a sharp jump in acceleration) -> foot lowers to flat -> mid-stance ...

Mounting is found from the signals (pitch_axis.py): the pitch axis is the principal axis of the angular
rate, its sign on probation until a stride's direction confirms it. Gravity at each mid-stance gives the
tilt for the stride integration (gait/strapdown.py). No axis flags are needed.

Events, and when they are known (``detected_at``):
- initial contact (IC): the onset of the impact, confirmed by the first sample whose acceleration
  breaks its trend (second difference) by more than an adaptive threshold (impact.py), or whose pitch
  rate jumps with a jolt of at least 1 g (the ground stops the foot's rotation: the cue on soft walking
  landings): 1-3 samples after contact. The step is emitted then, with its timing, side and cadence (steps.py). When
  mid-stance comes first (no sample confirmed the landing: soft, clipped, or between two samples at
  low rates), contact is placed after the fact on the largest trend break since terminal swing (if it is
  landing-sized: otherwise the foot is only hovering before a slow landing), and the step is emitted
  at mid-stance. Constants and their physics: docs/gait-foot.md.
- mid-stance: still samples (low angular rate), or for a foot that never quite stops the quietest
  sample bearing about 1 g before push-off (search.py); the strike angle is the pitch rotation from IC
  to flat (stance.py), classed by gait/strike.py, and the stride is integrated from the previous
  mid-stance and handed on (:class:`DetectedStride`) for the session's grade, which the engine
  computes from every foot's strides (gait/grade.py).
- toe-off (TO): the peak toes-down rate of push-off (Falbriard et al. 2018); the step is then complete
  (contact and flight time known) and is handed on as completed.

The state machine that ties these together is :class:`FootStepDetector` (detector.py). The searches
are compiled kernels (gait/kernels.py); decisions depend only on samples up to the deciding one, so
feeding the stream in blocks of any size, one packet at a time as live or in replay's batches, gives
the same events.
"""

from .detector import FootStepDetector
from .records import DetectedStride, FootOutput, FootStep

__all__ = ["DetectedStride", "FootOutput", "FootStep", "FootStepDetector"]
