"""Fuzzing the decoders, the sensor streams and the recording reader (benchmarks/fuzz_decoders.py and
tests/decoders/test_fuzz.py).

Each :class:`Target` has a pool of valid inputs (the reference vectors of ``shared/vectors`` and the
bundled copy, the decoders' own encoders, small recordings) and a ``run`` that feeds it one input and
says what became of it: ``decoded``, ``rejected`` (the documented rejection: ``DecodeError`` from a
decoder, a malformed payload counted by a stream, a ``UserError`` or a counted damaged span from the
reader) or ``dropped`` (a stream's repeated or late packet). Any other exception escapes and is kept
with its input. ``uncounted`` counts rejections that the caller could not see: a payload the decoder
refuses that its stream did not count as malformed, a damaged recording read without any damage
reported.

Inputs are mutations of the valid ones (:func:`mutate`: bit flips, bytes set to edge values, header
fields hit more often, truncations, extensions, inserted, deleted, duplicated or spliced spans) or
pure random bytes, from a seeded ``random.Random``, so a run can be repeated.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..datatypes import Placement, RawPacket, SensorInfo, Side
from ..decoders import open_imu, polar_pmd, polar_pmd_control, rsc
from ..decoders.errors import DecodeError
from ..errors import UserError
from ..profiles import Profile
from ..sources.recording import RecordedEvent, RecordingHeader, RecordingReader, RecordingWriter
from ..streams import make_stream

DECODED, REJECTED, DROPPED, UNCOUNTED = "decoded", "rejected", "dropped", "uncounted"
EDGE_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
PMD_FACTORS = {2: 0.000244, 5: 0.061}


@dataclass
class Target:
    """Something fed fuzzed inputs.

    Attributes:
        name: shown in the table.
        seeds: valid inputs to mutate.
        run: feeds one input, returns DECODED, REJECTED, DROPPED or UNCOUNTED; raises only on a bug.
        hot: byte offsets (header fields) that structured mutations hit more often.
        random_max: longest pure-random input, bytes.
    """

    name: str
    seeds: list[bytes]
    run: Callable[[bytes], str]
    hot: tuple[int, ...] = ()
    random_max: int = 260


@dataclass
class FuzzResult:
    """What one target made of its inputs."""

    name: str
    inputs: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((DECODED, REJECTED, DROPPED, UNCOUNTED), 0)
    )
    escaped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def escapes(self) -> int:
        return len(self.escaped)


def mutate(rng: random.Random, seeds: list[bytes], hot: tuple[int, ...], random_max: int) -> bytes:
    """One fuzzed input: one to four structured mutations of a valid input, or random bytes (1 in 8)."""
    if rng.random() < 0.125:
        return rng.randbytes(rng.randint(0, random_max))
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        _mutate_once(rng, data, seeds, hot)
    return bytes(data)


def _mutate_once(rng: random.Random, data: bytearray, seeds: list[bytes], hot: tuple[int, ...]) -> None:
    op = rng.randrange(10)
    n = len(data)
    if op == 0 and n:  # flip a few bits
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(n)
            data[i] ^= 1 << rng.randrange(8)
    elif op == 1 and n:  # a byte to an edge value
        data[rng.randrange(n)] = rng.choice(EDGE_BYTES)
    elif op == 2 and hot:  # a header field byte to a random or edge value
        i = rng.choice(hot)
        if i < n:
            data[i] = rng.choice(EDGE_BYTES) if rng.random() < 0.5 else rng.randrange(256)
    elif op == 3:  # truncate
        del data[rng.randint(0, n) :]
    elif op == 4:  # extend with random bytes
        data += rng.randbytes(rng.randint(1, 64))
    elif op == 5 and n:  # delete a span
        i = rng.randrange(n)
        del data[i : i + rng.randint(1, 16)]
    elif op == 6:  # insert random bytes
        i = rng.randint(0, n)
        data[i:i] = rng.randbytes(rng.randint(1, 16))
    elif op == 7 and n:  # duplicate a span in place
        i = rng.randrange(n)
        data[i:i] = data[i : i + rng.randint(1, 32)]
    elif op == 8:  # splice: the head of this one, the tail of another
        other = rng.choice(seeds)
        data[rng.randint(0, n) :] = other[rng.randint(0, len(other)) :]
    elif n:  # a span set to one value
        i = rng.randrange(n)
        k = rng.randint(1, 32)
        data[i : i + k] = bytes([rng.choice(EDGE_BYTES)]) * len(data[i : i + k])


def fuzz(target: Target, count: int, seed: int = 1, keep_escapes: int = 20) -> FuzzResult:
    """Feed ``count`` fuzzed inputs to ``target``."""
    rng = random.Random(seed)
    result = FuzzResult(target.name)
    start = time.perf_counter()
    for _ in range(count):
        data = mutate(rng, target.seeds, target.hot, target.random_max)
        try:
            result.counts[target.run(data)] += 1
        except Exception as exc:  # noqa: BLE001 - any other exception is the finding
            if len(result.escaped) < keep_escapes:
                result.escaped.append(f"{data.hex()}: {exc!r}")
            else:
                result.escaped.append("")
        result.inputs += 1
    result.seconds = time.perf_counter() - start
    return result


# ---- valid inputs -------------------------------------------------------------------------------------


def vector_payloads(folders: Iterable[Path]) -> list[bytes]:
    """Every ``*_hex`` string of every reference-vector JSON file in ``folders`` (missing ones skipped)."""
    out: list[bytes] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str) and k.endswith("hex"):
                    try:
                        out.append(bytes.fromhex(v))
                    except ValueError:
                        pass
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for folder in folders:
        for path in sorted(Path(folder).glob("*.json")) if Path(folder).is_dir() else []:
            walk(json.loads(path.read_text(encoding="utf-8")))
    return list(dict.fromkeys(out))


def _rsc_encoded(rng: np.random.Generator) -> bytes:
    stride = float(rng.uniform(0.5, 2.5)) if rng.random() < 0.5 else None
    distance = float(rng.uniform(0, 1e5)) if rng.random() < 0.5 else None
    return rsc.encode_measurement(
        rng.uniform(0, 8), int(rng.integers(0, 256)), stride, distance, rng.random() < 0.5
    )


def _open_imu_encoded(rng: np.random.Generator) -> bytes:
    n = int(rng.integers(0, 19))
    gyro = rng.normal(0, 10, (n, 3)) if rng.random() < 0.7 else None
    pressure = float(rng.uniform(9e4, 1.05e5)) if rng.random() < 0.3 else None
    seq, t0 = int(rng.integers(0, 65536)), int(rng.integers(0, 2**32))
    return open_imu.encode(seq, t0, 0.0025, rng.normal(0, 30, (n, 3)), gyro, pressure)


def _pmd_encoded(rng: np.random.Generator) -> bytes:
    ts, n = int(rng.integers(1, 2**62)), int(rng.integers(1, 120))
    walk = np.cumsum(rng.integers(-300, 301, (n, 3)), axis=0)
    acc, gyro = polar_pmd.MeasurementType.ACC, polar_pmd.MeasurementType.GYRO
    choice = int(rng.integers(0, 5))
    if choice == 0:
        return polar_pmd.encode_frame(acc, ts, np.clip(walk, -32768, 32767), 1, False)
    if choice == 1:
        return polar_pmd.encode_frame(acc, ts, np.clip(walk, -32768, 32767), 0, True)
    if choice == 2:
        return polar_pmd.encode_frame(gyro, ts, np.clip(walk, -32768, 32767), 0, True)
    if choice == 3:
        floats = rng.normal(0, 200, (n, 3)).astype(np.float32).view(np.int32).astype(np.int64)
        return polar_pmd.encode_frame(gyro, ts, floats, 1, True, 32)
    return polar_pmd.encode_frame(acc, ts, np.clip(walk, -128, 127), 0, False)


def _pmd_control_encoded(rng: np.random.Generator) -> bytes:
    factor = np.float32(rng.uniform(0.0001, 1.0)).tobytes()
    status = 0 if rng.random() < 0.8 else int(rng.integers(1, 14))
    op = int(rng.choice([1, 2, 3]))
    settings = bytes([0, 1]) + int(rng.choice([26, 52, 104, 208])).to_bytes(2, "little")
    return bytes([0xF0, op, int(rng.choice([2, 5])), status, 0]) + (
        bytes([5, 1]) + factor if rng.random() < 0.5 else settings
    )


def _valid(
    encoder: Callable[[np.random.Generator], bytes], check: Callable[[bytes], object], vectors: list[bytes]
) -> list[bytes]:
    """Encoded inputs plus the vectors ``check`` accepts."""
    rng = np.random.default_rng(0)
    seeds = [encoder(rng) for _ in range(200)]
    for v in vectors:
        try:
            check(v)
            seeds.append(v)
        except DecodeError:
            pass
    return seeds


# ---- targets -------------------------------------------------------------------------------------------


def _decoder(
    name: str, parse: Callable[[bytes], object], seeds: list[bytes], hot: tuple[int, ...] = ()
) -> Target:
    def run(data: bytes) -> str:
        try:
            parse(data)
        except DecodeError:
            return REJECTED
        return DECODED

    return Target(name, seeds, run, hot)


def _stream(
    profile: Profile, seeds_by_role: dict[str, list[bytes]], parse: Callable[[str, bytes], object]
) -> Target:
    """A profile's stream fed one packet at a time (the live path); payloads tagged with their role."""
    stream = make_stream(profile.decoder, 0, profile)
    roles = sorted(seeds_by_role)
    uuids = {role: profile.characteristics.get(role, "") for role in roles}
    clock = [0.0]
    # the role rides in the first byte of the fuzzed input, so mutations keep or change it
    seeds = [bytes([roles.index(role)]) + s for role in roles for s in seeds_by_role[role]]

    def run(data: bytes) -> str:
        role = roles[data[0] % len(roles)] if data else roles[0]
        payload = data[1:]
        clock[0] += 0.01
        before = stream.malformed
        out = stream.feed_many([RawPacket(0, clock[0], uuids[role], payload)])
        counted = stream.malformed > before
        try:
            parse(role, payload)
            refused = False
        except DecodeError:
            refused = True
        if refused and not counted:
            return UNCOUNTED
        return REJECTED if counted else DECODED if out else DROPPED

    return Target(f"stream {profile.name}", seeds, run, tuple(range(1, 18)))


