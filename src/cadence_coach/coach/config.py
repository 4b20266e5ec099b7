"""Coach configuration: thresholds, cues (on/off, text, priority), schedule and voice settings.

A TOML file overrides any subset of the defaults; with no file every default applies. Every key and its
default is listed in config/coach.example.toml and explained in docs/coach-config.md. Unknown sections
or keys and values of the wrong type or range raise :class:`~cadence_coach.errors.UserError` with one
line naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..errors import UserError, file_errors
from ..gait.strike import STRIKE_HEEL_DEG

DEFAULT_CUES: dict[str, tuple[str, int]] = {
    "ease_off": ("Ease off, control the pace", 50),
    "shorten_stride": ("Shorten your stride", 40),
    "quick_feet": ("Quick feet", 40),
    "land_midfoot": ("Land midfoot", 40),
    "lean_from_ankles": ("Lean from the ankles", 30),
    "eyes_up": ("Eyes up", 20),
    "arms_low": ("Relax, arms low", 10),
    "good_form": ("Good, keep that", 5),
}
"""Cue id -> (default spoken text, default priority; higher wins when cues compete)."""

CONFIRMATION_CUE = "good_form"
"""The short confirmation spoken once a cued fault is corrected."""


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """What the voice stage needs: language (e.g. "en"), voice name ("" = system default), volume 0..1."""

    language: str = "en"
    voice: str = ""
    volume: float = 1.0


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """The no-nagging schedule (docs/coaching.md).

    min_gap_s: at least this long between any two cues, s. cooldown_s: the same fault is cued at most
    once per this long, s. fade_after_steps: steps without the fault after its cue that count as
    corrected. fade_factor: a corrected fault's cooldown is multiplied by this. max_cooldown_s: the
    cooldown never grows beyond this, s. confirmations: say "Good, keep that" once a cued fault is
    corrected. confirmation_gap_s: at least this long between two confirmations, s. new_episode_s: a
    fault that returns after being absent this long is a new episode, cued without waiting for its
    cooldown, s. speak_on_flats: allow the terrain-independent cues (eyes_up) outside descents.
    reminder_quiet_s: a reminder (ease_off, arms_low) waits until no fault has been present this long, s.
    """

    min_gap_s: float = 20.0
    cooldown_s: float = 30.0
    fade_after_steps: int = 12
    fade_factor: float = 2.0
    max_cooldown_s: float = 240.0
    confirmations: bool = False
    confirmation_gap_s: float = 60.0
    new_episode_s: float = 6.0
    speak_on_flats: bool = False
    reminder_quiet_s: float = 30.0


@dataclass(frozen=True, slots=True)
class BaselineSettings:
    """How the runner's usual cadence and landing are learned (gait/baseline.py).

    prior_steps: steps the population cadence prior (165 steps/min at 3 m/s) is worth; 0 = no prior.
    saved_cap_steps: most steps the runner's saved baseline from earlier sessions is worth.
    window_steps: this session's steps fade over about this many steps. delay_s: a step is learned
    this long after it was run, if nothing looked like overstriding meanwhile, s. flat_grade_pct:
    |grade| below this counts as flat ground, %. recent_steps: learned steps the runner's current
    landing (strike angle, impact) is taken over. trust_steps: the runner's own steps (saved and this
    session) needed before steps that look like overstriding are kept out of the baseline.
    """

    prior_steps: float = 5.0
    saved_cap_steps: float = 300.0
    window_steps: int = 600
    delay_s: float = 3.0
    flat_grade_pct: float = 1.5
    recent_steps: int = 30
    trust_steps: float = 20.0


@dataclass(frozen=True, slots=True)
class DescentSettings:
    """Descent detection with hysteresis (coach/descent.py), grades in %, times in s.

    Enter once the grade has been below enter_grade_pct by enter_evidence_pp_s percentage-point seconds
    (a cumulative sum that never goes below zero: 8 s at -2 %, 1.6 s at -4 %, 0.5 s at -10 %); a step
    counts at least first_step_s and at most max_step_s. enter_grade_pct is the sum's reference value,
    halfway between the exit grade (-1 %, not a descent) and the grade a descent has (-2 %, COACHING.md),
    so a -2 % descent adds up and a -1 % stretch does not. Leave when the grade stays > exit_grade_pct
    for exit_hold_s. Bands: gentle down to moderate_grade_pct, moderate down to steep_grade_pct, steep
    below.
    """

    enter_grade_pct: float = -1.5
    enter_evidence_pp_s: float = 4.0
    first_step_s: float = 0.3
    max_step_s: float = 1.0
    exit_grade_pct: float = -1.0
    exit_hold_s: float = 2.0
    moderate_grade_pct: float = -5.0
    steep_grade_pct: float = -10.0


@dataclass(frozen=True, slots=True)
class OverstrideSettings:
    """Overstride on a descent: cadence well below the runner's usual AND a harder landing.

    cadence_target_pct: the cadence asked for is the usual at this speed + this, %. cadence_drop_pct:
    the cadence must be at least this far below the usual at this speed, %, and at least
    cadence_drop_sd standard deviations of that usual (wide while it rests on the population prior).
    heel_strike_deg: strike angle above this is a heel strike, deg; it counts when it is also
    strike_rise_deg above how this runner has been landing. strike_hysteresis_deg: once flagged, the
    angle must fall this far below heel_strike_deg to clear, deg. impact_over_pct: impact this far over
    the expected counts too, %; the expected is the flat impact raised by impact_rise_per_grade_pct
    per % of downhill grade (impact rises downhill even with good form: +54 % at -16 %, Gottschall &
    Kram 2005), or the recent impact before any flat one is known. stride_over_pct: a stride this far
    over the usual stride at this speed is reported (it is the cadence deficit seen as a length).
    confirm_steps, confirm_s: the condition must hold on this many consecutive steps, spanning at least
    this long (s), before a cue: 3 steps with both feet, 2 strides with one foot's sensor.
    """

    cadence_target_pct: float = 5.0
    cadence_drop_pct: float = 3.0
    cadence_drop_sd: float = 1.5
    heel_strike_deg: float = STRIKE_HEEL_DEG
    strike_rise_deg: float = 3.0
    strike_hysteresis_deg: float = 4.0
    impact_over_pct: float = 25.0
    impact_rise_per_grade_pct: float = 3.4
    stride_over_pct: float = 3.0
    confirm_steps: int = 2
    confirm_s: float = 0.6


@dataclass(frozen=True, slots=True)
class EyesUpSettings:
    """Head pitch (or trunk flexion) more than pitch_down_deg held for longer than hold_s.

    hysteresis_deg: the hold only restarts once the pitch falls this far below the threshold.
    """

    pitch_down_deg: float = 20.0
    hold_s: float = 3.0
    hysteresis_deg: float = 3.0


@dataclass(frozen=True, slots=True)
class LeanSettings:
    """Leaning back on a descent: trunk more than behind_slope_deg behind the slope-matched forward lean
    (atan of the grade) for longer than hold_s. pitch_sensor: "trunk", or "head" (then this rule is off,
    since head pitch says nothing about trunk lean).
    """

    behind_slope_deg: float = 5.0
    hold_s: float = 3.0
    pitch_sensor: str = "trunk"


@dataclass(frozen=True, slots=True)
class ArmsLowSettings:
    """Reminder after after_s on one descent, repeated at most every every_s, s."""

    after_s: float = 90.0
    every_s: float = 300.0


@dataclass(frozen=True, slots=True)
class EaseOffSettings:
    """Steep grade (< steep_grade_pct held hold_s) or a speed surge on a descent.

    Surge: speed up more than surge_pct over surge_window_s while the grade is <= surge_grade_pct and
    the whole window was on the descent, starting at least settle_s into it (the speed-up into a
    descent is not a surge). A reminder: repeated at most every every_s while it holds. The steep grade
    must hold for hold_s (a sustained steep descent; the first seconds of a descent belong to the form
    check, whose cues a reminder would hold back by the global gap). Grades in %, times in s.
    """

    steep_grade_pct: float = -10.0
    hold_s: float = 30.0
    surge_pct: float = 12.0
    surge_window_s: float = 30.0
    settle_s: float = 20.0
    surge_grade_pct: float = -5.0
    every_s: float = 300.0


@dataclass(frozen=True, slots=True)
class CueSettings:
    """One cue: whether it may be spoken, its text and its priority (higher wins)."""

    enabled: bool
    text: str
    priority: int


def _default_cues() -> dict[str, CueSettings]:
    return {cid: CueSettings(True, text, prio) for cid, (text, prio) in DEFAULT_CUES.items()}


@dataclass(frozen=True, slots=True)
class CoachConfig:
    """Everything the coach and its voice are configured with; defaults need no file."""

    voice: VoiceSettings = field(default_factory=VoiceSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    baseline: BaselineSettings = field(default_factory=BaselineSettings)
    descent: DescentSettings = field(default_factory=DescentSettings)
    overstride: OverstrideSettings = field(default_factory=OverstrideSettings)
    eyes_up: EyesUpSettings = field(default_factory=EyesUpSettings)
    lean_from_ankles: LeanSettings = field(default_factory=LeanSettings)
    arms_low: ArmsLowSettings = field(default_factory=ArmsLowSettings)
    ease_off: EaseOffSettings = field(default_factory=EaseOffSettings)
    cues: dict[str, CueSettings] = field(default_factory=_default_cues)

    def cue_enabled(self, cue_id: str) -> bool:
        """True if ``cue_id`` may be spoken."""
        return self.cues[cue_id].enabled


_SECTIONS = (
    "voice",
    "schedule",
    "baseline",
    "descent",
    "overstride",
    "eyes_up",
    "lean_from_ankles",
    "arms_low",
    "ease_off",
)


def load_config(path: str | Path | None) -> CoachConfig:
    """The configuration in the TOML file at ``path``, or the defaults if ``path`` is None.

    Raises:
        UserError: the file is missing, unreadable, not UTF-8, not TOML, or has an unknown key or a bad
            value.
    """
    if path is None:
        return CoachConfig()
    path = Path(path)
    with file_errors(path, "the coach config"):
        raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"coach config {path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    return config_from_toml(text, str(path))


def config_from_toml(text: str, source: str = "<string>") -> CoachConfig:
    """Parse configuration TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"coach config {source}: not valid TOML ({exc})") from None
    defaults = CoachConfig()
    overrides: dict[str, Any] = {}
    for section, table in data.items():
        if section == "cues":
            overrides["cues"] = _parse_cues(table, defaults.cues, source)
        elif section in _SECTIONS:
            overrides[section] = _parse_section(getattr(defaults, section), table, section, source)
        else:
            raise UserError(f"coach config {source}: unknown section [{section}]")
    config = replace(defaults, **overrides)
    _check_ranges(config, source)
    return config


