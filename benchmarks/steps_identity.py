"""Check that a change left detection alone: steps.csv byte-identical before and after.

Analyzes the demo recording, a simulated 1-hour 400 Hz two-foot recording (made once, in the work
folder) and every case of ``../shared/data/real-dev/`` (each with its own import flags, one
``cadence-coach analyze --out`` command per case, so it runs on any version of the command line), and
either saves the steps files (``--save``) or compares them with those saved before (``--check``).

    python benchmarks/steps_identity.py --save /tmp/before   # on the old code
    python benchmarks/steps_identity.py --check /tmp/before  # on the new code; exit 1 on a difference
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

from cadence_coach.evaluation.real_cases import default_dev_dir, load_dev_cases

ROOT = Path(__file__).resolve().parent.parent
HOUR = ["--scenario", "flat-easy", "--duration", "3600", "--rate", "400", "--feet", "both", "--seed", "1"]


def cli(*argv: str) -> None:
    """Run ``cadence-coach ARGV`` in a fresh process; exit with its stderr if it fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "cadence_coach", *argv], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"cadence-coach {' '.join(argv)} failed:\n{proc.stderr}")


def inputs(work: Path) -> list[tuple[str, Path, list[str]]]:
    """(name, input, import flags) of every input checked."""
    hour = work / "hour.ccrec"
    if not hour.is_file():
        cli("simulate", *HOUR, "--out", str(hour))
    found = [("demo-descent", ROOT / "recordings" / "demo-descent.ccrec", []), ("hour", hour, [])]
    dev_dir = default_dev_dir()
    if (dev_dir / "cases.json").is_file():
        found += [(c.name, c.csv, list(c.argv)) for c in load_dev_cases(dev_dir)]
    else:
        print(f"{dev_dir}: absent, the real-dev cases are not checked")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR", help="write the steps files into DIR")
    mode.add_argument("--check", type=Path, metavar="DIR", help="compare with the steps files in DIR")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "steps-identity")
    opts = ap.parse_args()
    opts.work.mkdir(parents=True, exist_ok=True)
    out_dir = opts.save or opts.work / "now"
    out_dir.mkdir(parents=True, exist_ok=True)
    differ = []
    for name, path, flags in inputs(opts.work):
        out = out_dir / f"{name}.steps.csv"
        cli("analyze", str(path), *flags, "--out", str(out))
        if opts.check is not None and not filecmp.cmp(out, opts.check / out.name, shallow=False):
            differ.append(name)
            print(f"DIFFERS: {name}")
    if opts.save is not None:
        print(f"saved into {opts.save}")
        return 0
    print(f"{len(differ)} inputs differ" if differ else "every steps file is byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
