"""Which bleak backend classes to use: the platform's own, or a custom pair such as the bumble one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bleak.backends.client import BaseBleakClient
from bleak.backends.scanner import BaseBleakScanner

if TYPE_CHECKING:
    from bleak import BleakScanner


@dataclass(frozen=True, slots=True)
class BleakBackends:
    """The ``backend=`` classes to hand to ``BleakScanner`` and ``BleakClient``; None = the platform's."""

    scanner: type[BaseBleakScanner] | None = None
    client: type[BaseBleakClient] | None = None

    def scanner_args(self) -> BleakScanner.ExtraArgs:
        """Keyword arguments for ``BleakScanner``'s class methods: ``backend=`` when one is set."""
        return {} if self.scanner is None else {"backend": self.scanner}


PLATFORM = BleakBackends()
"""The platform's own bleak backends (BlueZ on Linux)."""
