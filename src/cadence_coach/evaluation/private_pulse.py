"""A PulseAudio daemon of one test's or benchmark's own, that it can kill and start again.

Started as scripts/start-null-sink.sh starts the shared one (a null sink, no cookie, state in a folder of
its own), on the same socket each time, so clients find it where it was. Used by
tests/voice/test_audio_server_restart.py and benchmarks/faults.py (the sound server dies mid-session).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


class PrivatePulse:
    """A private PulseAudio daemon with a null sink :attr:`SINK`, in ``folder`` (module docstring).

    Clients reach it once the caller exports :attr:`env` (``PULSE_SERVER`` and the daemon's folders).
    """

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
