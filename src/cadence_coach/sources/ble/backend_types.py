"""Which bleak backend classes to use: the platform's own, or a custom pair such as the bumble one."""

from __future__ import annotations

from dataclasses import dataclass

from bleak.backends.client import BaseBleakClient
from bleak.backends.scanner import BaseBleakScanner


@dataclass(frozen=True, slots=True)
class BleakBackends:
    """The ``backend=`` classes to hand to ``BleakScanner`` and ``BleakClient``; None = the platform's."""

    scanner: type[BaseBleakScanner] | None = None
    client: type[BaseBleakClient] | None = None


PLATFORM = BleakBackends()
"""The platform's own bleak backends (BlueZ on Linux)."""
