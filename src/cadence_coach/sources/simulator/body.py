"""Shank and trunk (pelvis, head) kinematics of the simulated runner, with a sensor model and ground truth.

Built on the same step plan and foot trajectories as the foot sensors, and used only by tests and
benchmarks of the shank/trunk/head detectors: nothing here changes what :func:`simulate` writes for foot
sensors. World frame as in :mod:`.foot` (x forward, y left, z up).

Shank: a rigid segment hinged at the ankle (a point of the foot trajectory, so the landing pulse reaches
it) whose sagittal angle ``theta`` (+ = ankle ahead of the knee) follows a chain of quintic segments
through the gait cycle: near vertical and already rotating back at contact, rotating forward over the
planted foot through stance (the rate dips at contact and is most negative around toe-off), flexing back
in early swing, then swinging forward (the large mid-swing peak of angular rate) to its most forward angle
before contact. The rate's extremes sit a few milliseconds from the true events, by a per-runner offset,
as in published shank data. The skin-mounted sensor follows the bone through a soft-tissue low-pass.

Trunk: the specific force of the body's centre of mass is the sum of the ground reaction forces per body
mass (Newton), modelled per foot over its contact: vertical a half sine (running; plus a heel-strike
transient) or a double hump (walking) whose impulse carries one step's weight; fore-aft braking then
propulsion; sideways a push away from the stance foot. The pelvis leans forward and oscillates: pitch
per step, roll per stride (the swing side drops after each contact), yaw per stride. A head sensor feels
the same forces with its own pitch (looking down) and smaller sway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.signal import bilinear, lfilter
from scipy.spatial.transform import Rotation

from ...datatypes import GRAVITY, Placement, SampleBlock, SensorInfo, Side
from . import polynomials as poly
from .foot import pitch_matrix

if TYPE_CHECKING:
    from . import Simulation

ANKLE = np.array([0.06, 0.0, 0.08])
"""Ankle joint in the foot frame (heel on the sole = origin), m."""
SHANK_SENSOR = np.array([0.03, 0.0, 0.14])
"""Sensor on the distal tibia in the shank frame (x forward, z from ankle to knee), m."""
TISSUE_HZ, TISSUE_DAMPING = 50.0, 0.6
"""Soft tissue between bone and a skin-mounted sensor: natural frequency, Hz, and damping ratio."""
DENSE_HZ = 2000.0
"""Rate at which the shank's motion is evaluated before the soft-tissue filter, Hz."""
FINITE_STEP_S = 1e-4
"""Time step of the central differences that give the trunk's angular rate, s."""


@dataclass(frozen=True)
class BodyMotion:
    """Motion of a body-worn sensor at sample times (world frame).

    Attributes:
        rotation: segment-to-world rotations, (n, 3, 3).
        specific_force: specific force in the world frame, m/s^2, (n, 3) (+g up at rest).
        angular_rate: angular velocity in the segment frame, rad/s, (n, 3).
    """

    rotation: np.ndarray
    specific_force: np.ndarray
    angular_rate: np.ndarray


