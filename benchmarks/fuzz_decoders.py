"""Fuzz every BLE decoder, every firmware profile's stream and the recording reader.

Feeds each target ``--count`` generated inputs (default 10^6): structured mutations of valid inputs
(the reference vectors of ../shared/vectors and tests/data/vectors, the decoders' own encoders, small
recordings) and pure random bytes; see src/cadence_coach/evaluation/fuzz.py. Prints per target: inputs,
decoded, rejected (the documented rejection, every one counted: DecodeError, a stream's malformed
count, the reader's UserError or reported damage), dropped (a stream's repeated or late packets),
uncounted rejections (target 0), escapes (any other exception; target 0) and the time per input.

    python benchmarks/fuzz_decoders.py [--count 1000000] [--seed 1] [--only NAME]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import time
from pathlib import Path

from cadence_coach.evaluation import fuzz

ROOT = Path(__file__).resolve().parent.parent
VECTOR_DIRS = [
    ROOT.parent / "shared" / "vectors",
    ROOT.parent.parent / "shared" / "vectors",
    ROOT / "tests" / "data" / "vectors",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000, help="inputs per target (default 1000000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", metavar="NAME", help="only the targets whose name contains NAME")
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the streams' malformed-payload warnings are expected here
    scratch = fuzz.scratch_folder()
    try:
        targets = fuzz.decoder_targets(VECTOR_DIRS) + [fuzz.reader_target(scratch)]
        if args.only:
            targets = [t for t in targets if args.only in t.name]
        print(f"reference vectors: {len(fuzz.vector_payloads(VECTOR_DIRS))} payloads")
        head = f"{'target':42} {'inputs':>8} {'decoded':>8} {'rejected':>8} {'dropped':>8} {'uncounted':>9} {'escapes':>7} {'us/input':>8}"
        print(head)
        bad = 0
        start = time.perf_counter()
        for t in targets:
            r = fuzz.fuzz(t, args.count, args.seed)
            c = r.counts
            print(
                f"{t.name:42} {r.inputs:8d} {c['decoded']:8d} {c['rejected']:8d} {c['dropped']:8d} "
                f"{c['uncounted']:9d} {r.escapes:7d} {1e6 * r.seconds / max(r.inputs, 1):8.1f}",
                flush=True,
            )
            for line in [e for e in r.escaped if e][:5]:
                print("   ESCAPED:", line[:400])
            bad += r.escapes + c["uncounted"]
        print(f"wall time {time.perf_counter() - start:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        "no exception escaped, every rejection counted"
        if not bad
        else f"{bad} escapes or uncounted rejections"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
