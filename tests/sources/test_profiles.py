import pytest

from cadence_coach import profiles
from cadence_coach.datatypes import Placement
from cadence_coach.errors import UserError
from cadence_coach.uuids import expand_uuid, sig_uuid


def test_uuid_forms():
    assert sig_uuid(0x2A53) == "00002a53-0000-1000-8000-00805f9b34fb"
    assert expand_uuid("0x2A53") == expand_uuid("2a53") == expand_uuid(0x2A53) == sig_uuid(0x2A53)
    assert expand_uuid("FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8") == "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
    for bad in ("", "xyz", "12345", "2a5"):
        with pytest.raises(ValueError):
            expand_uuid(bad)


def test_bundled_profiles_load():
    by_name = {p.name: p for p in profiles.all_profiles()}
    assert {"open-imu", "rsc-foot-pod", "polar-h10", "polar-verity-sense"} <= set(by_name)
    h10 = by_name["polar-h10"]
    assert h10.default_placement is Placement.TRUNK and h10.decoder == "polar_pmd"
    assert h10.start_commands == (bytes.fromhex("02 02 00 01 c8 00 01 01 10 00 02 01 08 00"),)
    assert h10.stop_commands == (b"\x03\x02",)
    verity = by_name["polar-verity-sense"]
    assert verity.start_commands[0] == b"\x02\x09" and verity.stop_commands[-1] == b"\x03\x09"
    pod = by_name["rsc-foot-pod"]
    assert pod.characteristics == {"data": sig_uuid(0x2A53), "feature": sig_uuid(0x2A54)}
    assert pod.data_characteristics == (sig_uuid(0x2A53),)
    for p in by_name.values():
        assert all(
            len(u) == 36 and u == u.lower() for u in (*p.characteristics.values(), *p.services, p.service)
        )


def test_matching_by_service_and_name():
    pod, h10, verity = (profiles.load_profile(n) for n in ("rsc-foot-pod", "polar-h10", "polar-verity-sense"))
    assert pod.matches("Anything", ["0x1814"]) and pod.matches("STRYD 1234", [])
    assert not pod.matches("Polar H10 12345678", [sig_uuid(0x180D)])
    assert h10.matches("Polar H10 12345678", [sig_uuid(0x180D)]) and not h10.matches("Polar Sense 1", [])
    assert verity.matches("polar sense B5A3", []) and not verity.matches(None, ["not-a-uuid"])
    assert pod.match_score("Stryd", [sig_uuid(0x1814)]) > pod.match_score("Other", [sig_uuid(0x1814)]) > 0
    best = profiles.profiles_for_device("Polar Stride 42", ["1814"])
    assert [p.name for p in best] == ["rsc-foot-pod"]
    assert profiles.profiles_for_device("Kettle", ["180f"]) == []


def _write(tmp_path, text: str) -> None:
    (tmp_path / "x.toml").write_text(text)


BASE = 'name = "x"\ndecoder = "{decoder}"\n'


@pytest.mark.parametrize(
    "extra,decoder",
    [
        ('[characteristics]\ndata = "not a uuid"\n', "rsc"),
        ('[rsc]\ncadence_counts = "three_feet"\n', "rsc"),
        ('[commands]\nstart = ["start walrus"]\n', "polar_pmd"),
        ('[commands]\nstart = ["launch"]\n', "rsc"),
        ('default_placement = "elbow"\n', "rsc"),
        ("this is = not toml [", "rsc"),
    ],
)
def test_malformed_profiles_are_user_errors(tmp_path, extra, decoder):
    _write(tmp_path, BASE.format(decoder=decoder) + extra)
    with pytest.raises(UserError, match="malformed firmware profile"):
        profiles.load_profile("x", tmp_path)


def test_short_uuids_and_hex_commands_in_a_profile(tmp_path):
    text = BASE.format(decoder="rsc") + '[match]\nservices = ["1814"]\n[characteristics]\ndata = "0x2a53"\n'
    _write(tmp_path, text + '[commands]\nstart = ["01 02"]\n')
    p = profiles.load_profile("x", tmp_path)
    assert p.characteristics["data"] == sig_uuid(0x2A53) and p.service == sig_uuid(0x1814)
    assert p.start_commands == (b"\x01\x02",)
    with pytest.raises(UserError, match="unknown firmware profile"):
        profiles.load_profile("y", tmp_path)
