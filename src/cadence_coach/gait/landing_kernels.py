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


@njit(cache=True)
def _loaded_break(acc: np.ndarray, jerk: np.ndarray, i: int, rise_rows: int, first: int, min_rise: float) -> float:
    """Trend break of row ``i`` (m/s^2) weighted by how much the acceleration magnitude rose over the
    ``rise_rows`` rows before it (in g, at least ``min_rise`` g); rows before ``first`` are not read."""
    top = _norm(acc, i)
    low = top
    for k in range(max(i - rise_rows, first), i):
        m = _norm(acc, k)
        if m < low:
            low = m
    return jerk[i] * max((top - low) / GRAVITY, min_rise)


@njit(cache=True)
def first_loaded_break(
    acc: np.ndarray, jerk: np.ndarray, start: int, stop: int, rise_rows: int, first: int, min_rise: float,
    threshold: float,
) -> int:
    """First row in [start, stop) whose loaded break (see ``_loaded_break``) exceeds ``threshold``; -1
    if none does."""
    for i in range(start, stop):
        if jerk[i] * max(1.0, _norm(acc, i) / GRAVITY) <= threshold:
            continue  # cheap bound: the rise is never larger than the magnitude
        if _loaded_break(acc, jerk, i, rise_rows, first, min_rise) > threshold:
            return i
    return -1


@njit(cache=True)
def max_loaded_break(
    acc: np.ndarray, jerk: np.ndarray, start: int, stop: int, rise_rows: int, first: int, min_rise: float
) -> float:
    """Largest loaded break of the rows [start, stop) (0 for an empty range)."""
    best = 0.0
    for i in range(start, stop):
        v = _loaded_break(acc, jerk, i, rise_rows, first, min_rise)
        if v > best:
            best = v
    return best


@njit(cache=True)
def stride_correlation(x: np.ndarray, start: int, stop: int, bin_rows: int, lag_lo: int, lag_hi: int) -> np.ndarray:
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
    acc, gyro, jerk = held[:, 2:5], held[:, 5:8], held[:, 9]
    first_loaded_break(acc, jerk, 0, 8, 2, 0, 0.05, 1.0)
    max_loaded_break(acc, jerk, 0, 8, 2, 0, 0.05)
    stride_correlation(acc, 0, 8, 2, 1, 3)
    stride_correlation(gyro, 0, 8, 2, 1, 3)
