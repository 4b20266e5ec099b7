"""Property tests of the coach config loader: any file, and any TOML document with the real sections and
keys holding values of any type, gives a configuration or one UserError line naming the file."""

import tempfile
from dataclasses import fields
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence_coach.coach.config import CoachConfig, config_from_toml, load_config
from cadence_coach.errors import UserError

FOLDER = Path(tempfile.mkdtemp(prefix="config-fuzz-"))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEFAULTS = CoachConfig()
SECTIONS = {
    f.name: [g.name for g in fields(getattr(DEFAULTS, f.name))] for f in fields(DEFAULTS) if f.name != "cues"
}
CUE_KEYS = [f.name for f in fields(next(iter(DEFAULTS.cues.values())))]


def loads_or_refuses(text: str) -> CoachConfig | None:
    try:
        return config_from_toml(text, "my.toml")
    except UserError as exc:
        assert "\n" not in str(exc) and "my.toml" in str(exc)
        return None


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(v), repr(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))


@st.composite
def documents(draw) -> str:
    """A TOML document: known (and some unknown) sections and keys with values of any type."""
    lines = []
    for section in draw(st.lists(st.sampled_from([*SECTIONS, "cues", "nonsense"]), max_size=4, unique=True)):
        if section == "cues":
            cue = draw(st.sampled_from([*DEFAULTS.cues, "jump"]))
            lines.append(f"[cues.{cue}]")
            keys = CUE_KEYS
        else:
            lines.append(f"[{section}]")
            keys = SECTIONS.get(section, ["x"])
        for key in draw(st.lists(st.sampled_from([*keys, "unknown_key"]), max_size=4, unique=True)):
            lines.append(f"{key} = {toml_value(draw(values))}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(documents())
def test_any_document_of_known_keys_gives_a_config_or_one_line(text):
    config = loads_or_refuses(text)
    if config is not None:
        assert 0 <= config.voice.volume <= 1


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_gives_a_config_or_one_line(text):
    loads_or_refuses(text)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_file_gives_a_config_or_one_line_naming_it(data):
    path = FOLDER / "coach.toml"
    path.write_bytes(data)
    try:
        load_config(path)
    except UserError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
