"""Sensor clock to host clock.

A sensor stamps samples with its own clock (a counter in microseconds, a frame clock in ns...). The host
sees each packet arrive some time after its last sample was taken (the wait for the next BLE connection
event, stack and scheduling delays), never before. So ``arrival - sensor_time`` is the clock offset plus
a non-negative delay, and its lower envelope estimates the offset (plus the smallest delay seen).

The envelope is a *leaky minimum*: it follows a new lower point at once and otherwise rises by at most
``leak`` seconds per second of sensor time, which tracks crystal drift (tens of ppm) without being pulled up by late
packets. The offset actually applied comes down toward a lower envelope at most ``slew`` seconds per
second, so reconstructed sample times stay strictly increasing. Both recurrences have closed forms as
running minima/maxima, so a batch of packets is mapped without a Python loop.
"""

from __future__ import annotations

import numpy as np


def unwrap_counter(raw: np.ndarray, bits: int, last: int | None) -> np.ndarray:
    """Unwrap a counter of ``bits`` bits given the last unwrapped value (or None at the start).

    Steps are taken modulo 2**bits as signed: a step back by less than half the range stays a step back
    (a repeated or reordered packet), so callers can drop it.
    """
    raw = np.asarray(raw, dtype=np.int64)
    mod = 1 << bits
    if raw.size == 1 and last is not None:  # one packet: plain integers are cheaper
        return np.array([unwrap_one(int(raw[0]), bits, last)], dtype=np.int64)
    ref = int(raw[0]) if last is None else int(last)
    step = np.diff(raw, prepend=ref % mod) % mod
    step = np.where(step >= mod // 2, step - mod, step)
    return ref + np.cumsum(step)


def unwrap_one(raw: int, bits: int, last: int) -> int:
    """One counter value unwrapped after the last unwrapped value (as :func:`unwrap_counter`)."""
    mod = 1 << bits
    step = (raw - last) % mod
    return last + (step - mod if step >= mod // 2 else step)


class ClockSync:
    """Maps sensor time (s, unwrapped) to the session time base (s).

    Args:
        leak: how fast the offset envelope may rise, s per s (above any crystal drift).
        slew: how fast the applied offset may fall toward a new envelope, s per s (< 1).
    """

    def __init__(self, leak: float = 1e-4, slew: float = 0.05) -> None:
        self.leak = leak
        self.slew = slew
        self._u = np.inf  # min of (offset - leak * arrival) so far
        self._v = -np.inf  # max of (applied + slew * arrival) so far
        self._last: tuple[float, float] | None = None  # (sensor time, applied offset) of the last packet

    def map(
        self, packet_sensor_t: np.ndarray, packet_arrival: np.ndarray, sample_sensor_t: np.ndarray
    ) -> np.ndarray:
        """Session times of a batch's samples.

        Args:
            packet_sensor_t: sensor time of each packet's last sample, s, increasing.
            packet_arrival: arrival time of each packet, s.
            sample_sensor_t: sensor time of every sample of the batch, s, increasing, later than any
                earlier batch's.
        """
        if packet_sensor_t.size == 1 and self._last is not None:
            return self.map_one(float(packet_sensor_t[0]), float(packet_arrival[0]), sample_sensor_t)
        # Both recurrences run on sensor time, which only moves forward (arrival times can bunch).
        s = packet_sensor_t
        off = packet_arrival - s
        u = np.minimum.accumulate(np.concatenate([[self._u], off - self.leak * s]))[1:]
        target = u + self.leak * s
        v = np.maximum.accumulate(np.concatenate([[self._v], target + self.slew * s]))[1:]
        applied = v - self.slew * s
        self._u, self._v = float(u[-1]), float(v[-1])
        if self._last is None:
            knots_t, knots_o = packet_sensor_t, applied
        else:
            knots_t = np.concatenate([[self._last[0]], packet_sensor_t])
            knots_o = np.concatenate([[self._last[1]], applied])
        self._last = (float(packet_sensor_t[-1]), float(applied[-1]))
        return sample_sensor_t + np.interp(sample_sensor_t, knots_t, knots_o)

    def map_one(self, s: float, arrival: float, sample_sensor_t: np.ndarray) -> np.ndarray:
        """:meth:`map` for a single packet after the first (the live case): the same recurrences with
        floats; ``s`` is the packet's last sample time (sensor, s), ``arrival`` its arrival (s)."""
        self._u = min(self._u, arrival - s - self.leak * s)
        target = self._u + self.leak * s
        self._v = max(self._v, target + self.slew * s)
        applied = self._v - self.slew * s
        s0, o0 = self._last  # type: ignore[misc]
        self._last = (s, applied)
        return sample_sensor_t + np.interp(sample_sensor_t, (s0, s), (o0, applied))
