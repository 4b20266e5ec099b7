"""Live session figures: the whole live path against simulated sensors on a bumble virtual link.

Runs ``run_bench`` (see src/cadence_coach/session/bench.py) in three configurations and prints its figures:

1. latency: 200 Hz, 7.5 ms connection interval, 1 sensor, 60 s (target: median <= 25 ms);
2. link loss: a 10-minute session with 20 forced disconnects (targets: all recovered, median reconnect
   <= 1 s after the sensor is back, no false steps near gaps); ``--minutes`` shortens it;
3. CPU: two foot sensors at 400 Hz with coach and voice (target: <= 5 % of one core). The process also
   runs the simulated sensors' bumble stack, so the share spent handling packets (decode, gait, coach,
   voice, recording) is printed separately.

Each takes its duration in wall time. Usage: python benchmarks/live_session.py [--minutes M] [--only N]
"""

from __future__ import annotations

import argparse
import asyncio

from cadence_coach.session.bench import run_bench
from cadence_coach.session.bench_report import report_lines


def show(title: str, result) -> None:
    print(f"== {title}")
    for line in report_lines(result):
        print("   " + line)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0, help="length of the link-loss session (default 10)")
    p.add_argument(
        "--latency-s", type=float, default=60.0, help="length of the latency and CPU sessions (default 60)"
    )
    p.add_argument("--only", type=int, choices=(1, 2, 3), help="run one configuration")
    p.add_argument("--audio", default="off", help="voice mode for the CPU run (default off: no sound device)")
    args = p.parse_args()
    if args.only in (None, 1):
        r = asyncio.run(run_bench("open-imu", "flat-easy", args.latency_s, rate_hz=200.0, interval_ms=7.5))
        show(f"latency: 200 Hz, 7.5 ms, 1 sensor, {args.latency_s:g} s (target median <= 25 ms)", r)
    if args.only in (None, 2):
        seconds = args.minutes * 60.0
        r = asyncio.run(
            run_bench(
                "open-imu",
                "rolling-hills" if seconds >= 120 else "flat-easy",
                seconds,
                disconnects=20,
                rate_hz=200.0,
                seed=1,
            )
        )
        show(
            f"link loss: {args.minutes:g} min, 20 disconnects (targets: all recovered, reconnect <= 1 s after "
            "return, no false steps near gaps)",
            r,
        )
        print(f"   recovered: {r.reconnects}/{r.disconnects}")
    if args.only in (None, 3):
        r = asyncio.run(
            run_bench("open-imu", "flat-easy", args.latency_s, sensors=2, rate_hz=400.0, audio=args.audio)
        )
        show(
            f"cpu: 2 sensors at 400 Hz, coach and voice ({args.audio}), {args.latency_s:g} s (target <= 5 %)",
            r,
        )


if __name__ == "__main__":
    main()
