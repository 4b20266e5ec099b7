"""Reference gait events of a real recording, and detected steps scored against them.

A reference events file (tests/data/real/*.events.csv) has the columns ``system,event,side,t_s``:
``event`` is ``ic`` (initial contact), ``to`` (toe-off), ``bout_start`` or ``bout_end``; ``side`` is
``left``, ``right`` or empty (a bout of both feet); ``system`` names the reference (``mocap``,
``indip``...). Times are on the recording's own time base, s.

A reference labels only its walking bouts: a detected contact outside every bout (standing, turning)
is neither right nor wrong and is left out of the score.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..session.matching import match_events

BOUT_MARGIN_S = 0.1
"""Detected contacts this close outside a bout still count (a contact at its very edge), s."""


@dataclass(frozen=True, slots=True)
class ReferenceEvents:
    """One reference system's events for one recording (and one foot, if ``side`` is given)."""

    ic: np.ndarray
    to: np.ndarray
    bouts: list[tuple[float, float]]

    @classmethod
    def load(cls, path: Path, system: str, side: str | None = None) -> ReferenceEvents:
        """Events of ``system`` (and ``side``: a foot's own contacts; None for both feet)."""
        ic: list[float] = []
        to: list[float] = []
        starts: list[float] = []
        ends: list[float] = []
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if row["system"] != system:
                    continue
                if side is not None and row["side"] not in (side, ""):
                    continue
                t = float(row["t_s"])
                {"ic": ic, "to": to, "bout_start": starts, "bout_end": ends}[row["event"]].append(t)
        if not ic:
            raise ValueError(f"{path}: no initial contacts of system {system!r}")
        return cls(np.sort(ic), np.sort(to), list(zip(sorted(starts), sorted(ends))))

    def in_bouts(self, t: np.ndarray) -> np.ndarray:
        """Mask of the times inside a bout (with BOUT_MARGIN_S either side)."""
        t = np.asarray(t, dtype=float)
        mask = np.zeros(t.shape, dtype=bool)
        for a, b in self.bouts:
            mask |= (t >= a - BOUT_MARGIN_S) & (t <= b + BOUT_MARGIN_S)
        return mask

    def step_time_s(self) -> np.ndarray:
        """Intervals between consecutive contacts within each bout, s (steps for both feet, strides for
        one)."""
        out: list[float] = []
        for a, b in self.bouts:
            inside = self.ic[(self.ic >= a) & (self.ic <= b)]
            out.extend(np.diff(inside))
        return np.array(out)


@dataclass(frozen=True, slots=True)
class Score:
    """Detected steps against a reference, within its bouts. Errors are detected - reference, s."""

    detected: int
    reference: int
    f1: float
    ic_error_s: np.ndarray
    to_error_s: np.ndarray
    latency_s: np.ndarray


def score(
    ref: ReferenceEvents,
    t_ic: np.ndarray,
    t_to: np.ndarray,
    detected_at: np.ndarray,
    tolerance_s: float = 0.06,
) -> Score:
    """Match detected contacts (and toe-offs, NaN where unknown) to the reference within ``tolerance_s``.

    Latency is ``detected_at`` minus the matched reference contact.
    """
    t_ic, t_to, detected_at = (np.asarray(a, dtype=float) for a in (t_ic, t_to, detected_at))
    keep = ref.in_bouts(t_ic)
    order = np.argsort(t_ic[keep], kind="stable")
    t_ic, t_to, detected_at = t_ic[keep][order], t_to[keep][order], detected_at[keep][order]
    m = match_events(t_ic, ref.ic, tolerance_s)
    ic_err = t_ic[m.detected] - ref.ic[m.true]
    latency = detected_at[m.detected] - ref.ic[m.true]
    to_err = np.zeros(0)
    known = ~np.isnan(t_to)
    if ref.to.size and known.any():
        mt = match_events(np.sort(t_to[known]), ref.to, 2 * tolerance_s)
        to_err = np.sort(t_to[known])[mt.detected] - ref.to[mt.true]
    return Score(int(t_ic.size), int(ref.ic.size), m.f1, ic_err, to_err, latency)


def excerpt_flags(spec: dict) -> list[str]:
    """The ``analyze`` import flags of a real excerpt, from its entry in tests/data/real/excerpts.json
    (placement, units, and the side and rate where it gives them)."""
    flags = [
        "--format",
        "csv",
        "--placement",
        spec["placement"],
        "--acc-unit",
        spec["acc_unit"],
        "--gyro-unit",
        spec["gyro_unit"],
    ]
    if "side" in spec:
        flags += ["--side", spec["side"]]
    if "rate" in spec:
        flags += ["--rate", str(spec["rate"])]
    return flags


def analyze_args(csv_path: Path, spec: dict, out: Path) -> list[str]:
    """The ``cadence-coach analyze`` command line for a real excerpt's CSV file (see :func:`excerpt_flags`)."""
    return ["analyze", str(csv_path), *excerpt_flags(spec), "--out", str(out)]


def read_steps(path: Path) -> dict[str, np.ndarray]:
    """A steps.csv's numeric columns as float arrays (NaN where empty)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    names = rows[0].keys() if rows else ()
    return {
        c: np.array([float(r[c]) if r[c] else np.nan for r in rows])
        for c in names
        if c not in ("side", "strike")
    }
