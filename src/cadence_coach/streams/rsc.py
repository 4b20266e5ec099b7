"""Stream decoder for Running Speed and Cadence foot pods: measurements in, :class:`PodReading` s out."""

from __future__ import annotations

from ..datatypes import PodReading, RawPacket
from ..decoders import rsc
from ..decoders.errors import DecodeError
from ..profiles import Profile
from .base import MalformedLog, PacketwiseStream


class RscStream(PacketwiseStream[PodReading]):
    """Decodes one RSC pod's measurements (and its feature read, when the source passes it on).

    Args:
        sensor: index of the sensor in the session's sensor list.
        profile: the pod's firmware profile; ``[rsc] cadence_counts = "one_foot"`` doubles the cadence.

    Attributes:
        malformed: payloads that could not be decoded.
        lost_packets: always 0: RSC measurements carry no counter to detect losses with.
        feature: the pod's RSC Feature, once read; until then ``running`` is taken from the flags as sent.
    """

    def __init__(self, sensor: int, profile: Profile | None = None) -> None:
        self.sensor = sensor
        self.lost_packets = 0
        self._malformed = MalformedLog(sensor, "RSC")
        self.feature: rsc.RscFeature | None = None
        characteristics = profile.characteristics if profile else {}
        self.feature_uuid = characteristics.get("feature", rsc.FEATURE_UUID)
        one_foot = profile is not None and profile.raw.get("rsc", {}).get("cadence_counts") == "one_foot"
        self.cadence_scale = 2.0 if one_foot else 1.0

    @property
    def malformed(self) -> int:
        """Payloads that could not be decoded (skipped)."""
        return self._malformed.count

    def feed(self, packet: RawPacket) -> PodReading | None:
        """Decode one measurement; None for a feature read or a malformed payload."""
        try:
            if packet.characteristic == self.feature_uuid:
                self.feature = rsc.parse_feature(packet.payload)
                return None
            m = rsc.parse_measurement(packet.payload)
        except DecodeError as exc:
            self._malformed.skip(reason=exc)
            return None
        reports_running = self.feature is None or self.feature.walking_running_status
        return PodReading(
            sensor=self.sensor,
            t_s=packet.t_host,
            speed_mps=m.speed_mps,
            cadence_spm=m.cadence_per_min * self.cadence_scale,
            stride_m=m.stride_m,
            total_distance_m=m.total_distance_m,
            running=m.running if reports_running else None,
        )
