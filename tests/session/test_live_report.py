"""``run --report``: a live session against a simulated sensor on a bumble virtual link ends with its
report, dated by the recording it made."""

import asyncio
import re

import pytest

from cadence_coach.cli import build_parser
from cadence_coach.cli.run import run_live_command
from cadence_coach.sources.ble.sim.link import SimulatedLink
from cadence_coach.sources.recording import RecordingReader
from tests.session.test_live import runner_sensor

pytestmark = [pytest.mark.ble, pytest.mark.timeout(60), pytest.mark.usefixtures("compiled_gait_kernels")]


def test_run_writes_the_report_at_the_end(tmp_path, capsys):
    sensor = runner_sensor()
    record, report = tmp_path / "live.ccrec", tmp_path / "live.html"
    argv = ["run", "--device", "CC-IMU-L", "--side", "left", "--record", str(record), "--audio", "off"]
    args = build_parser().parse_args(
        [*argv, "--duration", "10", "--scan-timeout", "2", "--report", str(report)]
    )

    async def go():
        async with SimulatedLink([sensor]) as link:
            return await run_live_command(args, link.backend)

    assert asyncio.run(go()) == 0
    assert f"report written to {report}" in capsys.readouterr().out
    html = report.read_text()
    with RecordingReader(record) as reader:
        started = reader.header.started_at
    assert f"<tr><th>date</th><td>{started[:10]} {started[11:16]} UTC</td></tr>" in html
    assert f"Run report: {record.name}" in html
    steps = re.search(r"<tr><th>steps</th><td>(\d+) \(one foot\)</td></tr>", html)
    assert steps is not None and int(steps.group(1)) >= 6
    assert '<figure id="cadence">' in html and '<figure id="balance">' not in html
