"""Writing a simulation: the recording (every sensor's arriving packets, merged in arrival order) and
its ``.truth.json`` sidecar."""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...atomic import atomic_path
from ...datatypes import RawPacket
from ...decoders import open_imu
from ...errors import UserError
from ..recording import RecordingHeader, RecordingWriter
from .simulation import Simulation
from .truth import truth_path, write_truth
from .wire import encode_packets

CHUNK_PACKETS = 4000
"""Packets encoded per batch of evaluated samples when writing (bounds memory)."""


@dataclass(frozen=True)
class WriteSummary:
    """What :func:`write` produced."""

    recording: Path
    truth: Path
    steps: int
    packets_sent: int
    packets_lost: int
    bytes_written: int


def write(sim: Simulation, out_path: str | os.PathLike) -> WriteSummary:
    """Write the recording and its ``.truth.json`` sidecar. :class:`UserError` if either exists.

    Both are written to temporary files and renamed into place once whole (the sidecar first), so an
    interrupted simulation (Ctrl-C) leaves neither file."""
    out = Path(out_path)
    sidecar = truth_path(out)
    for p in (out, sidecar):
        if p.exists():
            raise UserError(f"{p}: already exists (choose another --out)")
    header = RecordingHeader(
        sensors=[s.info for s in sim.sensors],
        started_at="1970-01-01T00:00:00+00:00",
        source="simulator",
        meta={
            "scenario": sim.scenario,
            "seed": sim.seed,
            "rate_hz": sim.rate_hz,
            "duration_s": sim.duration_s,
            "options": sim.options,
        },
    )
    try:
        with atomic_path(out, "the recording", exclusive=True) as tmp:
            with RecordingWriter(tmp, header, flush_interval_s=1.0, exclusive=False) as writer:
                streams = [sensor_packets(sim, i) for i in range(len(sim.sensors))]
                for packet in heapq.merge(*streams, key=lambda p: p.t_host):
                    writer.write_packet(packet)
                sent = writer.packets_written
            write_truth(sidecar, sim.truth)  # before the recording appears: never one without the other
    except FileExistsError as exc:
        raise UserError(f"{exc.filename}: already exists (choose another --out)") from None
    except OSError as exc:
        raise UserError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from None
    lost = sum(int(np.count_nonzero(s.packets.lost)) for s in sim.sensors)
    return WriteSummary(out, sidecar, len(sim.truth["steps"]), sent, lost, out.stat().st_size)


def sensor_packets(sim: Simulation, index: int) -> Iterator[RawPacket]:
    """One sensor's arriving packets in arrival order, evaluating its samples batch by batch (so memory
    stays bounded whatever the length)."""
    s = sim.sensors[index]
    plan = s.packets
    for first in range(0, len(plan), CHUNK_PACKETS):
        stop = min(first + CHUNK_PACKETS, len(plan))
        a = int(plan.start[first])
        b = int(plan.start[stop - 1] + plan.count[stop - 1])
        samples = sim.samples(index, a, b)
        for arrival, payload in encode_packets(
            s.link,
            plan,
            first,
            stop,
            samples.acc,
            samples.gyro,
            samples.pressure_pa,
            a,
            s.imu.acc_range_g,
            s.imu.gyro_range_dps,
        ):
            yield RawPacket(index, arrival, open_imu.DATA_UUID, payload)
