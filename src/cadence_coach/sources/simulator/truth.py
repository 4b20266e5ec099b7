"""Ground truth: the sidecar JSON written next to a simulated recording, and its loader.

Layout (``<recording>.truth.json``)::

    {"scenario", "seed", "rate_hz", "duration_s", "options",
     "sensors": [{"side", "placement", "mounting" (3x3, sensor axes as columns in the foot frame),
                  "position_m", "acc_bias_mps2", "gyro_bias_radps", "clock_drift_ppm", ...}],
     "steps": [{"t_ic_s", "t_to_s", "side", "step_time_s", "cadence_spm", "contact_s", "flight_s",
                "strike_angle_deg", "strike", "impact_g", "stride_m", "speed_mps", "grade_pct",
                "distance_m", "activity", "overstride", "episode"}, ...],   # every foot, time order
     "episodes": [{"id", "kind": "overstride", "t_start_s", "t_end_s"}],
     "grade": [[t_s, distance_m, grade_pct, altitude_m], ...]}              # 1 Hz
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...atomic import atomic_open
from ...datatypes import GRAVITY, STRIKE_FORE_DEG, STRIKE_HEEL_DEG
from ...errors import UserError
from .course import Course
from .foot import INSTEP, FootTrajectory
from .runner import StepPlan

TRUTH_SUFFIX = ".truth.json"
STEP_FIELDS = (
    "t_ic_s",
    "t_to_s",
    "side",
    "step_time_s",
    "cadence_spm",
    "contact_s",
    "flight_s",
    "strike_angle_deg",
    "strike",
    "impact_g",
    "stride_m",
    "speed_mps",
    "grade_pct",
    "distance_m",
    "activity",
    "overstride",
    "episode",
)


def truth_path(recording: str | os.PathLike) -> Path:
    """Where the sidecar of a recording goes: the recording's name + ``.truth.json``."""
    return Path(str(recording) + TRUTH_SUFFIX)


def strike_class(angle_deg: np.ndarray) -> np.ndarray:
    """Strike class names by strike angle (degrees), the limits of :func:`~cadence_coach.datatypes.strike_class`."""
    return np.where(angle_deg > STRIKE_HEEL_DEG, "heel", np.where(angle_deg < STRIKE_FORE_DEG, "fore", "mid"))


@dataclass
class Truth:
    """A loaded sidecar.

    Attributes:
        meta: scenario, seed, rate_hz, duration_s, options, sensors (as in the file).
        steps: one numpy array per step field (``episode`` is -1 for none; ``side``, ``strike`` and
            ``activity`` are string arrays).
        episodes: list of {id, kind, t_start_s, t_end_s}.
        grade: (n, 4) array of [t_s, distance_m, grade_pct, altitude_m] at 1 Hz.
    """

    meta: dict
    steps: dict[str, np.ndarray]
    episodes: list[dict]
    grade: np.ndarray

    def steps_of(self, side: str) -> dict[str, np.ndarray]:
        """The steps of one foot ("left" or "right")."""
        keep = self.steps["side"] == side
        return {k: v[keep] for k, v in self.steps.items()}


def write_truth(path: str | os.PathLike, truth: dict) -> None:
    """Write a sidecar (refuses to overwrite; atomically: whole or not at all)."""
    with atomic_open(path, "w", "the truth file", exclusive=True) as f:
        json.dump(truth, f, separators=(",", ":"))


def load_truth(path: str | os.PathLike) -> Truth:
    """Load a sidecar (the recording's path or the sidecar's own). :class:`UserError` if unreadable."""
    p = Path(path)
    if not p.name.endswith(TRUTH_SUFFIX):
        p = truth_path(p)
    try:
        d = json.loads(p.read_text())
        rows = d["steps"]
        steps = {}
        for name in STEP_FIELDS:
            values = [r[name] for r in rows]
            if name == "episode":
                steps[name] = np.array([-1 if v is None else v for v in values], dtype=int)
            elif name in ("side", "strike", "activity"):
                steps[name] = np.array(values, dtype=str)
            elif name == "overstride":
                steps[name] = np.array(values, dtype=bool)
            else:
                steps[name] = np.array(values, dtype=float)
        grade = np.array(d["grade"], dtype=float).reshape(-1, 4)
        meta = {k: v for k, v in d.items() if k not in ("steps", "episodes", "grade")}
        return Truth(meta, steps, list(d["episodes"]), grade)
    except FileNotFoundError:
        raise UserError(f"{p}: no such ground-truth file") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{p}: not a simulator ground-truth file ({exc})") from None


