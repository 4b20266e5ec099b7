import numpy as np

from cadence_coach.session.matching import match_events


def test_one_to_one_nearest_within_tolerance():
    true = np.array([1.0, 2.0, 3.0, 4.0])
    detected = np.array([1.01, 1.02, 2.2, 2.98, 5.0])
    m = match_events(detected, true, tolerance_s=0.05)
    # 1.01 and 1.02 both claim 1.0: the nearer wins; 2.2 is too far from 2.0; 5.0 matches nothing.
    assert list(zip(m.detected.tolist(), m.true.tolist())) == [(0, 0), (3, 2)]
    assert (m.false_positives, m.false_negatives) == (3, 2)
    assert m.f1 == 2 * 2 / (2 * 2 + 3 + 2)


def test_empty_inputs():
    m = match_events(np.array([]), np.array([1.0, 2.0]))
    assert (m.false_positives, m.false_negatives, m.f1) == (0, 2, 0.0)
    assert match_events(np.array([]), np.array([])).f1 == 1.0
