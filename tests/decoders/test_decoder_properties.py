"""Property tests of the BLE decoders and their streams: any bytes are decoded or refused with
DecodeError (nothing else escapes), valid packets decode to what was encoded, and a stream counts every
payload its decoder refuses."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence_coach.datatypes import GRAVITY, RawPacket
from cadence_coach.decoders import open_imu, polar_pmd, polar_pmd_control, rsc
from cadence_coach.decoders.errors import DecodeError
from cadence_coach.profiles import load_profile
from cadence_coach.streams import make_stream

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FACTORS = {2: 0.000244, 5: 0.061}
PARSERS = {
    "rsc.parse_measurement": rsc.parse_measurement,
    "rsc.parse_feature": rsc.parse_feature,
    "open_imu.parse": open_imu.parse,
    "polar_pmd.parse_frame": lambda p: polar_pmd.parse_frame(p, FACTORS),
    "polar_pmd_control.parse_control_response": lambda p: polar_pmd_control.parse_control_response(
        p
    ).settings(),
    "polar_pmd_control.parse_features": polar_pmd_control.parse_features,
}


def decodes(parse, payload: bytes) -> bool:
    """True if decoded, False if refused with DecodeError; any other exception fails the test."""
    try:
        parse(payload)
    except DecodeError:
        return False
    return True


@SETTINGS
@given(st.sampled_from(sorted(PARSERS)), st.binary(max_size=600))
def test_any_bytes_are_decoded_or_refused(name, payload):
    decodes(PARSERS[name], payload)


frames = st.integers(0, 18)
imu_packets = st.builds(
    lambda n, seq, t0, gyro, baro, seed: (
        n,
        open_imu.encode(
            seq,
            t0,
            0.0025,
            np.random.default_rng(seed).normal(0, 30, (n, 3)),
            np.random.default_rng(seed + 1).normal(0, 10, (n, 3)) if gyro else None,
            95000.0 if baro else None,
        ),
    ),
    frames,
    st.integers(0, 65535),
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.booleans(),
    st.integers(0, 1000),
)


@SETTINGS
@given(imu_packets, st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4))
def test_open_imu_packets_decode_and_damaged_ones_are_refused_or_decoded(packet, damage):
    n, payload = packet
    p = open_imu.parse(payload)
    assert p.acc.shape == (n, 3) and np.all(np.abs(p.acc) <= 32 * GRAVITY)
    data = bytearray(payload)
    for at, value in damage:
        data[at % len(data)] = value
    if decodes(open_imu.parse, bytes(data)):
        q = open_imu.parse(bytes(data))
        assert np.isfinite(q.acc).all() and q.period_s > 0
    for cut in (0, 1, 15, len(payload) - 1):
        assert not decodes(open_imu.parse, payload[:cut])  # the layout fixes the length


@SETTINGS
@given(
    st.floats(0, 255),
    st.integers(0, 255),
    st.none() | st.floats(0, 655),
    st.none() | st.floats(0, 4e8),
    st.booleans(),
)
def test_rsc_measurements_round_trip(speed, cadence, stride, distance, running):
    m = rsc.parse_measurement(rsc.encode_measurement(speed, cadence, stride, distance, running))
    assert abs(m.speed_mps - speed) <= 1 / 256 + 1e-9 and m.cadence_per_min == cadence
    assert (m.stride_m is None) == (stride is None) and (m.total_distance_m is None) == (distance is None)
    assert m.running == running


@SETTINGS
@given(st.integers(1, 2**62), st.integers(1, 100), st.sampled_from([0, 1]), st.booleans(), st.integers(0, 99))
def test_pmd_frames_decode_to_their_samples(timestamp, n, frame_type, compressed, seed):
    walk = np.cumsum(np.random.default_rng(seed).integers(-300, 301, (n, 3)), axis=0)
    values = np.clip(walk, -32768, 32767)
    kind = polar_pmd.MeasurementType.ACC
    frame = polar_pmd.parse_frame(
        polar_pmd.encode_frame(kind, timestamp, values, frame_type, compressed), FACTORS
    )
    assert frame.samples.shape == (n, 3) and np.isfinite(frame.samples).all()


STREAM_PROFILES = ("open-imu", "polar-h10", "rsc-foot-pod")


@SETTINGS
@given(
    st.sampled_from(STREAM_PROFILES), st.lists(st.tuples(st.booleans(), st.binary(max_size=300)), max_size=30)
)
def test_a_stream_takes_any_payloads_and_counts_each_refused_one(name, payloads):
    profile = load_profile(name)
    stream = make_stream(profile.decoder, 0, profile)
    data_uuid = profile.characteristics["data"]
    other_uuid = next((u for role, u in profile.characteristics.items() if role != "data"), data_uuid)
    refused = 0
    for i, (other, payload) in enumerate(payloads):
        uuid = other_uuid if other else data_uuid
        stream.feed_many([RawPacket(0, 0.01 * i, uuid, payload)])
        if uuid == data_uuid and not decodes(PARSERS[_data_parser(name)], payload):
            refused += 1
    assert stream.malformed >= refused
    assert math.isfinite(stream.lost_packets)


def _data_parser(profile: str) -> str:
    return {"open-imu": "open_imu.parse", "polar-h10": "polar_pmd.parse_frame"}.get(
        profile, "rsc.parse_measurement"
    )