def _packed(seeds: list[bytes]) -> Target:
    """open IMU bulk decoding (a recording's packets): inputs are concatenations of 1-8 payloads whose
    lengths ride in the input, as a recording's records carry them. Every payload must be decoded or
    counted as rejected, and decoded exactly when :func:`open_imu.parse` decodes it with frames (a
    packet without frames is refused in bulk and counted as malformed by the stream one at a time)."""

    def run(data: bytes) -> str:
        if not data:
            return REJECTED
        k = 1 + data[0] % 8
        body = np.frombuffer(data[1:], dtype=np.uint8)
        cuts = sorted(int(x) % (body.size + 1) for x in data[1 : 1 + k - 1]) if k > 1 else []
        bounds = [0, *cuts, body.size]
        starts = np.array(bounds[:-1], dtype=np.int64)
        lengths = np.diff(np.array(bounds, dtype=np.int64))
        batch = open_imu.parse_packed(body, starts, lengths)
        single = 0
        for a, n in zip(starts.tolist(), lengths.tolist()):
            try:
                single += (
                    open_imu.parse(bytes(body[a : a + n])).acc.shape[0] > 0
                )  # no frames: refused in bulk
            except DecodeError:
                pass
        if batch.rejected + batch.index.size != len(starts) or batch.index.size != single:
            return UNCOUNTED
        return REJECTED if batch.rejected else DECODED

    return Target("open_imu.parse_packed", [bytes([0]) + s for s in seeds], run, tuple(range(0, 17)), 600)


