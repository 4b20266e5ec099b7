"""How the foot detector takes its samples: the sample period from the first samples, and short gaps
in the samples bridged by interpolation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...datatypes import SampleBlock
from ..history import SampleHistory

MAX_BRIDGE_S = 0.1
"""Longest gap in the samples that is bridged by interpolation; longer gaps restart the cycle, s."""
DT_SAMPLES = 64
"""Samples the sample period is estimated from."""


def learn_period(dt: float, h: SampleHistory, block: SampleBlock) -> float:
    """The sample period (s) once ``block`` is in, before it is appended to ``h``; ``dt``: the period so
    far (0 before the first block).

    A first guess from the first block (1/200 s if it cannot tell), then the median positive step of the
    first DT_SAMPLES samples as they come in (a first block may hold only one). Unlike the body-worn
    detectors' estimate (gait/output.py), it is there from the first block on, for bridging a gap."""
    if not dt:
        first = float(np.median(np.diff(block.t))) if len(block) > 1 else 0.0
        dt = first if first > 0 else 1 / 200
    if h.size < DT_SAMPLES and len(block) + h.size > 1:
        t = np.concatenate([h.t[: h.size], block.t])[:DT_SAMPLES]
        steps = np.diff(t)
        steps = steps[steps > 0]
        if steps.size:
            dt = float(np.median(steps))
    return dt


def bridge_gap(h: SampleHistory, block: SampleBlock, dt: float) -> bool:
    """Fill a short gap (a lost packet or two) before ``block`` by linear interpolation from the last
    sample held, so the cycle in progress goes on (``dt``: sample period, s); a step whose impact fell in
    the gap is then placed by the fallback. False if the gap is too long to bridge."""
    assert block.acc is not None and block.gyro is not None
    last = h.end - 1 - h.base
    gap = float(block.t[0] - h.t[last])
    missing = round(gap / dt) - 1
    if gap > MAX_BRIDGE_S or missing < 1:
        return gap <= MAX_BRIDGE_S
    w = (np.arange(1, missing + 1) / (missing + 1))[:, None]
    fill = SampleBlock(
        sensor=block.sensor,
        t=h.t[last] + w[:, 0] * gap,
        acc=h.acc[last] + w * (block.acc[0] - h.acc[last]),
        gyro=h.gyro[last] + w * (block.gyro[0] - h.gyro[last]),
        t_arrival=float(block.arrival_times()[0]),
    )
    h.append(fill)
    return True


class RepeatFilter:
    """Drops repeated packets: a sample whose six readings are exactly those of the sample before is a
    logger's copy of its last packet in place of a lost one (a real accelerometer and gyroscope never
    read the same six values twice: their noise alone differs), so it is a lost sample, bridged like
    any other (:func:`bridge_gap`). A copy of a copy is kept (a sensor that reads a constant stays one).
    """

    def __init__(self) -> None:
        self._last: np.ndarray | None = None  # readings of the stream's last sample
        self._last_dropped = False

    def split(self, block: SampleBlock) -> list[SampleBlock]:
        """``block`` without its repeated samples, cut where they were: every part after a dropped
        sample (also the first, if the block before ended with one) is marked ``gap_before``."""
        assert block.acc is not None and block.gyro is not None
        if not len(block):
            return [block]
        values = np.hstack([block.acc, block.gyro])
        before = values[:-1] if self._last is None else np.vstack([self._last, values[:-1]])
        same = np.all(values[-len(before) :] == before, axis=1)
        drops: list[int] = []
        for i in np.flatnonzero(same) + (len(values) - len(before)):
            after_drop = (drops and drops[-1] == i - 1) or (i == 0 and self._last_dropped)
            if not after_drop:
                drops.append(int(i))
        ends_dropped = bool(drops and drops[-1] == len(values) - 1)
        gap_first = block.gap_before or self._last_dropped
        self._last, self._last_dropped = values[-1], ends_dropped
        if not drops:
            return [replace(block, gap_before=gap_first)] if gap_first != block.gap_before else [block]
        arrival = block.arrival_times()
        parts, start = [], 0
        for stop in [*drops, len(values)]:
            if stop > start:
                parts.append(_part(block, arrival, start, stop, gap_first if start == 0 else True))
            start = stop + 1
        return parts


def _part(block: SampleBlock, arrival: np.ndarray, a: int, b: int, gap_before: bool) -> SampleBlock:
    """Samples [a, b) of ``block`` as a block of their own."""
    assert block.acc is not None and block.gyro is not None
    return replace(
        block,
        t=block.t[a:b],
        acc=block.acc[a:b],
        gyro=block.gyro[a:b],
        baro_pa=None if block.baro_pa is None else block.baro_pa[a:b],
        t_arrival=float(arrival[b - 1]),
        gap_before=gap_before,
        arrival=arrival[a:b],
    )
