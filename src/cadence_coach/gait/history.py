"""A sensor stream's recent samples, in a ring buffer, addressed by absolute sample index.

Detectors look back a few seconds (to the previous mid-stance, to refine an onset) and forward from the
last sample they examined. Samples are addressed by absolute index (0 = first sample of the stream), so
their state survives the ring overwriting its oldest rows. The ring (ringbuffer.py) is fixed-size and
mirrored, so the whole held window is one contiguous read-only view: ``t``, ``acc``, ``gyro`` ... below
are views into it, valid until the next :meth:`SampleHistory.append`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..datatypes import SampleBlock
from .kernels import trend_breaks
from .ringbuffer import RingBuffer

T, ARRIVAL, ACC, GYRO, BARO, JERK = 0, 1, slice(2, 5), slice(5, 8), 8, 9
WIDTH = 10


class SampleHistory:
    """The last ``capacity`` samples of one stream: t, arrival (s), acc (m/s^2), gyro (rad/s),
    baro (Pa, NaN where absent) and jerk (see :meth:`append`).

    Args:
        capacity: samples held; blocks longer than this must be appended in pieces.

    Attributes:
        base: absolute index of the oldest sample held.
        end: absolute index one past the newest sample.
        size: samples held.
    """

    def __init__(self, capacity: int) -> None:
        self.ring = RingBuffer(int(capacity), WIDTH)
        self._refresh()

    @property
    def overrun(self) -> int:
        """Samples overwritten so far (the oldest, as the ring moved on)."""
        return self.ring.overrun

    def append(self, block: SampleBlock) -> None:
        """Add a block (acc or gyro may be None, or have NaN columns for axes not measured: stored as
        zeros, so a norm or a dot product over the held rows counts the measured axes only; a detector
        that needs to know which axes are real reads ``SampleBlock.acc_axes`` / ``gyro_axes``).

        Also stores ``jerk``, |a[i] - 2 a[i-1] + a[i-2]| in m/s^2: near zero for smooth motion, large where
        the acceleration breaks its trend (an impact). The first two samples of the stream get 0.
        """
        n = len(block)
        if n > self.ring.capacity:
            raise ValueError(f"block of {n} samples does not fit a history of {self.ring.capacity}")
        rows = np.empty((n, WIDTH))
        rows[:, T] = block.t
        rows[:, ARRIVAL] = block.t_arrival if block.arrival is None else block.arrival
        rows[:, ACC] = 0.0 if block.acc is None else block.acc
        rows[:, GYRO] = 0.0 if block.gyro is None else block.gyro
        for part, values in ((ACC, block.acc), (GYRO, block.gyro)):
            if values is not None and np.isnan(values[:1]).any():
                np.copyto(rows[:, part], 0.0, where=np.isnan(rows[:, part]))
        rows[:, BARO] = np.nan if block.baro_pa is None else block.baro_pa
        rows[:, JERK] = trend_breaks(self.acc[-2:], rows[:, ACC])
        self.ring.push(rows)
        self._refresh()

    def _refresh(self) -> None:
        held = self.ring.latest()
        self.t, self.arrival, self.acc = held[:, T], held[:, ARRIVAL], held[:, ACC]
        self.gyro, self.baro, self.jerk = held[:, GYRO], held[:, BARO], held[:, JERK]
        self.size = len(self.ring)
        self.base = self.ring.total - self.size
        self.end = self.ring.total

    def rows(self, start: int, stop: int) -> slice:
        """Slice of the held views for absolute indices [start, stop), clipped to what is held."""
        return slice(max(start, self.base) - self.base, max(min(stop, self.end), self.base) - self.base)

    def holds(self, index: int) -> bool:
        """True if the absolute index is still held."""
        return self.base <= index < self.end


def pieces(block: SampleBlock, size: int) -> Iterator[SampleBlock]:
    """``block`` cut into consecutive blocks of at most ``size`` samples (only the first keeps
    ``gap_before``), so a detector's fixed history can take blocks of any length."""
    if len(block) <= size:
        yield block
        return
    arrival = block.arrival_times()
    for a in range(0, len(block), size):
        s = slice(a, a + size)
        yield SampleBlock(
            sensor=block.sensor,
            t=block.t[s],
            acc=None if block.acc is None else block.acc[s],
            gyro=None if block.gyro is None else block.gyro[s],
            baro_pa=None if block.baro_pa is None else block.baro_pa[s],
            t_arrival=float(arrival[s][-1]),
            gap_before=block.gap_before and a == 0,
            acc_range=block.acc_range,
            gyro_range=block.gyro_range,
            arrival=arrival[s],
        )
