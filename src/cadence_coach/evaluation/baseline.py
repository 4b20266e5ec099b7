"""A simple offline step detector, the yardstick the gait engine is compared with on real recordings
(benchmarks/real_data.py, ``python -m cadence_coach.evaluation.real_dev --detector baseline``).

Peaks of the low-passed acceleration norm (``scipy.signal.find_peaks``), at least most of a step apart,
the step period taken from the autocorrelation of the whole recording; each contact is dated at the
steepest rise of the norm just before its peak (the loading), or at the peak itself on a foot. It sees the whole file at once (zero-phase
filters) and knows no physics beyond "a step is a bump of the norm" and "a foot or shank sensor repeats
once per stride". Any subset of axes works (the norm of the accelerometer axes present, else of the
gyroscope's), at any rate and on an uneven time base (resampled onto a uniform grid first).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, correlate, find_peaks, sosfiltfilt

from .real_cases import Case, Steps


class OfflineStepDetector:
    """Steps from the acceleration norm.

    Args:
        grid_hz: rate of the uniform grid the samples are resampled onto, Hz.
        lowpass_hz: cut-off of the zero-phase low-pass (2nd order Butterworth) the peaks are found on, Hz.
        rise_lowpass_hz: cut-off of the low-pass whose steepest rise dates each contact, Hz.
        rise_window_s: the steepest rise is sought this long before each peak, s (0: the peak itself
            dates the contact).
        period_range_s: the repeat period is sought in this range, s.
        min_distance: peaks are at least this share of a step period apart.
        prominence_sd: a peak stands out by at least this many standard deviations of the signal.
    """

    def __init__(
        self,
        grid_hz: float = 200.0,
        lowpass_hz: float = 6.0,
        rise_lowpass_hz: float = 15.0,
        rise_window_s: float = 0.15,
        period_range_s: tuple[float, float] = (0.25, 2.0),
        min_distance: float = 0.7,
        prominence_sd: float = 0.5,
    ) -> None:
        self.grid_hz = grid_hz
        self.lowpass_hz = lowpass_hz
        self.rise_lowpass_hz = rise_lowpass_hz
        self.rise_window_s = rise_window_s
        self.period_range_s = period_range_s
        self.min_distance = min_distance
        self.prominence_sd = prominence_sd

    def period_s(self, x: np.ndarray, halve: bool) -> float:
        """The repeat period of ``x``: the highest autocorrelation peak in the period range; with
        ``halve``, a peak near half of it that is at least half as high wins (two steps to a stride), s."""
        ac = correlate(x, x, mode="full", method="fft")[x.size - 1 :]
        lo, hi = (int(p * self.grid_hz) for p in self.period_range_s)
        peaks, _ = find_peaks(ac[: hi + 1])
        peaks = peaks[peaks >= lo]
        if peaks.size == 0:
            return self.period_range_s[1]
        best = peaks[np.argmax(ac[peaks])]
        half = peaks[np.abs(peaks - best / 2) <= 0.1 * best]
        if halve and half.size and ac[half].max() >= 0.5 * ac[best]:
            best = half[np.argmax(ac[half])]
        return best / self.grid_hz

    def detect(self, t: np.ndarray, axes: np.ndarray, one_leg: bool) -> Steps:
        """Steps from samples at times ``t`` (s, increasing) of ``axes`` (n x k, any unit). One-leg
        sensors (foot, shank) may give a peak at both legs' contacts: up to two per stride are kept.
        Cadence per step (steps/min) from the median step (or stride) time of the 5 detections around
        it. Contact times are on ``t``'s time base; ``detected_at_s`` is NaN (offline)."""
        grid = np.arange(t[0], t[-1], 1.0 / self.grid_hz)
        norm = np.sqrt(sum(np.interp(grid, t, a) ** 2 for a in axes.T))
        x = sosfiltfilt(butter(2, self.lowpass_hz, fs=self.grid_hz, output="sos"), norm - norm.mean())
        period = self.period_s(x, halve=not one_leg)
        step = period / 2 if one_leg else period
        peaks, _ = find_peaks(
            x,
            distance=max(1, int(self.min_distance * step * self.grid_hz)),
            prominence=self.prominence_sd * x.std(),
        )
        ic = peaks
        if self.rise_window_s > 0:
            rise = np.gradient(
                sosfiltfilt(butter(2, self.rise_lowpass_hz, fs=self.grid_hz, output="sos"), norm)
            )
            back = int(self.rise_window_s * self.grid_hz)
            ic = np.array(
                [p - back + np.argmax(rise[p - back : p + 1]) for p in peaks if p >= back], dtype=int
            )
        t_ic = grid[ic]
        # Cadence from the time of k detections (k per step, or per stride of a one-leg sensor).
        k = int(np.clip(round(period / np.median(np.diff(t_ic))), 1, 2)) if one_leg and t_ic.size > 2 else 1
        span = np.full(t_ic.size, np.nan)
        span[k:] = t_ic[k:] - t_ic[:-k]
        local = np.array(
            [
                np.nanmedian(span[max(0, i - 2) : i + 3])
                if np.isfinite(span[max(0, i - 2) : i + 3]).any()
                else np.nan
                for i in range(t_ic.size)
            ]
        )
        cadence = (120.0 if one_leg else 60.0) / local
        return Steps(t_ic, cadence, np.full(t_ic.size, np.nan))


def read_columns(path: str, rate_hz: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Time (s; ``t`` column, else sample index / ``rate_hz``) and the accelerometer columns present
    (else the gyroscope's) of a CSV file in the format of docs/csv-import.md."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    cols = {name: data[:, i] for i, name in enumerate(header)}
    t = cols["t"] if "t" in cols else np.arange(data.shape[0]) / float(rate_hz or 100.0)
    axes = [cols[a] for a in ("ax", "ay", "az") if a in cols] or [
        cols[g] for g in ("gx", "gy", "gz") if g in cols
    ]
    return t, np.column_stack(axes)


FOOT = OfflineStepDetector(lowpass_hz=15.0, rise_window_s=0.0, min_distance=0.6)
"""For a foot sensor: the heel strike is a sharp peak of the norm 20-50 ms after contact, and push-off
another; a 6 Hz low-pass merges them (so foot peaks are found at 15 Hz and taken as they are)."""
OTHER = OfflineStepDetector()
"""Shank, trunk, phone: one broad bump per step, dated at its loading rise."""


def detect_case(case: Case) -> Steps:
    """The baseline's steps on a real-data case (its CSV file, with the case's rate and placement)."""
    rate = case.flag("--rate")
    t, axes = read_columns(str(case.csv), float(rate) if rate else None)
    placement = case.flag("--placement")
    return (FOOT if placement == "foot" else OTHER).detect(t, axes, one_leg=placement in ("foot", "shank"))
