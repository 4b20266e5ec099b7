"""Coach behaviour on synthetic step sequences: descents, overstride, rate limits, other rules."""

from dataclasses import replace

import pytest

from cadence_coach.coach.coach import Coach
from cadence_coach.coach.config import CoachConfig, ScheduleSettings
from cadence_coach.coach.descent import Band, DescentDetector
from cadence_coach.coach.rules import slope_lean_deg
from cadence_coach.gait.baseline import CADENCE_PER_MPS, Learned, SavedBaseline
from tests.support.steps import Segment, make_steps, run

OVERSTRIDE = {"shorten_stride", "quick_feet", "land_midfoot"}
FLAT = Segment(180)  # learns the baseline: 170 spm at 3 m/s, strike +2 deg, impact 8 g
GOOD_DESCENT = dict(grade_pct=-7.0, cadence_spm=182.0, speed_mps=3.4)
OVERSTRIDING = dict(grade_pct=-7.0, cadence_spm=165.0, speed_mps=3.4, strike_angle_deg=14.0, impact_g=11.0)


def test_descent_confirmed_by_evidence_steep_fast_gentle_slower():
    """Evidence below the reference grade (-1.5 %) adds up: 4 pp s by default."""
    for grade, within in ((-10.0, 0.5), (-4.0, 1.6), (-2.0, 8.0)):
        d = DescentDetector()
        t = 0.0
        while not d.update(t, grade).active:
            t += 0.35
            assert t <= within + 0.35, grade
        assert d.state.since_s == 0.0 and t >= within - 0.35 - 0.3  # dated from the first step below


def test_descent_noise_around_a_flat_never_adds_up_and_exit_holds_2_s():
    d = DescentDetector()
    for k in range(2000):  # +-1.4 pp around 0 %: never below -1.5 %
        assert not d.update(k * 0.35, 1.4 * (-1) ** k).active
    for k in range(2000):  # a -1 % stretch (the exit grade) is no descent either
        assert not d.update(1000 + k * 0.35, -1.0).active
    d = DescentDetector()
    for t in (0.0, 0.35, 0.7, 1.05):
        s = d.update(t, -6.0)
    assert s.active and s.band is Band.MODERATE
    assert d.update(2.0, -1.5).active and not d.state.leaving  # between exit and entry: stays on
    s = d.update(3.0, -0.5)
    assert s.active and s.leaving  # above exit: descent cues stop, state holds 2 s
    assert not d.update(5.0, -0.5).active
    assert not d.update(5.35, -2.0).active  # evidence starts from zero again


def test_descent_bands_follow_grade_and_unknown_grade_ends_it():
    d = DescentDetector()
    for k in range(15):
        d.update(k * 0.35, -3.0)
    assert d.update(5.25, -3.0).band is Band.GENTLE
    assert d.update(6, -7.0).band is Band.MODERATE
    assert d.update(7, -12.0).band is Band.STEEP
    assert not d.update(8, None).active


def cue_times(cues, ids):
    return [c.t_s for c in cues if c.cue_id in ids]


def test_overstride_cue_within_seconds_of_episode_and_not_outside():
    steps = make_steps(
        [
            FLAT,
            Segment(60, **GOOD_DESCENT),
            Segment(40, **OVERSTRIDING),
            Segment(60, **GOOD_DESCENT),
            Segment(60),
        ]
    )
    cues = run(Coach(), steps)
    times = cue_times(cues, OVERSTRIDE)
    assert times, cues
    assert 240.0 <= times[0] <= 243.0
    assert all(240.0 <= t <= 283.0 for t in times)
    first = next(c for c in cues if c.cue_id in OVERSTRIDE)
    # Usual cadence: what this session learned (170 at 3 m/s on the flat, 182 at 3.4 m/s on the good
    # descent, with the prior's 5 steps of 165) moved along the population slope to 3.4 m/s.
    usual = first.figures["usual_cadence_spm"]
    assert 170 + CADENCE_PER_MPS * 0.4 < usual < 182
    # the reason: grade, cadence, then the faults worst first as far as they fit in a short line
    assert first.reason.startswith(f"grade -7.0 %, cadence 165 < usual {usual:.0f} spm, ")
    assert first.figures["strike_angle_deg"] == 14.0
    assert first.figures["target_cadence_spm"] == pytest.approx(usual * 1.05)
    assert first.t_s == pytest.approx(next(s.detected_at_s for s in steps if s.detected_at_s >= first.t_s))


