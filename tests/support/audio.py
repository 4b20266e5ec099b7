"""Shared checks for tests that need the audio stack (espeak-ng, PortAudio, the null sink)."""

from __future__ import annotations

import os

import pytest


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, except in CI (``CI=true``) where the stack is installed: fail."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the audio stack must be available)")
    pytest.skip(reason)


def speech_engine_error() -> str | None:
    """Why pyttsx3 with espeak-ng cannot start here, or None if it can."""
    try:
        import pyttsx3

        pyttsx3.init()
    except Exception as exc:  # noqa: BLE001 - any failure means no speech engine
        return f"{type(exc).__name__}: {exc}"
    return None
