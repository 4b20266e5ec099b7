"""Compiled per-sample loops of the trunk, head and phone step detector (gait/loading.py).

:func:`trunk_signals` turns specific force into the detector's signals, sample by sample, carrying its
filter states across calls; :func:`next_rise` scans a signal for the next rise through the step level.
Both work on any run of consecutive samples and keep their state in small float arrays, so a stream cut
into blocks of any size gives the same numbers. Units: m/s^2 and s.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# trunk_signals state layout
G0, NSEEN, LPV, LPB, BIN_T, BIN_N, BIN_SUM = 0, 3, 4, 8, 12, 13, 14
SIGNAL_STATE = 18
"""Length of the trunk_signals state: gravity (3), samples seen, two biquad states (4 each), the open
bin's start time, sample count and sums (vertical, horizontal x3)."""

# next_rise state layout
ARMED, TROUGH, TOP = 0, 1, 2
RISE_STATE = 3
CROSSED, REARMED = 1, 2
"""What :func:`next_rise` stopped at."""


@njit(cache=True, inline="always")
def _biquad(x: float, c: np.ndarray, z: np.ndarray, k: int) -> float:
    y = c[0] * x + c[1] * z[k] + c[2] * z[k + 1] - c[3] * z[k + 2] - c[4] * z[k + 3]
    z[k + 1] = z[k]
    z[k] = x
    z[k + 3] = z[k + 2]
    z[k + 2] = y
    return y


@njit(cache=True)
def trunk_signals(
    t: np.ndarray,
    acc: np.ndarray,
    state: np.ndarray,
    memory: float,
    lp: np.ndarray,
    back: np.ndarray,
    bin_s: float,
    out: np.ndarray,
    bins: np.ndarray,
) -> int:
    """Per sample: gravity (exponential mean of the specific force with weight ``memory`` for the old
    value), the vertical dynamic acceleration ``v`` (along gravity, gravity removed), the backward one
    ``b`` (along ``back``, zero vector when unknown), both low-passed by the biquad ``lp`` (b0, b1, b2,
    a1, a2). Writes (v, v low-passed, b low-passed) to ``out`` (n, 3); closes the ``bin_s`` bins the
    samples complete into ``bins`` as (vertical, horizontal x, y, z) means and returns how many."""
    n_bins = 0
    for i in range(t.shape[0]):
        ax, ay, az = acc[i, 0], acc[i, 1], acc[i, 2]
        if state[NSEEN] == 0.0:
            state[G0], state[G0 + 1], state[G0 + 2] = ax, ay, az
        if state[NSEEN] == 0.0 or math.isnan(state[BIN_T]):
            state[BIN_T] = t[i]
        state[NSEEN] += 1.0
        gx = memory * state[G0] + (1.0 - memory) * ax
        gy = memory * state[G0 + 1] + (1.0 - memory) * ay
        gz = memory * state[G0 + 2] + (1.0 - memory) * az
        state[G0], state[G0 + 1], state[G0 + 2] = gx, gy, gz
        gn = math.sqrt(gx * gx + gy * gy + gz * gz)
        if gn > 0.0:
            ux, uy, uz = gx / gn, gy / gn, gz / gn
        else:
            ux, uy, uz = 0.0, 0.0, 0.0
        along = ax * ux + ay * uy + az * uz
        v = along - gn
        hx, hy, hz = ax - along * ux, ay - along * uy, az - along * uz
        b = hx * back[0] + hy * back[1] + hz * back[2]
        out[i, 0] = v
        out[i, 1] = _biquad(v, lp, state, LPV)
        out[i, 2] = _biquad(b, lp, state, LPB)
        while t[i] >= state[BIN_T] + bin_s:  # close the bins this sample has left behind
            if state[BIN_N] > 0:
                for k in range(4):
                    bins[n_bins, k] = state[BIN_SUM + k] / state[BIN_N]
            elif n_bins > 0:
                bins[n_bins] = bins[n_bins - 1]
            else:
                bins[n_bins] = np.nan  # the caller repeats its last bin
            n_bins += 1
            state[BIN_T] += bin_s
            state[BIN_N] = 0.0
            for k in range(4):
                state[BIN_SUM + k] = 0.0
        state[BIN_N] += 1.0
        state[BIN_SUM] += v
        state[BIN_SUM + 1] += hx
        state[BIN_SUM + 2] += hy
        state[BIN_SUM + 3] += hz
    return n_bins


