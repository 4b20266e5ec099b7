"""Named scenarios: a course, where the runner walks, and where they overstride, fitted to a duration.

Each scenario is a list of segments given as shares of the running time with a grade; a segment's length
is its share of the time times the runner's settled speed on that grade, so the course fits the
requested duration whatever it is (the runner's speed lag makes the fit approximate). Drawn runs
(:mod:`.draws`) are laid out the same way by :func:`lay_out`, with their episodes placed explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...errors import UserError
from .course import Course
from .runner import OverstrideEpisode, Runner

RAMP_M = 30.0
"""Distance over which the grade changes between segments, m."""


@dataclass(frozen=True)
class EpisodeSpan:
    """An overstride episode placed inside a segment (see :class:`~.runner.OverstrideEpisode`).

    Attributes:
        start, end: where it begins and ends, as fractions (0..1) of the segment's length.
        cadence_drop: fraction below the flat-ground cadence at the same speed.
        strike_angle_deg: strike angle while overstriding, degrees.
        landing_gain: relative increase of the forward landing velocity.
    """

    start: float
    end: float
    cadence_drop: float
    strike_angle_deg: float
    landing_gain: float


@dataclass(frozen=True)
class Segment:
    """Part of a scenario: ``share`` of the running time at ``grade_pct``, walking or running.

    ``overstride`` asks for the named scenarios' standard episodes (one per full 4 min, drawn from the
    scenario's random generator); ``episodes`` places given ones.
    """

    share: float
    grade_pct: float
    walking: bool = False
    overstride: bool = False
    episodes: tuple[EpisodeSpan, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A scenario laid out for one runner and duration."""

    name: str
    course: Course
    episodes: list[OverstrideEpisode]
    walk_ranges_m: list[tuple[float, float]]


def _flat_easy(rng: np.random.Generator, run_s: float) -> list[Segment]:
    return [Segment(1.0, 0.0)]


def _rolling_hills(rng: np.random.Generator, run_s: float) -> list[Segment]:
    hills = max(2, int(round(run_s / 150.0)))
    share = 0.8 / (2 * hills)
    segs = [Segment(0.1, 0.0)]
    for _ in range(hills):
        segs += [Segment(share, float(rng.uniform(2.0, 6.0))), Segment(share, -float(rng.uniform(2.0, 6.0)))]
    return segs + [Segment(0.1, 0.0)]


def _long_descent(rng: np.random.Generator, run_s: float) -> list[Segment]:
    return [
        Segment(0.25, 0.0),
        Segment(0.5, -float(rng.uniform(6.0, 10.0)), overstride=True),
        Segment(0.25, 0.0),
    ]


def _steep_descent(rng: np.random.Generator, run_s: float) -> list[Segment]:
    return [Segment(0.2, 0.0), Segment(0.45, -float(rng.uniform(12.0, 15.0))), Segment(0.35, 0.0)]


def _walk_run(rng: np.random.Generator, run_s: float) -> list[Segment]:
    return [
        Segment(0.25, 0.0),
        Segment(0.25, float(rng.uniform(7.0, 10.0)), walking=True),
        Segment(0.25, -float(rng.uniform(4.0, 6.0))),
        Segment(0.25, 0.0),
    ]


SCENARIOS: dict[str, tuple[str, Callable[[np.random.Generator, float], list[Segment]]]] = {
    "flat-easy": ("easy running on flat ground", _flat_easy),
    "rolling-hills": ("rolling hills of +-2..6 % between flat ends", _rolling_hills),
    "long-descent-overstride": (
        "flat warm-up, a -6..-10 % descent with an overstriding, heel-striking episode, flat finish",
        _long_descent,
    ),
    "steep-descent": ("flat, a -12..-15 % descent, flat", _steep_descent),
    "walk-run": ("run flat, walk up a +7..10 % hill, run down -4..6 %, run flat", _walk_run),
}
"""Scenario name -> (one-line description, segment builder)."""


def scenario_names() -> list[str]:
    """Names of the known scenarios."""
    return list(SCENARIOS)


def build_scenario(name: str, run_s: float, runner: Runner, rng: np.random.Generator) -> Scenario:
    """Lay out scenario ``name`` for ``run_s`` seconds of moving. :class:`UserError` if unknown."""
    if name not in SCENARIOS:
        raise UserError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})")
    return lay_out(name, SCENARIOS[name][1](rng, run_s), run_s, runner, rng)


def lay_out(
    name: str, segments: list[Segment], run_s: float, runner: Runner, rng: np.random.Generator
) -> Scenario:
    """The course, walks and overstride episodes of ``segments`` fitted to ``run_s`` seconds of moving."""
    lengths = [s.share * run_s * runner.target_speed(s.grade_pct, s.walking) for s in segments]
    edges = np.concatenate(([0.0], np.cumsum(lengths)))
    course = Course.from_segments(lengths, [s.grade_pct for s in segments], RAMP_M)
    walks = [(float(edges[i]), float(edges[i + 1])) for i, s in enumerate(segments) if s.walking]
    episodes: list[OverstrideEpisode] = []
    for i, s in enumerate(segments):
        for span in s.episodes:
            episodes.append(
                OverstrideEpisode(
                    start_m=float(edges[i] + span.start * lengths[i]),
                    end_m=float(edges[i] + span.end * lengths[i]),
                    cadence_drop=span.cadence_drop,
                    strike_angle_deg=span.strike_angle_deg,
                    landing_gain=span.landing_gain,
                )
            )
        if not s.overstride:
            continue
        # One episode per full four minutes of the segment (at least one), each over the middle half of its slot.
        count = max(1, int(s.share * run_s // 240.0))
        slot = lengths[i] / count
        for j in range(count):
            episodes.append(
                OverstrideEpisode(
                    start_m=float(edges[i] + (j + 0.35) * slot),
                    end_m=float(edges[i] + (j + 0.85) * slot),
                    cadence_drop=float(rng.uniform(0.05, 0.10)),
                    strike_angle_deg=float(rng.uniform(13.0, 18.0)),
                    landing_gain=float(rng.uniform(0.3, 0.6)),
                )
            )
    return Scenario(name, course, episodes, walks)
