import math

import numpy as np
import pytest

from cadence_coach.datatypes import GRAVITY, Placement, Side
from cadence_coach.errors import UserError
from cadence_coach.sources.csv_import import CsvSource


def write_csv(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows))
    return path


def read_all(path, **kw):
    kw.setdefault("placement", Placement.FOOT)
    with CsvSource(path, **kw) as src:
        blocks = list(src)
    return src, blocks


def joined(blocks, attr):
    return np.concatenate([getattr(b, attr) for b in blocks])


def signal(n, rate=200.0, t0=5.0):
    rng = np.random.default_rng(4)
    t = t0 + np.arange(n) / rate
    return t, rng.normal(0, 2, (n, 3)), rng.normal(0, 100, (n, 3))


def test_units_converted_to_si_and_file_time_kept(tmp_path):
    t, acc_g, gyro_dps = signal(450)
    path = write_csv(tmp_path / "run.csv", "t,ax,ay,az,gx,gy,gz", np.c_[t, acc_g, gyro_dps].round(6))
    src, blocks = read_all(path, side=Side.LEFT, acc_unit="g", gyro_unit="dps")
    np.testing.assert_allclose(joined(blocks, "t"), t, atol=1e-6)
    np.testing.assert_allclose(joined(blocks, "acc"), acc_g * GRAVITY, atol=1e-4)
    np.testing.assert_allclose(joined(blocks, "gyro"), np.radians(gyro_dps), atol=1e-6)
    assert src.sensor_info.profile == "csv-import"
    assert src.sensor_info.placement is Placement.FOOT and src.sensor_info.side is Side.LEFT
    assert src.sensor_info.address == "run.csv"
    assert all(b.baro_pa is None for b in blocks)
    assert all(b.t_arrival == b.t[-1] for b in blocks)
    assert all(len(b) <= 200 for b in blocks) and len(blocks) == 3  # 1 s blocks at 200 Hz
    assert not any(b.gap_before for b in blocks)


def test_si_units_pass_through(tmp_path):
    t, acc, gyro = signal(50)
    path = write_csv(tmp_path / "a.csv", "gx,gy,gz,t,az,ay,ax", np.c_[gyro, t, acc[:, ::-1]].round(6))
    _, blocks = read_all(path, acc_unit="mps2", gyro_unit="rads")
    np.testing.assert_allclose(joined(blocks, "acc"), acc, atol=1e-6)
    np.testing.assert_allclose(joined(blocks, "gyro"), gyro, atol=1e-6)


