"""Damage sweep (issue 12): damaged copies of a 10-minute two-foot simulated recording, read and analyzed.

Each copy gets 1 to 3 damages at random offsets in the records (the header is the one part a recording
cannot lose): a block of zeros, of random bytes or of 0xFF of 1 B to 64 KB (log-uniform), a span of 1 B to
64 KB written twice in a row (duplicated), or a truncation. Every copy is checked and analyzed in-process,
as `cadence-coach check` and `cadence-coach analyze` do, and compared with the intact file:

- tracebacks: exceptions escaping the reader or analyze (target 0);
- recovered: share of the intact file's records lying wholly outside the damaged bytes that the reader
  gives back (target >= 99 % in every copy; the minimum over the copies is printed), and records given back
  that the intact file does not hold (target 0);
- steps: copies whose steps outside the damaged time spans (from the last intact record before the
  damaged bytes less 1 s, to the first after them plus --settle-s for the engine to find the rhythm again)
  have the
  same side and initial-contact time as the intact file's; also how many have identical full rows.

Usage: python benchmarks/damage_sweep.py [--copies 200] [--seed N] [--work DIR]
(a new seed each run unless --seed is given; it is printed so a run can be repeated).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import io
import os
import random
import struct
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from cadence_coach.cli import main
from cadence_coach.sources.recording import RecordingReader

KINDS = ("zeros", "random", "0xff", "duplicated", "truncated")
MAX_BLOCK = 64 * 1024
LEAD_S = 1.0
"""A step that landed less than this before the damaged bytes is measured with data in them (its
toe-off, its stride), s."""


@dataclass(frozen=True)
class Damage:
    """One damage in the intact file's offsets: bytes [start, end) overwritten (or, duplicated: the span
    inserted again at ``end``; truncated: the file cut at ``start``)."""

    kind: str
    start: int
    end: int


def intact_records(path: Path) -> tuple[int, list[tuple[int, int, bytes, float]]]:
    """(offset of the first record, [(start, end, record key, time s)]) of an intact recording."""
    data = path.read_bytes()
    pos = 12 + struct.unpack_from("<I", data, 8)[0]
    first, out = pos, []
    while pos + 8 <= len(data):
        length = struct.unpack_from("<I", data, pos)[0]
        body = data[pos + 8 : pos + 8 + length]
        t = struct.unpack_from("<q", body, 3)[0] * 1e-9 if body[0] == 1 else float("nan")
        out.append((pos, pos + 8 + length, body, t))
        pos += 8 + length
    return first, out


def draw_damages(rng: random.Random, first: int, size: int) -> list[Damage]:
    """1 to 3 damages that do not overlap (64 KB apart), at most one truncation."""
    out: list[Damage] = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(KINDS if not any(d.kind == "truncated" for d in out) else KINDS[:4])
        n = int(round(2 ** rng.uniform(0, 16)))
        start = rng.randrange(first + (n if kind == "duplicated" else 0), size - n)
        d = Damage(kind, start, size if kind == "truncated" else start + n)
        if all(d.end + MAX_BLOCK < o.start or o.end + MAX_BLOCK < d.start for o in out):
            out.append(d)
    return out


def damaged_copy(data: bytes, damages: list[Damage], rng: random.Random) -> bytes:
    """``data`` with ``damages`` applied (from the end, so each one's offsets still hold)."""
    out = bytearray(data)
    for d in sorted(damages, key=lambda d: d.start, reverse=True):
        n = d.end - d.start
        if d.kind == "zeros":
            out[d.start : d.end] = bytes(n)
        elif d.kind == "0xff":
            out[d.start : d.end] = b"\xff" * n
        elif d.kind == "random":
            out[d.start : d.end] = rng.randbytes(n)
        elif d.kind == "duplicated":
            out[d.end : d.end] = data[d.start : d.end]
        else:
            del out[d.start :]
    return bytes(out)


def touched(rec_start: int, rec_end: int, d: Damage) -> bool:
    """Whether a record of the intact file lies (partly) in the damaged bytes of ``d``."""
    if d.kind == "duplicated":  # nothing overwritten: only a record cut by the insertion point
        return rec_start < d.end < rec_end
    return rec_start < d.end and d.start < rec_end


def time_spans(records: list, damages: list[Damage], settle_s: float) -> list[tuple[float, float]]:
    """Per damage, from the last intact record before its bytes (less LEAD_S) to the first after them
    (plus ``settle_s``), s."""
    starts = [r[0] for r in records]
    out = []
    for d in damages:
        i = bisect.bisect_right(starts, d.start) - 1
        j = bisect.bisect_left(starts, d.end)
        t0 = records[max(i - 1, 0)][3] - LEAD_S
        t1 = records[j][3] + settle_s if j < len(records) and d.kind != "truncated" else float("inf")
        out.append((t0, t1))
    return out


def analyze(path: Path, out: Path) -> tuple[int, list[list[str]]]:
    """(exit code, steps.csv rows) of ``cadence-coach analyze`` in-process, stderr swallowed."""
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["analyze", str(path), "--out", str(out)])
    rows = list(csv.reader(out.open())) if out.exists() else [[]]
    return code, rows[1:]


