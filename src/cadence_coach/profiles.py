"""Firmware profiles: one TOML file per sensor family in firmware_profiles/ (see docs/profiles.md).

A profile says how to recognise a device, which characteristics carry its data, which decoder reads them,
its rates and ranges, its default placement and its start/stop commands. Every UUID is held in the
canonical 128-bit lower-case form (:func:`cadence_coach.uuids.expand_uuid`), whatever form the file uses.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from .datatypes import Placement
from .decoders import polar_pmd_control
from .errors import UserError
from .uuids import expand_uuid

PROFILE_DIR = Path(
    os.environ.get("CADENCE_COACH_PROFILES", Path(__file__).resolve().parents[2] / "firmware_profiles")
)
"""Where profiles are read from (override with the CADENCE_COACH_PROFILES environment variable)."""

CSV_IMPORT_PROFILE = "csv-import"
"""The ``profile`` of a sensor imported from a CSV file: no firmware profile file, no packets to decode
(its samples arrive as blocks)."""

CADENCE_COUNTS = ("both_feet", "one_foot")
"""Values of ``[rsc] cadence_counts``: what the pod's cadence field counts."""

_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}\s*)+$")

NAMED_COMMAND_BUILDERS: dict[str, Callable[[str, dict], bytes]] = {
    "polar_pmd": lambda name, raw: polar_pmd_control.build_command(name, raw.get("pmd", {})),
}
"""Per decoder: builds a named command (e.g. ``"start acc"``) from the profile's tables."""

MATCH_SERVICE = 1
MATCH_NAME = 2


@dataclass(frozen=True, slots=True)
class Profile:
    """One firmware profile (the parsed TOML file; ``raw`` keeps every table for decoders).

    Attributes:
        name: profile name (the file name without .toml).
        description: one line for people.
        decoder: stream decoder name (a key of ``streams.STREAMS``).
        default_placement: where the sensor is worn unless the user says otherwise.
        characteristics: role (``data``, ``control``, ``feature``...) to characteristic UUID.
        raw: the whole TOML document.
        services: advertised service UUIDs that identify this family when scanning.
        name_patterns: shell-style patterns (``*``, ``?``) on the advertised name, case-insensitive.
        service: the GATT service holding the characteristics.
        start_commands: bytes to write to the ``control`` characteristic, in order, to start streaming.
        stop_commands: bytes to write to stop streaming.
    """

    name: str
    description: str
    decoder: str
    default_placement: Placement
    characteristics: dict[str, str]
    raw: dict = field(repr=False, default_factory=dict)
    services: tuple[str, ...] = ()
    name_patterns: tuple[str, ...] = ()
    service: str = ""
    start_commands: tuple[bytes, ...] = ()
    stop_commands: tuple[bytes, ...] = ()

    @property
    def data_characteristics(self) -> tuple[str, ...]:
        """UUIDs of the characteristics whose notifications carry sensor data."""
        return tuple(v for k, v in self.characteristics.items() if k not in ("control", "feature"))

    def match_score(self, name: str | None, service_uuids: Iterable[str]) -> int:
        """How well an advertisement fits: 0 not at all, +1 an identifying service, +2 the name."""
        score = 0
        advertised = {_canonical_or_none(u) for u in service_uuids}
        if advertised.intersection(self.services):
            score += MATCH_SERVICE
        if name and any(fnmatchcase(name.lower(), p.lower()) for p in self.name_patterns):
            score += MATCH_NAME
        return score

    def matches(self, name: str | None, service_uuids: Iterable[str]) -> bool:
        """True if a device advertising ``name`` and ``service_uuids`` belongs to this family."""
        return self.match_score(name, service_uuids) > 0


def _canonical_or_none(value: str) -> str | None:
    try:
        return expand_uuid(value)
    except ValueError:
        return None


def _uuid(path: Path, value: object) -> str:
    try:
        return expand_uuid(value if isinstance(value, int) else str(value))
    except ValueError as exc:
        raise UserError(f"{path}: malformed firmware profile ({exc})") from None


def _commands(path: Path, raw: dict, kind: str) -> tuple[bytes, ...]:
    entries = raw.get("commands", {}).get(kind, [])
    if isinstance(entries, str):
        entries = [entries]
    out = []
    for entry in entries:
        if _HEX.match(entry):
            out.append(bytes.fromhex(entry))
            continue
        builder = NAMED_COMMAND_BUILDERS.get(raw["decoder"])
        if builder is None:
            raise UserError(
                f"{path}: malformed firmware profile (command {entry!r} is not hex and decoder "
                f"{raw['decoder']!r} has no named commands)"
            )
        try:
            out.append(builder(entry, raw))
        except ValueError as exc:
            raise UserError(f"{path}: malformed firmware profile (command {entry!r}: {exc})") from None
    return tuple(out)


def load_profile(name: str, profile_dir: Path = PROFILE_DIR) -> Profile:
    """The profile named ``name`` in ``profile_dir``; :class:`UserError` if there is none or it is
    malformed."""
    path = profile_dir / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in profile_dir.glob("*.toml")))
        raise UserError(f"unknown firmware profile {name!r} (known: {known})")
    try:
        raw = tomllib.loads(path.read_text())
        match = raw.get("match", {})
        services = tuple(_uuid(path, u) for u in match.get("services", []))
        cadence_counts = raw.get("rsc", {}).get("cadence_counts", "both_feet")
        if cadence_counts not in CADENCE_COUNTS:
            raise ValueError(f"rsc.cadence_counts must be one of {', '.join(CADENCE_COUNTS)}")
        return Profile(
            name=raw["name"],
            description=raw.get("description", ""),
            decoder=raw["decoder"],
            default_placement=Placement(raw.get("default_placement", "foot")),
            characteristics={k: _uuid(path, v) for k, v in raw.get("characteristics", {}).items()},
            raw=raw,
            services=services,
            name_patterns=tuple(str(p) for p in match.get("name_patterns", [])),
            service=_uuid(path, raw["service"]) if "service" in raw else (services[0] if services else ""),
            start_commands=_commands(path, raw, "start"),
            stop_commands=_commands(path, raw, "stop"),
        )
    except (tomllib.TOMLDecodeError, KeyError, ValueError, TypeError) as exc:
        raise UserError(f"{path}: malformed firmware profile ({exc})") from None


def all_profiles() -> list[Profile]:
    """Every profile in :data:`PROFILE_DIR`, by name."""
    return [load_profile(p.stem) for p in sorted(PROFILE_DIR.glob("*.toml"))]


def profiles_for_device(name: str | None, service_uuids: Iterable[str]) -> list[Profile]:
    """The profiles an advertisement matches, best match first (for scanning)."""
    uuids = list(service_uuids)
    scored = [(p.match_score(name, uuids), p) for p in all_profiles()]
    return [p for score, p in sorted(scored, key=lambda sp: -sp[0]) if score > 0]
