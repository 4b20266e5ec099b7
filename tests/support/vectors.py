"""Reference vectors: the shared copy (../shared/vectors next to the repository) and the bundled copy."""

from __future__ import annotations

import json

import pytest

from .paths import DATA, SHARED

COPIES = {"shared": SHARED / "vectors", "bundled": DATA / "vectors"}


NOT_BUNDLED = {"polar-ble-sdk.json"}
"""Vector files whose licence notice is not available to bundle: read from the shared copy only."""


def load(copy: str, name: str) -> dict:
    """One vector file from one copy; skips the test if that copy is not there."""
    if name in NOT_BUNDLED:
        copy = "shared"
    folder = COPIES[copy]
    if not (folder / name).is_file():
        pytest.skip(f"reference vectors {name} not found in {folder}")
    return json.loads((folder / name).read_text())


def rsc_cases(copy: str) -> list[dict]:
    """Every RSC measurement vector of every file, in one list."""
    cases = []
    for name in ("bluetooth-sig-python.json", "nordic-android-ble-common.json", "opentracks.json"):
        cases += load(copy, name)["vectors"]
    return cases + load(copy, "polar-ble-sdk.json")["rsc_vectors"]
