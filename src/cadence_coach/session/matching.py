"""Scoring detected steps against a simulator's ground truth (used by benchmarks and tests).

Matching: each detected initial contact of a sensor is paired with the nearest true contact of the same
foot within ``tolerance_s``, one-to-one, in time order. F1 counts matched pairs as true positives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datatypes import StepEvent


@dataclass(frozen=True, slots=True)
class Matched:
    """Index pairs (detected, true) and the unmatched counts."""

    detected: np.ndarray
    true: np.ndarray
    false_positives: int
    false_negatives: int

    @property
    def f1(self) -> float:
        tp = len(self.detected)
        denom = 2 * tp + self.false_positives + self.false_negatives
        return 2 * tp / denom if denom else 1.0


def match_events(detected_t: np.ndarray, true_t: np.ndarray, tolerance_s: float = 0.05) -> Matched:
    """One-to-one matching of event times (both sorted), nearest first within the tolerance."""
    detected_t = np.asarray(detected_t, dtype=float)
    true_t = np.asarray(true_t, dtype=float)
    if detected_t.size == 0 or true_t.size == 0:
        return Matched(np.zeros(0, int), np.zeros(0, int), int(detected_t.size), int(true_t.size))
    j = np.clip(np.searchsorted(true_t, detected_t), 1, true_t.size - 1)
    left_closer = np.abs(detected_t - true_t[j - 1]) <= np.abs(detected_t - true_t[j])
    nearest = np.where(left_closer, j - 1, j)
    nearest = np.where(true_t.size == 1, 0, nearest)
    ok = np.abs(detected_t - true_t[nearest]) <= tolerance_s
    det_idx = np.flatnonzero(ok)
    true_idx = nearest[ok]
    # Keep the closest detection when two claim the same true event.
    order = np.argsort(np.abs(detected_t[det_idx] - true_t[true_idx]), kind="stable")
    _, first = np.unique(true_idx[order], return_index=True)
    keep = np.sort(order[first])
    det_idx, true_idx = det_idx[keep], true_idx[keep]
    return Matched(
        detected=det_idx,
        true=true_idx,
        false_positives=int(detected_t.size - det_idx.size),
        false_negatives=int(true_t.size - true_idx.size),
    )


def match_closest_first(
    reference_t: np.ndarray, detected_t: np.ndarray, tolerance_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one pairs (reference index, detected index) within ``tolerance_s``, the closest pairs
    taken first over the whole recording (so a detection between two contacts goes to the nearer one,
    and the other contact may still take its own second-nearest detection). Both inputs sorted, s."""
    reference_t = np.asarray(reference_t, dtype=float)
    detected_t = np.asarray(detected_t, dtype=float)
    lo = np.searchsorted(detected_t, reference_t - tolerance_s, side="left")
    hi = np.searchsorted(detected_t, reference_t + tolerance_s, side="right")
    ref_idx = np.repeat(np.arange(reference_t.size), hi - lo)
    det_idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if ref_idx.size else np.zeros(0, int)
    gap = np.abs(detected_t[det_idx] - reference_t[ref_idx])
    taken_ref = np.zeros(reference_t.size, dtype=bool)
    taken_det = np.zeros(detected_t.size, dtype=bool)
    pairs = []
    for k in np.argsort(gap, kind="stable"):
        r, d = ref_idx[k], det_idx[k]
        if not (taken_ref[r] or taken_det[d]):
            taken_ref[r] = taken_det[d] = True
            pairs.append((r, d))
    pairs.sort()
    out = np.array(pairs, dtype=int).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def field_array(steps: list[StepEvent], name: str) -> np.ndarray:
    """One StepEvent field as a float array, NaN where None."""
    return np.array([np.nan if getattr(s, name) is None else float(getattr(s, name)) for s in steps])


def percentile(values: np.ndarray, q: float) -> float:
    """Percentile ignoring NaN; NaN when there is nothing."""
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if values.size else float("nan")
