"""A simulated session: the runner's steps on a course, both feet's trajectories and the instrumented
feet's sensors, built from a named scenario (:func:`simulate`) or a drawn run (:func:`simulate_draw`),
with the ground truth; :func:`true_signals` gives a sensor's noise-free signals and pose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ...datatypes import Placement, SensorInfo, Side
from ...decoders import open_imu
from ...errors import UserError
from .course import Course
from .draws import DRAW_SCENARIO, RunDraw
from .foot import FootTrajectory, foot_from_plan
from .imu import ImuModel
from .runner import Runner, StepPlan, plan_steps
from .scenarios import SCENARIOS, Scenario, build_scenario, lay_out, scenario_names
from .truth import build_episodes, build_grade, build_steps
from .wire import Link, PacketPlan, plan_packets

MAX_DURATION_S = 4 * 3600.0
STANDING_S = 3.0
"""Default time the runner stands still at the start, s."""
RATE_RANGE_HZ = (50.0, 2000.0)
INTERVAL_RANGE_MS = (7.5, 50.0)
ACC_RANGES_G = (16, 32)
GYRO_RANGES_DPS = (2000, 4000)
FEET = {"left": (0,), "right": (1,), "both": (0, 1)}


@dataclass(frozen=True)
class SimulatedSensor:
    """One instrumented foot: its side (0 = left, 1 = right), sensor model, link, samples and packets."""

    side: int
    imu: ImuModel
    link: Link
    t: np.ndarray
    packets: PacketPlan

    @property
    def info(self) -> SensorInfo:
        """What the recording header says about it."""
        side = Side.LEFT if self.side == 0 else Side.RIGHT
        return SensorInfo(
            profile="open-imu",
            placement=Placement.FOOT,
            side=side,
            name=f"CC-IMU sim {side.value}",
            address=f"simulator:{side.value}",
            characteristics=(open_imu.DATA_UUID,),
        )


@dataclass(frozen=True)
class SensorSamples:
    """What one sensor measured (bias, noise, clipping; not quantised).

    Attributes:
        t: true sample times on the session time base, s.
        acc: specific force, sensor frame, m/s^2, (n, 3).
        gyro: angular rate, sensor frame, rad/s, (n, 3).
        pressure_pa: barometric pressure at every sample, Pa, or None without a barometer.
    """

    t: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray
    pressure_pa: np.ndarray | None


@dataclass(frozen=True)
class TrueSignals:
    """Noise-free, unclipped signals and pose of a sensor (world: x forward, y left, z up).

    Attributes:
        position: sensor position, m, (n, 3).
        velocity: m/s, (n, 3).
        rotation: sensor-to-world rotation matrices, (n, 3, 3).
        acc: specific force in the sensor frame, m/s^2, (n, 3).
        gyro: angular rate in the sensor frame, rad/s, (n, 3).
    """

    position: np.ndarray
    velocity: np.ndarray
    rotation: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray


@dataclass
class Simulation:
    """A simulated session: the runner's steps on a course, both feet's trajectories, the sensors."""

    scenario: str
    seed: int
    duration_s: float
    rate_hz: float
    options: dict
    course: Course
    runner: Runner
    plan: StepPlan
    feet: tuple[FootTrajectory, FootTrajectory]
    sensors: list[SimulatedSensor]
    truth: dict = field(repr=False, default_factory=dict)

    def samples(self, sensor: int, start: int = 0, stop: int | None = None) -> SensorSamples:
        """Measured samples ``start .. stop - 1`` of a sensor (index in :attr:`sensors`)."""
        s = self.sensors[sensor]
        t = s.t[start:stop]
        acc, gyro, pressure = s.imu.measure(self.feet[s.side], t, start, self.options["baro"])
        return SensorSamples(t, acc, gyro, pressure)


def simulate(
    scenario: str,
    duration_s: float,
    seed: int,
    rate_hz: float = 400.0,
    feet: str = "right",
    *,
    interval_ms: float = 15.0,
    loss: float = 0.002,
    baro: bool = True,
    acc_range_g: int = 32,
    gyro_range_dps: int = 4000,
    standing_s: float = STANDING_S,
) -> Simulation:
    """Simulate a runner wearing foot IMUs.

    Args:
        scenario: one of :func:`scenario_names`.
        duration_s: session length, s (the course is scaled to fit it).
        seed: everything random (runner, course details, mounting, noise, clocks, losses) follows it.
        rate_hz: IMU sample rate, Hz (50..2000).
        feet: "left", "right" or "both" instrumented.
        interval_ms: BLE connection interval, ms (7.5..50).
        loss: packet loss probability (0..0.5), partly in bursts.
        baro: include a 25 Hz barometer channel.
        acc_range_g: accelerometer full scale, 16 or 32 g.
        gyro_range_dps: gyroscope full scale, 2000 or 4000 degrees/s.
        standing_s: the runner stands still this long at the start, s (>= 1).

    Raises:
        UserError: for any bad argument, naming the allowed values.
    """
    if scenario not in SCENARIOS:
        raise UserError(f"unknown scenario {scenario!r} (known: {', '.join(scenario_names())})")
    _check(duration_s, rate_hz, feet, interval_ms, loss, acc_range_g, gyro_range_dps, standing_s)
    _check_seed(seed)
    world_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[0])
    flat_speed = float(world_rng.uniform(2.8, 3.2))
    runner = Runner.random(world_rng, flat_speed)
    layout = build_scenario(scenario, duration_s - standing_s, runner, world_rng)
    options = {
        "feet": feet,
        "interval_ms": interval_ms,
        "loss": loss,
        "baro": baro,
        "acc_range_g": acc_range_g,
        "gyro_range_dps": gyro_range_dps,
        "standing_s": standing_s,
    }
    return _assemble(layout, runner, seed, duration_s, rate_hz, options)


def simulate_draw(draw: RunDraw) -> Simulation:
    """Simulate a drawn run (:func:`.draws.draw_run`); the scenario is "random" and the truth sidecar
    also records the draw (``draw``: strike style, course style, segments with their episodes).

    Raises:
        UserError: for a draw whose session settings are out of range (after changing them).
    """
    d = draw
    _check(
        d.duration_s, d.rate_hz, d.feet, d.interval_ms, d.loss, d.acc_range_g, d.gyro_range_dps, d.standing_s
    )
    _check_seed(d.seed)
    layout = lay_out(
        DRAW_SCENARIO, list(d.segments), d.duration_s - d.standing_s, d.runner, np.random.default_rng(d.seed)
    )
    options = {
        "feet": d.feet,
        "interval_ms": d.interval_ms,
        "loss": d.loss,
        "baro": d.baro,
        "acc_range_g": d.acc_range_g,
        "gyro_range_dps": d.gyro_range_dps,
        "standing_s": d.standing_s,
    }
    sim = _assemble(layout, d.runner, d.seed, d.duration_s, d.rate_hz, options)
    sim.truth["draw"] = d.as_dict()
    return sim


def _assemble(
    layout: Scenario, runner: Runner, seed: int, duration_s: float, rate_hz: float, options: dict
) -> Simulation:
    """Plan the steps of a laid-out course, build the feet, sensors and links, and the truth."""
    seeds = np.random.SeedSequence(seed).spawn(4)
    o = options
    plan = plan_steps(
        layout.course,
        runner,
        duration_s,
        np.random.default_rng(seeds[1]),
        layout.episodes,
        layout.walk_ranges_m,
        o["standing_s"],
    )
    trajectories = (foot_from_plan(plan, 0, layout.course), foot_from_plan(plan, 1, layout.course))
    sensor_rng = np.random.default_rng(seeds[2])
    wire_rng = np.random.default_rng(seeds[3])
    sensors = []
    for side in FEET[o["feet"]]:
        imu = ImuModel.random(sensor_rng, rate_hz, o["acc_range_g"], o["gyro_range_dps"])
        link = Link.random(wire_rng, rate_hz, o["interval_ms"] / 1000.0, o["loss"])
        t = link.sample_times(duration_s)
        sensors.append(SimulatedSensor(side, imu, link, t, plan_packets(link, t, wire_rng, o["baro"])))
    sim = Simulation(
        layout.name, seed, duration_s, rate_hz, options, layout.course, runner, plan, trajectories, sensors
    )
    steps = build_steps(plan, layout.course, trajectories, duration_s)
    sim.truth = {
        "scenario": layout.name,
        "seed": seed,
        "rate_hz": rate_hz,
        "duration_s": duration_s,
        "options": options,
        "runner": {k: round(v, 4) for k, v in vars(runner).items()},
        "sensors": [_sensor_truth(s) for s in sensors],
        "steps": steps,
        "episodes": build_episodes(steps),
        "grade": build_grade(plan, layout.course, duration_s),
    }
    return sim


def true_signals(sim: Simulation, sensor: int, t: np.ndarray) -> TrueSignals:
    """Noise-free, unclipped signals and pose of sensor ``sensor`` at any session times ``t`` (s)."""
    s = sim.sensors[sensor]
    motion = sim.feet[s.side].motion(np.asarray(t, dtype=float), s.imu.position_m)
    m = s.imu.mounting
    return TrueSignals(
        position=motion.pos,
        velocity=motion.vel,
        rotation=motion.rotation() @ m,
        acc=motion.specific_force() @ m,
        gyro=motion.angular_rate() @ m,
    )


def _sensor_truth(s: SimulatedSensor) -> dict:
    return {
        "side": "left" if s.side == 0 else "right",
        "placement": "foot",
        "mounting": np.round(s.imu.mounting, 9).tolist(),
        "position_m": np.round(s.imu.position_m, 6).tolist(),
        "acc_bias_mps2": np.round(s.imu.acc_bias, 6).tolist(),
        "gyro_bias_radps": np.round(s.imu.gyro_bias, 8).tolist(),
        "acc_noise_mps2": s.imu.acc_noise,
        "gyro_noise_radps": s.imu.gyro_noise,
        "acc_range_g": s.imu.acc_range_g,
        "gyro_range_dps": s.imu.gyro_range_dps,
        "clock_offset_us": s.link.clock_offset_us,
        "clock_drift_ppm": s.link.drift_ppm,
        "first_sample_s": s.link.first_sample_s,
        "samples": int(s.t.size),
        "packets": len(s.packets),
        "packets_lost": int(np.count_nonzero(s.packets.lost)),
    }


def duration_range(standing_s: float = STANDING_S) -> tuple[float, float]:
    """Shortest and longest session the simulator makes with ``standing_s`` of standing, s."""
    return standing_s + 10.0, MAX_DURATION_S


def _check_seed(seed: int) -> None:
    if not (isinstance(seed, int) and seed >= 0):
        raise UserError(f"seed {seed!r}: give a whole number >= 0")


def _check(
    duration_s: float,
    rate_hz: float,
    feet: str,
    interval_ms: float,
    loss: float,
    acc_range_g: int,
    gyro_range_dps: int,
    standing_s: float,
) -> None:
    lo, hi = duration_range(standing_s)
    if not (math.isfinite(duration_s) and lo <= duration_s <= hi):
        raise UserError(f"duration {duration_s:g} s out of range: give {lo:g} to {hi:g} s")
    if not RATE_RANGE_HZ[0] <= rate_hz <= RATE_RANGE_HZ[1]:
        raise UserError(
            f"rate {rate_hz:g} Hz out of range: give {RATE_RANGE_HZ[0]:g} to {RATE_RANGE_HZ[1]:g} Hz"
        )
    if feet not in FEET:
        raise UserError(f"feet {feet!r}: give one of {', '.join(FEET)}")
    if not INTERVAL_RANGE_MS[0] <= interval_ms <= INTERVAL_RANGE_MS[1]:
        raise UserError(f"connection interval {interval_ms:g} ms out of range: give 7.5 to 50 ms")
    if not 0.0 <= loss <= 0.5:
        raise UserError(f"packet loss {loss:g} out of range: give 0 to 0.5")
    if acc_range_g not in ACC_RANGES_G:
        raise UserError(f"accelerometer range {acc_range_g} g: give 16 or 32")
    if gyro_range_dps not in GYRO_RANGES_DPS:
        raise UserError(f"gyroscope range {gyro_range_dps} dps: give 2000 or 4000")
    if not 1.0 <= standing_s <= 60.0:
        raise UserError(f"standing time {standing_s:g} s out of range: give 1 to 60 s")
