"""Detected steps scored against a real recording's reference, by the rules of
``../shared/data/real-dev/README.md``:

- Each reference initial contact (IC) inside a score window is paired with a detected IC within
  60 ms (running) or 100 ms (walking), one to one, the closest pairs first. Detections outside the
  windows are ignored (one within the tolerance of a window's edge may still pair with a contact inside).
- One-leg references (a foot or shank sensor: ``side=sensor``, or one side of a two-sided truth): an
  unpaired detection within +-25 % of a stride of the midpoint between two consecutive contacts of the
  scored leg (stride at most 2.5 s) is the other leg's step, not a false positive; at most one per
  stride, the one nearest the midpoint (so double detections still count against the detector).
- Cadence: the detector's ``cadence_spm`` averaged over ~10 s chunks of each score window against the
  reference cadence of the same chunk (from the reference contacts: 60 / step interval, or 120 / stride
  interval for a one-leg reference); for step-count truth, its own count windows. The case's figure is
  the median of the chunks' |error|; a chunk without any detected cadence counts as an infinite error.
- Step-count truth: count error = (detections inside the score windows - reference count) / reference
  count, in %.
- Latency: ``detected_at_s`` - the paired reference contact.

Group figures pool the pairs of all cases (F1 from the summed true/false positives and misses; IC
error and latency percentiles over all pairs) and take the median over cases of the cadence and count
errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..session.matching import match_closest_first
from .real_cases import Case, Steps

RUN_TOLERANCE_S = 0.06
WALK_TOLERANCE_S = 0.10
OTHER_LEG_SHARE = 0.25
"""Half-stride rule: an unpaired detection this share of a stride around the midpoint is the other leg's."""
MAX_STRIDE_S = 2.5
"""Longer gaps between a leg's contacts are a stop, not a stride: no other-leg step is assumed there, s."""
CHUNK_S = 10.0
"""Cadence chunk length (a window is cut into round(length / CHUNK_S) equal chunks, at least one), s."""
MIN_CHUNK_CONTACTS = 2
"""A chunk with fewer reference contacts has no reference cadence and is not scored."""


def tolerance_s(case: Case) -> float:
    """How far a detected contact may be from the reference's to pair with it, s."""
    return RUN_TOLERANCE_S if case.activity == "run" else WALK_TOLERANCE_S


@dataclass
class CaseScore:
    """One case's figures. Errors are detected - reference; times s, cadence steps/min, count %."""

    case: Case
    detected: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    other_leg: int = 0
    ic_error_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    latency_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cadence_error_spm: np.ndarray = field(default_factory=lambda: np.zeros(0))
    count_error_pct: float = float("nan")
    failed: str = ""

    @property
    def f1(self) -> float:
        return f1_score(self.tp, self.fp, self.fn)

    @property
    def cadence_abs_error_spm(self) -> float:
        """Median over the chunks of |cadence error| (NaN: no chunk with a reference cadence)."""
        e = np.abs(self.cadence_error_spm)
        return float(np.median(e)) if e.size else float("nan")


def f1_score(tp: int, fp: int, fn: int) -> float:
    """F1 of contact detection; NaN when there is nothing to score."""
    denom = 2 * tp + fp + fn
    return 2 * tp / denom if denom else float("nan")


def in_windows(t: np.ndarray, windows: tuple[tuple[float, float], ...], pad_s: float = 0.0) -> np.ndarray:
    """Mask of the times inside any window widened by ``pad_s`` either side."""
    mask = np.zeros(np.shape(t), dtype=bool)
    for a, b in windows:
        mask |= (t >= a - pad_s) & (t <= b + pad_s)
    return mask


def other_leg_steps(unpaired_t: np.ndarray, leg_ic: np.ndarray) -> np.ndarray:
    """Mask of the unpaired detections taken as the other leg's steps (the half-stride rule, at most
    one per stride of ``leg_ic``, the scored leg's contacts)."""
    out = np.zeros(unpaired_t.size, dtype=bool)
    k = np.searchsorted(leg_ic, unpaired_t, side="right") - 1
    inside = (k >= 0) & (k < leg_ic.size - 1)
    best: dict[int, tuple[float, int]] = {}
    for i in np.flatnonzero(inside):
        a, b = leg_ic[k[i]], leg_ic[k[i] + 1]
        off = abs(unpaired_t[i] - (a + b) / 2)
        if (
            b - a <= MAX_STRIDE_S
            and off <= OTHER_LEG_SHARE * (b - a)
            and off < best.get(k[i], (np.inf, -1))[0]
        ):
            best[k[i]] = (off, int(i))
    out[[i for _, i in best.values()]] = True
    return out


