"""A course: grade (percent) as a function of horizontal distance (m), and the altitude it implies.

The grade is piecewise linear between knots, so the altitude is piecewise quadratic and both are exact
(no numerical integration). Beyond the last knot the course continues at the last grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Course:
    """Grade over horizontal distance.

    Attributes:
        distance_m: knot distances, m, strictly increasing, starting at 0.
        grade_pct: grade at each knot, percent (negative downhill); linear in between.
        start_altitude_m: altitude at distance 0, m.
    """

    distance_m: np.ndarray
    grade_pct: np.ndarray
    start_altitude_m: float = 300.0
    _knot_alt: np.ndarray = field(init=False, repr=False, compare=False)
    """Altitude at each knot, m (set from the knots)."""

    def __post_init__(self) -> None:
        d = np.asarray(self.distance_m, dtype=float)
        g = np.asarray(self.grade_pct, dtype=float)
        if d.ndim != 1 or d.shape != g.shape or d.size < 1 or d[0] != 0 or np.any(np.diff(d) <= 0):
            raise ValueError("course knots must start at 0 m and increase strictly")
        object.__setattr__(self, "distance_m", d)
        object.__setattr__(self, "grade_pct", g)
        # Altitude at each knot (exact integral of the piecewise linear grade).
        rise = np.diff(d) * (g[:-1] + g[1:]) / 200.0
        object.__setattr__(
            self, "_knot_alt", self.start_altitude_m + np.concatenate(([0.0], np.cumsum(rise)))
        )

    @property
    def length_m(self) -> float:
        """Distance of the last knot, m."""
        return float(self.distance_m[-1])

    def grade_at(self, x_m: np.ndarray | float) -> np.ndarray:
        """Grade at horizontal distance ``x_m``, percent."""
        return np.interp(x_m, self.distance_m, self.grade_pct)

    def slope_at(self, x_m: np.ndarray | float) -> np.ndarray:
        """Ground slope dz/dx at ``x_m`` (grade / 100), dimensionless."""
        return self.grade_at(x_m) / 100.0

    def altitude_at(self, x_m: np.ndarray | float) -> np.ndarray:
        """Ground altitude at horizontal distance ``x_m``, m."""
        x = np.asarray(x_m, dtype=float)
        d, g = self.distance_m, self.grade_pct
        i = np.clip(np.searchsorted(d, x, side="right") - 1, 0, d.size - 1)
        dx = x - d[i]
        nxt = np.minimum(i + 1, d.size - 1)
        span = np.where(nxt > i, d[nxt] - d[i], 1.0)
        g_rate = np.where(nxt > i, (g[nxt] - g[i]) / span, 0.0)
        return self._knot_alt[i] + (g[i] * dx + 0.5 * g_rate * dx**2) / 100.0

    @classmethod
    def from_segments(
        cls, lengths_m: list[float], grades_pct: list[float], ramp_m: float, start_altitude_m: float = 300.0
    ) -> Course:
        """A course of constant-grade segments joined by linear grade ramps of ``ramp_m`` metres.

        Each ramp is centred on the boundary between two segments (shortened for short segments).
        """
        edges = np.concatenate(([0.0], np.cumsum(lengths_m)))
        xs: list[float] = [0.0]
        gs: list[float] = [grades_pct[0]]
        for k in range(1, len(lengths_m)):
            half = min(ramp_m / 2, 0.25 * lengths_m[k - 1], 0.25 * lengths_m[k])
            xs += [edges[k] - half, edges[k] + half]
            gs += [grades_pct[k - 1], grades_pct[k]]
        xs.append(edges[-1])
        gs.append(grades_pct[-1])
        return cls(np.array(xs), np.array(gs), start_altitude_m)
