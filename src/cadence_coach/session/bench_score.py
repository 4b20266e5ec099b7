"""Scoring a bench run (:mod:`cadence_coach.session.bench`) against the simulated runner's truth.

Time bases. Simulated sample ``i`` of a sensor was taken at simulator time ``sim.sensors[k].t[i]``; the
simulated BLE sensor serves it at sensor time ``i / rate_hz``. A true initial contact at simulator time
``t_ic`` is therefore at sensor time ``s_ic = interp(t_ic, sim t, i / rate_hz)``, and on the session time
base (host monotonic clock, 0 at session start) at ``clock_origin + s_ic - session_start``.

True steps are the truth ICs of the instrumented feet that fall inside a run of samples the session
actually received (:class:`ReceivedSpans`: connection set-up and outages are not streamed). Detected
steps are matched per sensor within 50 ms (``evaluation.matching.match_events``) for F1, as
benchmarks/gait_accuracy does. Latency = ``detected_at_s`` - true IC, both on the session time base, and
the IC error = detected - true IC, are taken over pairs matched within 0.25 s (well under one stride of a
foot), so a systematic IC offset of the detector shows as ``ic_error_ms_median`` instead of emptying the
latency figures. A false step near a gap is a detection unmatched at 0.25 s from 0.5 s before a gap to
1 s after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..sources.simulator import Simulation
from .live import LiveRun
from .matching import Matched, match_events
from .pipeline import PipelineOutput

MATCH_TOLERANCE_S = 0.05
"""Pairing window for F1, s."""
PAIR_TOLERANCE_S = 0.25
"""Pairing window for latency, IC error and false steps, s."""
GAP_MARGIN_BEFORE_S = 0.5
GAP_MARGIN_AFTER_S = 1.0

DisconnectPlan = list[tuple[float, int, float]]
"""(session time s, sensor slot, absent s) of each forced disconnect."""


class ReceivedSpans:
    """Per sensor, the [first, last] sample times (session time base, s) of each run of samples the
    session received without a gap.

    Args:
        sensors: how many sensors the session has.
    """

    def __init__(self, sensors: int) -> None:
        self.runs: list[list[list[float]]] = [[] for _ in range(sensors)]

    def note(self, out: PipelineOutput) -> None:
        """Extend each sensor's runs with the blocks of one feed."""
        for block in out.blocks:
            if len(block) == 0:
                continue
            runs = self.runs[block.sensor]
            if block.gap_before or not runs:
                runs.append([float(block.t[0]), float(block.t[-1])])
            else:
                runs[-1][1] = float(block.t[-1])


@dataclass(slots=True)
class BenchRun:
    """What a bench run gives the scoring.

    Attributes:
        sim: the simulated runner (truth).
        live: the finished live session.
        spans: the runs of samples it received.
        clock_origins: per sensor, host monotonic time at sensor time 0, s.
        cpu_s: process CPU time over the session (incl. the simulated sensors), s.
        plan: the forced disconnects.
    """

    sim: Simulation
    live: LiveRun
    spans: ReceivedSpans
    clock_origins: list[float]
    cpu_s: float
    plan: DisconnectPlan = field(default_factory=list)


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
    streams_resumed: int
    """Reconnects after which the sensor's samples came again (the stream resumed, not just the link)."""
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


@dataclass(slots=True)
class SensorScore:
    """One sensor's share of the figures (times in s)."""

    matched: Matched
    """Detections against true steps within MATCH_TOLERANCE_S (F1)."""
    latencies_s: list[float]
    ic_errors_s: list[float]
    steps_true: int
    steps_detected: int
    false_steps_in_gaps: int


def true_ic_session_times(sim: Simulation, k: int, clock_origin: float, session_start: float) -> np.ndarray:
    """True initial contacts of sensor ``k``'s foot on the session time base, s (module docstring)."""
    s = sim.sensors[k]
    side = "left" if s.side == 0 else "right"
    t_ic = np.array([st["t_ic_s"] for st in sim.truth["steps"] if st["side"] == side])
    sensor_t = np.interp(t_ic, s.t, np.arange(s.t.size) / sim.rate_hz)
    return clock_origin + sensor_t - session_start


