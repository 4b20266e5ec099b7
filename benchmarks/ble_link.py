"""BLE link benchmark on the simulated sensor (bumble virtual link, bleak reader through backend=).

Prints, for 400 Hz and 200 Hz sensors at 7.5 ms and 15 ms connection intervals: median and p95 of the
packet latency (arrival - sensor time of the packet's last frame, ms), packets/s, and the CPU use of this
process (time.process_time over wall time; both the simulated sensor's and the reader's host stacks run
in it). Then forces repeated disconnects (range loss, reason 0x08) and prints reconnect time median/max.

Usage: python benchmarks/ble_link.py [--seconds 5] [--disconnects 20] [--period 2]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

import numpy as np

from cadence_coach.datatypes import RawPacket
from cadence_coach.decoders import open_imu
from cadence_coach.profiles import load_profile
from cadence_coach.sources.ble.reader import BleSensorReader
from cadence_coach.sources.ble.sim.link import SimulatedLink
from cadence_coach.sources.ble.sim.packets import OpenImuFramePacker, demo_imu_signal
from cadence_coach.sources.ble.sim.peripheral import SimulatedSensor

PROFILE = load_profile("open-imu")


def make_sensor(rate_hz: float, interval_ms: float) -> SimulatedSensor:
    acc, gyro = demo_imu_signal(rate_hz, seconds=10.0)
    return SimulatedSensor("CC-IMU-L", OpenImuFramePacker(acc, gyro, rate_hz), interval_ms=interval_ms)


async def latency_run(rate_hz: float, interval_ms: float, seconds: float) -> str:
    sim = make_sensor(rate_hz, interval_ms)
    latencies: list[float] = []
    oldest: list[float] = []

    def on_packet(packet: RawPacket) -> None:
        arrival = time.monotonic()
        pkt = open_imu.parse(packet.payload)
        last_sample = pkt.t0_us * 1e-6 + (pkt.acc.shape[0] - 1) * pkt.period_s
        latencies.append(arrival - (sim.clock_origin + last_sample))
        oldest.append(arrival - (sim.clock_origin + pkt.t0_us * 1e-6))

    async with SimulatedLink([sim]) as link:
        async with BleSensorReader("CC-IMU-L", PROFILE, 0, on_packet, backend=link.backend):
            await asyncio.sleep(0.5)  # settle
            n0 = len(latencies)
            wall0, cpu0 = time.monotonic(), time.process_time()
            await asyncio.sleep(seconds)
            wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
            lat_ms = np.asarray(latencies[n0:]) * 1000
            oldest_ms = np.asarray(oldest[n0:]) * 1000
    return (
        f"{rate_hz:5.0f} Hz  {interval_ms:4.1f} ms  last-frame latency median {np.median(lat_ms):5.1f} ms  "
        f"p95 {np.percentile(lat_ms, 95):5.1f} ms  (first frame: median {np.median(oldest_ms):5.1f} ms)  "
        f"{lat_ms.size / wall:6.1f} packets/s  CPU {100 * cpu / wall:4.1f} %"
    )


async def reconnect_run(disconnects: int, period_s: float) -> str:
    sim = make_sensor(400.0, 7.5)
    events = []
    async with SimulatedLink([sim]) as link:
        async with BleSensorReader(
            "CC-IMU-L", PROFILE, 0, lambda p: None, events.append, backend=link.backend
        ) as reader:
            for _ in range(disconnects):
                await asyncio.sleep(period_s)
                await sim.force_disconnect()
            await asyncio.sleep(period_s)
            streaming = reader.stats.packets
            await asyncio.sleep(0.2)
            still_streaming = reader.stats.packets > streaming
    durations = np.asarray(reader.stats.reconnect_durations_s) * 1000
    recovered = reader.stats.reconnects == disconnects and still_streaming
    return (
        f"{disconnects} forced disconnects: {reader.stats.reconnects} reconnects, reconnect time median "
        f"{np.median(durations):.0f} ms, max {durations.max():.0f} ms; all recovered: {recovered}"
    )


async def main(args: argparse.Namespace) -> None:
    print(f"simulated link (bumble LocalLink), open IMU with gyro, MTU 247, {args.seconds:g} s per row")
    for rate_hz in (400.0, 200.0):
        for interval_ms in (7.5, 15.0):
            print(await latency_run(rate_hz, interval_ms, args.seconds), flush=True)
    print(await reconnect_run(args.disconnects, args.period))


if __name__ == "__main__":
    # bumble's virtual controller warns about ACL data for a handle that a forced disconnect just closed
    logging.getLogger("bumble.controller").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measurement time per configuration, s")
    parser.add_argument("--disconnects", type=int, default=20, help="forced disconnects")
    parser.add_argument("--period", type=float, default=2.0, help="time between forced disconnects, s")
    asyncio.run(main(parser.parse_args()))
