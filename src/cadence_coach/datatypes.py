"""The records that flow between pipeline stages.

Data path: a source yields :class:`RawPacket` s (bytes as the sensor sent them; a recording read in bulk
yields them as a :class:`PacketBatch` of arrays), a stream decoder turns them
into :class:`SampleBlock` s (physical units, one timestamp per sample), the gait engine turns blocks into
:class:`StepEvent` s, and the coach turns steps into :class:`Cue` s.

Time: every time in these records is in seconds on the *session time base*: the host's monotonic clock,
with 0 at the start of the session (or recording). Sample times are reconstructed from the sensor's
own clock, not from packet arrival.

Units follow docs/conventions: SI inside (s, m, m/s^2, rad/s, Pa); fields meant for people carry their
display unit in the name (``cadence_spm``, ``impact_g``, ``strike_angle_deg``, ``grade_pct``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

import numpy as np

GRAVITY = 9.80665
"""Standard gravity, m/s^2."""


class Placement(str, Enum):
    """Where a sensor is worn."""

    FOOT = "foot"
    SHANK = "shank"
    TRUNK = "trunk"
    HEAD = "head"


class Side(str, Enum):
    """Which side of the body a sensor (or a step) belongs to."""

    LEFT = "left"
    RIGHT = "right"


class RawPacket(NamedTuple):
    """One notification exactly as it was received (a named tuple: hours of packets are read per
    replay, and tuples are the cheapest immutable records Python makes).

    Attributes:
        sensor: index of the sensor in the session's sensor list (recording header).
        t_host: arrival time on the session time base, s.
        characteristic: GATT characteristic UUID the payload came from (lower-case, 128-bit form).
        payload: the bytes as received.
    """

    sensor: int
    t_host: float
    characteristic: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class PacketBatch:
    """Consecutive packets as arrays, as a recording is read in bulk: decoded without an object per packet.

    Attributes:
        buffer: bytes holding every payload (the file chunk they were read from).
        start: offset of each payload in ``buffer``, shape (p,), int64.
        length: length of each payload, bytes, shape (p,), int64.
        sensor: sensor index of each packet (recording header order), shape (p,), uint8.
        channel: index of each packet's characteristic in its sensor's ``characteristics``, shape (p,), uint8.
        t_host: arrival time of each packet on the session time base, s, shape (p,), float64.
        characteristics: each sensor's characteristic UUIDs, as the recording header lists them.
    """

    buffer: bytes
    start: np.ndarray
    length: np.ndarray
    sensor: np.ndarray
    channel: np.ndarray
    t_host: np.ndarray
    characteristics: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return int(self.start.size)

    @property
    def data(self) -> np.ndarray:
        """``buffer`` as a uint8 array (no copy)."""
        return np.frombuffer(self.buffer, np.uint8)

    def __getitem__(self, which: slice | np.ndarray) -> PacketBatch:
        """The packets picked by a slice, a boolean mask or indices (sharing ``buffer``)."""
        return PacketBatch(
            self.buffer,
            self.start[which],
            self.length[which],
            self.sensor[which],
            self.channel[which],
            self.t_host[which],
            self.characteristics,
        )

    def raw_packets(self) -> list[RawPacket]:
        """One :class:`RawPacket` per packet (for the per-packet users: paced replay, PMD and RSC streams)."""
        buf, uuids = self.buffer, self.characteristics
        return [
            RawPacket(s, t, uuids[s][c], buf[a : a + n])
            for s, c, t, a, n in zip(
                self.sensor.tolist(),
                self.channel.tolist(),
                self.t_host.tolist(),
                self.start.tolist(),
                self.length.tolist(),
            )
        ]

    @staticmethod
    def concat(batches: Sequence[PacketBatch]) -> PacketBatch:
        """The packets of ``batches`` in order, as one batch (when they come from different buffers, the
        byte range each one's payloads span is copied into a new buffer)."""
        batches = [b for b in batches if len(b)] or list(batches[:1])
        if len(batches) == 1:
            return batches[0]
        first = batches[0]
        if all(b.buffer is first.buffer for b in batches):
            buffer, start = first.buffer, np.concatenate([b.start for b in batches])
        else:
            parts, starts, offset = [], [], 0
            for b in batches:
                lo, hi = int(b.start.min()), int((b.start + b.length).max())
                parts.append(b.buffer[lo:hi])
                starts.append(b.start + (offset - lo))
                offset += hi - lo
            buffer, start = b"".join(parts), np.concatenate(starts)
        return PacketBatch(
            buffer,
            start,
            np.concatenate([b.length for b in batches]),
            np.concatenate([b.sensor for b in batches]),
            np.concatenate([b.channel for b in batches]),
            np.concatenate([b.t_host for b in batches]),
            first.characteristics,
        )


@dataclass(slots=True)
class SampleBlock:
    """Consecutive samples of one sensor, decoded to physical units.

    Partial axis sets: a sensor (or an imported CSV file) may measure only some axes, say a biaxial
    accelerometer's vertical and forward ones. Then ``acc`` (or ``gyro``) still has shape (n, 3), and
    every axis not measured is a column of NaN in every block of the stream (a measured axis is finite
    in every sample). ``acc``/``gyro`` is None when no axis of that sensor is measured.
    :attr:`acc_axes` / :attr:`gyro_axes` say which are; detectors choose their method from them.

    Attributes:
        sensor: index of the sensor in the session's sensor list.
        t: sample times on the session time base, s, shape (n,), strictly increasing.
        acc: specific force in the sensor frame, m/s^2, shape (n, 3) (NaN columns: axes not measured),
            or None if not measured. At rest it reads +9.81 along the sensor axis that points up.
        gyro: angular rate in the sensor frame, rad/s, shape (n, 3) (NaN columns: axes not measured),
            or None if not measured.
        baro_pa: barometric pressure, Pa, shape (n,), NaN where the sensor gave no reading; or None.
        t_arrival: when the block became available to the host (packet arrival), s. Steps the
            engine emits while processing this block carry it as ``detected_at``.
        gap_before: True if samples were lost between the previous block and this one.
        acc_range: full-scale range of the accelerometer, m/s^2 (readings at it are clipped), or inf.
        gyro_range: full-scale range of the gyroscope, rad/s, or inf.
        arrival: per-sample arrival times, s, shape (n,), when the block joins several packets (bulk
            decoding of a recording); None means every sample arrived at ``t_arrival``.
    """

    sensor: int
    t: np.ndarray
    acc: np.ndarray | None = None
    gyro: np.ndarray | None = None
    baro_pa: np.ndarray | None = None
    t_arrival: float = float("nan")
    gap_before: bool = False
    acc_range: float = float("inf")
    gyro_range: float = float("inf")
    arrival: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def acc_axes(self) -> tuple[bool, bool, bool]:
        """Which accelerometer axes (x, y, z) are measured."""
        return _axes(self.acc)

    @property
    def gyro_axes(self) -> tuple[bool, bool, bool]:
        """Which gyroscope axes (x, y, z) are measured."""
        return _axes(self.gyro)

    def arrival_times(self) -> np.ndarray:
        """When each sample became available to the host, s."""
        if self.arrival is not None:
            return self.arrival
        return np.full(self.t.shape, self.t_arrival)


def _axes(values: np.ndarray | None) -> tuple[bool, bool, bool]:
    """Measured axes of an (n, 3) block: the columns that are not NaN (judged by the first row)."""
    if values is None or values.shape[0] == 0:
        return (False, False, False)
    x, y, z = (not np.isnan(v) for v in values[0])
    return (x, y, z)


@dataclass(frozen=True, slots=True)
class PodReading:
    """One measurement of a foot pod that computes speed and cadence itself (BLE Running Speed and Cadence).

    Such pods send no samples, only their own estimates, about once a second; the pipeline routes these
    readings past the gait engine. RSC carries no sensor clock, so ``t_s`` is the arrival time.

    Attributes:
        sensor: index of the sensor in the session's sensor list.
        t_s: arrival time on the session time base, s.
        speed_mps: instantaneous speed, m/s.
        cadence_spm: cadence, steps per minute counting both feet (already doubled for pods that count
            one foot, as their firmware profile says).
        stride_m: instantaneous stride length as the pod reports it, m, or None if it does not.
        total_distance_m: the pod's distance counter, m, or None if it does not report one.
        running: True running, False walking, None if the pod does not report it.
    """

    sensor: int
    t_s: float
    speed_mps: float
    cadence_spm: float
    stride_m: float | None = None
    total_distance_m: float | None = None
    running: bool | None = None


class StrikeClass(str, Enum):
    """Foot strike pattern by strike angle (Altman & Davis 2012)."""

    HEEL = "heel"
    MID = "mid"
    FORE = "fore"


STRIKE_HEEL_DEG = 8.0
"""A strike angle above this is a heel strike, degrees (+ toes up at contact)."""
STRIKE_FORE_DEG = -1.6
"""A strike angle below this is a forefoot strike, degrees; between the two limits, a midfoot strike."""


def strike_class(angle_deg: float) -> StrikeClass:
    """Strike class of one strike angle (degrees), without hysteresis (:mod:`.gait.strike` adds it)."""
    if angle_deg > STRIKE_HEEL_DEG:
        return StrikeClass.HEEL
    if angle_deg < STRIKE_FORE_DEG:
        return StrikeClass.FORE
    return StrikeClass.MID


@dataclass(slots=True)
class StepEvent:
    """One detected step (from initial contact to the next initial contact of the other foot).

    Times are on the session time base. Fields that could not be measured for this step are None.

    The engine hands a step on twice, as the same object: at contact (``detected``: only the timing is
    known, and ``step_time_s``/``cadence_spm`` are provisional, half this foot's own stride) and when its
    figures are final (``steps``: the fields below filled in place; with both feet worn the step time,
    cadence and flight time are then from the other foot's contact, and a foot step carries the trunk or
    head pitch).

    Attributes:
        t_ic_s: initial contact (foot strike), s.
        detected_at_s: stream time at which the engine emitted this step, s. Latency = this - t_ic_s.
        sensor: index of the sensor that saw the step.
        side: foot of the step when known.
        t_to_s: toe-off that ended this foot's stance, s.
        step_time_s: time since the previous step's initial contact (the other foot's when both are
            worn; half this foot's stride otherwise, and at contact), s.
        cadence_spm: cadence, steps per minute counting both feet.
        contact_s: ground contact time, s.
        flight_s: flight time (no foot on the ground) before the next contact, s.
        impact_g: peak acceleration magnitude shortly after contact, g (standard gravity).
        strike_angle_deg: foot pitch relative to the ground at contact, degrees, + = toes up.
        strike: strike class from ``strike_angle_deg``.
        stride_m: length of this foot's last stride (two steps), m.
        speed_mps: average speed over that stride, m/s.
        grade_pct: smoothed running grade, percent, negative downhill.
        trunk_pitch_deg: forward lean of the trunk (+ forward) or head pitch (+ down), degrees; on a
            foot step, that of the trunk or head step whose contact is nearest.
    """

    t_ic_s: float
    detected_at_s: float
    sensor: int = 0
    side: Side | None = None
    t_to_s: float | None = None
    step_time_s: float | None = None
    cadence_spm: float | None = None
    contact_s: float | None = None
    flight_s: float | None = None
    impact_g: float | None = None
    strike_angle_deg: float | None = None
    strike: StrikeClass | None = None
    stride_m: float | None = None
    speed_mps: float | None = None
    grade_pct: float | None = None
    trunk_pitch_deg: float | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    """A coaching cue the coach decided to give.

    Attributes:
        t_s: decision time on the session time base, s.
        cue_id: stable identifier, e.g. ``shorten_stride`` (see docs/coaching.md).
        text: the phrase to speak.
        reason: the figures that triggered it, for the session log.
        priority: higher wins when cues compete.
    """

    t_s: float
    cue_id: str
    text: str
    reason: str = ""
    priority: int = 0
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SensorInfo:
    """What a session knows about one sensor; stored in the recording header.

    Attributes:
        profile: firmware profile name (firmware_profiles/<profile>.toml).
        placement: where it is worn.
        side: which side, when it matters (feet, shanks) and is known.
        name: advertised device name.
        address: device address (BLE MAC or platform UUID), or a description for imported files.
        characteristics: GATT characteristic UUIDs this sensor's packets come from; a packet's
            ``characteristic`` is one of them.
    """

    profile: str
    placement: Placement
    side: Side | None = None
    name: str = ""
    address: str = ""
    characteristics: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """A JSON-ready dict (for the recording header)."""
        return {
            "profile": self.profile,
            "placement": self.placement.value,
            "side": self.side.value if self.side else None,
            "name": self.name,
            "address": self.address,
            "characteristics": list(self.characteristics),
        }

    @classmethod
    def from_json(cls, d: dict) -> SensorInfo:
        """Inverse of :meth:`to_json`; raises ValueError/KeyError on bad content."""
        side = d.get("side")
        return cls(
            profile=str(d["profile"]),
            placement=Placement(d["placement"]),
            side=Side(side) if side else None,
            name=str(d.get("name", "")),
            address=str(d.get("address", "")),
            characteristics=tuple(str(c) for c in d.get("characteristics", ())),
        )
