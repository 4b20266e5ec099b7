"""The ``simulate`` command line: a good run and every kind of bad input (one line, exit 2)."""

import pytest

from cadence_coach.cli import main
from cadence_coach.sources.recording import RecordingReader
from cadence_coach.sources.simulator import load_truth
from tests.support.cli import exit_code


def test_simulate_writes_recording_and_truth(tmp_path, capsys):
    out = tmp_path / "run.ccrec"
    code = main(
        [
            "simulate",
            "--scenario",
            "walk-run",
            "--duration",
            "40",
            "--seed",
            "3",
            "--out",
            str(out),
            "--rate",
            "200",
            "--feet",
            "both",
            "--no-baro",
        ]
    )
    assert code == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "steps" in line and "packets" in line and "MB" in line
    with RecordingReader(out) as reader:
        assert reader.header.source == "simulator"
        assert reader.header.meta["options"]["baro"] is False
        assert len(reader.header.sensors) == 2
    truth = load_truth(out)
    assert truth.meta["scenario"] == "walk-run" and truth.meta["rate_hz"] == 200
    assert set(truth.steps["side"]) == {"left", "right"}


@pytest.mark.parametrize(
    "extra",
    [
        ["--scenario", "nope"],
        ["--duration", "0"],
        ["--duration", "-5"],
        ["--duration", "1e9"],
        ["--duration", "abc"],
        ["--rate", "10"],
        ["--rate", "5000"],
        ["--interval-ms", "2"],
        ["--loss", "-0.1"],
        ["--acc-range-g", "8"],
        ["--feet", "tail"],
        ["--seed", "-1"],
        ["--out", "/no/such/folder/x.ccrec"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, extra):
    args = {"--scenario": "flat-easy", "--duration": "30", "--seed": "1", "--out": str(tmp_path / "x.ccrec")}
    args.update(dict(zip(extra[::2], extra[1::2])))
    assert exit_code(["simulate", *[x for kv in args.items() for x in kv]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.ccrec").exists()


def test_existing_output_is_refused(tmp_path, capsys):
    out = tmp_path / "taken.ccrec"
    out.write_bytes(b"keep me")
    assert (
        main(["simulate", "--scenario", "flat-easy", "--duration", "30", "--seed", "1", "--out", str(out)])
        == 2
    )
    assert out.read_bytes() == b"keep me"
    assert "already exists" in capsys.readouterr().err


def test_random_run_is_drawn_from_the_seed_and_flags_override(tmp_path, capsys):
    from cadence_coach.sources.simulator import draw_run

    a, b, c = (tmp_path / f"{n}.ccrec" for n in "abc")
    common = ["simulate", "--scenario", "random", "--duration", "90", "--seed", "16"]
    assert main([*common, "--out", str(a)]) == 0
    assert main([*common, "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()  # same seed, same file
    assert main([*common, "--feet", "left", "--rate", "100", "--out", str(c)]) == 0
    assert "random, 90 s" in capsys.readouterr().out
    drawn = draw_run(16)
    truth = load_truth(a)
    assert truth.meta["scenario"] == "random" and truth.meta["rate_hz"] == drawn.rate_hz
    assert truth.meta["draw"]["course_style"] == drawn.course_style
    assert len(truth.episodes) == sum(len(s.episodes) for s in drawn.segments)
    with RecordingReader(c) as reader:
        assert [s.side.value for s in reader.header.sensors] == ["left"]
        assert reader.header.meta["rate_hz"] == 100


def test_named_scenario_needs_a_duration(tmp_path, capsys):
    out = tmp_path / "x.ccrec"
    assert main(["simulate", "--scenario", "flat-easy", "--seed", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--duration" in err and not out.exists()