def _parse_section(default: Any, table: Any, name: str, source: str) -> Any:
    if not isinstance(table, dict):
        raise UserError(f"coach config {source}: [{name}] must be a table")
    known = {f.name: f for f in fields(default)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise UserError(f"coach config {source}: unknown key {key!r} in [{name}]")
        values[key] = _typed(value, type(getattr(default, key)), f"{name}.{key}", source)
    return replace(default, **values)


def _parse_cues(table: Any, defaults: dict[str, CueSettings], source: str) -> dict[str, CueSettings]:
    if not isinstance(table, dict):
        raise UserError(f"coach config {source}: [cues] must be a table")
    cues = dict(defaults)
    for cue_id, entry in table.items():
        if cue_id not in cues:
            raise UserError(f"coach config {source}: unknown cue [cues.{cue_id}] (known: {', '.join(cues)})")
        cues[cue_id] = _parse_section(cues[cue_id], entry, f"cues.{cue_id}", source)
        if not cues[cue_id].text.strip():
            raise UserError(f"coach config {source}: cues.{cue_id}.text must not be empty")
    return cues


def _typed(value: Any, kind: type[Any], key: str, source: str) -> Any:
    """``value`` checked against the default's type (an int is accepted for a float)."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        raise UserError(f"coach config {source}: {key} must be {kind.__name__}, not {type(value).__name__}")
    if kind is float and not math.isfinite(value):
        raise UserError(f"coach config {source}: {key} must be a finite number")
    return value


_Need = Callable[[bool, str, str], None]
"""need(ok, key, what): raises a UserError naming ``key`` and what it must be unless ``ok``."""


def _check_ranges(c: CoachConfig, source: str) -> None:
    def need(ok: bool, key: str, what: str) -> None:
        if not ok:
            raise UserError(f"coach config {source}: {key} must be {what}")

    need(0.0 <= c.voice.volume <= 1.0, "voice.volume", "between 0 and 1")
    need(bool(c.voice.language.strip()), "voice.language", 'a language code such as "en"')
    s = c.schedule
    for key in (
        "min_gap_s",
        "cooldown_s",
        "max_cooldown_s",
        "confirmation_gap_s",
        "new_episode_s",
        "reminder_quiet_s",
    ):
        need(getattr(s, key) >= 0, f"schedule.{key}", ">= 0")
    need(s.fade_after_steps >= 1, "schedule.fade_after_steps", ">= 1")
    need(s.fade_factor >= 1.0, "schedule.fade_factor", ">= 1")
    b = c.baseline
    need(b.flat_grade_pct > 0, "baseline.flat_grade_pct", "> 0")
    need(b.prior_steps >= 0 and b.saved_cap_steps >= 0, "baseline.prior_steps and saved_cap_steps", ">= 0")
    need(b.window_steps >= 1 and b.recent_steps >= 1, "baseline.window_steps and recent_steps", ">= 1")
    need(b.delay_s >= 0 and b.trust_steps >= 0, "baseline.delay_s and trust_steps", ">= 0")
    _check_descent(c.descent, need)
    _check_rules(c, need)


def _check_descent(d: DescentSettings, need: _Need) -> None:
    """The descent detector's ranges (grades in %, evidence in pp s, times in s)."""
    need(d.enter_grade_pct < 0, "descent.enter_grade_pct", "< 0")
    need(
        d.enter_grade_pct < d.exit_grade_pct <= 0,
        "descent.exit_grade_pct",
        "above descent.enter_grade_pct and <= 0",
    )
    need(
        d.steep_grade_pct < d.moderate_grade_pct <= d.enter_grade_pct,
        "descent.moderate_grade_pct",
        "between descent.steep_grade_pct and descent.enter_grade_pct",
    )
    need(
        d.enter_evidence_pp_s >= 0 and d.exit_hold_s >= 0,
        "descent.enter_evidence_pp_s and exit_hold_s",
        ">= 0",
    )
    need(d.first_step_s >= 0 and d.max_step_s > 0, "descent.first_step_s and max_step_s", ">= 0 and > 0")


def _check_rules(c: CoachConfig, need: _Need) -> None:
    """The rules' ranges (percent, degrees, g and s as in their settings)."""
    o = c.overstride
    need(o.confirm_steps >= 1 and o.confirm_s >= 0, "overstride.confirm_steps and confirm_s", ">= 1 and >= 0")
    for key in (
        "cadence_target_pct",
        "cadence_drop_pct",
        "cadence_drop_sd",
        "strike_rise_deg",
        "strike_hysteresis_deg",
        "impact_over_pct",
        "impact_rise_per_grade_pct",
        "stride_over_pct",
    ):
        need(getattr(o, key) >= 0, f"overstride.{key}", ">= 0")
    need(o.heel_strike_deg > 0, "overstride.heel_strike_deg", "> 0")
    need(c.eyes_up.hold_s >= 0 and c.eyes_up.hysteresis_deg >= 0, "eyes_up.hold_s and hysteresis_deg", ">= 0")
    need(
        c.lean_from_ankles.pitch_sensor in ("trunk", "head"),
        "lean_from_ankles.pitch_sensor",
        '"trunk" or "head"',
    )
    need(c.lean_from_ankles.hold_s >= 0, "lean_from_ankles.hold_s", ">= 0")
    need(c.arms_low.after_s >= 0 and c.arms_low.every_s > 0, "arms_low.after_s and every_s", ">= 0 and > 0")
    e = c.ease_off
    need(
        e.steep_grade_pct < 0 and e.surge_grade_pct < 0, "ease_off.steep_grade_pct and surge_grade_pct", "< 0"
    )
    need(e.hold_s >= 0, "ease_off.hold_s", ">= 0")
    need(
        e.surge_window_s > 0 and e.surge_pct > 0 and e.every_s > 0,
        "ease_off.surge_window_s, surge_pct, every_s",
        "> 0",
    )
    need(e.settle_s >= 0, "ease_off.settle_s", ">= 0")
