"""Reference vectors: the shared copy (../shared/vectors next to the repository) and the bundled copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "vectors"
BUNDLED = Path(__file__).resolve().parent / "data" / "vectors"
COPIES = {"shared": SHARED, "bundled": BUNDLED}


def load(copy: str, name: str) -> dict:
    """One vector file from one copy; skips the test if the shared folder is absent."""
    folder = COPIES[copy]
    if copy == "shared" and not folder.is_dir():
        pytest.skip(f"shared reference vectors not found at {folder} (the bundled copy is still tested)")
    return json.loads((folder / name).read_text())


def rsc_cases(copy: str) -> list[dict]:
    """Every RSC measurement vector of every file, in one list."""
    cases = []
    for name in ("bluetooth-sig-python.json", "nordic-android-ble-common.json", "opentracks.json"):
        cases += load(copy, name)["vectors"]
    return cases + load(copy, "polar-ble-sdk.json")["rsc_vectors"]
