"""Firmware profiles: one TOML file per sensor family in firmware_profiles/ (see docs/profiles.md).

A profile says how to recognise a device, which characteristics carry its data, which decoder reads them,
its rates and ranges, its default placement and its start/stop commands.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .datatypes import Placement
from .errors import UserError

PROFILE_DIR = Path(
    os.environ.get("CADENCE_COACH_PROFILES", Path(__file__).resolve().parents[2] / "firmware_profiles")
)
"""Where profiles are read from (override with the CADENCE_COACH_PROFILES environment variable)."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One firmware profile (the parsed TOML file; ``raw`` keeps every table for decoders)."""

    name: str
    description: str
    decoder: str
    default_placement: Placement
    characteristics: dict[str, str]
    raw: dict = field(repr=False, default_factory=dict)

    @property
    def data_characteristics(self) -> tuple[str, ...]:
        """UUIDs of the characteristics whose notifications carry sensor data."""
        return tuple(v for k, v in self.characteristics.items() if k not in ("control", "feature"))


def load_profile(name: str) -> Profile:
    """The profile named ``name``; :class:`UserError` if there is none or it is malformed."""
    path = PROFILE_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
        raise UserError(f"unknown firmware profile {name!r} (known: {known})")
    try:
        raw = tomllib.loads(path.read_text())
        return Profile(
            name=raw["name"],
            description=raw.get("description", ""),
            decoder=raw["decoder"],
            default_placement=Placement(raw.get("default_placement", "foot")),
            characteristics={k: str(v).lower() for k, v in raw.get("characteristics", {}).items()},
            raw=raw,
        )
    except (tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise UserError(f"{path}: malformed firmware profile ({exc})") from None


def all_profiles() -> list[Profile]:
    """Every profile in :data:`PROFILE_DIR`, by name."""
    return [load_profile(p.stem) for p in sorted(PROFILE_DIR.glob("*.toml"))]


def matches(profile: Profile, name: str | None, service_uuids: list[str] | tuple[str, ...]) -> bool:
    """True if an advertisement (local name, advertised service UUIDs) fits the profile's [match] table.

    A device matches when it advertises one of the profile's services, or its name fits one of the
    profile's shell-style ``name_patterns`` (case-sensitive). 16-bit UUIDs such as ``"1814"`` compare
    equal to their 128-bit Bluetooth base form.
    """
    match = profile.raw.get("match", {})
    wanted = {full_uuid(u) for u in match.get("services", ())}
    if wanted & {full_uuid(u) for u in service_uuids}:
        return True
    return bool(name) and any(fnmatch.fnmatchcase(name, p) for p in match.get("name_patterns", ()))


def full_uuid(uuid: str) -> str:
    """A UUID in lower-case 128-bit form; 16- and 32-bit short forms are expanded on the Bluetooth base."""
    u = uuid.strip().lower()
    if len(u) in (4, 8):
        return f"{u:0>8}-0000-1000-8000-00805f9b34fb"
    return u