def decoder_targets(vector_dirs: Iterable[Path]) -> list[Target]:
    """Every decoder's parse functions, the open IMU bulk decoder, and every profile's stream."""
    from ..profiles import all_profiles

    vectors = vector_payloads(vector_dirs)
    pmd = _valid(_pmd_encoded, lambda p: polar_pmd.parse_frame(p, PMD_FACTORS), vectors)
    control = _valid(_pmd_control_encoded, polar_pmd_control.parse_control_response, vectors)
    features = [b"\x0f\x25\x00", b"\x0f\xff\xff", b"\x0f\x00\x02"]
    rsc_seeds = _valid(_rsc_encoded, rsc.parse_measurement, vectors)
    feature_seeds = [bytes([b, 0]) for b in range(0, 32, 3)]
    imu = _valid(_open_imu_encoded, open_imu.parse, vectors)
    targets = [
        _decoder("rsc.parse_measurement", rsc.parse_measurement, rsc_seeds, (0,)),
        _decoder("rsc.parse_feature", rsc.parse_feature, feature_seeds, (0, 1)),
        _decoder("open_imu.parse", open_imu.parse, imu, tuple(range(16))),
        _packed(imu),
        _decoder(
            "polar_pmd.parse_frame", lambda p: polar_pmd.parse_frame(p, PMD_FACTORS), pmd, tuple(range(10))
        ),
        _decoder(
            "polar_pmd_control.parse_control_response",
            lambda p: polar_pmd_control.parse_control_response(p).settings(),
            control,
            tuple(range(9)),
        ),
        _decoder("polar_pmd_control.parse_features", polar_pmd_control.parse_features, features, (0, 1, 2)),
    ]
    by_decoder: dict[str, tuple[dict[str, list[bytes]], Callable[[str, bytes], object]]] = {
        "open_imu": ({"data": imu}, lambda role, p: open_imu.parse(p)),
        "rsc": (
            {"data": rsc_seeds, "feature": feature_seeds},
            lambda role, p: rsc.parse_feature(p) if role == "feature" else rsc.parse_measurement(p),
        ),
        "polar_pmd": ({"data": pmd, "control": control}, _pmd_stream_parse),
    }
    for profile in all_profiles():
        seeds, parse = by_decoder[profile.decoder]
        targets.append(_stream(profile, seeds, parse))
    return targets


