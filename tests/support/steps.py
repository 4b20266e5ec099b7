"""Synthetic step sequences for the coach tests: piecewise-constant segments of running."""

from __future__ import annotations

from dataclasses import dataclass

from cadence_coach.datatypes import Side, StepEvent
from cadence_coach.gait.strike import strike_class

LATENCY_S = 0.02
"""detected_at_s - t_ic_s of every synthetic step, s."""


@dataclass(frozen=True)
class Segment:
    """duration_s of running with these figures (None = field not measured)."""

    duration_s: float
    grade_pct: float | None = 0.0
    cadence_spm: float = 170.0
    speed_mps: float | None = 3.0
    strike_angle_deg: float | None = 2.0
    impact_g: float | None = 8.0
    trunk_pitch_deg: float | None = None
    stride_m: float | None = None  # None: computed from speed and cadence when speed is known


def make_steps(segments: list[Segment], start_s: float = 0.0) -> list[StepEvent]:
    """Steps through the segments in order, one every 60/cadence seconds."""
    steps: list[StepEvent] = []
    t = end = start_s
    for seg in segments:
        end += seg.duration_s
        step_time = 60.0 / seg.cadence_spm
        stride = seg.stride_m
        if stride is None and seg.speed_mps is not None:
            stride = 2 * seg.speed_mps * step_time
        strike = None if seg.strike_angle_deg is None else strike_class(seg.strike_angle_deg)
        while t < end:
            steps.append(
                StepEvent(
                    t_ic_s=t,
                    detected_at_s=t + LATENCY_S,
                    side=Side.LEFT if len(steps) % 2 == 0 else Side.RIGHT,
                    step_time_s=step_time,
                    cadence_spm=seg.cadence_spm,
                    impact_g=seg.impact_g,
                    strike_angle_deg=seg.strike_angle_deg,
                    strike=strike,
                    stride_m=stride,
                    speed_mps=seg.speed_mps,
                    grade_pct=seg.grade_pct,
                    trunk_pitch_deg=seg.trunk_pitch_deg,
                )
            )
            t += step_time
    return steps


def run(coach, steps):
    """Feed every step; returns all cues."""
    return [cue for step in steps for cue in coach.feed(step)]
