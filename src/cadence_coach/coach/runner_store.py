"""The runner's baseline kept between sessions: one small JSON file per runner.

Where: ``$XDG_DATA_HOME/cadence-coach/runners/NAME.json`` (``~/.local/share/cadence-coach/runners/``
when XDG_DATA_HOME is not set); the folder is a parameter, so tests never touch the real home. The
runner is ``--runner NAME`` on replay, run and demo (default "default").

Loaded when a session starts (the coach then knows the runner from the first step, gait/baseline.py),
written when it ends: this session's own figures merged into the saved ones, each weighted by the
steps behind it, the saved ones counting at most ``keep_steps`` so that the baseline follows the
runner over the weeks. Written atomically (a temporary file in the same folder, then renamed over the
old one), so a crash never leaves half a file. A file that cannot be read or makes no sense gives one
line of warning; the coach then starts from the population prior and the file is replaced at the end.

Format (``version`` 1): each figure is ``[value, steps]`` or absent::

    {"version": 1, "runner": "default", "updated": "2025-05-01T10:00:00+00:00", "sessions": 3,
     "cadence_at_3mps_spm": [171.2, 1840.0], "cadence_any_speed_spm": [170.4, 1900.0],
     "flat_strike_deg": [4.1, 900.0], "flat_impact_g": [9.3, 900.0]}
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

from ..atomic import atomic_open
from ..errors import UserError
from ..gait.baseline import Learned, SavedBaseline

VERSION = 1
DEFAULT_RUNNER = "default"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
KEYS = {  # SavedBaseline field -> key in the file, and the values that make sense
    "cadence_at_3mps": ("cadence_at_3mps_spm", (60.0, 300.0)),
    "cadence_any_speed": ("cadence_any_speed_spm", (60.0, 300.0)),
    "flat_strike_deg": ("flat_strike_deg", (-60.0, 60.0)),
    "flat_impact_g": ("flat_impact_g", (0.0, 100.0)),
}


def runners_folder(environ: dict[str, str] | None = None) -> Path:
    """The folder of the runners' files: under XDG_DATA_HOME, else ~/.local/share."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cadence-coach" / "runners"


def check_name(name: str) -> str:
    """``name`` if it can be a runner's file name (letters, digits, ``_ . -``), else UserError."""
    if not NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"runner name {name!r}: use letters, digits, '_', '.' or '-' (at most 64, not starting with "
            "'.' or '-')"
        )
    return name


class RunnerStore:
    """One runner's saved baseline.

    Args:
        name: the runner (checked: it becomes a file name).
        folder: where the runners' files are; None for :func:`runners_folder`.
        keep_steps: most steps the saved figures count for when this session's are merged in.
    """

    def __init__(
        self, name: str = DEFAULT_RUNNER, folder: Path | None = None, keep_steps: float = 3000.0
    ) -> None:
        self.name = check_name(name)
        self.path = (folder or runners_folder()) / f"{name}.json"
        self.keep_steps = keep_steps
        self.sessions = 0
        self.saved: SavedBaseline | None = None
        self.warning: str | None = None
        """Why the saved file was not used (one line), or None."""

    def load(self) -> SavedBaseline | None:
        """The saved baseline, or None when there is none yet or it is unusable (see ``warning``)."""
        self.saved, self.sessions, self.warning = None, 0, None
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.saved, self.sessions = _parse(data)
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
            reason = (
                exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            )
            self.warning = (
                f"runner baseline {self.path}: not usable ({reason}); starting from the population "
                "prior, the file is replaced at the end of the session"
            )
        return self.saved

    def save(self, session: SavedBaseline) -> Path:
        """Merge this session's figures into the loaded ones and write the file atomically.

        Raises:
            UserError: the folder cannot be created or written.
        """
        merged = {}
        for f in fields(SavedBaseline):
            old = getattr(self.saved, f.name) if self.saved else None
            merged[f.name] = _merge(old, getattr(session, f.name), self.keep_steps)
        data = {
            "version": VERSION,
            "runner": self.name,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "sessions": self.sessions + 1,
        }
        for field_name, (key, _) in KEYS.items():
            learned = merged[field_name]
            if learned is not None:
                data[key] = [round(learned.value, 3), round(learned.steps, 1)]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(self.path, what=f"runner baseline {self.path}", encoding="utf-8") as out:
                json.dump(data, out, indent=1)
                out.write("\n")
        except OSError as exc:
            raise UserError(f"runner baseline {self.path}: cannot write ({exc.strerror or exc})") from None
        self.saved, self.sessions = SavedBaseline(**merged), self.sessions + 1
        return self.path


def _merge(old: Learned | None, new: Learned | None, keep_steps: float) -> Learned | None:
    if new is None or new.steps <= 0:
        return old
    if old is None:
        return new
    w_old = min(old.steps, keep_steps)
    steps = w_old + new.steps
    return Learned((old.value * w_old + new.value * new.steps) / steps, steps)


def _parse(data: object) -> tuple[SavedBaseline, int]:
    """The saved baseline and session count in a file's JSON; ValueError if it makes no sense."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"not a version {VERSION} runner baseline")
    figures = {}
    for field_name, (key, (low, high)) in KEYS.items():
        entry = data.get(key)
        if entry is None:
            continue
        if not (
            isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, (int, float)) for v in entry)
        ):
            raise ValueError(f"{key} must be [value, steps]")
        value, steps = float(entry[0]), float(entry[1])
        if not (low <= value <= high and math.isfinite(steps) and steps >= 0):
            raise ValueError(f"{key} must be between {low:g} and {high:g} with steps >= 0")
        figures[field_name] = Learned(value, steps)
    sessions = data.get("sessions", 0)
    return SavedBaseline(**figures), int(sessions) if isinstance(sessions, int) else 0