def _pmd_stream_parse(role: str, payload: bytes) -> object:
    """What the PMD stream refuses (and counts): a data frame that does not parse or holds non-finite
    values; control responses are taken or ignored, never counted."""
    if role == "control":
        return None
    frame = polar_pmd.parse_frame(payload, PMD_FACTORS)
    if not np.isfinite(frame.samples).all():
        raise DecodeError("non-finite")
    return frame


# ---- the recording reader ------------------------------------------------------------------------------

_FOOT = SensorInfo("open-imu", Placement.FOOT, Side.LEFT, "CC-IMU", "AA:BB", (open_imu.DATA_UUID,))


def small_recordings(folder: Path) -> tuple[bytes, list[bytes]]:
    """The header bytes and a few valid record bodies (packets and events, 2 to 40 records each) of
    small recordings, written by :class:`RecordingWriter`."""
    rng = np.random.default_rng(0)
    path = folder / "seed.ccrec"
    header = b""
    bodies = []
    for k in (2, 5, 12, 40):
        path.unlink(missing_ok=True)
        with RecordingWriter(path, RecordingHeader([_FOOT], source="fuzz")) as w:
            for i in range(k):
                acc = rng.normal(0, 5, (3, 3))
                payload = open_imu.encode(i, i * 7500, 0.0025, acc, acc)
                w.write_packet(RawPacket(0, i * 0.0075 + 0.005, open_imu.DATA_UUID, payload))
                if i % 7 == 3:
                    w.write_event(i * 0.0075 + 0.006, event="disconnected", sensor=0)
        data = path.read_bytes()
        end = 12 + int.from_bytes(data[8:12], "little")
        header = data[:end]
        bodies.append(data[end:])
    return header, bodies


def reader_target(folder: Path) -> Target:
    """The recording reader, reading a whole file in bulk and (every other input) record by record.
    The input is the body after a valid header (1 in 16: the whole file, header included, mutated)."""
    header, bodies = small_recordings(folder)
    path = folder / "fuzz.ccrec"
    seeds = [b"\x00" + b for b in bodies] + [b"\x01" + header + b for b in bodies[:2]]
    turn = [0]

    def run(data: bytes) -> str:
        whole = bool(data) and data[0] % 16 == 1
        body = data[1:]
        path.write_bytes(body if whole else header + body)
        turn[0] += 1
        try:
            with RecordingReader(path, read_size=97 if turn[0] % 4 == 0 else 1 << 20) as r:
                if turn[0] % 2:
                    n = sum(1 if isinstance(b, RecordedEvent) else len(b) for b in r.batches())
                else:
                    n = sum(1 for _ in r.records())
                reported = r.corrupt_records + r.out_of_order + len(r.damaged_spans) + r.truncated
        except UserError as exc:
            if "\n" in str(exc):
                raise AssertionError(f"a message of several lines: {exc}") from None
            return REJECTED
        if reported:
            return REJECTED
        if body and not n and not whole and body not in bodies:
            return UNCOUNTED  # bytes that were neither read nor reported
        return DECODED

    return Target("recording reader", seeds, run, tuple(range(1, 40)), 2000)


def scratch_folder() -> Path:
    """A folder for the reader's input file: in memory (/dev/shm) when there is one."""
    shm = Path("/dev/shm")
    return Path(
        tempfile.mkdtemp(prefix="cc-fuzz-", dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)
    )