def build_steps(
    plan: StepPlan, course: Course, feet: tuple[FootTrajectory, FootTrajectory], end_s: float
) -> list[dict]:
    """One truth record per initial contact (both feet) from 0 to ``end_s``, in time order.

    ``impact_g`` is measured on the noise-free kinematics: the peak specific-force magnitude at the
    nominal sensor point within 50 ms after contact. ``stride_m`` is the 3-D distance between this
    foot's consecutive flat-foot positions; ``speed_mps`` is that stride over its stride time (the
    planned speed for each foot's first step from standing).
    """
    n = len(plan)
    t_to = plan.t_ic_s + plan.contact_s
    flight = np.maximum(np.append(plan.t_ic_s[1:], np.inf)[:n] - t_to, 0.0)
    stride = np.zeros(n)
    speed = plan.speed_mps.copy()
    impact = np.zeros(n)
    grid = np.arange(0.0, 0.05, 0.00025)
    for side in (0, 1):
        idx = np.flatnonzero(plan.side == side)
        x = plan.heel_x_m[idx]
        prev_x = np.concatenate(([0.0], x[:-1]))
        stride[idx] = np.hypot(x - prev_x, course.altitude_at(x) - course.altitude_at(prev_x))
        stride_time = np.diff(plan.t_ic_s[idx])
        speed[idx[1:]] = stride[idx[1:]] / stride_time
        shown = idx[plan.t_ic_s[idx] <= end_s]
        times = (plan.t_ic_s[shown][:, None] + grid).ravel()
        force = feet[side].motion(times, INSTEP).specific_force()
        impact[shown] = np.linalg.norm(force, axis=1).reshape(shown.size, grid.size).max(axis=1) / GRAVITY
    keep = np.flatnonzero((plan.t_ic_s >= 0) & (plan.t_ic_s <= end_s))
    strike = strike_class(plan.strike_angle_deg)
    rows = []
    for i in keep:
        rows.append(
            {
                "t_ic_s": round(float(plan.t_ic_s[i]), 6),
                "t_to_s": round(float(t_to[i]), 6),
                "side": "left" if plan.side[i] == 0 else "right",
                "step_time_s": round(float(plan.step_time_s[i]), 6),
                "cadence_spm": round(60.0 / float(plan.step_time_s[i]), 4),
                "contact_s": round(float(plan.contact_s[i]), 6),
                "flight_s": round(float(flight[i]), 6),
                "strike_angle_deg": round(float(plan.strike_angle_deg[i]), 4),
                "strike": str(strike[i]),
                "impact_g": round(float(impact[i]), 4),
                "stride_m": round(float(stride[i]), 5),
                "speed_mps": round(float(speed[i]), 5),
                "grade_pct": round(float(plan.grade_pct[i]), 4),
                "distance_m": round(float(plan.heel_x_m[i]), 4),
                "activity": "walk" if plan.walking[i] else "run",
                "overstride": bool(plan.overstride[i]),
                "episode": int(plan.episode[i]) if plan.episode[i] >= 0 else None,
            }
        )
    return rows


def build_episodes(steps: list[dict]) -> list[dict]:
    """Overstride episodes from the first to the last contact flagged with each episode id."""
    spans: dict[int, list[float]] = {}
    for s in steps:
        if s["episode"] is not None:
            spans.setdefault(s["episode"], []).append(s["t_ic_s"])
    return [
        {"id": k, "kind": "overstride", "t_start_s": min(v), "t_end_s": max(v)}
        for k, v in sorted(spans.items())
    ]


def build_grade(plan: StepPlan, course: Course, end_s: float) -> list[list[float]]:
    """[t_s, distance_m, grade_pct, altitude_m] once a second, distance following the contacts."""
    t = np.arange(0.0, end_s + 1e-9, 1.0)
    x = np.interp(t, plan.t_ic_s, plan.heel_x_m, left=0.0)
    rows = np.stack([t, x, course.grade_at(x), course.altitude_at(x)], axis=1)
    return np.round(rows, 4).tolist()
