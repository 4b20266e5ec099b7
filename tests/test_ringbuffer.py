import numpy as np
import pytest

from cadence_coach.datatypes import SampleBlock
from cadence_coach.ringbuffer import AX, BARO, GX, RingBuffer, StreamBuffer, T


def rows(start, n, width=2):
    return np.arange(start, start + n, dtype=float)[:, None] * np.ones(width)


def test_push_and_latest_in_order():
    rb = RingBuffer(5, 2)
    rb.push(rows(0, 3))
    assert len(rb) == 3
    np.testing.assert_array_equal(rb.latest()[:, 0], [0, 1, 2])
    np.testing.assert_array_equal(rb.latest(2)[:, 0], [1, 2])
    assert rb.overrun == 0


def test_overrun_overwrites_oldest_and_counts():
    rb = RingBuffer(5, 2)
    rb.push(rows(0, 4))
    rb.push(rows(4, 3))  # 7 rows into 5: the two oldest are lost
    assert len(rb) == 5
    assert rb.overrun == 2
    assert rb.total == 7
    np.testing.assert_array_equal(rb.latest()[:, 0], [2, 3, 4, 5, 6])


def test_block_larger_than_capacity_keeps_newest():
    rb = RingBuffer(4, 1)
    rb.push(rows(0, 2, 1))
    rb.push(rows(2, 10, 1))
    np.testing.assert_array_equal(rb.latest()[:, 0], [8, 9, 10, 11])
    assert rb.overrun == 8


def test_latest_is_a_view_across_the_wrap_point():
    rb = RingBuffer(4, 1)
    for i in range(7):  # head wraps around
        rb.push(np.array([float(i)]))
    window = rb.latest(4)
    np.testing.assert_array_equal(window[:, 0], [3, 4, 5, 6])
    assert window.base is not None  # a view into the storage, not a copy
    assert not window.flags.writeable


def test_never_grows():
    rb = RingBuffer(16, 3)
    nbytes = rb._data.nbytes
    for i in range(1000):
        rb.push(rows(i, 7, 3))
    assert rb._data.nbytes == nbytes
    assert len(rb) == 16


def test_wrong_width_rejected():
    with pytest.raises(ValueError):
        RingBuffer(4, 2).push(np.zeros((3, 3)))


def test_stream_buffer_stores_missing_channels_as_nan():
    sb = StreamBuffer(10)
    t = np.array([0.0, 0.01])
    sb.push_block(SampleBlock(sensor=0, t=t, acc=np.ones((2, 3))))
    w = sb.latest()
    np.testing.assert_array_equal(w[:, T], t)
    assert np.all(w[:, AX] == 1.0)
    assert np.all(np.isnan(w[:, GX])) and np.all(np.isnan(w[:, BARO]))
