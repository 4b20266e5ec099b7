"""Piecewise quintic polynomials in local time, evaluated vectorised with exact derivatives.

A quintic Hermite segment matches position, velocity and acceleration at both ends, so a chain of them is
twice continuously differentiable: accelerometer signals derived from it have no jumps.
"""

from __future__ import annotations

import numpy as np


def quintic_hermite(
    p0: np.ndarray,
    v0: np.ndarray,
    a0: np.ndarray,
    p1: np.ndarray,
    v1: np.ndarray,
    a1: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Coefficients c0..c5 (shape (n, 6)) of q(tau) = sum c_k tau^k on [0, T] with the given end states.

    Args are arrays of shape (n,) (or scalars): positions, their first and second time derivatives at
    tau = 0 and tau = T, and the durations T (s, > 0).
    """
    p0, v0, a0, p1, v1, a1, T = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (p0, v0, a0, p1, v1, a1, T))
    )
    dp = p1 - p0
    c3 = (20 * dp - (8 * v1 + 12 * v0) * T - (3 * a0 - a1) * T**2) / (2 * T**3)
    c4 = (-30 * dp + (14 * v1 + 16 * v0) * T + (3 * a0 - 2 * a1) * T**2) / (2 * T**4)
    c5 = (12 * dp - 6 * (v1 + v0) * T + (a1 - a0) * T**2) / (2 * T**5)
    return np.stack([p0, v0, a0 / 2, c3, c4, c5], axis=-1)


def constant(p: np.ndarray) -> np.ndarray:
    """Coefficients (shape (n, 6)) of constant segments."""
    p = np.asarray(p, dtype=float)
    out = np.zeros(p.shape + (6,))
    out[..., 0] = p
    return out


def evaluate(coeffs: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value, first and second derivative of per-sample polynomials.

    Args:
        coeffs: shape (n, 6), the polynomial of each sample.
        tau: local time of each sample, s, shape (n,).
    """
    c = coeffs
    value = c[:, 5]
    d1 = 5 * c[:, 5]
    d2 = 20 * c[:, 5]
    for k in (4, 3, 2, 1, 0):
        value = value * tau + c[:, k]
        if k >= 1:
            d1 = d1 * tau + k * c[:, k]
        if k >= 2:
            d2 = d2 * tau + k * (k - 1) * c[:, k]
    return value, d1, d2


def end_jerks(
    p0: np.ndarray,
    v0: np.ndarray,
    a0: np.ndarray,
    p1: np.ndarray,
    v1: np.ndarray,
    a1: np.ndarray,
    T: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Third derivative at tau = 0 and tau = T of the quintic Hermite segment with these end states."""
    dp = np.asarray(p1) - np.asarray(p0)
    j0 = (60 * dp - (36 * v0 + 24 * v1) * T - (9 * a0 - 3 * a1) * T**2) / T**3
    j1 = (60 * dp - (24 * v0 + 36 * v1) * T + (9 * a1 - 3 * a0) * T**2) / T**3
    return j0, j1


def minimum_jerk_chain(
    t: np.ndarray, p: np.ndarray, v: np.ndarray, a_start: np.ndarray, a_end: np.ndarray
) -> list[np.ndarray]:
    """Quintic segments through positions and velocities at knots, with the jerk continuous too.

    The accelerations at the interior knots are chosen so that the jerk does not jump there: the
    chain is then the path of least integrated squared jerk through those states (the minimum-jerk
    model of human limb movement, Flash & Hogan 1985), with no kink in its acceleration.

    Args:
        t: knot times, s, shape (n, m + 1) (n chains of m segments, increasing along each row).
        p, v: positions and velocities at the knots, shape (n, m + 1).
        a_start, a_end: accelerations at the first and last knot, shape (n,).

    Returns:
        The m segments' coefficients, each of shape (n, 6), in local time from their first knot.
    """
    t, p, v = (np.asarray(x, dtype=float) for x in (t, p, v))
    n, m = t.shape[0], t.shape[1] - 1
    T = np.diff(t, axis=1)
    # Jerk continuity at interior knot i is linear in the accelerations a[i-1], a[i], a[i+1]:
    # -3 a[i-1] / T[i-1] + 9 (1 / T[i-1] + 1 / T[i]) a[i] - 3 a[i+1] / T[i] = rhs[i].
    zero = np.zeros((n, m + 1))
    # Segment start and end jerks with zero knot accelerations; the accelerations add linearly.
    j_out, j_in = end_jerks(p[:, :-1], v[:, :-1], zero[:, :-1], p[:, 1:], v[:, 1:], zero[:, 1:], T)
    a = np.zeros((n, m + 1))
    a[:, 0], a[:, -1] = a_start, a_end
    if m > 1:
        k = m - 1
        mat = np.zeros((n, k, k))
        rhs = j_out[:, 1:] - j_in[:, :-1]
        for r in range(k):
            i = r + 1
            mat[:, r, r] = 9 / T[:, i - 1] + 9 / T[:, i]
            if r > 0:
                mat[:, r, r - 1] = -3 / T[:, i - 1]
            if r < k - 1:
                mat[:, r, r + 1] = -3 / T[:, i]
        rhs[:, 0] += 3 * a[:, 0] / T[:, 0]
        rhs[:, -1] += 3 * a[:, -1] / T[:, -1]
        a[:, 1:-1] = np.linalg.solve(mat, rhs[..., None])[..., 0]
    return [
        quintic_hermite(p[:, s], v[:, s], a[:, s], p[:, s + 1], v[:, s + 1], a[:, s + 1], T[:, s])
        for s in range(m)
    ]
