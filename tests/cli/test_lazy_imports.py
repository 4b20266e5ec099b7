"""The command line imports only the module of the command it runs, with unchanged help texts."""

import contextlib
import io
import subprocess
import sys

import pytest

from cadence_coach.cli import COMMANDS, build_parser, command_named, main


def help_text(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(argv + ["--help"])
    return out.getvalue()


def full_help(command: str | None) -> str:
    parser = build_parser()
    if command is None:
        return parser.format_help()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[command].format_help()


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_that_of_the_parser_with_every_command(command):
    assert help_text([command] if command else []) == full_help(command)


def test_command_named_skips_top_level_options():
    assert command_named(["-v", "analyze", "x.ccrec"]) == "analyze"
    assert command_named(["--version"]) is None
    assert command_named(["bogus", "analyze"]) is None


def test_a_wrong_command_name_still_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bogus"])
    assert exc.value.code == 2
    assert "choose from 'demo', 'simulate'" in capsys.readouterr().err


HEAVY = (
    "numpy",
    "numba",
    "rich",
    "scipy.spatial",
    "scipy.signal",
    "cadence_coach.sources.simulator",
    "bleak",
)
"""Packages whose loading costs a command start-up time (numba itself imports the bare scipy package)."""


def loaded_after(code: str) -> set[str]:
    """Which of :data:`HEAVY` a fresh interpreter has loaded after running ``code``."""
    probe = (
        "import sys, contextlib, io\n"
        "from cadence_coach.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n    {code}\n"
        "print(' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return {h for h in HEAVY for m in out.split() if m == h or m.startswith(h + ".")}


def test_top_level_help_imports_no_command():
    assert loaded_after("main(['--help'])") == set()


def test_analyze_does_not_import_the_simulator_or_scipy():
    loaded = loaded_after("main(['analyze', '--help'])")
    assert "numpy" in loaded
    assert not loaded & {"scipy.spatial", "scipy.signal", "cadence_coach.sources.simulator", "rich", "bleak"}
