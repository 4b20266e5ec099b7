"""GATT UUIDs in one canonical form: 128-bit, lower case, with hyphens.

Bluetooth SIG 16- and 32-bit UUIDs (``0x2A53``, ``"180d"``) are shorthands for 128-bit UUIDs built on the
Bluetooth base UUID ``0000xxxx-0000-1000-8000-00805f9b34fb``. Profiles, packets and recordings always
carry the 128-bit form so that UUIDs compare as plain strings.
"""

from __future__ import annotations

import uuid

BASE_UUID_SUFFIX = "-0000-1000-8000-00805f9b34fb"
"""The Bluetooth base UUID after its first 32 bits."""


def sig_uuid(short: int) -> str:
    """The 128-bit form of a 16- or 32-bit SIG UUID, e.g. ``sig_uuid(0x2A53)``."""
    if not 0 <= short <= 0xFFFFFFFF:
        raise ValueError(f"SIG UUID {short:#x} does not fit in 32 bits")
    return f"{short:08x}{BASE_UUID_SUFFIX}"


def expand_uuid(value: str | int) -> str:
    """Canonical 128-bit form of a UUID given as an int, ``"0x2a53"``, ``"2A53"``, 8 hex digits or 128 bits.

    Raises ValueError if ``value`` is none of these.
    """
    if isinstance(value, int):
        return sig_uuid(value)
    text = value.strip().lower()
    short = text[2:] if text.startswith("0x") else text
    if len(short) in (4, 8) and all(c in "0123456789abcdef" for c in short):
        return sig_uuid(int(short, 16))
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(f"not a UUID: {value!r}") from None
