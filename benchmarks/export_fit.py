"""FIT export of a 1-hour two-foot recording against issue 13's targets.

Makes the recording with ``cadence-coach simulate --scenario rolling-hills --duration 3600 --seed 1
--feet both`` (in a temporary folder; or takes ``--recording PATH``), runs it through the pipeline and
the coach once (``load_activity``, timed on its own: the same work as ``replay --speed 0``), then:

- times writing the FIT file (and the per-second CSV) from the activity, ``write_export``: the median of
  ``--runs`` (target <= 3 s);
- decodes the file with Garmin's SDK (integrity checked, no errors) and compares its session with the
  steps: distance against the steps' own sum (every step's stride / 2, both feet; target within 1 %),
  average cadence against the steps' mean (target within 0.5 spm);
- times the whole ``cadence-coach export`` command in this process, for what a user waits for.

    python benchmarks/export_fit.py [--minutes 60] [--runs 3] [--recording PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from garmin_fit_sdk import Decoder, Stream

from cadence_coach.cli import main as cli
from cadence_coach.cli.activity_input import add_activity_arguments, load_activity
from cadence_coach.outputs.fit_export import write_export

WRITE_TARGET_S = 3.0
DISTANCE_TARGET = 0.01
CADENCE_TARGET_SPM = 0.5
START = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--recording", type=Path, help="a recording to export instead of simulating one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rec = args.recording
        if rec is None:
            rec = folder / "hour.ccrec"
            t = time.perf_counter()
            argv = ["simulate", "--scenario", "rolling-hills", "--duration", f"{args.minutes * 60:g}"]
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli([*argv, "--seed", "1", "--feet", "both", "--out", str(rec)]) == 0
            print(
                f"recording: {rec.name}, {rec.stat().st_size / 1e6:.1f} MB, simulated in {time.perf_counter() - t:.1f} s"
            )
        parser = argparse.ArgumentParser()
        add_activity_arguments(parser)
        t = time.perf_counter()
        activity = load_activity(parser.parse_args([str(rec)]))
        load_s = time.perf_counter() - t
        fit, seconds = folder / "hour.fit", folder / "hour.csv"
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            size = write_export(activity, START, fit, seconds)
            times.append(time.perf_counter() - t)
        write_s = statistics.median(times)
        data = fit.read_bytes()
        assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
        session = messages["session_mesgs"][0]
        strides = [s.stride_m for s in activity.steps if s.stride_m is not None and np.isfinite(s.stride_m)]
        steps_m = sum(strides) / 2
        distance_err = session["total_distance"] / steps_m - 1
        cadences = [s.cadence_spm for s in activity.steps if s.cadence_spm is not None]
        steps_spm = float(np.mean(cadences))
        fit_spm = 2 * (session["avg_cadence"] + session["avg_fractional_cadence"])
        t = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            code = cli(
                ["export", str(rec), "--start", START.isoformat(), "--fit", str(fit), "--csv", str(seconds)]
            )
        command_s = time.perf_counter() - t
    print(
        f"activity: {activity.duration_s / 60:.1f} min, {len(activity.steps)} steps, "
        f"{len(activity.segments)} segments ({sum(s.descent for s in activity.segments)} descents); "
        f"pipeline + coach {load_s:.2f} s"
    )
    print(
        f"FIT file: {size / 1e3:.0f} kB, {len(messages['record_mesgs'])} records, decoder errors: {len(errors)}"
    )
    print(
        f"write FIT + CSV (median of {args.runs}): {write_s:.2f} s  [target <= {WRITE_TARGET_S:g} s: {verdict(write_s <= WRITE_TARGET_S)}]"
    )
    print(
        f"session distance {session['total_distance']:.1f} m vs the steps' own sum {steps_m:.1f} m: "
        f"{100 * distance_err:+.2f} %  [target within 1 %: {verdict(abs(distance_err) <= DISTANCE_TARGET)}]"
    )
    print(
        f"session cadence {fit_spm:.2f} spm vs the steps' mean {steps_spm:.2f} spm: {fit_spm - steps_spm:+.3f} spm  "
        f"[target within 0.5 spm: {verdict(abs(fit_spm - steps_spm) <= CADENCE_TARGET_SPM)}]"
    )
    print(f"whole `cadence-coach export` command in this process: {command_s:.1f} s (exit {code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
