"""Fixed-size ring buffers for sensor streams (each detector keeps its sensor's recent samples in one:
gait/history.py).

The storage is mirrored: every row is written twice, at ``i`` and at ``i + capacity``. That doubles the
cost of a push (still O(rows pushed), no allocation) but makes any window of the most recent
``n <= capacity`` rows one contiguous slice, so :meth:`RingBuffer.latest` always returns a view and never
copies. The buffer never grows; when full, the oldest rows are overwritten and counted as overrun.
"""

from __future__ import annotations

import numpy as np


class RingBuffer:
    """A ring of ``capacity`` rows of ``width`` float64 values.

    Attributes:
        capacity: rows held.
        overrun: rows overwritten (the oldest data lost to the ring), counted since creation.
        total: rows pushed since creation.
    """

    def __init__(self, capacity: int, width: int) -> None:
        if capacity <= 0 or width <= 0:
            raise ValueError("capacity and width must be positive")
        self.capacity = int(capacity)
        self.width = int(width)
        self._data = np.full((2 * self.capacity, self.width), np.nan)
        self._head = 0  # index where the next row goes, in [0, capacity)
        self._held = 0
        self.total = 0
        self.overrun = 0

    def __len__(self) -> int:
        return self._held

    def push(self, rows: np.ndarray) -> None:
        """Append rows (shape (n, width) or (width,)); the oldest are overwritten when full."""
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim == 1:
            rows = rows[None, :]
        n = rows.shape[0]
        if n == 0:
            return
        if rows.shape[1] != self.width:
            raise ValueError(f"expected rows of width {self.width}, got {rows.shape[1]}")
        cap = self.capacity
        self.overrun += max(0, self._held + n - cap)
        self._held = min(cap, self._held + n)
        self.total += n
        if n > cap:  # only the newest capacity rows can survive
            rows = rows[-cap:]
            self._head = (self._head + n - cap) % cap
        m = rows.shape[0]
        start = self._head
        first = min(m, cap - start)
        for base in (0, cap):  # write into both mirrors
            self._data[base + start : base + start + first] = rows[:first]
            if m > first:
                self._data[base : base + m - first] = rows[first:]
        self._head = (start + m) % cap

    def latest(self, n: int | None = None) -> np.ndarray:
        """The most recent ``n`` rows (all held rows if None), oldest first, as a read-only view."""
        held = len(self)
        n = held if n is None else min(int(n), held)
        end = self._head + self.capacity
        view = self._data[end - n : end]
        view.flags.writeable = False
        return view

    def clear(self) -> None:
        """Forget all rows (counters are kept)."""
        self._head = 0
        self._held = 0
