"""Shared checks for tests that need the audio stack (espeak-ng, PortAudio, the null sink)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

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


class PrivatePulse:
    """A PulseAudio daemon of one test's own, with a null sink, that the test can kill and start again
    (the same socket, so clients find it where it was). Started as scripts/start-null-sink.sh starts
    the shared one; its socket is exported by the caller (``env``)."""

    SINK = "fault_null"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {
            "PULSE_RUNTIME_PATH": str(folder / "pulse"),
            "PULSE_STATE_PATH": str(folder / "state"),
            "PULSE_COOKIE": str(folder / "cookie"),
            "PULSE_SERVER": f"unix:{folder / 'pulse' / 'native'}",
        }

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the daemon and wait until its null sink is the default; RuntimeError if it does not."""
        env = {**os.environ, **self.env, "HOME": str(self.folder)}
        subprocess.run(
            [
                "pulseaudio",
                "--daemonize=yes",
                "--system=false",
                "--exit-idle-time=-1",
                "-n",
                "--use-pid-file=yes",
                f"--log-target=file:{self.folder / 'pulseaudio.log'}",
                "--load=module-native-protocol-unix auth-anonymous=1 auth-cookie-enabled=0",
                f"--load=module-null-sink sink_name={self.SINK} rate=48000",
            ],
            env=env,
            check=False,
            capture_output=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready = subprocess.run(["pactl", "set-default-sink", self.SINK], env=env, capture_output=True)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PulseAudio did not start (log: {self.folder / 'pulseaudio.log'})")

    def kill(self) -> None:
        """Kill the daemon at once (SIGKILL), as a crash would."""
        pid = int((self.folder / "pulse" / "pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.02)
        (self.folder / "pulse" / "pid").unlink(missing_ok=True)