def test_worst_fault_picks_the_cue():
    heel = dict(OVERSTRIDING, strike_angle_deg=32.0, cadence_spm=166.0, impact_g=8.0)
    slow = dict(OVERSTRIDING, strike_angle_deg=9.0, impact_g=8.0, cadence_spm=150.0)
    long_stride = dict(OVERSTRIDING, strike_angle_deg=9.0, impact_g=8.0, stride_m=3.0)
    for episode, expected in ((heel, "land_midfoot"), (slow, "quick_feet"), (long_stride, "shorten_stride")):
        cues = run(Coach(), make_steps([FLAT, Segment(30, **GOOD_DESCENT), Segment(20, **episode)]))
        assert [c.cue_id for c in cues if c.cue_id in OVERSTRIDE][:1] == [expected]


def test_heel_strike_or_low_cadence_alone_is_not_overstriding():
    """A habitual heel striker at their usual cadence, a low cadence landing as usual: no cue."""
    heel_striker = dict(strike_angle_deg=13.0, impact_g=9.0)
    steps = make_steps(
        [
            Segment(120, **heel_striker),
            Segment(60, **GOOD_DESCENT, **heel_striker),
            Segment(30, **dict(GOOD_DESCENT, cadence_spm=160.0), strike_angle_deg=14.0),
        ]
    )
    assert not cue_times(run(Coach(), steps), OVERSTRIDE)  # 14 deg is this runner's usual heel strike
    low = make_steps(
        [FLAT, Segment(30, **GOOD_DESCENT), Segment(30, **dict(GOOD_DESCENT, cadence_spm=160.0))]
    )
    assert not cue_times(run(Coach(), low), OVERSTRIDE)  # lower cadence, usual midfoot landing
    worse = make_steps(
        [
            Segment(120, **heel_striker),
            Segment(60, **GOOD_DESCENT, **heel_striker),
            Segment(30, **dict(GOOD_DESCENT, cadence_spm=160.0), strike_angle_deg=19.0),
        ]
    )
    assert cue_times(run(Coach(), worse), OVERSTRIDE)  # more heel than usual and slower: overstriding


def test_no_descent_cues_on_flats_and_climbs_even_with_bad_form():
    bad = dict(cadence_spm=160.0, strike_angle_deg=16.0, impact_g=12.0, trunk_pitch_deg=30.0)
    steps = make_steps([FLAT, Segment(200, **bad), Segment(200, grade_pct=6.0, **bad)])
    assert run(Coach(), steps) == []


def test_cold_start_from_a_hilltop_without_any_flat_running():
    """The first descent from the first step: a few seconds of this runner's own running suffice."""
    steps = make_steps([Segment(10, **GOOD_DESCENT), Segment(30, **OVERSTRIDING)])
    times = cue_times(run(Coach(), steps), OVERSTRIDE)
    assert times and 10.0 <= times[0] <= 13.0
    # Overstriding from the very first step: nothing of this runner's to compare with but the prior,
    # which a 182-steps/min runner's slower 172 does not fall far enough below.
    first = make_steps([Segment(30, **dict(OVERSTRIDING, cadence_spm=172.0))])
    assert not cue_times(run(Coach(), first), OVERSTRIDE)


def test_saved_baseline_of_earlier_sessions_knows_the_runner_from_the_first_step():
    saved = SavedBaseline(
        cadence_at_3mps=Learned(182.0 - CADENCE_PER_MPS * 0.4, 800), flat_strike_deg=Learned(2.0, 400)
    )
    first = make_steps([Segment(30, **dict(OVERSTRIDING, cadence_spm=172.0))])
    times = cue_times(run(Coach(saved=saved), first), OVERSTRIDE)
    assert times and times[0] <= 5.0


def test_saved_landing_knows_a_habitual_heel_striker_from_the_first_step():
    saved = SavedBaseline(
        cadence_at_3mps=Learned(182.0 - CADENCE_PER_MPS * 0.4, 800), flat_strike_deg=Learned(13.0, 400)
    )
    usual_heel = make_steps([Segment(30, **dict(OVERSTRIDING, cadence_spm=172.0, strike_angle_deg=14.0))])
    assert not cue_times(run(Coach(saved=saved), usual_heel), OVERSTRIDE)  # slower, but lands as always
    more_heel = make_steps([Segment(30, **dict(OVERSTRIDING, cadence_spm=172.0, strike_angle_deg=19.0))])
    assert cue_times(run(Coach(saved=saved), more_heel), OVERSTRIDE)


