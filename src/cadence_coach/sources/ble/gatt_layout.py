"""What a firmware profile says about a sensor's GATT database and how to start its stream."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import UserError
from ...profiles import Profile


@dataclass(frozen=True, slots=True)
class GattLayout:
    """The BLE side of a firmware profile.

    Attributes:
        service: the primary service carrying the data (lower-case 128-bit UUID).
        data: characteristics whose notifications carry sensor data (lower-case 128-bit UUIDs).
        control: characteristic the start/stop commands are written to, or None.
        start: commands to write to ``control``, in order, to start streaming (none: not needed).
        stop: commands to write to ``control``, in order, to stop streaming.
    """

    service: str
    data: tuple[str, ...]
    control: str | None
    start: tuple[bytes, ...]
    stop: tuple[bytes, ...]

    @classmethod
    def from_profile(cls, profile: Profile) -> GattLayout:
        """Read the layout from a loaded profile; :class:`UserError` if it names no service or data."""
        if not profile.service or not profile.data_characteristics:
            raise UserError(f"firmware profile {profile.name!r} names no BLE service or data characteristic")
        return cls(
            profile.service,
            profile.data_characteristics,
            profile.characteristics.get("control"),
            profile.start_commands,
            profile.stop_commands,
        )