def score_sensor(bench: BenchRun, k: int) -> SensorScore:
    """Sensor ``k``'s detections against the true steps inside the samples it streamed."""
    spans = np.array(bench.spans.runs[k]).reshape(-1, 2)
    true_t = true_ic_session_times(bench.sim, k, bench.clock_origins[k], bench.live.session_start)
    inside = np.zeros(true_t.size, bool)
    for a, b in spans:
        inside |= (true_t >= a) & (true_t <= b)
    true_t = true_t[inside]
    steps = sorted((s for s in bench.live.session.steps if s.sensor == k), key=lambda s: s.t_ic_s)
    det_t = np.array([s.t_ic_s for s in steps])
    pairs = match_events(det_t, true_t, PAIR_TOLERANCE_S)
    gaps = list(zip(spans[:-1, 1], spans[1:, 0]))
    unmatched = np.delete(det_t, pairs.detected)
    near_gaps = sum(
        any(g0 - GAP_MARGIN_BEFORE_S <= t <= g1 + GAP_MARGIN_AFTER_S for g0, g1 in gaps) for t in unmatched
    )
    return SensorScore(
        matched=match_events(det_t, true_t, MATCH_TOLERANCE_S),
        latencies_s=[steps[i].detected_at_s - true_t[j] for i, j in zip(pairs.detected, pairs.true)],
        ic_errors_s=list(det_t[pairs.detected] - true_t[pairs.true]),
        steps_true=int(true_t.size),
        steps_detected=int(det_t.size),
        false_steps_in_gaps=int(near_gaps),
    )


def pooled(matches: list[Matched]) -> Matched:
    """Several sensors' matches as one, for one F1 over all of them (the index pairs stay per sensor)."""
    return Matched(
        detected=np.concatenate([m.detected for m in matches]) if matches else np.zeros(0, int),
        true=np.concatenate([m.true for m in matches]) if matches else np.zeros(0, int),
        false_positives=sum(m.false_positives for m in matches),
        false_negatives=sum(m.false_negatives for m in matches),
    )


def after_return_ms(live: LiveRun, plan: DisconnectPlan) -> np.ndarray:
    """Each reconnect's outage minus the planned absence of that disconnect, ms."""
    out: list[float] = []
    n = len(live.readers)
    for k, reader in enumerate(live.readers):
        absent = [a for _, slot, a in plan if slot % n == k]
        out.extend(d - a for d, a in zip(reader.stats.reconnect_durations_s, absent))
    return np.array(out) * 1000.0


def median_or_nan(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else float("nan")


def streams_resumed(live: LiveRun, spans: ReceivedSpans) -> int:
    """Reconnects after which samples of that sensor were received (a run of samples ending later)."""
    last_sample = [runs[-1][1] if runs else -np.inf for runs in spans.runs]
    return sum(ev.kind == "reconnected" and last_sample[ev.sensor] > ev.t_s for ev in live.events)


def score(bench: BenchRun) -> BenchResult:
    """Score a finished bench run against the simulator's truth (module docstring)."""
    live = bench.live
    sensors = [score_sensor(bench, k) for k in range(len(bench.sim.sensors))]
    lat_ms = np.array([x for s in sensors for x in s.latencies_s]) * 1000.0
    ic_errors = np.array([x for s in sensors for x in s.ic_errors_s])
    outages_ms = np.array([d for r in live.readers for d in r.stats.reconnect_durations_s]) * 1000.0
    wall = max(live.wall_s, 1e-9)
    return BenchResult(
        steps_true=sum(s.steps_true for s in sensors),
        steps_detected=sum(s.steps_detected for s in sensors),
        f1=pooled([s.matched for s in sensors]).f1,
        latency_ms_median=median_or_nan(lat_ms),
        latency_ms_p95=float(np.percentile(lat_ms, 95)) if lat_ms.size else float("nan"),
        ic_error_ms_median=median_or_nan(ic_errors) * 1000.0,
        disconnects=sum(r.stats.disconnects for r in live.readers),
        reconnects=sum(r.stats.reconnects for r in live.readers),
        streams_resumed=streams_resumed(live, bench.spans),
        reconnect_ms_median=median_or_nan(outages_ms),
        reconnect_ms_max=float(outages_ms.max()) if outages_ms.size else float("nan"),
        reconnect_after_return_ms_median=median_or_nan(after_return_ms(live, bench.plan)),
        packets_lost=live.session.pipeline.lost_packets,
        false_steps_in_gaps=sum(s.false_steps_in_gaps for s in sensors),
        cues=len(live.session.cues),
        session_s=live.wall_s,
        cpu_percent=bench.cpu_s / wall * 100.0,
        session_cpu_percent=live.process_cpu_s / wall * 100.0,
    )
