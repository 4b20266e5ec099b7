"""Real recordings with reference events, as cases: the development set in ``../shared/data/real-dev/``
(its README.md gives the format) and the excerpts bundled in tests/data/real.

:func:`load_dev_cases` and :func:`load_excerpt_cases` give :class:`Case` s; a detector's output on a case
is a :class:`Steps` (the engine's steps.csv through :meth:`Steps.from_csv`, or the offline baseline's).
Scoring is in :mod:`.real_scoring`, running and the command line in :mod:`.real_dev`.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .reference_events import ReferenceEvents, excerpt_flags, read_steps

REPO = Path(__file__).resolve().parents[3]
DEV_DIR_ENV = "CADENCE_COACH_REAL_DEV"
"""Environment variable naming the real-dev folder (overrides the default search)."""
EXCERPTS_DIR = REPO / "tests" / "data" / "real"


def default_dev_dir() -> Path:
    """The real-dev folder: ``$CADENCE_COACH_REAL_DEV``, else ``shared/data/real-dev`` next to the
    repository, else next to the folder holding it (a git worktree); the first candidate if none exists."""
    if os.environ.get(DEV_DIR_ENV):
        return Path(os.environ[DEV_DIR_ENV])
    candidates = [
        REPO.parent / "shared" / "data" / "real-dev",
        REPO.parent.parent / "shared" / "data" / "real-dev",
    ]
    return next((c for c in candidates if (c / "cases.json").is_file()), candidates[0])


@dataclass(frozen=True)
class Case:
    """One recording and its reference.

    Attributes:
        name: case name (file stem).
        csv: the input file.
        argv: the ``analyze`` flags after the input (format, placement, rate, units, side).
        dataset: short dataset name (``alcantara``, ``bach``, ``gaitmap``...).
        group: ``placement/activity`` (``trunk/run``, ``phone/walk``...).
        activity: ``run`` or ``walk`` (sets the pairing tolerance).
        windows: score windows (start, end), s.
        truth_ic: the scored reference contacts, s, sorted (inside and outside the windows).
        one_leg: the reference covers one leg only (the half-stride rule applies).
        counts: step-count truth rows (t_start_s, t_end_s, ref_steps, ref_cadence_spm or NaN), or None.
        suite: ``dev`` (real-dev folder) or ``bundled`` (tests/data/real).
    """

    name: str
    csv: Path
    argv: tuple[str, ...]
    dataset: str
    group: str
    activity: str
    windows: tuple[tuple[float, float], ...]
    truth_ic: np.ndarray = field(default_factory=lambda: np.zeros(0))
    one_leg: bool = False
    counts: np.ndarray | None = None
    suite: str = "dev"

    @property
    def kind(self) -> str:
        """``events`` (reference contacts), ``counts`` (step counts) or ``none`` (smoke case)."""
        return "counts" if self.counts is not None else ("events" if self.truth_ic.size else "none")

    @property
    def label(self) -> str:
        """``dataset group``: the row a benchmark reports the case under (``... no truth`` for a smoke
        case, scored only on running and finding steps)."""
        return f"{self.dataset} {self.group}" + (" no truth" if self.kind == "none" else "")

    def flag(self, name: str) -> str | None:
        """The value of an ``analyze`` flag (``--placement`` -> ``trunk``), None if absent."""
        return self.argv[self.argv.index(name) + 1] if name in self.argv else None


def _read_truth(path: Path, scored: list[str]) -> np.ndarray:
    """Reference contacts of the scored sides (``all`` = every row), s, sorted."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return np.sort([float(r["t_ic_s"]) for r in rows if "all" in scored or r["side"] in scored])


def _read_counts(path: Path) -> np.ndarray:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = ("t_start_s", "t_end_s", "ref_steps", "ref_cadence_spm")
    return np.array([[float(r[c]) if r[c] else np.nan for c in cols] for r in rows]).reshape(-1, 4)


def load_dev_cases(dev_dir: Path) -> list[Case]:
    """Every case of a real-dev folder (``cases.json``), in its order; the smoke case without truth
    is included (kind ``none``)."""
    spec = json.loads((dev_dir / "cases.json").read_text())
    cases = []
    for c in spec["cases"]:
        truth = dev_dir / c["truth_file"] if c.get("truth_file") else None
        scored = c.get("scored_sides") or []
        kind = c["truth_kind"]
        cases.append(
            Case(
                name=c["case"],
                csv=dev_dir / c["file"],
                argv=tuple(c["argv"]),
                dataset=c["case"].split("_")[0],
                group=c["group"],
                activity=c["activity"],
                windows=tuple((float(a), float(b)) for a, b in c.get("score_windows_s") or ()),
                truth_ic=_read_truth(truth, scored) if truth and kind != "step_count" else np.zeros(0),
                one_leg=bool(scored) and "all" not in scored and len(scored) == 1,
                counts=_read_counts(truth) if truth and kind == "step_count" else None,
            )
        )
    return cases


def load_excerpt_cases(data_dir: Path = EXCERPTS_DIR) -> list[Case]:
    """The bundled excerpts (tests/data/real/excerpts.json), scored within their reference's walking
    bouts (the bouts are the score windows)."""
    excerpts = json.loads((data_dir / "excerpts.json").read_text())
    cases = []
    for name, spec in excerpts.items():
        ref = ReferenceEvents.load(data_dir / f"{name}.events.csv", spec["reference"], spec.get("side"))
        cases.append(
            Case(
                name=name,
                csv=data_dir / f"{name}.csv",
                argv=tuple(excerpt_flags(spec)),
                dataset=name.split("_")[0],
                group=f"{spec['placement']}/walk",
                activity="walk",
                windows=tuple(ref.bouts),
                truth_ic=ref.ic,
                one_leg="side" in spec,
                suite="bundled",
            )
        )
    return cases


@dataclass(frozen=True)
class Steps:
    """What a detector found: contact times, its cadence at each step (NaN where none) and when it
    knew each step (NaN for an offline detector), s and steps/min, sorted by contact time."""

    t_ic_s: np.ndarray
    cadence_spm: np.ndarray
    detected_at_s: np.ndarray

    @classmethod
    def empty(cls) -> Steps:
        return cls(np.zeros(0), np.zeros(0), np.zeros(0))

    @classmethod
    def from_csv(cls, path: Path) -> Steps:
        """A steps.csv written by ``analyze``."""
        cols = read_steps(path)
        if not cols:
            return cls.empty()
        order = np.argsort(cols["t_ic_s"], kind="stable")
        return cls(cols["t_ic_s"][order], cols["cadence_spm"][order], cols["detected_at_s"][order])