@dataclass(frozen=True)
class BodySensor:
    """A body-worn IMU: random mounting on its segment, biases, noise, clipping."""

    mounting: np.ndarray
    acc_bias: np.ndarray
    gyro_bias: np.ndarray
    acc_noise: float
    gyro_noise: float
    acc_range_g: float
    gyro_range_dps: float

    @classmethod
    def random(
        cls, rng: np.random.Generator, rate_hz: float, acc_range_g: float, gyro_range_dps: float
    ) -> BodySensor:
        scale = math.sqrt(rate_hz / 400.0)
        return cls(
            mounting=Rotation.random(random_state=rng).as_matrix(),
            acc_bias=rng.uniform(-0.1, 0.1, 3),
            gyro_bias=rng.uniform(-1.0, 1.0, 3) * math.pi / 180.0,
            acc_noise=0.02 * scale,
            gyro_noise=math.radians(0.2) * scale,
            acc_range_g=acc_range_g,
            gyro_range_dps=gyro_range_dps,
        )

    def measure(self, motion: BodyMotion, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Specific force (m/s^2) and angular rate (rad/s) in the sensor frame, with errors."""
        n = motion.specific_force.shape[0]
        seg = np.einsum("nji,nj->ni", motion.rotation, motion.specific_force)  # R^T f
        acc = seg @ self.mounting + self.acc_bias + self.acc_noise * rng.standard_normal((n, 3))
        gyro = (
            motion.angular_rate @ self.mounting
            + self.gyro_bias
            + self.gyro_noise * rng.standard_normal((n, 3))
        )
        amax, gmax = self.acc_range_g * GRAVITY, math.radians(self.gyro_range_dps)
        return np.clip(acc, -amax, amax), np.clip(gyro, -gmax, gmax)


@dataclass(frozen=True)
class BodySession:
    """A simulated body-worn sensor: what the engine needs to be fed, and the truth to score it.

    Attributes:
        info: the sensor as a recording header would list it.
        blocks: the samples as they arrive, one block per BLE packet (lost packets dropped, the next
            block flagged ``gap_before``).
        steps: true steps this sensor can see (every step for trunk and head, its own leg's for a shank):
            dicts with ``t_ic_s``, ``t_to_s``, ``contact_s``, ``side``, ``walking``.
        pitch_deg: true forward lean (trunk) or head pitch (+ down) relative to the start, degrees, per
            true step (None for a shank).
    """

    info: SensorInfo
    blocks: list[SampleBlock]
    steps: list[dict]
    pitch_deg: list[float] | None


def body_session(
    sim: Simulation,
    placement: Placement,
    side: int = 1,
    *,
    seed: int = 0,
    gyro: bool = True,
    acc_range_g: float = 16.0,
    gyro_range_dps: float = 2000.0,
    interval_ms: float = 15.0,
    loss: float = 0.002,
) -> BodySession:
    """Samples and truth of one shank (``side`` 0 left, 1 right), trunk or head sensor of a simulation.

    Sampled at the simulation's rate; packets leave at each connection interval and arrive 0..1 ms later;
    each is lost with probability ``loss``.
    """
    rng = np.random.default_rng([seed, 7, int(placement is Placement.SHANK), side])
    rate = float(sim.rate_hz)
    t = np.arange(0.05, sim.duration_s, 1.0 / rate)
    if placement is Placement.SHANK:
        motion = shank_motion(sim, side, t, rng)
    else:
        motion = trunk_motion(sim, t, rng, head=placement is Placement.HEAD)
    sensor = BodySensor.random(rng, rate, acc_range_g, gyro_range_dps)
    acc, rate_meas = sensor.measure(motion, rng)
    blocks = _packets(
        t, acc, rate_meas if gyro else None, interval_ms / 1000.0, loss, rng, acc_range_g, gyro_range_dps
    )
    plan = sim.plan
    keep = (plan.t_ic_s > 0.5) & (plan.t_ic_s < sim.duration_s - 0.5)
    if placement is Placement.SHANK:
        keep &= plan.side == side
    steps = [
        {
            "t_ic_s": float(plan.t_ic_s[i]),
            "t_to_s": float(plan.t_ic_s[i] + plan.contact_s[i]),
            "contact_s": float(plan.contact_s[i]),
            "side": "left" if plan.side[i] == 0 else "right",
            "walking": bool(plan.walking[i]),
        }
        for i in np.flatnonzero(keep)
    ]
    pitch = None
    if placement is not Placement.SHANK:
        lean0 = _lean_deg(np.array([0.5]), sim, head=placement is Placement.HEAD)[0]
        pitch = list(
            _lean_deg(np.array([s["t_ic_s"] for s in steps]), sim, placement is Placement.HEAD) - lean0
        )
    s = Side.LEFT if side == 0 else Side.RIGHT
    info = SensorInfo(
        profile="simulated-body", placement=placement, side=s if placement is Placement.SHANK else None
    )
    return BodySession(info, blocks, steps, pitch)


def shank_motion(sim: Simulation, side: int, t: np.ndarray, rng: np.random.Generator) -> BodyMotion:
    """Motion of a skin-mounted sensor on the distal tibia of leg ``side`` at times ``t`` (s)."""
    knots = _shank_knots(sim, side, rng)
    dense = np.arange(t[0] - 0.5, t[-1] + 0.01, 1.0 / DENSE_HZ)
    theta, rate, racc = _evaluate_chain(knots, dense)
    ankle_acc = _ankle_acc(sim, side, dense)
    # Bone acceleration at the sensor: ankle + rotation terms; the skin-mounted sensor lags it.
    c, s = np.cos(theta), np.sin(theta)
    rx, rz = c * SHANK_SENSOR[0] - s * SHANK_SENSOR[2], s * SHANK_SENSOR[0] + c * SHANK_SENSOR[2]
    jx, jz = -s * SHANK_SENSOR[0] - c * SHANK_SENSOR[2], c * SHANK_SENSOR[0] - s * SHANK_SENSOR[2]
    acc = ankle_acc
    acc[:, 0] += racc * jx - rate**2 * rx
    acc[:, 2] += racc * jz - rate**2 * rz
    w = 2 * math.pi * TISSUE_HZ
    b, a = bilinear([w * w], [1.0, 2 * TISSUE_DAMPING * w, w * w], fs=DENSE_HZ)
    acc = lfilter(b, a, acc - acc[0], axis=0) + acc[0]
    force = acc + np.array([0.0, 0.0, GRAVITY])
    force = np.stack([np.interp(t, dense, force[:, k]) for k in range(3)], axis=1)
    th, th_rate = np.interp(t, dense, theta), np.interp(t, dense, rate)
    zero = np.zeros_like(th)
    return BodyMotion(pitch_matrix(th), force, np.stack([zero, -th_rate, zero], axis=1))


def _ankle_acc(sim: Simulation, side: int, t: np.ndarray) -> np.ndarray:
    """Acceleration of the ankle, m/s^2 (world): the foot's ankle point from each contact to toe-off
    (landing pulse included), a smooth quintic path through the swing (the leg carries the foot)."""
    acc = sim.feet[side].motion(t, ANKLE).acc
    plan = sim.plan
    mine = np.flatnonzero(plan.side == side)
    to = np.concatenate(([plan.first_toe_off_s[side]], plan.t_ic_s[mine] + plan.contact_s[mine]))[:-1]
    ic = plan.t_ic_s[mine] - 0.001
    a, b = sim.feet[side].motion(to, ANKLE), sim.feet[side].motion(ic, ANKLE)
    k = np.searchsorted(to, t, side="right") - 1
    swing = (k >= 0) & (t < ic[np.maximum(k, 0)])
    kk = k[swing]
    for axis in (0, 2):
        c = poly.quintic_hermite(
            a.pos[:, axis],
            a.vel[:, axis],
            a.acc[:, axis],
            b.pos[:, axis],
            b.vel[:, axis],
            b.acc[:, axis],
            ic - to,
        )
        acc[swing, axis] = poly.evaluate(c[kk], t[swing] - to[kk])[2]
    return acc


def _shank_knots(sim: Simulation, side: int, rng: np.random.Generator) -> np.ndarray:
    """Knots (time s, angle rad, rate rad/s, angular acceleration rad/s^2) of one shank's angle."""
    plan = sim.plan
    mine = np.flatnonzero(plan.side == side)
    ic_offset = rng.uniform(0.0, 0.010)  # where the contact dip of the rate sits after IC, s
    to_offset = rng.uniform(-0.010, 0.010)  # where the toe-off minimum sits around TO, s
    d = math.radians
    rows = [(-10.0, 0.0, 0.0, 0.0), (plan.first_toe_off_s[side] - 0.3, 0.0, 0.0, 0.0)]
    prev_to = plan.first_toe_off_s[side]
    prev_theta_to, prev_rate_to = d(-20.0), d(-400.0)
    for i in mine:
        walking = bool(plan.walking[i])
        ic, tc = float(plan.t_ic_s[i]), float(plan.contact_s[i])
        speed = float(plan.speed_mps[i])
        swing = ic - prev_to
        if walking:
            th_ic, th_to = d(10.0), d(-42.0)
            k_ic, k_mid, k_to, min_at = 1.5, 0.7, 3.0, 0.2
        else:
            th_ic = d(4.0 + 0.4 * max(float(plan.strike_angle_deg[i]) - 3.0, 0.0))
            th_to = d(-40.0 - 4.0 * (speed - 3.0))
            k_ic, k_mid, k_to, min_at = 1.4, 0.8, 2.2, 0.3
        mean_rate = (th_to - th_ic) / tc
        if swing > 0.15:
            # Most flexed angle: the rate rises from the toe-off rate to zero about linearly.
            t_min = prev_to + min_at * swing
            th_min = prev_theta_to + 0.5 * prev_rate_to * (t_min - prev_to)
            rows.append((t_min, th_min, 0.0, 0.0))
            # Most forward angle; the shank then retracts toward contact, its rate falling to the
            # contact rate about linearly.
            t_max = prev_to + 0.75 * swing
            th_max = th_ic - 0.5 * k_ic * mean_rate * (ic + ic_offset - t_max)
            rows.append((t_max, th_max, 0.0, 0.0))
        rows.append((ic + ic_offset, th_ic + k_ic * mean_rate * ic_offset, k_ic * mean_rate, 0.0))
        rows.append((ic + 0.3 * tc, th_ic + 0.3 * (th_to - th_ic), k_mid * mean_rate, 0.0))
        rows.append((ic + tc + to_offset, th_to + k_to * mean_rate * to_offset, k_to * mean_rate, 0.0))
        prev_to, prev_theta_to, prev_rate_to = ic + tc, th_to, k_to * mean_rate
    rows.append((prev_to + 0.3, d(-60.0), 0.0, 0.0))
    rows.append((prev_to + 100.0, d(-60.0), 0.0, 0.0))
    return np.array(rows)


def _evaluate_chain(knots: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quintic Hermite chain through (time, value, rate, acceleration) knots, at times ``t``."""
    k0, k1 = knots[:-1], knots[1:]
    coeffs = poly.quintic_hermite(
        k0[:, 1], k0[:, 2], k0[:, 3], k1[:, 1], k1[:, 2], k1[:, 3], k1[:, 0] - k0[:, 0]
    )
    i = np.clip(np.searchsorted(knots[:, 0], t, side="right") - 1, 0, len(k0) - 1)
    return poly.evaluate(coeffs[i], t - k0[i, 0])


def _foot_forces(sim: Simulation, t: np.ndarray) -> np.ndarray:
    """Sum of both feet's ground reaction forces per body mass at times ``t``, m/s^2 (world frame)."""
    plan = sim.plan
    out = np.zeros((t.size, 3))
    for side in (0, 1):
        idx = np.flatnonzero(plan.side == side)
        ic = plan.t_ic_s[idx]
        k = np.searchsorted(ic, t, side="right") - 1
        on = k >= 0
        kk = idx[np.maximum(k, 0)]
        tau = t - plan.t_ic_s[kk]
        tc = plan.contact_s[kk]
        on &= tau < tc
        s = np.clip(tau / tc, 0.0, 1.0)
        walking = plan.walking[kk]
        step = plan.step_time_s[kk]
        strike = plan.strike_angle_deg[kk]
        down = np.maximum(-plan.grade_pct[kk], 0.0)
        # Heel-strike transient (running): a 50 ms raised cosine, larger for heel strikes and downhill.
        bump_amp = np.where(walking, 0.0, 0.5 * np.clip(strike / 10.0, 0.0, 1.5) * (1.0 + 0.03 * down))
        bump = np.where(tau < 0.05, 0.5 * (1.0 - np.cos(2 * np.pi * tau / 0.05)), 0.0) * bump_amp
        run_peak = (step - bump_amp * 0.025) * np.pi / (2 * tc)
        walk_scale = step / (tc * (2 / np.pi + 0.3 * 2 / (3 * np.pi)))
        vertical = np.where(
            walking,
            walk_scale * (np.sin(np.pi * s) + 0.3 * np.sin(3 * np.pi * s)),
            run_peak * np.sin(np.pi * s) + bump,
        )
        fore = -np.where(walking, 0.2, 0.3) * np.sin(2 * np.pi * s)
        lateral = (-1.0 if side == 0 else 1.0) * np.where(walking, 0.05, 0.08) * np.sin(np.pi * s)
        f = np.stack([fore, lateral, vertical], axis=1) * GRAVITY
        out += np.where(on[:, None], f, 0.0)
    return out


def _gait_phases(sim: Simulation, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step phase (0..1 from each contact), stride phase (0..1 from each left contact) and a 0..1
    amplitude that rises over the first second of motion."""
    plan = sim.plan
    ic = plan.t_ic_s
    k = np.clip(np.searchsorted(ic, t, side="right") - 1, 0, len(ic) - 2)
    step_phase = np.clip((t - ic[k]) / (ic[k + 1] - ic[k]), 0.0, 1.0)
    left = ic[plan.side == 0]
    j = np.clip(np.searchsorted(left, t, side="right") - 1, 0, len(left) - 2)
    stride_phase = np.clip((t - left[j]) / (left[j + 1] - left[j]), 0.0, 1.0)
    start = min(plan.first_toe_off_s)
    x = np.clip((t - start) / 1.0, 0.0, 1.0)
    return step_phase, stride_phase, x * x * (3 - 2 * x)


def _lean_deg(t: np.ndarray, sim: Simulation, head: bool) -> np.ndarray:
    """Mean forward lean of the trunk (or downward head pitch) at times ``t``, degrees: the runner
    leans further forward uphill and looks down more on steep descents."""
    grade = np.interp(t, sim.plan.t_ic_s, sim.plan.grade_pct)
    _, _, on = _gait_phases(sim, t)
    if head:
        return 5.0 + 8.0 * np.clip(-grade - 5.0, 0.0, 10.0) / 10.0 * on
    return 2.0 + on * (4.0 + 0.3 * np.clip(grade, -10.0, 10.0))


def _trunk_rotation(sim: Simulation, t: np.ndarray, head: bool) -> np.ndarray:
    step_phase, stride_phase, on = _gait_phases(sim, t)
    lean = np.radians(_lean_deg(t, sim, head) + on * 1.5 * np.sin(2 * np.pi * step_phase))
    roll_amp, yaw_amp = (1.5, 2.0) if head else (4.0, 5.0)
    roll = on * np.radians(roll_amp) * np.sin(2 * np.pi * stride_phase)
    yaw = -on * np.radians(yaw_amp) * np.cos(2 * np.pi * stride_phase)
    rot = Rotation.from_euler("ZYX", np.stack([yaw, lean, roll], axis=1))
    return rot.as_matrix()


def trunk_motion(sim: Simulation, t: np.ndarray, rng: np.random.Generator, head: bool = False) -> BodyMotion:
    """Motion of a pelvis (sacrum) or head sensor at times ``t`` (s)."""
    del rng
    force = _foot_forces(sim, t)
    standing = ~np.any([(t >= a) for a in sim.plan.first_toe_off_s], axis=0)
    force[standing] = [0.0, 0.0, GRAVITY]
    rot = _trunk_rotation(sim, t, head)
    before = _trunk_rotation(sim, t - FINITE_STEP_S, head)
    after = _trunk_rotation(sim, t + FINITE_STEP_S, head)
    skew = np.einsum("nji,njk->nik", rot, (after - before) / (2 * FINITE_STEP_S))  # R^T dR/dt
    rate = np.stack([skew[:, 2, 1], skew[:, 0, 2], skew[:, 1, 0]], axis=1)
    return BodyMotion(rot, force, rate)


def _packets(
    t: np.ndarray,
    acc: np.ndarray,
    gyro: np.ndarray | None,
    interval_s: float,
    loss: float,
    rng: np.random.Generator,
    acc_range_g: float,
    gyro_range_dps: float,
) -> list[SampleBlock]:
    """Cut samples into packets at connection events; drop lost ones and flag the gap after them."""
    events = np.arange(t[0], t[-1] + 2 * interval_s, interval_s)
    which = np.searchsorted(events, t, side="left")
    cuts = np.flatnonzero(np.diff(which)) + 1
    blocks = []
    gap = False
    for idx in np.split(np.arange(t.size), cuts):
        if rng.random() < loss:
            gap = True
            continue
        arrival = float(events[which[idx[0]]] + rng.uniform(0.0, 0.001))
        blocks.append(
            SampleBlock(
                sensor=0,
                t=t[idx],
                acc=acc[idx],
                gyro=None if gyro is None else gyro[idx],
                t_arrival=arrival,
                gap_before=gap,
                acc_range=acc_range_g * GRAVITY,
                gyro_range=math.radians(gyro_range_dps),
            )
        )
        gap = False
    return blocks