def _chunks(windows: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """Each window cut into round(length / CHUNK_S) equal chunks (at least one), s."""
    out: list[tuple[float, float]] = []
    for a, b in windows:
        edges = np.linspace(a, b, max(1, round((b - a) / CHUNK_S)) + 1)
        out.extend(pairwise(edges))
    return out


def _mean_cadence(steps: Steps, a: float, b: float) -> float:
    """Mean detected cadence of the steps with contact in [a, b]; inf if none has one."""
    sel = (steps.t_ic_s >= a) & (steps.t_ic_s <= b) & np.isfinite(steps.cadence_spm)
    return float(np.mean(steps.cadence_spm[sel])) if sel.any() else float("inf")


def cadence_errors(case: Case, steps: Steps) -> np.ndarray:
    """Detected minus reference cadence per chunk, steps/min (see the module docstring)."""
    errors = []
    if case.counts is not None:
        for a, b, _, ref in case.counts:
            if np.isfinite(ref):
                errors.append(_mean_cadence(steps, a, b) - ref)
        return np.array(errors)
    per_interval = 120.0 if case.one_leg else 60.0
    for a, b in _chunks(case.windows):
        ic = case.truth_ic[(case.truth_ic >= a) & (case.truth_ic <= b)]
        if ic.size >= MIN_CHUNK_CONTACTS:
            ref = per_interval * (ic.size - 1) / (ic[-1] - ic[0])
            errors.append(_mean_cadence(steps, a, b) - ref)
    return np.array(errors)


def score_case(case: Case, steps: Steps, failed: str = "") -> CaseScore:
    """Score a detector's steps on one case by the README's rules (the module docstring)."""
    inside = in_windows(steps.t_ic_s, case.windows)
    out = CaseScore(
        case, detected=int(inside.sum()), failed=failed, cadence_error_spm=cadence_errors(case, steps)
    )
    if case.kind == "none":  # a smoke case: it ran, and found this many steps
        out.detected = int(steps.t_ic_s.size)
        return out
    if case.kind == "counts":
        assert case.counts is not None
        ref = float(np.nansum(case.counts[:, 2]))
        out.count_error_pct = 100.0 * (out.detected - ref) / ref if ref else float("nan")
        return out
    tol = tolerance_s(case)
    ref_ic = case.truth_ic[in_windows(case.truth_ic, case.windows)]
    near = np.flatnonzero(in_windows(steps.t_ic_s, case.windows, tol))
    ri, di = match_closest_first(ref_ic, steps.t_ic_s[near], tol)
    paired = near[di]
    unpaired = np.setdiff1d(np.flatnonzero(inside), paired)
    if case.one_leg:
        excused = other_leg_steps(steps.t_ic_s[unpaired], case.truth_ic)
        out.other_leg = int(excused.sum())
        unpaired = unpaired[~excused]
    out.detected = int(np.union1d(np.flatnonzero(inside), paired).size)
    out.tp, out.fp, out.fn = int(ri.size), int(unpaired.size), int(ref_ic.size - ri.size)
    out.ic_error_s = steps.t_ic_s[paired] - ref_ic[ri]
    out.latency_s = steps.detected_at_s[paired] - ref_ic[ri]
    return out


@dataclass(frozen=True)
class GroupSummary:
    """Figures of a group of cases (see the module docstring for how they pool). ms, steps/min, %."""

    label: str
    kind: str
    """``events``, ``counts`` or ``none`` (the kind of reference of the cases, ``mixed`` if several)."""
    cases: int
    failed: int
    f1: float
    ic_abs_median_ms: float
    ic_abs_p95_ms: float
    ic_signed_median_ms: float
    latency_median_ms: float
    cadence_error_spm: float
    count_error_pct: float


def _median(x: np.ndarray, scale: float = 1.0) -> float:
    x = x[~np.isnan(x)]
    return float(np.median(x)) * scale if x.size else float("nan")


def summarize(label: str, scores: list[CaseScore]) -> GroupSummary:
    """Pool the scores of a group of cases."""
    ic = np.concatenate([s.ic_error_s for s in scores]) if scores else np.zeros(0)
    lat = np.concatenate([s.latency_s for s in scores]) if scores else np.zeros(0)
    kinds = {s.case.kind for s in scores}
    return GroupSummary(
        label=label,
        kind=kinds.pop() if len(kinds) == 1 else "mixed",
        cases=len(scores),
        failed=sum(1 for s in scores if s.failed),
        f1=f1_score(sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores)),
        ic_abs_median_ms=_median(np.abs(ic), 1000.0),
        ic_abs_p95_ms=float(np.percentile(np.abs(ic), 95)) * 1000.0 if ic.size else float("nan"),
        ic_signed_median_ms=_median(ic, 1000.0),
        latency_median_ms=_median(lat, 1000.0),
        cadence_error_spm=_median(np.array([s.cadence_abs_error_spm for s in scores])),
        count_error_pct=_median(np.array([abs(s.count_error_pct) for s in scores])),
    )


def by_label(scores: list[CaseScore]) -> dict[str, list[CaseScore]]:
    """Scores grouped by their case's label, in the order the labels first appear."""
    groups: dict[str, list[CaseScore]] = {}
    for s in scores:
        groups.setdefault(s.case.label, []).append(s)
    return groups
