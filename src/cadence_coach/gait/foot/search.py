"""Where the phases of a foot's cycle begin: searches over its held samples, and the thresholds they use.

Indices are absolute sample indices (gait/history.py); the per-sample loops are compiled kernels
(gait/kernels.py), which take rows of the held views. ``axis`` is the pitch axis in the sensor frame (a
positive rotation about it turns the toes down), ``dt`` the sample period in seconds. Every search
decides from the samples up to the one it answers with, so any block sizes give the same answer.
"""

from __future__ import annotations

import numpy as np

from ...datatypes import GRAVITY
from .. import kernels
from ..history import SampleHistory

W_STILL = 1.5
"""Angular rate below which the foot counts as still (mid-stance), rad/s (86 deg/s)."""
STILL_MIN_S = 0.02
"""How long the foot must stay still before it counts as mid-stance, s."""
A_STILL_G = 0.3
"""Largest departure of the specific force from 1 g while the foot counts as still, g."""
STILL_BOUNDS = (W_STILL**2, ((1 - A_STILL_G) * GRAVITY) ** 2, ((1 + A_STILL_G) * GRAVITY) ** 2)
"""The still test as the kernels take it: squared rate limit, squared specific force limits."""
GROUNDED_G = 0.6
"""Largest departure of the specific force from 1 g at the mid-stance of a foot that never quite stops."""
_GROUNDED_BOUNDS = (((1 - GROUNDED_G) * GRAVITY) ** 2, ((1 + GROUNDED_G) * GRAVITY) ** 2)
W_PUSH = 1.6
"""Toes-down rate that marks the start of push-off after mid-stance, rad/s."""
W_SWING = 1.6
"""Toes-up rate that marks mid-swing, rad/s (walking reaches 5-7, running 10-17)."""
NO_STILL_PUSH_AFTER_S = 0.1
"""Without a still phase, a toes-down rate this long after contact is taken as push-off, s (the
foot slap of a heel strike is over by then)."""
NO_STILL_LOOKBACK_S = 0.4
"""Without a still phase, mid-stance is looked for this far before push-off at most, s."""
SLAP_CHECK_S = 0.12
"""A toes-down rate followed within this time by a still phase is a heel strike's foot slap, not push-off, s."""
ONSET_FRACTION_LATE = 0.3
"""Without a detected impact, contact is the first sample of the run of samples around the largest
break (terminal swing to mid-stance) whose breaks exceed this fraction of it."""
ONSET_LATE_MAX_S = 0.015
"""... and at most this far back from it, s (a landing's rising edge is that short; further back, at low
rates, lies the swing's own deceleration)."""
ONSET_FRACTION = 0.1
"""Samples before the detecting one belong to the impact while their break exceeds this fraction of
its break (and twice anything earlier in terminal swing)."""


def span(h: SampleHistory, start: int, limit: int | None) -> tuple[int, int]:
    """Rows of the held views for absolute indices [start, limit) (limit None: all held)."""
    base, end = h.base, h.end
    stop = end if limit is None or limit > end else limit
    lo = start - base if start > base else 0
    return lo, stop - base if stop > base else 0


def found(h: SampleHistory, row: int) -> int | None:
    """Absolute index of a kernel's answer row (None for -1)."""
    return None if row < 0 else row + h.base


def first_still(
    h: SampleHistory, dt: float, start: int, limit: int | None = None, min_s: float = STILL_MIN_S
) -> int | None:
    """First absolute index >= start (and < limit) where the foot has been still on the ground
    (slow rotation, specific force about 1 g) for the last ``min_s`` seconds (at least one sample): a
    landing passes through 1 g for an instant, a stance stays there."""
    lo, hi = span(h, start, limit)
    run = max(1, round(min_s / dt))
    return found(h, kernels.first_still(h.acc, h.gyro, lo, hi, run, *STILL_BOUNDS))


def first_rate(
    h: SampleHistory, axis: np.ndarray, start: int, threshold: float, sign: float, limit: int | None = None
) -> int | None:
    """First absolute index >= start (and < limit) where ``sign`` * pitch rate > ``threshold``
    (rad/s; the pitch rate is + toward toes-down)."""
    lo, hi = span(h, start, limit)
    return found(h, kernels.first_rate_beyond(h.gyro, axis, lo, hi, threshold, sign))


def mid_stance(
    h: SampleHistory, dt: float, axis: np.ndarray, start: int, after: int, limit: int | None
) -> int | None:
    """The mid-stance from ``start`` on (absolute index), or None until the samples that decide it
    are in.

    Normally the end of the first still phase. A foot that never quite stops (fast running, a loose
    mount) begins push-off, a toes-down rate from ``after`` on, before any still phase: mid-stance is
    then its quietest sample bearing about 1 g in the NO_STILL_LOOKBACK_S before the push (the foot
    turns slowest also at the instant of a heel strike, but the impact is far from 1 g). A toes-down
    rate that a still phase follows within SLAP_CHECK_S is the foot slapping flat after a heel strike,
    not a push-off.
    """
    still = first_still(h, dt, start, limit)
    push = first_rate(h, axis, max(start, after), W_PUSH, 1.0, limit if still is None else still)
    if push is not None:
        settled = push + int(SLAP_CHECK_S / dt)
        if still is None and h.end <= settled:
            return None  # a push-off, or the foot slapping flat? the next samples tell
        if still is None or still > settled:
            lo, hi = span(h, max(start, push - int(NO_STILL_LOOKBACK_S / dt)), push)
            row, w2 = kernels.quietest(h.acc, h.gyro, lo, hi, *_GROUNDED_BOUNDS)
            if row >= 0 and w2 < (2 * W_STILL) ** 2:
                return found(h, row)
    return still


def late_contact(h: SampleHistory, dt: float, start: int, still: int) -> int:
    """Contact placed after the fact, when mid-stance (absolute index ``still``) came before any sample
    confirmed the landing: the largest trend break from ``start`` on, walked back over its rising edge
    only (at most ONSET_LATE_MAX_S)."""
    jerk = h.jerk[h.rows(start, still + 1)]
    k = int(np.argmax(jerk))
    edge_from = k - int(ONSET_LATE_MAX_S / dt)
    while k > max(0, edge_from) and jerk[k - 1] > ONSET_FRACTION_LATE * jerk.max():
        k -= 1
    return start + k


def impact_onset(h: SampleHistory, hit: int, before_hit: float, terminal_start: int) -> int:
    """First sample of the impact that sample ``hit`` detected (absolute indices): walked back over the
    rising edge (a landing split across two samples shows partly in the first), at most 3 samples and
    not into the first sample of terminal swing (``terminal_start``). ``before_hit``: the largest break
    in terminal swing before the impact, m/s^2."""
    onset = hit
    floor = max(ONSET_FRACTION * h.jerk[hit - h.base], 1.5 * before_hit)
    while onset > max(hit - 3, h.base + 2, terminal_start + 1) and h.jerk[onset - 1 - h.base] > floor:
        onset -= 1
    return onset
