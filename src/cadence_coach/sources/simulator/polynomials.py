"""Piecewise quintic polynomials in local time, evaluated vectorised with exact derivatives.

A quintic Hermite segment matches position, velocity and acceleration at both ends, so a chain of them is
twice continuously differentiable: accelerometer signals derived from it have no jumps.
"""

from __future__ import annotations

import numpy as np


def quintic_hermite(
    p0: np.ndarray, v0: np.ndarray, a0: np.ndarray, p1: np.ndarray, v1: np.ndarray, a1: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Coefficients c0..c5 (shape (n, 6)) of q(tau) = sum c_k tau^k on [0, T] with the given end states.

    Args are arrays of shape (n,) (or scalars): positions, their first and second time derivatives at
    tau = 0 and tau = T, and the durations T (s, > 0).
    """
    p0, v0, a0, p1, v1, a1, T = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (p0, v0, a0, p1, v1, a1, T)))
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
