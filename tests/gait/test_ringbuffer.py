import numpy as np
import pytest

from cadence_coach.datatypes import SampleBlock
from cadence_coach.gait.history import SampleHistory
from cadence_coach.gait.ringbuffer import RingBuffer


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


def test_history_addresses_samples_by_absolute_index_past_the_wrap():
    h = SampleHistory(100)
    t = np.arange(250) * 0.01
    acc = np.zeros((250, 3))
    acc[120, 2] = 50.0  # one spike: its second difference shows at 120, 121 and 122
    for a in range(0, 250, 30):
        h.append(SampleBlock(0, t[a : a + 30], acc=acc[a : a + 30], t_arrival=t[min(a + 29, 249)]))
    assert (h.base, h.size, h.end, h.overrun) == (150, 100, 250, 150)
    assert h.t[h.rows(200, 201)][0] == t[200]
    assert np.isnan(h.baro).all() and np.all(h.gyro == 0.0)  # missing channels
    h2 = SampleHistory(300)
    h2.append(SampleBlock(0, t, acc=acc, t_arrival=t[-1]))
    np.testing.assert_allclose(h2.jerk[119:124], [0.0, 50.0, 100.0, 50.0, 0.0])
    with pytest.raises(ValueError):
        h2.append(SampleBlock(0, np.arange(400.0), acc=np.zeros((400, 3))))
