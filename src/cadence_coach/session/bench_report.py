"""How a bench result is shown: a few lines of text, or one JSON object (NaN figures as null)."""

from __future__ import annotations

import math
from dataclasses import asdict

from .bench_score import BenchResult


def report_lines(result: BenchResult) -> list[str]:
    """The figures as lines of text, for people."""
    r = result
    return [
        f"steps: {r.steps_detected} detected, {r.steps_true} true, F1 {r.f1:.3f}",
        (
            f"latency: median {r.latency_ms_median:.1f} ms, p95 {r.latency_ms_p95:.1f} ms "
            f"(detected IC - true IC: median {r.ic_error_ms_median:.1f} ms)"
        ),
        (
            f"link: {r.disconnects} disconnects, {r.reconnects} reconnects ({r.streams_resumed} streaming "
            f"again), reconnect median "
            f"{r.reconnect_ms_median:.0f} ms, max {r.reconnect_ms_max:.0f} ms (median "
            f"{r.reconnect_after_return_ms_median:.0f} ms after the sensor was back), {r.packets_lost} packets lost"
        ),
        f"false steps near gaps: {r.false_steps_in_gaps}",
        f"cues: {r.cues}, session {r.session_s:.1f} s",
        (
            f"cpu: {r.cpu_percent:.1f} % of one core (whole process, incl. simulated sensors), "
            f"{r.session_cpu_percent:.1f} % in the session"
        ),
    ]


def report_json(result: BenchResult) -> dict:
    """The figures by name, for programs (``json.dumps`` it); NaN figures are None."""
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(result).items()
    }
