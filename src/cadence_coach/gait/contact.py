"""Where on a trunk signal's rise the foot met the ground (used by gait/loading.py). Times in s,
accelerations in m/s^2; each function looks only at the samples it is given (all before the decision).

- Running: the vertical specific force rises from near free fall (flight) to 2-3 g within 30-60 ms of
  contact. Extrapolating that rise (the line through its 20 % and 50 % crossings) back to the flight
  level lands within a few ms of the true onset, where a fixed threshold would be 10-20 ms late
  (Kiernan et al. 2023 report 17-30 ms biases for threshold methods at shank and sacrum).
- Walking, fore-aft axis known: at heel strike the body is braked abruptly: the backward acceleration
  jumps from its lowest value of the step (the forward peak that Zijlstra & Hof 2003 take as contact) to
  its highest within 30-60 ms. Contact is that lowest value before the steepest part of the jump.
- Walking, no fore-aft axis (phones, one or two axes): there is no flight, and the vertical acceleration
  climbs slowly for 100-200 ms before contact (the body still falls onto the leading leg), often with a
  bump from the trailing leg's push-off; the heel strike loads the leading leg abruptly, so contact is
  the start of the loading rise's steepest part.
"""

from __future__ import annotations

import numpy as np

LOW_FRACTION = 0.2
"""Lower of the two crossings through which a rise or fall is extrapolated (fraction of its height)."""
MAX_EXTRAPOLATION_S = 0.03
"""Farthest an extrapolated edge may lie before its lower crossing, s."""


def extrapolated_edge(t: np.ndarray, x: np.ndarray, base: float, mid: float, rising: bool) -> float:
    """Time where the rise (or, going back in time, the fall) from the lowest sample of ``x`` through
    ``mid``, continued as the straight line through its 20 % and 50 % crossings above ``base``, reaches
    ``base`` (s). A rising ``x`` may end past its crossing of ``mid``."""
    low = base + LOW_FRACTION / 0.5 * (mid - base)
    if not rising:
        t, x = -t[::-1], x[::-1]
    below = np.flatnonzero(x <= mid)
    if rising and below.size and below[-1] < x.size - 2:  # the rise is seen beyond mid: end at mid
        t, x = t[: below[-1] + 2], x[: below[-1] + 2]
    above = np.flatnonzero(x[:-1] > mid) if rising else np.zeros(0, dtype=int)
    first = int(above[-1]) + 1 if above.size else 0  # after the previous excursion above mid
    start = first + int(np.argmin(x[first:]))
    over = np.flatnonzero(x[start:] > mid)
    if over.size == 0:
        result = float(t[start])
    else:
        k2 = start + int(over[0])
        t_mid = crossing(t, x, k2, mid)
        under = np.flatnonzero(x[start:k2] <= low)
        if under.size == 0:
            result = t_mid
        else:
            t_low = crossing(t, x, start + int(under[-1]) + 1, low)
            result = t_low - (t_mid - t_low) * (low - base) / max(mid - low, 1e-9)
            result = max(result, t_low - MAX_EXTRAPOLATION_S)
    return result if rising else -result


def braking_onset(t: np.ndarray, back: np.ndarray) -> float:
    """Walking: the lowest backward acceleration before the steepest rise of ``back`` (s)."""
    k = int(np.argmax(np.diff(back)))
    while k > 0 and back[k - 1] < back[k]:
        k -= 1
    return float(t[k])


def steepest_rise(t: np.ndarray, x: np.ndarray, n: int) -> float:
    """Walking: the time where the steepest rise of ``x`` over ``n`` samples starts (s)."""
    n = max(1, n)
    if x.size <= n:
        return float(t[-1])
    return float(t[int(np.argmax(x[n:] - x[:-n]))])


def crossing(t: np.ndarray, x: np.ndarray, k: int, level: float) -> float:
    """Interpolated time where ``x`` crosses ``level`` between samples k-1 and k."""
    if k <= 0:
        return float(t[0])
    frac = (level - x[k - 1]) / max(x[k] - x[k - 1], 1e-9)
    return float(t[k - 1] + np.clip(frac, 0.0, 1.0) * (t[k] - t[k - 1]))
