"""Stream decoder for Polar Measurement Data sensors (Polar H10, Verity Sense).

Accelerometer and gyroscope frames arrive separately on the same characteristic, each type with its own
frame clock and rate, so each frame becomes its own :class:`SampleBlock` holding only the channel it
measured (``acc`` or ``gyro``; the other is None). ``gap_before`` refers to the previous block *of the same
measurement type*. The gait engine merges channels through the ring buffer, where each row carries NaN for
the channel its block did not have.

Timing: a frame's timestamp is its last sample's sensor time. Earlier samples are spaced by the sample
period measured between consecutive frames (as the Polar SDK does), or by the configured period after a
gap. Each measurement type maps sensor time to the session time base with its own :class:`ClockSync`
(same sensor clock and same radio path, so both converge to the same offset). A frame whose sensor time
jumps by more than :data:`RESYNC_S` against the host clock, or backwards by more than two frames (sensor
reboot, corrupted timestamp), restarts that mapping; samples that would not be later than the last one
emitted are dropped.

Control point indications fed to :meth:`PolarPmdStream.feed` are parsed too: a successful start response
carries the sensor's FACTOR setting, which then scales that measurement's frames.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from ..datatypes import GRAVITY, RawPacket, SampleBlock
from ..decoders import polar_pmd, polar_pmd_control
from ..decoders.errors import DecodeError
from ..decoders.polar_pmd import MeasurementType
from ..decoders.polar_pmd_control import OpCode, SettingType
from ..profiles import Profile
from .base import MalformedLog, PacketwiseStream
from .clock import ClockSync

log = logging.getLogger(__name__)

RESYNC_S = 2.0
"""Largest disagreement between sensor-time and arrival-time advances before the clock mapping restarts, s."""
DEFAULT_RATE_HZ = 52.0
"""Sample rate assumed for a measurement the profile does not configure, Hz."""
_MG_TO_MPS2 = GRAVITY / 1000.0
_NAMES = {MeasurementType.ACC: "acc", MeasurementType.GYRO: "gyro"}


@dataclass(slots=True)
class _Channel:
    """Timing state of one measurement type."""

    period_s: float
    full_range: float
    clock: ClockSync = field(default_factory=ClockSync)
    last_frame_ns: int | None = None
    last_arrival: float = 0.0
    last_n: int = 0
    last_t: float = -math.inf


class PolarPmdStream(PacketwiseStream[SampleBlock]):
    """Decodes one Polar sensor's PMD frames (and control point responses) into sample blocks.

    Args:
        sensor: index of the sensor in the session's sensor list.
        profile: the sensor's firmware profile; its ``[pmd.<measurement>]`` tables give the nominal rate
            (``sample_rate_hz``), range (``range_g`` / ``range_dps``) and fallback ``factor``.

    Attributes:
        malformed: payloads that could not be decoded (including frame types not decoded and frames with
            non-finite values).
        lost_packets: frames judged lost from jumps of the frame clock.
        resyncs: restarts of a clock mapping after a jump of the sensor clock.
        control_errors: control point responses reporting a failure.
    """

    def __init__(self, sensor: int, profile: Profile | None = None) -> None:
        self.sensor = sensor
        self.lost_packets = 0
        self.resyncs = 0
        self.control_errors = 0
        self._malformed = MalformedLog(sensor, "PMD")
        settings = profile.raw.get("pmd", {}) if profile else {}
        characteristics = profile.characteristics if profile else {}
        self.control_uuid = characteristics.get("control", polar_pmd.CONTROL_UUID)
        self.factors: dict[int, float] = {}
        self._channels: dict[int, _Channel] = {}
        for kind, name in _NAMES.items():
            chosen = settings.get(name, {})
            if "factor" in chosen:
                self.factors[kind] = float(chosen["factor"])
            if kind == MeasurementType.ACC:
                full = chosen["range_g"] * GRAVITY if "range_g" in chosen else math.inf
            else:
                full = math.radians(chosen["range_dps"]) if "range_dps" in chosen else math.inf
            self._channels[kind] = _Channel(1.0 / float(chosen.get("sample_rate_hz", DEFAULT_RATE_HZ)), full)
        self._epoch_ns: int | None = None

    @property
    def malformed(self) -> int:
        """Payloads that could not be decoded (skipped)."""
        return self._malformed.count

    def feed(self, packet: RawPacket) -> SampleBlock | None:
        """Decode one notification or indication; None if it held no new samples or was malformed."""
        if packet.characteristic == self.control_uuid:
            self._control(packet.payload)
            return None
        try:
            frame = polar_pmd.parse_frame(packet.payload, self.factors)
            if not np.isfinite(frame.samples).all():
                raise DecodeError("PMD frame with non-finite values")
        except DecodeError as exc:
            self._malformed.skip(reason=exc)
            return None
        return self._timed_block(frame, packet.t_host)

    def _timed_block(self, frame: polar_pmd.PmdFrame, arrival: float) -> SampleBlock | None:
        ch = self._channels[frame.measurement]
        n = frame.samples.shape[0]
        if self._epoch_ns is None:
            self._epoch_ns = frame.timestamp_ns
        gap = False
        spacing = ch.period_s
        if ch.last_frame_ns is not None:
            advance = (frame.timestamp_ns - ch.last_frame_ns) * 1e-9
            backwards_jump = advance < -2 * ch.last_n * ch.period_s  # more than a repeated or late frame
            if backwards_jump or abs(advance - (arrival - ch.last_arrival)) > RESYNC_S:
                self.resyncs += 1
                ch.clock = ClockSync()
                gap = True
            elif advance <= 0:
                return None  # repeated or late frame: its samples are already past
            else:
                missing = advance / ch.period_s - n
                tolerance = max(1.5, 0.25 * n)
                if missing > tolerance:
                    self.lost_packets += max(1, round(missing / max(ch.last_n, n)))
                    gap = True
                elif missing >= -tolerance:
                    spacing = advance / n
                # else the frame overlaps the previous one: nominal spacing, overlapping samples dropped below
        ch.last_frame_ns = frame.timestamp_ns
        ch.last_arrival = arrival
        ch.last_n = n
        last = (frame.timestamp_ns - self._epoch_ns) * 1e-9
        sensor_t = last - spacing * np.arange(n - 1, -1, -1)
        t = ch.clock.map(np.array([last]), np.array([arrival]), sensor_t)
        keep = t > ch.last_t
        if not keep.any():
            return None
        ch.last_t = float(t[-1])
        values = frame.samples[keep].astype(np.float64)
        is_acc = frame.measurement == MeasurementType.ACC
        return SampleBlock(
            sensor=self.sensor,
            t=t[keep],
            acc=values * _MG_TO_MPS2 if is_acc else None,
            gyro=None if is_acc else np.radians(values),
            t_arrival=arrival,
            gap_before=gap,
            acc_range=ch.full_range if is_acc else math.inf,
            gyro_range=math.inf if is_acc else ch.full_range,
        )

    def _control(self, payload: bytes) -> None:
        """Apply a control point response: a start response's FACTOR scales later frames."""
        if payload[:1] == bytes([polar_pmd_control.FEATURES_CODE]):
            return  # a feature read: nothing that changes decoding
        try:
            response = polar_pmd_control.parse_control_response(payload)
            is_start = response.ok and response.op_code == OpCode.REQUEST_MEASUREMENT_START
            settings = response.settings() if is_start else {}
        except DecodeError as exc:
            self._malformed.skip(reason=exc)
            return
        if not response.ok:
            self.control_errors += 1
            if self.control_errors <= 3:
                log.warning(
                    "sensor %d: PMD command %d for measurement %d failed with status %d",
                    self.sensor,
                    response.op_code,
                    response.measurement,
                    response.status,
                )
            return
        factor = settings.get(SettingType.FACTOR)
        if factor and math.isfinite(factor[0]) and factor[0] != 0:
            self.factors[response.measurement] = factor[0]
