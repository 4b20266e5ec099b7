"""Find nearby Bluetooth LE devices and the firmware profile each one matches."""

from __future__ import annotations

from dataclasses import dataclass

from bleak import BleakScanner
from bleak.exc import BleakError

from ...errors import UserError
from ...profiles import Profile, all_profiles
from .backend_types import PLATFORM, BleakBackends


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """One advertising device.

    Attributes:
        address: Bluetooth address (a UUID on macOS).
        name: advertised local name, or None.
        rssi_dbm: received signal strength of its last advertisement, dBm.
        service_uuids: advertised service UUIDs (lower-case 128-bit).
        profile: name of the first firmware profile it matches, or None.
    """

    address: str
    name: str | None
    rssi_dbm: int
    service_uuids: tuple[str, ...]
    profile: str | None


def recognise(name: str | None, service_uuids: list[str], profiles: list[Profile]) -> str | None:
    """Name of the first profile an advertisement matches, or None."""
    return next((p.name for p in profiles if p.matches(name, service_uuids)), None)


async def scan(
    timeout_s: float = 5.0, backend: BleakBackends = PLATFORM, profiles: list[Profile] | None = None
) -> list[FoundDevice]:
    """Scan for ``timeout_s`` s; devices matching a profile first, then by signal strength.

    Raises :class:`UserError` (one line) when there is no usable Bluetooth adapter.
    """
    profiles = all_profiles() if profiles is None else profiles
    try:
        seen = await BleakScanner.discover(timeout=timeout_s, return_adv=True, **backend.scanner_args())
    except FileNotFoundError:
        raise UserError(
            "no Bluetooth adapter: the Bluetooth service (BlueZ on D-Bus) is not running"
        ) from None
    except (BleakError, OSError) as exc:
        raise UserError(f"no usable Bluetooth adapter: {exc or type(exc).__name__}") from None
    found = [
        FoundDevice(
            address=dev.address,
            name=adv.local_name,
            rssi_dbm=adv.rssi,
            service_uuids=tuple(adv.service_uuids),
            profile=recognise(adv.local_name, adv.service_uuids, profiles),
        )
        for dev, adv in seen.values()
    ]
    return sorted(found, key=lambda d: (d.profile is None, -d.rssi_dbm))