def test_nothing_known_nothing_cued():
    no_prior = CoachConfig(baseline=replace(CoachConfig().baseline, prior_steps=0.0))
    steps = make_steps([Segment(30, **OVERSTRIDING)])
    assert not cue_times(run(Coach(no_prior), steps), OVERSTRIDE)


def test_missing_fields_do_not_break_the_coach():
    shank = dict(OVERSTRIDING, cadence_spm=160.0, speed_mps=None, stride_m=None, impact_g=None)
    steps = make_steps(
        [
            Segment(180, speed_mps=None, impact_g=None),
            Segment(60, **shank),
            Segment(30, grade_pct=None, strike_angle_deg=None, speed_mps=None, impact_g=None),
        ]
    )
    cues = run(Coach(), steps)
    assert cue_times(cues, OVERSTRIDE)  # cadence (vs this session's, without speed) and strike angle suffice
    assert all(c.t_s < 240.0 + 5 for c in cues)  # grade gone: silent


def test_persisting_fault_is_repeated_at_the_cooldown_and_global_gap_holds():
    steps = make_steps([FLAT, Segment(30, **GOOD_DESCENT), Segment(100, **OVERSTRIDING)])
    cues = run(Coach(), steps)
    times = cue_times(cues, OVERSTRIDE)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) >= 3 and all(g >= 30.0 for g in gaps) and min(gaps) < 40.0
    all_times = [c.t_s for c in cues]
    assert all(b - a >= 20.0 for a, b in zip(all_times, all_times[1:]))


def flicker(n, fault_s=8.0, good_s=12.0):
    segs = [FLAT, Segment(30, **GOOD_DESCENT)]
    for _ in range(n):
        segs += [Segment(fault_s, **OVERSTRIDING), Segment(good_s, **GOOD_DESCENT)]
    return make_steps(segs)


def test_fading_lengthens_the_cooldown_after_corrections():
    # Every return counted as the same episode (new_episode_s long), so only fading sets the gaps.
    no_fade = CoachConfig(schedule=replace(ScheduleSettings(), fade_factor=1.0, new_episode_s=1000.0))
    fade = CoachConfig(schedule=replace(ScheduleSettings(), new_episode_s=1000.0))
    steps = flicker(15)
    plain = cue_times(run(Coach(no_fade), steps), OVERSTRIDE)
    faded = cue_times(run(Coach(fade), steps), OVERSTRIDE)
    assert len(faded) < len(plain)
    faded_gaps = [b - a for a, b in zip(faded, faded[1:])]
    assert faded_gaps == sorted(faded_gaps) and faded_gaps[-1] >= 120.0  # 30 s doubled per correction


def test_fault_back_after_long_good_spell_is_a_new_episode():
    segs = [
        FLAT,
        Segment(30, **GOOD_DESCENT),
        Segment(10, **OVERSTRIDING),
        Segment(40, **GOOD_DESCENT),
        Segment(10, **OVERSTRIDING),
    ]
    times = cue_times(run(Coach(), make_steps(segs)), OVERSTRIDE)
    assert len(times) == 2 and 260.0 <= times[1] <= 264.0  # 50 s after the first cue
    never_new = CoachConfig(schedule=replace(ScheduleSettings(), new_episode_s=1000.0))
    assert len(cue_times(run(Coach(never_new), make_steps(segs)), OVERSTRIDE)) == 1  # faded cooldown 60 s


def test_confirmation_after_correction_when_switched_on():
    """Off by default: with one cue per 20 s it would take the slot the next lapse's cue needs."""
    segs = [FLAT, Segment(30, **GOOD_DESCENT), Segment(15, **OVERSTRIDING), Segment(30, **GOOD_DESCENT)]
    assert "good_form" not in [c.cue_id for c in run(Coach(), make_steps(segs))]
    on = CoachConfig(schedule=replace(ScheduleSettings(), confirmations=True))
    cues = run(Coach(on), make_steps(segs))
    assert [c.cue_id for c in cues][-1] == "good_form"
    assert cues[-1].text == "Good, keep that"


