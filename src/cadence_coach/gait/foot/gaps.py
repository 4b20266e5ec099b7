"""How the foot detector takes its samples: the sample period from the first samples, and short gaps
in the samples bridged by interpolation."""

from __future__ import annotations

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