@njit(cache=True)
def next_rise(
    t: np.ndarray,
    s: np.ndarray,
    start: int,
    stop: int,
    state: np.ndarray,
    height: float,
    quiet_until: float,
    due: float,
    late_rate: float,
    late_floor: float,
    rearm: float,
    level: float,
) -> tuple[int, int]:
    """Scan rows [start, stop) of the step signal ``s`` (m/s^2) for the next rise through the step level.

    Armed, the level is the lowest value since arming plus ``level`` x ``height`` (the expected rise,
    m/s^2);
    after the time ``due`` (s) the expected rise shrinks by ``late_rate`` per second overdue, down to
    ``late_floor`` of itself (a step that is late is a weaker one). Until ``quiet_until`` (s: the
    refractory time after the last step) nothing counts and the lowest value restarts at every sample.
    After a crossing the scan re-arms once ``s`` falls ``rearm`` x ``height`` below its top since.

    Returns (row, CROSSED) at a crossing, (row, REARMED) on re-arming (``state[TOP]`` still holds the
    rise's top), or (-1, 0) when the rows run out; ``state`` carries (armed, lowest, top) across calls.
    """
    for i in range(start, stop):
        x = s[i]
        if t[i] < quiet_until:
            if state[ARMED] == 0.0:
                state[TOP] = max(state[TOP], x)
            state[TROUGH] = x
            continue
        if state[ARMED] != 0.0:
            state[TROUGH] = min(state[TROUGH], x)
            h = height
            if t[i] > due:
                h *= max(late_floor, 1.0 - late_rate * (t[i] - due))
            if x > state[TROUGH] + level * h:
                state[ARMED] = 0.0
                state[TOP] = x
                return i, CROSSED
        else:
            state[TOP] = max(state[TOP], x)
            if x < state[TOP] - rearm * height:
                state[ARMED] = 1.0
                state[TROUGH] = x
                return i, REARMED
    return -1, 0


_compiled = False


def compile_all() -> None:
    """Compile (or load from the on-disk cache) the kernels for the arrays the detector passes."""
    global _compiled
    if _compiled:
        return
    history = np.zeros((8, 10))  # as the sample history holds them: read-only strided views
    history[:, 0] = np.arange(8) * 0.01
    history[:, 4] = 9.81
    history.flags.writeable = False
    out = np.zeros((8, 4))
    bins = np.zeros((16, 4))
    # Read-only history views, and contiguous read-only copies (each layout compiles on its own).
    contiguous = (np.ascontiguousarray(history[:, 0]), np.ascontiguousarray(history[:, 2:5]))
    for arr in contiguous:
        arr.flags.writeable = False
    for t, acc in ((history[:, 0], history[:, 2:5]), contiguous):
        trunk_signals(
            t,
            acc,
            np.zeros(SIGNAL_STATE),
            0.99,
            np.array([1.0, 0, 0, 0, 0]),
            np.zeros(3),
            0.04,
            out[:, 1:],
            bins,
        )
        trunk_signals(
            t, acc, np.zeros(SIGNAL_STATE), 0.99, np.array([1.0, 0, 0, 0, 0]), np.zeros(3), 0.04, out, bins
        )
    out.flags.writeable = False
    next_rise(out[:, 0], out[:, 2], 0, 8, np.zeros(RISE_STATE), 1.0, 0.0, 1.0, 2.0, 0.3, 0.5, 0.5)
    _compiled = True
