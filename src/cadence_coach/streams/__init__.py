"""Per-sensor decoding state: counters, lost packets and the sensor-to-host clock mapping, around the pure
parse functions of :mod:`cadence_coach.decoders`.

The pipeline builds one stream per sensor with :func:`make_stream` (the decoder a firmware profile names)
and drives it through the :class:`~.base.SensorStream` protocol.
"""

from __future__ import annotations

from collections.abc import Callable

from ..profiles import Profile
from .base import SensorStream
from .open_imu import OpenImuStream
from .polar_pmd import PolarPmdStream
from .rsc import RscStream

__all__ = ["STREAMS", "SensorStream", "make_stream"]

STREAMS: dict[str, Callable[[int, Profile | None], SensorStream]] = {
    "open_imu": OpenImuStream,
    "polar_pmd": PolarPmdStream,
    "rsc": RscStream,
}
"""Stream decoder class by the ``decoder`` name a firmware profile gives."""


def make_stream(decoder: str, sensor: int, profile: Profile | None = None) -> SensorStream:
    """The stream decoder for a profile's decoder name, configured by the profile; KeyError if unknown."""
    return STREAMS[decoder](sensor, profile)