def test_rate_gives_times_and_bad_rows_keep_their_slot(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("ax,ay,az\n" + "1,2,3\n" * 2 + "1,oops,3\n" + "1,2,3\n" * 2)
    src, blocks = read_all(path, rate_hz=100.0)
    np.testing.assert_allclose(joined(blocks, "t"), [0.0, 0.01, 0.03, 0.04])
    assert src.bad_rows == 1 and src.first_bad.startswith("line 4")


def test_acc_only_and_gyro_only(tmp_path):
    t, acc, gyro = signal(20)
    _, acc_blocks = read_all(write_csv(tmp_path / "a.csv", "t,ax,ay,az", np.c_[t, acc]))
    assert acc_blocks[0].gyro is None and acc_blocks[0].acc.shape == (20, 3)
    _, gyro_blocks = read_all(write_csv(tmp_path / "g.csv", "t,gx,gy,gz", np.c_[t, gyro]))
    assert gyro_blocks[0].acc is None and gyro_blocks[0].gyro.shape == (20, 3)


def test_a_partial_axis_set_is_imported_with_nan_columns(tmp_path):
    t, acc, gyro = signal(30)
    path = write_csv(tmp_path / "p.csv", "t,az,ax,gy", np.c_[t, acc[:, 2], acc[:, 0], gyro[:, 1]].round(6))
    src, blocks = read_all(path, acc_unit="mps2", gyro_unit="rads")
    assert src.acc_axes == (True, False, True) and src.gyro_axes == (False, True, False)
    assert blocks[0].acc_axes == src.acc_axes and blocks[0].gyro_axes == src.gyro_axes
    got_acc, got_gyro = joined(blocks, "acc"), joined(blocks, "gyro")
    np.testing.assert_allclose(got_acc[:, [0, 2]], acc[:, [0, 2]], atol=1e-6)
    np.testing.assert_allclose(got_gyro[:, 1], gyro[:, 1], atol=1e-6)
    assert np.isnan(got_acc[:, 1]).all() and np.isnan(got_gyro[:, [0, 2]]).all()
    assert src.ignored_axes == {} and src.bad_rows == 0


def test_a_single_gyroscope_axis_gives_no_accelerometer(tmp_path):
    t, _, gyro = signal(20)
    _, blocks = read_all(write_csv(tmp_path / "g.csv", "t,gz", np.c_[t, gyro[:, 2]]))
    assert blocks[0].acc is None and blocks[0].acc_axes == (False, False, False)
    assert blocks[0].gyro_axes == (False, False, True)


@pytest.mark.parametrize(
    "cell, why", [("", "no numeric value"), ("nan", "no numeric value"), ("0", "constant")]
)
def test_an_axis_without_a_measurement_is_ignored(tmp_path, cell, why):
    t, acc, _ = signal(40)
    rows = [f"{ti:.4f},{a:.4f},{b:.4f},{cell}" for ti, (a, b, _) in zip(t, acc)]
    path = tmp_path / "c.csv"
    path.write_text("t,ax,ay,az\n" + "\n".join(rows) + "\n")
    src, blocks = read_all(path)
    assert src.ignored_axes == {"az": why}
    assert src.acc_axes == (True, True, False) and src.bad_rows == 0
    assert len(joined(blocks, "t")) == 40 and np.isnan(joined(blocks, "acc")[:, 2]).all()


def test_axes_of_a_sensor_that_never_moved_are_kept(tmp_path):
    src, blocks = read_all(
        write_csv(tmp_path / "s.csv", "t,ax,ay,az", [[i / 100, 0, 0, 9.8] for i in range(20)])
    )
    assert src.ignored_axes == {} and src.acc_axes == (True, True, True)


@pytest.mark.parametrize(
    "header, row", [("t,baro_pa,temp", [0, 101325, 20]), ("t", [0]), ("t,x,y,z", [0, 1, 2, 3])]
)
def test_nothing_to_detect_steps_from_is_a_user_error(tmp_path, header, row):
    path = write_csv(tmp_path / "n.csv", header, [row, [v + 1 for v in row]])
    with pytest.raises(UserError, match="nothing to detect steps from: no accelerometer"):
        CsvSource(path, Placement.FOOT)


def test_motion_columns_without_a_number_are_a_user_error(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("t,ax,gz\n0,,\n0.01,,x\n")
    with pytest.raises(UserError, match="nothing to detect steps from: every motion column is empty"):
        CsvSource(path, Placement.TRUNK)


def test_uneven_times_kept_and_long_gaps_flagged(tmp_path):
    t = np.r_[np.arange(100) * 0.005, 0.6 + np.arange(50) * 0.005]  # a 0.105 s hole after sample 99
    t[10] += 0.001  # jitter is not a gap
    path = write_csv(tmp_path / "u.csv", "t,ax,ay,az", np.c_[t, np.ones((150, 3))])
    _, blocks = read_all(path)
    np.testing.assert_allclose(joined(blocks, "t"), t)
    flagged = [b for b in blocks if b.gap_before]
    assert len(flagged) == 1 and flagged[0].t[0] == pytest.approx(0.6)


def test_bad_rows_counted_and_skipped(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "t,ax,ay,az,baro_pa,note\n"
        "0.00,1,2,3,100000,a\n"
        "0.01,1,2\n"  # wrong field count
        "0.02,1,x,3,100000,b\n"  # non-numeric
        "0.03,1,nan,3,100000,c\n"  # NaN
        "0.04,1,2,3,,d\n"  # no pressure reading: kept, NaN
        "\n"  # blank: ignored
        "0.05,1,2,3,100001,e\n"
    )
    src, blocks = read_all(path)
    np.testing.assert_allclose(joined(blocks, "t"), [0.0, 0.04, 0.05])
    baro = joined(blocks, "baro_pa")
    assert baro[0] == 100000 and math.isnan(baro[1]) and baro[2] == 100001
    assert src.bad_rows == 3
    assert src.first_bad.startswith("line 3:")
    assert src.ignored_columns == ["note"]


@pytest.mark.parametrize("times", [[0, 0.01, 0.01, 0.02], [0, 0.01, 0.005, 0.02]])
def test_non_monotonic_time_is_a_user_error(tmp_path, times):
    path = write_csv(tmp_path / "m.csv", "t,ax,ay,az", [[t, 0, 0, 9.8] for t in times])
    with pytest.raises(UserError, match="non-monotonic time at line 4"):
        read_all(path)


def test_non_monotonic_time_across_chunks(tmp_path):
    t = np.arange(200) * 0.01
    t[150] = t[20]
    path = write_csv(tmp_path / "m.csv", "t,ax,ay,az", np.c_[t, np.zeros((200, 3))])
    with pytest.raises(UserError, match="line 152"):
        read_all(path, chunk_bytes=64)


def test_small_chunks_give_the_same_samples(tmp_path):
    t, acc, gyro = signal(300)
    path = write_csv(tmp_path / "c.csv", "t,ax,ay,az,gx,gy,gz", np.c_[t, acc, gyro].round(5))
    _, whole = read_all(path)
    _, pieces = read_all(path, chunk_bytes=100)
    np.testing.assert_array_equal(joined(whole, "t"), joined(pieces, "t"))
    np.testing.assert_array_equal(joined(whole, "gyro"), joined(pieces, "gyro"))
    assert not any(b.gap_before for b in pieces)


def test_missing_rate_is_a_user_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", "ax,ay,az", [[0, 0, 9.8]] * 3)
    with pytest.raises(UserError, match="--rate"):
        CsvSource(path, Placement.FOOT)


@pytest.mark.parametrize("rate", [0.0, -100.0, 20000.0, math.nan])
def test_absurd_rate_is_a_user_error(tmp_path, rate):
    path = write_csv(tmp_path / "r.csv", "ax,ay,az", [[0, 0, 9.8]] * 3)
    with pytest.raises(UserError, match="Hz"):
        CsvSource(path, Placement.FOOT, rate_hz=rate)


def test_time_in_milliseconds_is_caught(tmp_path):
    t = np.arange(50) * 2.5  # 400 Hz written in ms
    path = write_csv(tmp_path / "ms.csv", "t,ax,ay,az", np.c_[t, np.zeros((50, 3))])
    with pytest.raises(UserError, match="seconds"):
        read_all(path)


@pytest.mark.parametrize("content", ["", "\n\n", "t,ax,ay,az\n", "t,ax,ay,az\n0,1,2,3\n"])
def test_empty_or_too_short_is_a_user_error(tmp_path, content):
    path = tmp_path / "e.csv"
    path.write_text(content)
    with pytest.raises(UserError):
        read_all(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        CsvSource(tmp_path / "nope.csv", Placement.FOOT)


def test_crlf_bom_and_spaces(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(b"\xef\xbb\xbf T , AX,ay,az\r\n0, 1 ,2,3\r\n0.01,1,2,3\r\n")
    src, blocks = read_all(path)
    np.testing.assert_allclose(joined(blocks, "acc"), [[1, 2, 3], [1, 2, 3]])
    assert src.bad_rows == 0


def test_pipeline_takes_csv_blocks_without_a_decoder(tmp_path):
    from cadence_coach.datatypes import RawPacket
    from cadence_coach.session.pipeline import Pipeline

    t, acc, gyro = signal(400)
    src, blocks = read_all(write_csv(tmp_path / "p.csv", "t,ax,ay,az,gx,gy,gz", np.c_[t, acc, gyro]))
    pipeline = Pipeline([src.sensor_info])
    assert pipeline.streams == [None]
    for b in blocks:
        assert pipeline.feed_block(b).blocks == [b]
    assert pipeline.counters[0].samples == 400
    assert pipeline.counters[0].rate_hz == pytest.approx(200.0)
    assert pipeline.feed_packets([RawPacket(0, 9.0, "x", b"junk")]).blocks == []
    assert pipeline.malformed_packets == 0 and pipeline.counters[0].packets == 0
