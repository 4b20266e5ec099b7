"""A sliding history of one sensor's samples with absolute sample indices.

Detectors look back a few seconds (to the previous mid-stance, to refine an onset) and forward from the
last sample they examined. Samples are addressed by absolute index (0 = first sample of the stream), so
state survives the compaction that keeps the storage bounded.
"""

from __future__ import annotations

import numpy as np

from ..datatypes import SampleBlock


class SampleHistory:
    """The last ``keep`` samples (at least) of t, acc, gyro, baro and arrival, in bounded storage.

    Args:
        keep: samples that must stay addressable behind the newest one.
    """

    def __init__(self, keep: int) -> None:
        self.keep = int(keep)
        self._cap = 2 * self.keep + 4096
        self.t = np.empty(self._cap)
        self.arrival = np.empty(self._cap)
        self.acc = np.zeros((self._cap, 3))
        self.gyro = np.zeros((self._cap, 3))
        self.baro = np.full(self._cap, np.nan)
        self.jerk = np.zeros(self._cap)
        self.base = 0  # absolute index of row 0
        self.size = 0  # rows in use

    @property
    def end(self) -> int:
        """Absolute index one past the newest sample."""
        return self.base + self.size

    def append(self, block: SampleBlock) -> None:
        """Add a block (acc or gyro may be None: stored as zeros)."""
        n = len(block)
        if self.size + n > self._cap:
            self._compact(n)
        s = slice(self.size, self.size + n)
        self.t[s] = block.t
        self.arrival[s] = block.arrival_times()
        if block.acc is not None:
            self.acc[s] = block.acc
        else:
            self.acc[s] = 0.0
        if block.gyro is not None:
            self.gyro[s] = block.gyro
        else:
            self.gyro[s] = 0.0
        self.baro[s] = block.baro_pa if block.baro_pa is not None else np.nan
        self._second_difference(s)
        self.size += n

    def _second_difference(self, rows: slice) -> None:
        """|a[i] - 2 a[i-1] + a[i-2]| for new rows, m/s^2: near zero for smooth motion, large where the
        acceleration breaks its trend (an impact). The first two samples of the stream get 0."""
        lo = max(rows.start - 2, 0)
        a = self.acc[lo : rows.stop]
        d2 = a[2:] - 2.0 * a[1:-1] + a[:-2]
        out = np.sqrt(np.einsum("ij,ij->i", d2, d2)) if len(d2) else np.zeros(0)
        self.jerk[rows] = 0.0
        self.jerk[rows.stop - len(out) : rows.stop] = out

    def _compact(self, incoming: int) -> None:
        drop = max(0, self.size - self.keep)
        if self.size - drop + incoming > self._cap:  # a huge block: grow once to hold it
            self._cap = self.size - drop + incoming + self.keep
            for name in ("t", "arrival", "acc", "gyro", "baro", "jerk"):
                old = getattr(self, name)
                new = np.empty((self._cap,) + old.shape[1:])
                new[: self.size - drop] = old[drop : self.size]
                setattr(self, name, new)
        else:
            for arr in (self.t, self.arrival, self.acc, self.gyro, self.baro, self.jerk):
                arr[: self.size - drop] = arr[drop : self.size]
        self.base += drop
        self.size -= drop

    def rows(self, start: int, stop: int) -> slice:
        """Storage slice for absolute indices [start, stop), clipped to what is held."""
        return slice(max(start, self.base) - self.base, max(min(stop, self.end), self.base) - self.base)

    def holds(self, index: int) -> bool:
        """True if the absolute index is still in storage."""
        return self.base <= index < self.end