def test_eyes_up_needs_the_pitch_held_over_3_s():
    down = dict(GOOD_DESCENT, trunk_pitch_deg=30.0)
    level = dict(GOOD_DESCENT, trunk_pitch_deg=8.0)
    short = run(
        Coach(), make_steps([FLAT, Segment(30, **level)] + [Segment(2.5, **down), Segment(3, **level)] * 6)
    )
    assert "eyes_up" not in [c.cue_id for c in short]
    held = run(Coach(), make_steps([FLAT, Segment(30, **level), Segment(6, **down)]))
    eyes = cue_times(held, {"eyes_up"})
    assert len(eyes) == 1 and 213.0 < eyes[0] <= 215.0  # rolling pitch + 3 s hold


def test_eyes_up_on_flats_only_when_configured():
    steps = make_steps([FLAT, Segment(10, trunk_pitch_deg=30.0)])
    assert run(Coach(), steps) == []
    flats = CoachConfig(schedule=replace(ScheduleSettings(), speak_on_flats=True))
    assert [c.cue_id for c in run(Coach(flats), steps)] == ["eyes_up"]


def test_lean_from_ankles_when_leaning_back_on_a_descent():
    assert slope_lean_deg(-10.0) == pytest.approx(5.71, abs=0.01)
    back = run(
        Coach(),
        make_steps(
            [
                FLAT,
                Segment(30, **GOOD_DESCENT, trunk_pitch_deg=5.0),
                Segment(10, **GOOD_DESCENT, trunk_pitch_deg=-4.0),
            ]
        ),
    )
    assert [c.cue_id for c in back] == ["lean_from_ankles"]
    head = CoachConfig(lean_from_ankles=replace(CoachConfig().lean_from_ankles, pitch_sensor="head"))
    assert run(Coach(head), make_steps([FLAT, Segment(40, **GOOD_DESCENT, trunk_pitch_deg=-4.0)])) == []


def test_ease_off_on_steep_grade_held_30_s():
    brief = run(Coach(), make_steps([FLAT, Segment(25, grade_pct=-12.0, cadence_spm=182), Segment(30)]))
    assert brief == []  # a short steep pitch is over before the advice would help
    steep = run(Coach(), make_steps([FLAT, Segment(60, grade_pct=-12.0, cadence_spm=182, speed_mps=3.6)]))
    assert [c.cue_id for c in steep] == ["ease_off"]
    assert 210.0 <= steep[0].t_s <= 211.0 and "grade -12.0 %" in steep[0].reason


def test_ease_off_on_speed_surge_during_descent():
    surge = [FLAT, Segment(40, **GOOD_DESCENT)] + [
        Segment(3, grade_pct=-7.0, cadence_spm=182.0, speed_mps=3.4 + 0.06 * i) for i in range(1, 15)
    ]
    cues = run(Coach(), make_steps(surge))
    assert "ease_off" in [c.cue_id for c in cues]
    steady = run(Coach(), make_steps([FLAT, Segment(80, **GOOD_DESCENT)]))
    assert "ease_off" not in [c.cue_id for c in steady]


def test_arms_low_reminder_on_long_descents_only():
    cues = run(Coach(), make_steps([FLAT, Segment(420, **GOOD_DESCENT)]))
    times = cue_times(cues, {"arms_low"})
    assert len(times) == 2 and 270.0 <= times[0] <= 272.0 and times[1] - times[0] == pytest.approx(300, abs=1)
    assert run(Coach(), make_steps([FLAT, Segment(80, **GOOD_DESCENT)])) == []


def test_disabled_cue_is_never_given():
    cues = dict(CoachConfig().cues)
    cues["arms_low"] = replace(cues["arms_low"], enabled=False)
    assert run(Coach(CoachConfig(cues=cues)), make_steps([FLAT, Segment(200, **GOOD_DESCENT)])) == []


def test_metronome_follows_the_coach_target():
    from cadence_coach.cli.replay import MetronomeFollower
    from cadence_coach.voice import Voice

    coach = Coach()
    voice = Voice("off", {})
    follower = MetronomeFollower(voice, coach)
    assert coach.target_cadence_spm is None  # nothing learned yet
    for step in make_steps([FLAT]):
        coach.feed(step)
        follower.write([step])
    assert coach.target_cadence_spm == pytest.approx(170 * 1.05, abs=0.5)
    assert voice.metronome_spm == round(coach.target_cadence_spm)
