"""What a firmware profile says about a sensor's GATT database and how to start its stream."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from ..profiles import Profile, full_uuid


@dataclass(frozen=True, slots=True)
class GattLayout:
    """The BLE side of a firmware profile.

    Attributes:
        service: the primary service carrying the data (lower-case 128-bit UUID).
        data: characteristics whose notifications carry sensor data (lower-case 128-bit UUIDs).
        control: characteristic the start/stop commands are written to, or None.
        start: bytes to write to ``control`` to start streaming (empty: no command needed).
        stop: bytes to write to ``control`` to stop streaming (empty: no command needed).
    """

    service: str
    data: tuple[str, ...]
    control: str | None
    start: bytes
    stop: bytes

    @classmethod
    def from_profile(cls, profile: Profile) -> "GattLayout":
        """Read the layout from a profile's [match], [characteristics] and [commands] tables.

        Raises :class:`UserError` if the profile names no service or no data characteristic, or a
        command is not a hex string.
        """
        services = profile.raw.get("match", {}).get("services", ())
        service = services[0] if services else None
        data = tuple(full_uuid(u) for u in profile.data_characteristics)
        if not service or not data:
            raise UserError(f"firmware profile {profile.name!r} names no BLE service or data characteristic")
        control = profile.characteristics.get("control")
        commands = profile.raw.get("commands", {})
        try:
            start = bytes.fromhex(commands.get("start", ""))
            stop = bytes.fromhex(commands.get("stop", ""))
        except (TypeError, ValueError):
            raise UserError(f"firmware profile {profile.name!r}: [commands] must be hex strings") from None
        return cls(full_uuid(service), data, full_uuid(control) if control else None, start, stop)
