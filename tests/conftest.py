"""Fixtures shared by the test folders. Helpers imported by name live in tests/support/ (paths, synthetic
recordings and steps, reference vectors, the command line, replay, audio checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadence_coach.datatypes import RawPacket
from cadence_coach.gait import kernels
from tests.support.recordings import write_recording


@pytest.fixture(scope="session")
def standing_recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[RawPacket]]:
    """A 2 s recording of one standing foot sensor (open IMU, 400 Hz) and the packets in it; read only."""
    path = tmp_path_factory.mktemp("recordings") / "standing.ccrec"
    return path, write_recording(path, 2.0)


@pytest.fixture(scope="session")
def compiled_gait_kernels() -> None:
    """Compile the gait kernels before a simulated radio runs in the event loop (as `run` and `bench`
    do): compiling stalls the loop, and the in-process BLE stack would see its commands time out."""
    kernels.compile_all()


@pytest.fixture(autouse=True)
def runners_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's user data folder (the runners' saved baselines) is a fresh temporary one, never the
    real home: replay, run and demo save the runner's baseline at the end of a session."""
    data = tmp_path_factory.mktemp("xdg-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data