def outside(rows: list[list[str]], spans: list[tuple[float, float]]) -> list[list[str]]:
    return [r for r in rows if not any(a <= float(r[0]) <= b for a, b in spans)]


def run(copies: int, seed: int, work: Path, settle_s: float) -> None:
    intact = work / "intact.ccrec"
    if not intact.exists():
        code = main(
            ["simulate", "--scenario", "rolling-hills", "--duration", "600", "--seed", "7"]
            + ["--feet", "both", "--out", str(intact)]
        )
        assert code == 0
    data = intact.read_bytes()
    first, records = intact_records(intact)
    _, intact_rows = analyze(intact, work / "intact.steps.csv")
    rng = random.Random(seed)
    tracebacks, refused, min_share, extra_total, steps_same, rows_same = 0, 0, 1.0, 0, 0, 0
    worst = ""
    started = time.perf_counter()
    for k in range(copies):
        damages = draw_damages(rng, first, len(data))
        path = work / f"copy{k % 2}.ccrec"
        path.write_bytes(damaged_copy(data, damages, rng))
        (work / "copy.steps.csv").unlink(missing_ok=True)
        try:
            with RecordingReader(path) as r:
                got = {bytes(p.payload) + struct.pack("<dB", p.t_host, p.sensor) for p in r.packets()}
            code, rows = analyze(path, work / "copy.steps.csv")
        except Exception:
            tracebacks += 1
            traceback.print_exc()
            continue
        refused += code != 0
        keys = {r[2][11:] + struct.pack("<dB", r[3], r[2][1]) for r in records if r[2][0] == 1}
        wanted = {
            r[2][11:] + struct.pack("<dB", r[3], r[2][1])
            for r in records
            if r[2][0] == 1 and not any(touched(r[0], r[1], d) for d in damages)
        }
        share = len(wanted & got) / max(len(wanted), 1)
        extra_total += len(got - keys)
        if share < min_share:
            min_share, worst = share, f"copy {k}: {damages}"
        spans = time_spans(records, damages, settle_s)
        a, b = outside(intact_rows, spans), outside(rows, spans)
        steps_same += [(r[0], r[2]) for r in a] == [(r[0], r[2]) for r in b]
        rows_same += a == b
    took = time.perf_counter() - started
    print(
        f"damage sweep: {copies} damaged copies of {intact.name} ({len(data) / 1e6:.2f} MB, "
        f"{len(records)} records), seed {seed}, {took:.0f} s"
    )
    print(f"{'figure':<58} {'value':>10}  target")
    print(f"{'tracebacks':<58} {tracebacks:>10}  0")
    print(f"{'analyze refused (exit != 0)':<58} {refused:>10}  0")
    print(f"{'records outside the damaged bytes recovered, minimum':<58} {100 * min_share:>9.2f}%  >= 99 %")
    print(f"{'records given back that the intact file does not hold':<58} {extra_total:>10}  0")
    print(f"{'copies: steps outside damaged spans equal (side, t_ic)':<58} {steps_same:>10}  {copies}")
    print(f"{'copies: ... and every column equal':<58} {rows_same:>10}")
    if worst:
        print(f"lowest share: {worst}")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--copies", type=int, default=200, help="damaged copies (default 200)")
    p.add_argument("--seed", type=int, help="random seed (default: a new one, printed)")
    p.add_argument("--work", type=Path, help="folder for the intact file and the copies (default: temporary)")
    p.add_argument("--settle-s", type=float, default=2.0, help="time after a damaged span left out, s")
    return p.parse_args()


if __name__ == "__main__":
    args = parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        run(args.copies, seed, args.work, args.settle_s)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(args.copies, seed, Path(tmp), args.settle_s)
