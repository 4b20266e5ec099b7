"""Reference events files and scoring against them (cadence_coach.evaluation.reference_events)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cadence_coach.evaluation.reference_events import ReferenceEvents, score

EVENTS = """system,event,side,t_s
mocap,bout_start,left,1.0
mocap,ic,left,1.0
mocap,to,left,1.7
mocap,ic,left,2.0
mocap,to,left,2.7
mocap,ic,left,3.0
mocap,bout_end,left,3.0
mocap,ic,right,1.5
other,ic,left,9.0
"""


@pytest.fixture()
def events(tmp_path: Path) -> Path:
    path = tmp_path / "x.events.csv"
    path.write_text(EVENTS)
    return path


def test_load_keeps_one_system_and_one_foot(events: Path) -> None:
    ref = ReferenceEvents.load(events, "mocap", "left")
    assert ref.ic.tolist() == [1.0, 2.0, 3.0]
    assert ref.to.tolist() == [1.7, 2.7]
    assert ref.bouts == [(1.0, 3.0)]
    assert ReferenceEvents.load(events, "mocap").ic.tolist() == [1.0, 1.5, 2.0, 3.0]
    with pytest.raises(ValueError):
        ReferenceEvents.load(events, "none")


def test_only_contacts_inside_a_bout_are_scored(events: Path) -> None:
    ref = ReferenceEvents.load(events, "mocap", "left")
    t_ic = np.array([0.2, 1.02, 2.03, 2.5, 3.01, 5.0])  # 0.2 and 5.0 are outside; 2.5 is a false step
    t_to = np.array([np.nan, 1.71, 2.68, np.nan, np.nan, np.nan])
    s = score(ref, t_ic, t_to, t_ic + 0.01, tolerance_s=0.05)
    assert s.detected == 4 and s.reference == 3
    assert s.f1 == pytest.approx(2 * 3 / (2 * 3 + 1))
    assert np.allclose(s.ic_error_s, [0.02, 0.03, 0.01])
    assert np.allclose(s.to_error_s, [0.01, -0.02])
    assert np.allclose(s.latency_s, [0.03, 0.04, 0.02])
    assert np.allclose(ref.step_time_s(), [1.0, 1.0])
