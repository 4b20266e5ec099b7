"""Fuzz every firmware profile's decoder: random, truncated, oversized and bit-flipped payloads.

For each profile, valid payloads are generated with the decoders' own encoders (several frame types and
flag combinations), then mutated. Every payload goes through the pure parse function and through the
profile's stream ``feed_many()``. The pure parser may decode or raise DecodeError, nothing else; ``feed_many()`` may
return a block, a reading or None, and must never raise. Prints counts and payloads per second.

    python benchmarks/fuzz_decoders.py [--count 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cadence_coach.datatypes import RawPacket
from cadence_coach.decoders import open_imu, polar_pmd, polar_pmd_control, rsc
from cadence_coach.decoders.errors import DecodeError
from cadence_coach.profiles import Profile, all_profiles
from cadence_coach.streams import make_stream

KINDS = ("random", "truncated", "oversized", "bitflip")
POOL = 300


def _rsc_valid(rng: np.random.Generator) -> tuple[str, bytes]:
    stride = float(rng.uniform(0.5, 2.5)) if rng.random() < 0.5 else None
    distance = float(rng.uniform(0, 1e5)) if rng.random() < 0.5 else None
    payload = rsc.encode_measurement(
        rng.uniform(0, 8), int(rng.integers(0, 256)), stride, distance, rng.random() < 0.5
    )
    return "data", payload


def _open_imu_valid(rng: np.random.Generator) -> tuple[str, bytes]:
    n = int(rng.integers(1, 19))
    gyro = rng.normal(0, 10, (n, 3)) if rng.random() < 0.7 else None
    pressure = float(rng.uniform(9e4, 1.05e5)) if rng.random() < 0.3 else None
    payload = open_imu.encode(
        int(rng.integers(0, 65536)),
        int(rng.integers(0, 2**32)),
        0.0025,
        rng.normal(0, 30, (n, 3)),
        gyro,
        pressure,
    )
    return "data", payload


def _pmd_valid(rng: np.random.Generator) -> tuple[str, bytes]:
    choice = int(rng.integers(0, 6))
    ts = int(rng.integers(1, 2**62))
    n = int(rng.integers(1, 120))
    walk = np.cumsum(rng.integers(-300, 301, (n, 3)), axis=0)
    if choice == 0:
        return "data", polar_pmd.encode_frame(
            polar_pmd.MeasurementType.ACC, ts, np.clip(walk, -32768, 32767), 1, False
        )
    if choice == 1:
        return "data", polar_pmd.encode_frame(
            polar_pmd.MeasurementType.ACC, ts, np.clip(walk, -32768, 32767), 0, True
        )
    if choice == 2:
        return "data", polar_pmd.encode_frame(
            polar_pmd.MeasurementType.GYRO, ts, np.clip(walk, -32768, 32767), 0, True
        )
    if choice == 3:
        floats = (rng.normal(0, 200, (n, 3)).astype(np.float32).view(np.int32)).astype(np.int64)
        return "data", polar_pmd.encode_frame(polar_pmd.MeasurementType.GYRO, ts, floats, 1, True, 32)
    if choice == 4:
        return "data", polar_pmd.encode_frame(
            polar_pmd.MeasurementType.ACC, ts, np.clip(walk, -128, 127), 0, False
        )
    factor = np.float32(rng.uniform(0.0001, 1.0)).tobytes()
    return "control", bytes([0xF0, 2, int(rng.choice([2, 5])), 0, 0, 5, 1]) + factor


def _pmd_parse(role: str, payload: bytes) -> object:
    if role == "control":
        return polar_pmd_control.parse_control_response(payload).settings()
    return polar_pmd.parse_frame(payload, {2: 0.000244, 5: 0.061})


def _rsc_parse(role: str, payload: bytes) -> object:
    return rsc.parse_feature(payload) if role == "feature" else rsc.parse_measurement(payload)


VALID: dict[str, Callable[[np.random.Generator], tuple[str, bytes]]] = {
    "rsc": _rsc_valid,
    "open_imu": _open_imu_valid,
    "polar_pmd": _pmd_valid,
}
PARSE: dict[str, Callable[[str, bytes], object]] = {
    "rsc": _rsc_parse,
    "open_imu": lambda role, payload: open_imu.parse(payload),
    "polar_pmd": _pmd_parse,
}


def mutate(kind: str, pool: list[tuple[str, bytes]], rng: np.random.Generator) -> tuple[str, bytes]:
    """One fuzzed payload of ``kind`` from a pool of valid (role, payload) pairs."""
    role, valid = pool[int(rng.integers(0, len(pool)))]
    if kind == "random":
        return role, rng.bytes(int(rng.integers(0, 260)))
    if kind == "truncated":
        return role, valid[: int(rng.integers(0, len(valid)))]
    if kind == "oversized":
        return role, valid + rng.bytes(int(rng.integers(1, 65)))
    flipped = bytearray(valid)
    for bit in rng.integers(0, 8 * len(valid), int(rng.integers(1, 9))):
        flipped[bit // 8] ^= 1 << (bit % 8)
    return role, bytes(flipped)


@dataclass
class FuzzResult:
    """Counts for one profile and one kind of payload."""

    decoded: int = 0
    rejected: int = 0
    fed: int = 0
    stream_outputs: int = 0
    escaped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def fuzz_profile(profile: Profile, kind: str, count: int, seed: int) -> FuzzResult:
    """Feed ``count`` payloads of ``kind`` through the profile's pure parser and stream."""
    rng = np.random.default_rng(seed)
    pool = [VALID[profile.decoder](rng) for _ in range(POOL)]
    uuids = {role: profile.characteristics.get(role, "") for role in ("data", "control", "feature")}
    payloads = [mutate(kind, pool, rng) for _ in range(count)]
    stream = make_stream(profile.decoder, 0, profile)
    parse = PARSE[profile.decoder]
    result = FuzzResult()
    start = time.perf_counter()
    for i, (role, payload) in enumerate(payloads):
        try:
            parse(role, payload)
            result.decoded += 1
        except DecodeError:
            result.rejected += 1
        except Exception as exc:  # noqa: BLE001 - the point is to catch anything else
            result.escaped.append(f"parse {payload.hex()}: {exc!r}")
        try:
            out = stream.feed_many([RawPacket(0, i * 0.01, uuids[role], payload)])
            result.fed += 1
            result.stream_outputs += len(out) > 0
        except Exception as exc:  # noqa: BLE001
            result.escaped.append(f"feed {payload.hex()}: {exc!r}")
    result.seconds = time.perf_counter() - start
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--count", type=int, default=100_000, help="payloads per profile and kind (default 100000)"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the streams' malformed-payload warnings are expected here
    failures = 0
    print(
        f"{'profile':20} {'kind':10} {'payloads':>9} {'decoded':>9} {'rejected':>9} {'outputs':>9} {'payloads/s':>11}"
    )
    for profile in all_profiles():
        for k, kind in enumerate(KINDS):
            r = fuzz_profile(profile, kind, args.count, args.seed + k)
            rate = args.count / r.seconds if r.seconds else float("inf")
            print(
                f"{profile.name:20} {kind:10} {args.count:9d} {r.decoded:9d} {r.rejected:9d} "
                f"{r.stream_outputs:9d} {rate:11.0f}"
            )
            for line in r.escaped[:5]:
                print("  ESCAPED:", line)
            failures += len(r.escaped)
    print("no exception escaped" if not failures else f"{failures} exceptions escaped")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
