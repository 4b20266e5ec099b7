"""The live path end to end against simulated sensors on a bumble virtual link, scored against truth.

:func:`run_bench` simulates a runner (``sources.simulator.simulate``), serves each instrumented foot's
measured signals from a :class:`~cadence_coach.sources.ble.sim_peripheral.SimulatedSensor` in real time, runs
:func:`~cadence_coach.live.session.run_live` (reader -> Session with coach and voice -> recording), forces
range-loss disconnects, and scores the steps.

Time bases. Simulated sample ``i`` of a sensor was taken at simulator time ``sim.sensors[k].t[i]``; the
simulated BLE sensor serves it at sensor time ``i / rate_hz``. A true initial contact at simulator time
``t_ic`` is therefore at sensor time ``s_ic = interp(t_ic, sim t, i / rate_hz)``, and on the session time
base (host monotonic clock, 0 at session start) at ``clock_origin + s_ic - session_start``. The bench
sets every sensor's ``clock_origin`` to ``session_start``, so the sensors start sampling as the session
starts.

Scoring. True steps are the truth ICs of the instrumented feet that fall inside a run of samples the
session actually received (``LiveRun.spans``: connection set-up and outages are not streamed). Detected
steps are matched per sensor within 50 ms (``evaluation.match_events``) for F1, as benchmarks/gait_accuracy
does. Latency = ``detected_at_s`` - true IC, both on the session time base, and the IC error =
detected - true IC, are taken over pairs matched within 0.25 s (well under one stride of a foot), so a
systematic IC offset of the detector shows as ``ic_error_ms_median`` instead of emptying the latency
figures. A false step near a gap is a detection unmatched at 0.25 s from 0.5 s before a gap to 1 s after it.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..sources.ble.sim_link import SimulatedLink
from ..sources.ble.sim_peripheral import SimulatedSensor
from ..sources.ble.sim_sources import OpenImuFramePacker
from ..coach.coach import Coach
from ..coach.config import load_config
from ..datatypes import SensorInfo
from ..errors import UserError
from ..evaluation.matching import match_events
from ..gait import kernels
from ..pipeline import Pipeline
from ..session import Session
from ..sources.simulator import Simulation, simulate
from ..voice import Voice
from .session import DeviceSpec, LiveRun, run_live

SUPPORTED_PROFILES = ("open-imu",)
"""Profiles whose simulated sensor can stream the simulated runner's IMU data."""
MATCH_TOLERANCE_S = 0.05
"""Pairing window for F1, s."""
PAIR_TOLERANCE_S = 0.25
"""Pairing window for latency, IC error and false steps, s."""
GAP_MARGIN_BEFORE_S = 0.5
GAP_MARGIN_AFTER_S = 1.0
ABSENT_RANGE_S = (0.5, 2.0)
"""How long a forced range loss keeps the sensor silent, s (uniform)."""
TAIL_S = 0.3
"""Extra session time after the last sample so its packets arrive, s."""


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Figures of one bench run (units in the names; NaN where there was nothing to measure)."""

    steps_true: int
    steps_detected: int
    f1: float
    latency_ms_median: float
    latency_ms_p95: float
    ic_error_ms_median: float
    disconnects: int
    reconnects: int
    reconnect_ms_median: float
    reconnect_ms_max: float
    reconnect_after_return_ms_median: float
    """Outage minus the time the sensor was absent: how long the reader took once it was back, ms."""
    packets_lost: int
    false_steps_in_gaps: int
    cues: int
    session_s: float
    cpu_percent: float
    session_cpu_percent: float
    """CPU time spent in packet handling (decode, gait, coach, voice, recording) / wall time * 100."""

    def to_json(self) -> dict:
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()}

    def lines(self) -> list[str]:
        return [
            f"steps: {self.steps_detected} detected, {self.steps_true} true, F1 {self.f1:.3f}",
            f"latency: median {self.latency_ms_median:.1f} ms, p95 {self.latency_ms_p95:.1f} ms "
            f"(detected IC - true IC: median {self.ic_error_ms_median:.1f} ms)",
            f"link: {self.disconnects} disconnects, {self.reconnects} reconnects, reconnect median "
            f"{self.reconnect_ms_median:.0f} ms, max {self.reconnect_ms_max:.0f} ms (median "
            f"{self.reconnect_after_return_ms_median:.0f} ms after the sensor was back), {self.packets_lost} packets lost",
            f"false steps near gaps: {self.false_steps_in_gaps}",
            f"cues: {self.cues}, session {self.session_s:.1f} s",
            f"cpu: {self.cpu_percent:.1f} % of one core (whole process, incl. simulated sensors), "
            f"{self.session_cpu_percent:.1f} % in the session",
        ]


def check_bench_args(profile: str, sensors: int, duration_s: float, disconnects: int) -> None:
    """:class:`UserError` for what the bench cannot do (other checks are simulate()'s)."""
    if profile not in SUPPORTED_PROFILES:
        raise UserError(f"bench supports profile {', '.join(SUPPORTED_PROFILES)} only, not {profile!r}")
    if sensors not in (1, 2):
        raise UserError(f"--sensors {sensors}: give 1 or 2")
    if not duration_s > 0:
        raise UserError(f"--duration {duration_s:g}: give seconds > 0")
    if disconnects < 0:
        raise UserError(f"--disconnects {disconnects}: give a whole number >= 0")


def simulated_sensors(sim: Simulation, interval_ms: float) -> list[SimulatedSensor]:
    """One simulated BLE sensor per instrumented foot, serving its measured samples once (no loop)."""
    out = []
    for k, s in enumerate(sim.sensors):
        samples = sim.samples(k)
        side = "L" if s.side == 0 else "R"
        packer = OpenImuFramePacker(samples.acc, samples.gyro, sim.rate_hz, loop=False,
                                    acc_range_g=s.imu.acc_range_g, gyro_range_dps=s.imu.gyro_range_dps)
        out.append(SimulatedSensor(f"CC-IMU-{side}", packer, interval_ms=interval_ms,
                                   address=f"F0:00:00:00:00:0{k + 1}"))
    return out


def disconnect_plan(count: int, duration_s: float, seed: int) -> list[tuple[float, int, float]]:
    """(session time, sensor slot, absent s) of each forced disconnect, spread evenly over the session."""
    rng = random.Random(seed)
    return [((j + 1) * duration_s / (count + 1), j, rng.uniform(*ABSENT_RANGE_S)) for j in range(count)]


async def _force(sensors: list[SimulatedSensor], plan: list[tuple[float, int, float]], session_start: float) -> None:
    for t, slot, absent in plan:
        await asyncio.sleep(max(0.0, session_start + t - time.monotonic()))
        await sensors[slot % len(sensors)].force_disconnect(absent)


def true_ic_session_times(sim: Simulation, k: int, clock_origin: float, session_start: float) -> np.ndarray:
    """True initial contacts of sensor ``k``'s foot on the session time base, s (module docstring)."""
    s = sim.sensors[k]
    side = "left" if s.side == 0 else "right"
    t_ic = np.array([st["t_ic_s"] for st in sim.truth["steps"] if st["side"] == side])
    sensor_t = np.interp(t_ic, s.t, np.arange(s.t.size) / sim.rate_hz)
    return clock_origin + sensor_t - session_start


def after_return_ms(live: LiveRun, plan: list[tuple[float, int, float]]) -> np.ndarray:
    """Each reconnect's outage minus the planned absence of that disconnect, ms."""
    out = []
    n = len(live.readers)
    for k, reader in enumerate(live.readers):
        absent = [a for _, slot, a in plan if slot % n == k]
        out.extend(d - a for d, a in zip(reader.stats.reconnect_durations_s, absent))
    return np.array(out) * 1000.0


def score(
    sim: Simulation, live: LiveRun, clock_origins: list[float], cpu_s: float, plan: list[tuple[float, int, float]]
) -> BenchResult:
    """Score a finished live run against the simulator's truth (module docstring)."""
    latencies: list[float] = []
    ic_errors: list[float] = []
    tp = fp = fn = n_true = n_det = near_gaps = 0
    for k in range(len(sim.sensors)):
        spans = np.array(live.spans[k]).reshape(-1, 2)
        true_t = true_ic_session_times(sim, k, clock_origins[k], live.session_start)
        inside = np.zeros(true_t.size, bool)
        for a, b in spans:
            inside |= (true_t >= a) & (true_t <= b)
        true_t = true_t[inside]
        steps = sorted((s for s in live.session.steps if s.sensor == k), key=lambda s: s.t_ic_s)
        det_t = np.array([s.t_ic_s for s in steps])
        m = match_events(det_t, true_t, MATCH_TOLERANCE_S)
        pairs = match_events(det_t, true_t, PAIR_TOLERANCE_S)
        latencies.extend(steps[i].detected_at_s - true_t[j] for i, j in zip(pairs.detected, pairs.true))
        ic_errors.extend(det_t[pairs.detected] - true_t[pairs.true])
        tp += len(m.detected)
        fp += m.false_positives
        fn += m.false_negatives
        n_true += true_t.size
        n_det += det_t.size
        gaps = list(zip(spans[:-1, 1], spans[1:, 0]))
        unmatched = np.delete(det_t, pairs.detected)
        near_gaps += sum(
            any(g0 - GAP_MARGIN_BEFORE_S <= t <= g1 + GAP_MARGIN_AFTER_S for g0, g1 in gaps) for t in unmatched
        )
    lat_ms = np.array(latencies) * 1000.0
    outages_ms = np.array([d for r in live.readers for d in r.stats.reconnect_durations_s]) * 1000.0
    back_ms = after_return_ms(live, plan)
    denom = 2 * tp + fp + fn
    wall = max(live.wall_s, 1e-9)
    return BenchResult(
        steps_true=n_true,
        steps_detected=n_det,
        f1=2 * tp / denom if denom else 1.0,
        latency_ms_median=float(np.median(lat_ms)) if lat_ms.size else float("nan"),
        latency_ms_p95=float(np.percentile(lat_ms, 95)) if lat_ms.size else float("nan"),
        ic_error_ms_median=float(np.median(ic_errors)) * 1000.0 if ic_errors else float("nan"),
        disconnects=sum(r.stats.disconnects for r in live.readers),
        reconnects=sum(r.stats.reconnects for r in live.readers),
        reconnect_ms_median=float(np.median(outages_ms)) if outages_ms.size else float("nan"),
        reconnect_ms_max=float(outages_ms.max()) if outages_ms.size else float("nan"),
        reconnect_after_return_ms_median=float(np.median(back_ms)) if back_ms.size else float("nan"),
        packets_lost=live.session.pipeline.lost_packets,
        false_steps_in_gaps=near_gaps,
        cues=len(live.session.cues),
        session_s=live.wall_s,
        cpu_percent=cpu_s / wall * 100.0,
        session_cpu_percent=live.process_cpu_s / wall * 100.0,
    )


async def run_bench(
    profile: str = "open-imu",
    scenario: str = "flat-easy",
    duration_s: float = 60.0,
    *,
    interval_ms: float = 7.5,
    disconnects: int = 0,
    sensors: int = 1,
    rate_hz: float = 200.0,
    seed: int = 0,
    audio: str = "off",
    record_dir: Path | None = None,
) -> BenchResult:
    """Run the live path against a simulated runner and score it (module docstring).

    Args:
        profile: firmware profile of the simulated sensors (open-imu only).
        scenario: simulator scenario name.
        duration_s: simulated session length, s (the session runs this long in real time).
        interval_ms: BLE connection interval, ms.
        disconnects: forced range losses, spread over the session (alternating sensors).
        sensors: 1 (left foot) or 2 (both feet).
        rate_hz: IMU sample rate, Hz.
        seed: simulator and disconnect-plan seed.
        audio: voice mode (``off``, ``auto``, ``on``, ``wav:PATH``).
        record_dir: folder for the session recording (default: a temporary one, deleted after).
    """
    check_bench_args(profile, sensors, duration_s, disconnects)
    if not 7.5 <= interval_ms <= 50.0:
        raise UserError(f"--interval-ms {interval_ms:g}: give 7.5 to 50 ms")
    sim = simulate(scenario, duration_s, seed, rate_hz=rate_hz, feet="left" if sensors == 1 else "both", loss=0.0)
    kernels.compile_all()  # now, not once the simulated radio runs in this event loop
    sim_sensors = simulated_sensors(sim, interval_ms)
    config = load_config(None)
    with tempfile.TemporaryDirectory() as tmp:
        record = (record_dir or Path(tmp)) / f"bench-{os.getpid()}-{time.time_ns()}.ccrec"
        with Voice(audio, {cid: cue.text for cid, cue in config.cues.items()}) as voice:

            def make_session(infos: list[SensorInfo]) -> Session:
                return Session(Pipeline(infos), coach=Coach(config), speaker=voice)

            specs = [DeviceSpec(s.name, profile) for s in sim_sensors]
            async with SimulatedLink(sim_sensors) as link:
                session_start = time.monotonic()
                for s in sim_sensors:
                    s.clock_origin = session_start
                plan = disconnect_plan(disconnects, duration_s, seed)
                cpu0 = time.process_time()
                forcing = asyncio.create_task(_force(sim_sensors, plan, session_start))
                try:
                    live = await run_live(specs, make_session, record_path=record, backend=link.backend,
                                          duration_s=duration_s + TAIL_S, session_start=session_start,
                                          scan_timeout_s=5.0, connect_timeout_s=5.0)
                finally:
                    forcing.cancel()
                    await asyncio.gather(forcing, return_exceptions=True)
                cpu_s = time.process_time() - cpu0
                origins = [s.clock_origin for s in sim_sensors]
    return score(sim, live, origins, cpu_s, plan)
