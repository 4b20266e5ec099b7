"""The live path end to end against simulated sensors on a bumble virtual link (``cadence-coach bench``).

:func:`run_bench` simulates a runner (``sources.simulator.simulate``), serves each instrumented foot's
measured signals from a :class:`~cadence_coach.sources.ble.sim.peripheral.SimulatedSensor` in real time,
runs a :class:`~cadence_coach.session.live.LiveSession` (reader -> Session with coach and voice ->
recording), forces range-loss disconnects, and scores the steps (:mod:`.bench_score`).

Simulated sample ``i`` of a sensor is served at sensor time ``i / rate_hz``; the bench sets every
sensor's ``clock_origin`` (sensor time 0 on the host monotonic clock) to ``session_start``, so the
sensors start sampling as the session starts.

The session the bench builds also notes which runs of samples it received (:class:`SpanNotingSession`),
since true steps count only where samples were streamed; ``cadence-coach run`` does no such bookkeeping.

Needs the simulated radio (bumble, the ``sim`` extra): import this module only to run the bench.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..coach.coach import Coach
from ..coach.config import load_config
from ..datatypes import SensorInfo
from ..gait import kernels
from ..sources.ble.sim.link import SimulatedLink
from ..sources.ble.sim.packets import OpenImuFramePacker
from ..sources.ble.sim.peripheral import SimulatedSensor
from ..sources.simulator import Simulation, simulate
from ..voice import Voice
from .bench_score import BenchResult, BenchRun, DisconnectPlan, ReceivedSpans, score
from .live import DeviceSpec, LiveSession
from .pipeline import Pipeline, PipelineOutput
from .session import Item, Session

ABSENT_RANGE_S = (0.5, 2.0)
"""How long a forced range loss keeps the sensor silent, s (uniform)."""
TAIL_S = 0.3
"""Extra session time after the last sample so its packets arrive, s."""


class SpanNotingSession(Session):
    """A :class:`Session` that also notes the runs of gap-free samples it received (:attr:`spans`)."""

    def __init__(self, pipeline: Pipeline, coach: Coach, speaker: Voice) -> None:
        super().__init__(pipeline, coach=coach, speaker=speaker)
        self.spans = ReceivedSpans(len(pipeline.sensors))

    def process(self, items: list[Item]) -> PipelineOutput:
        out = super().process(items)
        self.spans.note(out)
        return out


def simulated_sensors(sim: Simulation, interval_ms: float) -> list[SimulatedSensor]:
    """One simulated BLE sensor per instrumented foot, serving its measured samples once (no loop)."""
    out = []
    for k, s in enumerate(sim.sensors):
        samples = sim.samples(k)
        side = "L" if s.side == 0 else "R"
        packer = OpenImuFramePacker(
            samples.acc,
            samples.gyro,
            sim.rate_hz,
            loop=False,
            acc_range_g=s.imu.acc_range_g,
            gyro_range_dps=s.imu.gyro_range_dps,
        )
        out.append(
            SimulatedSensor(
                f"CC-IMU-{side}", packer, interval_ms=interval_ms, address=f"F0:00:00:00:00:0{k + 1}"
            )
        )
    return out


def disconnect_plan(count: int, duration_s: float, seed: int) -> DisconnectPlan:
    """(session time, sensor slot, absent s) of each forced disconnect, spread evenly over the session."""
    rng = random.Random(seed)
    return [((j + 1) * duration_s / (count + 1), j, rng.uniform(*ABSENT_RANGE_S)) for j in range(count)]


async def _force(sensors: list[SimulatedSensor], plan: DisconnectPlan, session_start: float) -> None:
    for t, slot, absent in plan:
        await asyncio.sleep(max(0.0, session_start + t - time.monotonic()))
        await sensors[slot % len(sensors)].force_disconnect(absent)


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
    stop: asyncio.Event | None = None,
) -> BenchResult:
    """Run the live path against a simulated runner and score it (module docstring). The command line
    checks the arguments (``cli/bench.py``); ``simulate`` checks the scenario and rate.

    Args:
        profile: firmware profile of the simulated sensors (open-imu only).
        scenario: simulator scenario name.
        duration_s: simulated session length, s (the session runs this long in real time).
        interval_ms: BLE connection interval, ms, 7.5 to 50.
        disconnects: forced range losses, spread over the session (alternating sensors).
        sensors: 1 (left foot) or 2 (both feet).
        rate_hz: IMU sample rate, Hz.
        seed: simulator and disconnect-plan seed.
        audio: voice mode (``off``, ``auto``, ``on``, ``wav:PATH``).
        stop: set it to end the session early (Ctrl-C, SIGTERM); what was streamed until then is scored.

    The session's recording goes to a temporary folder, deleted after.
    """
    sim = simulate(
        scenario, duration_s, seed, rate_hz=rate_hz, feet="left" if sensors == 1 else "both", loss=0.0
    )
    kernels.compile_all()  # now, not once the simulated radio runs in this event loop
    sim_sensors = simulated_sensors(sim, interval_ms)
    config = load_config(None)
    plan = disconnect_plan(disconnects, duration_s, seed)
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / f"bench-{os.getpid()}-{time.time_ns()}.ccrec"
        with Voice(audio, {cid: cue.text for cid, cue in config.cues.items()}) as voice:

            def make_session(infos: list[SensorInfo]) -> Session:
                return SpanNotingSession(Pipeline(infos), coach=Coach(config), speaker=voice)

            specs = [DeviceSpec(s.name, profile) for s in sim_sensors]
            run = await _serve_and_run(sim, sim_sensors, specs, make_session, record, duration_s, plan, stop)
    return score(run)


async def _serve_and_run(
    sim: Simulation,
    sim_sensors: list[SimulatedSensor],
    specs: list[DeviceSpec],
    make_session: Callable[[list[SensorInfo]], Session],
    record: Path,
    duration_s: float,
    plan: DisconnectPlan,
    stop: asyncio.Event | None = None,
) -> BenchRun:
    """Serve the simulated sensors on a virtual link, their clocks starting now, and run a live session
    against them for ``duration_s`` (s, plus :data:`TAIL_S`) while forcing the planned disconnects."""
    async with SimulatedLink(sim_sensors) as link:
        session_start = time.monotonic()
        for s in sim_sensors:
            s.clock_origin = session_start
        cpu0 = time.process_time()
        forcing = asyncio.create_task(_force(sim_sensors, plan, session_start))
        try:
            live = await LiveSession(
                specs,
                make_session,
                record_path=record,
                backend=link.backend,
                duration_s=duration_s + TAIL_S,
                stop=stop,
                session_start=session_start,
                scan_timeout_s=5.0,
                connect_timeout_s=5.0,
            ).run()
        finally:
            forcing.cancel()
            await asyncio.gather(forcing, return_exceptions=True)
        cpu_s = time.process_time() - cpu0
        origins = [s.clock_origin for s in sim_sensors]
    assert isinstance(live.session, SpanNotingSession)
    return BenchRun(sim, live, live.session.spans, origins, cpu_s, plan)
