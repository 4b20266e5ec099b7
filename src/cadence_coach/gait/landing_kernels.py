"""Compiled per-sample loops of the detectors that work from one signal's periodicity and shocks: the
shank and foot detectors for partial axis sets (gait/shank_acc.py, foot_acc.py, foot_gyro.py) and the
stride period they share (gait/stride_period.py).

Rows are positions in a sample history's held views (``SampleHistory.rows``), as in gait/kernels.py.
Units: acceleration m/s^2, angular rate rad/s.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..datatypes import GRAVITY


@njit(cache=True, inline="always")
def _norm(x: np.ndarray, i: int) -> float:
    return math.sqrt(x[i, 0] ** 2 + x[i, 1] ** 2 + x[i, 2] ** 2)


@njit(cache=True, inline="always")
def _break(x: np.ndarray, i: int) -> float:
    """|x[i] - 2 x[i-1] + x[i-2]|: how sharply row ``i`` breaks the signal's trend (its units)."""
    s = 0.0
    for c in range(3):
        s += (x[i, c] - 2.0 * x[i - 1, c] + x[i - 2, c]) ** 2
    return math.sqrt(s)


@njit(cache=True)
def _loaded_break(x: np.ndarray, i: int, rise_rows: int, first: int, min_rise: float, unit: float) -> float:
    """Trend break of row ``i`` weighted by how much the signal's magnitude rose over the ``rise_rows``
    rows before it (in ``unit``, at least ``min_rise``); rows before ``first`` are not read."""
    top = _norm(x, i)
    low = top
    for k in range(max(i - rise_rows, first), i):
        low = min(low, _norm(x, k))
    return _break(x, i) * max((top - low) / unit, min_rise)


@njit(cache=True)
def first_loaded_break(
    x: np.ndarray,
    start: int,
    stop: int,
    rise_rows: int,
    first: int,
    min_rise: float,
    unit: float,
    threshold: float,
) -> int:
    """First row in [start, stop) (none before ``first``) whose loaded break (see ``_loaded_break``)
    exceeds ``threshold``; -1 if none does."""
    for i in range(max(start, first, 2), stop):
        if _break(x, i) * max(1.0, _norm(x, i) / unit) <= threshold:
            continue  # cheap bound: the rise is never larger than the magnitude
        if _loaded_break(x, i, rise_rows, first, min_rise, unit) > threshold:
            return i
    return -1


@njit(cache=True)
def max_loaded_break(
    x: np.ndarray, start: int, stop: int, rise_rows: int, first: int, min_rise: float, unit: float
) -> float:
    """Largest loaded break of the rows [start, stop) (none before ``first``; 0 for an empty range)."""
    best = 0.0
    for i in range(max(start, first, 2), stop):
        best = max(best, _loaded_break(x, i, rise_rows, first, min_rise, unit))
    return best


@njit(cache=True)
def _still_at(x: np.ndarray, i: int, run: int, limit: float, by_range: bool) -> bool:
    """Whether the ``run`` rows ending at ``i`` are still: every axis within ``limit`` of its range
    (``by_range``: an accelerometer reads a constant) or every row's magnitude under ``limit`` (a
    gyroscope reads zero)."""
    if by_range:
        for c in range(3):
            lo = hi = x[i, c]
            for k in range(i - run + 1, i):
                lo = min(lo, x[k, c])
                hi = max(hi, x[k, c])
            if hi - lo >= limit:
                return False
        return True
    for k in range(i - run + 1, i + 1):
        if _norm(x, k) >= limit:
            return False
    return True


@njit(cache=True)
def next_still_change(
    x: np.ndarray, start: int, stop: int, first: int, run: int, limit: float, by_range: bool, still: bool
) -> int:
    """First row in [start, stop) whose stillness (see ``_still_at``; a run reaching before ``first``
    is not still) differs from ``still``; -1 if none does."""
    for i in range(start, stop):
        now = i - run + 1 >= first and _still_at(x, i, run, limit, by_range)
        if now != still:
            return i
    return -1


@njit(cache=True)
def stride_correlation(
    x: np.ndarray, start: int, stop: int, bin_rows: int, lag_lo: int, lag_hi: int
) -> np.ndarray:
    """Normalised autocorrelation of a vector signal for lags ``lag_lo .. lag_hi - 1`` (in bins).

    The rows [start, stop) are averaged in bins of ``bin_rows`` rows (the first bin starts at ``start``;
    a partial last bin is dropped), the mean is removed, and for each lag the correlation of the binned
    signal with itself shifted by the lag is divided by the energies of the two overlapping parts (1 =
    the signal repeats exactly after that lag). Lags that leave no overlap get 0.
    """
    nb = (stop - start) // bin_rows
    k = x.shape[1]
    b = np.zeros((nb, k))
    for j in range(nb):
        for r in range(start + j * bin_rows, start + (j + 1) * bin_rows):
            for c in range(k):
                b[j, c] += x[r, c]
    mean = np.zeros(k)
    for j in range(nb):
        for c in range(k):
            mean[c] += b[j, c] / nb
    for j in range(nb):
        for c in range(k):
            b[j, c] -= mean[c]
    out = np.zeros(max(lag_hi - lag_lo, 0))
    for lag in range(lag_lo, lag_hi):
        if lag >= nb:
            break
        s = e0 = e1 = 0.0
        for j in range(nb - lag):
            for c in range(k):
                u, v = b[j, c], b[j + lag, c]
                s += u * v
                e0 += u * u
                e1 += v * v
        if e0 > 0.0 and e1 > 0.0:
            out[lag - lag_lo] = s / math.sqrt(e0 * e1)
    return out


def compile_all() -> None:
    """Compile (or load from the on-disk cache) these kernels for the read-only history views the
    detectors pass (called by gait/kernels.compile_all)."""
    held = np.zeros((8, 10))
    held[:, 2:5] = [0.0, 0.0, GRAVITY]
    held.flags.writeable = False
    for x in (held[:, 2:5], held[:, 5:8]):  # acceleration, angular rate
        first_loaded_break(x, 0, 8, 2, 0, 0.05, 1.0, 1.0)
        max_loaded_break(x, 0, 8, 2, 0, 0.05, 1.0)
        next_still_change(x, 0, 8, 0, 2, 1.0, True, False)
        next_still_change(x, 0, 8, 0, 2, 1.0, False, False)
        stride_correlation(x, 0, 8, 2, 1, 3)
