"""Coach configuration: defaults, overrides, one-line errors, the example file."""

import tomllib
from dataclasses import fields

import pytest

from cadence_coach.coach.config import DEFAULT_CUES, CoachConfig, config_from_toml, load_config
from cadence_coach.errors import UserError
from tests.support.paths import REPO

EXAMPLE = REPO / "config" / "coach.example.toml"


def test_defaults_without_file():
    c = load_config(None)
    assert c == CoachConfig()
    assert c.schedule.min_gap_s == 20.0 and c.schedule.cooldown_s == 30.0
    assert c.descent.enter_grade_pct == -1.5 and c.descent.exit_grade_pct == -1.0
    assert c.cues["shorten_stride"].text == "Shorten your stride"
    assert c.cues["ease_off"].text == "Ease off, control the pace"


def test_overrides_keep_other_defaults(tmp_path):
    path = tmp_path / "coach.toml"
    path.write_text(
        "[schedule]\nmin_gap_s = 12\n[voice]\nvolume = 0.5\n"
        '[cues.quick_feet]\ntext = "Pitter patter"\n[cues.arms_low]\nenabled = false\n'
    )
    c = load_config(path)
    assert c.schedule.min_gap_s == 12.0 and isinstance(c.schedule.min_gap_s, float)
    assert c.schedule.cooldown_s == 30.0
    assert c.voice.volume == 0.5
    assert c.cues["quick_feet"].text == "Pitter patter" and c.cues["quick_feet"].priority == 40
    assert not c.cue_enabled("arms_low") and c.cue_enabled("eyes_up")


@pytest.mark.parametrize(
    "text, words",
    [
        ("[schedule]\nmin_gap = 3\n", "unknown key 'min_gap' in [schedule]"),
        ("[sheduel]\n", "unknown section [sheduel]"),
        ("[cues.jump]\nenabled = true\n", "unknown cue [cues.jump]"),
        ("[voice]\nvolume = 1.5\n", "voice.volume must be between 0 and 1"),
        ('[schedule]\nmin_gap_s = "8"\n', "schedule.min_gap_s must be float, not str"),
        ("[schedule]\nconfirmations = 1\n", "schedule.confirmations must be bool"),
        ("[overstride]\nconfirm_steps = 2.5\n", "overstride.confirm_steps must be int"),
        ("[descent]\nexit_grade_pct = -3.0\n", "descent.exit_grade_pct must be above"),
        ('[lean_from_ankles]\npitch_sensor = "hip"\n', "pitch_sensor"),
        ('[cues.eyes_up]\ntext = " "\n', "cues.eyes_up.text must not be empty"),
        ("schedule = 3\n", "[schedule] must be a table"),
        ("[schedule\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_user_error(text, words):
    with pytest.raises(UserError) as err:
        config_from_toml(text, "my.toml")
    message = str(err.value)
    assert words in message and "my.toml" in message and "\n" not in message


def test_missing_file_is_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot read"):
        load_config(tmp_path / "nope.toml")


def test_example_file_lists_every_key_with_its_default():
    data = tomllib.loads(EXAMPLE.read_text())
    assert config_from_toml(EXAMPLE.read_text(), str(EXAMPLE)) == CoachConfig()
    defaults = CoachConfig()
    for section in fields(defaults):
        if section.name == "cues":
            assert set(data["cues"]) == set(DEFAULT_CUES)
            for cue in data["cues"].values():
                assert set(cue) == {"enabled", "text", "priority"}
        else:
            assert set(data[section.name]) == {f.name for f in fields(getattr(defaults, section.name))}
