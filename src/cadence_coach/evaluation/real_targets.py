"""The targets of issue 10 for the engine on real recordings, per dataset group: met or not.

Every group of reference contacts: F1 >= 0.95, median |IC error| <= 15 ms (foot) or 25 ms (shank, trunk,
phone), median latency (``detected_at - IC``) <= 30 ms (foot, shank) or 80 ms (trunk, phone). Every
group: median cadence error <= 1 spm; step-count groups (phones): count error <= 2 %. And the engine at
least as good as the offline baseline (evaluation/baseline.py) on F1, median |IC error|, cadence error
and count error. Over all groups: pooled F1 >= 0.98.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .real_scoring import GroupSummary

DATASET_F1 = 0.95
POOLED_F1 = 0.98
CADENCE_ERROR_SPM = 1.0
PHONE_COUNT_ERROR_PCT = 2.0
IC_ERROR_MS = {"foot": 15.0, "shank": 25.0, "trunk": 25.0, "phone": 25.0, "head": 25.0}
LATENCY_MS = {"foot": 30.0, "shank": 30.0, "trunk": 80.0, "phone": 80.0, "head": 80.0}


@dataclass(frozen=True, slots=True)
class Target:
    """One target: the engine's figure against a limit (a fixed one, or the baseline's figure)."""

    name: str
    value: float
    limit: float
    higher_is_better: bool = False

    @property
    def met(self) -> bool:
        """Met (a figure that could not be measured, NaN, is not met; a NaN limit is no constraint)."""
        if math.isnan(self.limit):
            return True
        if math.isnan(self.value):
            return False
        value, limit = round(self.value, 6), round(self.limit, 6)  # 15.000000001 ms is 15 ms
        return value >= limit if self.higher_is_better else value <= limit

    def __str__(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        return f"{self.name} {sign} {self.limit:.4g}: {self.value:.4g} {'met' if self.met else 'NOT met'}"


def placement(group: str) -> str:
    """``foot`` from ``foot/walk``."""
    return group.split("/")[0]


def group_targets(group: str, engine: GroupSummary, baseline: GroupSummary | None = None) -> list[Target]:
    """The targets of one dataset group (``group`` as ``placement/activity``)."""
    where = placement(group)
    out = []
    if engine.kind == "events":
        out += [
            Target("F1", engine.f1, DATASET_F1, higher_is_better=True),
            Target("median |IC error| ms", engine.ic_abs_median_ms, IC_ERROR_MS[where]),
            Target("median latency ms", engine.latency_median_ms, LATENCY_MS[where]),
        ]
    if engine.kind == "counts" and where == "phone":
        out.append(Target("count error %", engine.count_error_pct, PHONE_COUNT_ERROR_PCT))
    if engine.kind in ("events", "counts"):
        out.append(Target("cadence error spm", engine.cadence_error_spm, CADENCE_ERROR_SPM))
    if baseline is not None and engine.kind == "events":
        out += [
            Target("F1 vs baseline", engine.f1, baseline.f1, higher_is_better=True),
            Target("median |IC error| ms vs baseline", engine.ic_abs_median_ms, baseline.ic_abs_median_ms),
        ]
    if baseline is not None and engine.kind == "counts":
        out.append(Target("count error % vs baseline", engine.count_error_pct, baseline.count_error_pct))
    if baseline is not None and engine.kind in ("events", "counts"):
        out.append(
            Target("cadence error spm vs baseline", engine.cadence_error_spm, baseline.cadence_error_spm)
        )
    return out


def pooled_target(engine: GroupSummary) -> Target:
    """Pooled F1 over every group of reference contacts."""
    return Target("pooled F1", engine.f1, POOLED_F1, higher_is_better=True)
