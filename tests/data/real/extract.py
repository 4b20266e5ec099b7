"""Cut the real-data excerpts in this folder out of the example data of two published packages.

Not run by the tests: it documents, exactly, how each file here was made. Run it with the unpacked
source distributions of gaitmap 2.6.0 and mobgap 1.2.0 (``pip download --no-deps --no-binary :all:``)::

    python tests/data/real/extract.py GAITMAP_SDIST_DIR MOBGAP_SDIST_DIR

Needs numpy and scipy (for mobgap's MATLAB files). Output: ``<name>.csv`` (ax,ay,az,gx,gy,gz, with a t column
for the mobgap files; sample i of the source is at i / rate s) and ``<name>.events.csv`` (system,event,side,t_s with
event one of ic, to, bout_start, bout_end) for each excerpt; see tests/data/README.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
AXES = ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")
CUT_204HZ_S = 35.0
"""The 204.8 Hz files end here (the labelled strides end before 34 s), to stay under 300 kB."""
MAX_STRIDE_S = 1.5
"""A labelled 'stride' longer than this spans a turn: it splits the reference into two bouts."""


def write_samples(name: str, t: np.ndarray | None, acc: np.ndarray, gyr: np.ndarray) -> None:
    """Write t (s, 2 decimals; left out when None: the rate gives it), acceleration (3 decimals, below
    the sensors' resolution) and angular rate (2 decimals)."""
    with open(HERE / f"{name}.csv", "w", newline="") as f:
        f.write("t," if t is not None else "")
        f.write("ax,ay,az,gx,gy,gz\n")
        for i, (a, g) in enumerate(zip(acc, gyr)):
            f.write(f"{t[i]:.2f}," if t is not None else "")
            f.write(f"{a[0]:.3f},{a[1]:.3f},{a[2]:.3f},{g[0]:.2f},{g[1]:.2f},{g[2]:.2f}\n")


def write_events(name: str, rows: list[tuple[str, str, str, float]]) -> None:
    with open(HERE / f"{name}.events.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["system", "event", "side", "t_s"])
        for system, event, side, t in sorted(rows, key=lambda r: (r[0], r[3], r[1])):
            w.writerow([system, event, side, f"{t:.4f}"])


def bouts_of(ics: list[float]) -> list[tuple[float, float]]:
    """Runs of consecutive labelled contacts whose intervals are plausible strides."""
    out = []
    start = ics[0]
    for a, b in zip(ics, ics[1:]):
        if b - a > MAX_STRIDE_S:
            out.append((start, a))
            start = b
    out.append((start, ics[-1]))
    return out


def read_gaitmap_imu(path: Path, foot: str) -> np.ndarray:
    """One foot's six columns (m/s^2, deg/s) from a gaitmap two-row-header IMU file."""
    with open(path) as f:
        sensors = next(csv.reader([f.readline()]))
        axes = next(csv.reader([f.readline()]))
        cols = [
            next(i for i, (s, a) in enumerate(zip(sensors, axes)) if s == f"{foot}_sensor" and a == ax)
            for ax in AXES
        ]
        data = np.loadtxt(f, delimiter=",")
    return data[:, cols]


def gaitmap_204hz(root: Path) -> None:
    """imu_sample.csv (2x20 m walk, 204.8 Hz) with mocap events from stride_events_sample.csv."""
    rate = 204.8
    with open(root / "example_data/stride_events_sample.csv") as f:
        strides = list(csv.DictReader(f))
    for foot in ("left", "right"):
        x = read_gaitmap_imu(root / "example_data/imu_sample.csv", foot)
        own = [s for s in strides if s["foot"] == foot]
        ics = sorted({float(s[k]) / rate for s in own for k in ("pre_ic", "ic")})
        tos = sorted(float(s["tc"]) / rate for s in own)
        rows = [("mocap", "ic", foot, t) for t in ics] + [("mocap", "to", foot, t) for t in tos]
        for a, b in bouts_of(ics):
            rows += [("mocap", "bout_start", foot, a), ("mocap", "bout_end", foot, b)]
        x = x[: int(CUT_204HZ_S * rate)]
        write_samples(f"gaitmap_foot_{foot}_204hz", None, x[:, :3], x[:, 3:])
        write_events(f"gaitmap_foot_{foot}_204hz", rows)


def gaitmap_102hz(root: Path) -> None:
    """imu_sample_ic_stride.csv (4x10 m walk, 102.4 Hz) with the mocap contacts that start and end the
    labelled strides of stride_borders_sample_ic_stride.csv (no toe-off is given)."""
    rate = 102.4
    with open(root / "example_data/stride_borders_sample_ic_stride.csv") as f:
        strides = list(csv.DictReader(f))
    for foot in ("left", "right"):
        x = read_gaitmap_imu(root / "example_data/imu_sample_ic_stride.csv", foot)
        own = [s for s in strides if s["foot"] == foot]
        ics = sorted({float(s[k]) / rate for s in own for k in ("start", "end")})
        rows = [("mocap", "ic", foot, t) for t in ics]
        for a, b in bouts_of(ics):
            rows += [("mocap", "bout_start", foot, a), ("mocap", "bout_end", foot, b)]
        write_samples(f"gaitmap_foot_{foot}_102hz", None, x[:, :3], x[:, 3:])
        write_events(f"gaitmap_foot_{foot}_102hz", rows)


def mobgap(
    root: Path, subject: str, test: str, trial: str, name: str, cut_s: tuple[float, float] | None
) -> None:
    """Lower-back IMU (acc in g, gyro in deg/s, 100 Hz) with the Stereophoto (mocap) and INDIP micro
    walking bouts that lie inside the cut."""
    from scipy.io import loadmat

    mat = loadmat(root / f"example_data/data/lab/{subject}/data.mat", squeeze_me=True, struct_as_record=False)
    tr = getattr(getattr(mat["data"].TimeMeasure1, test), trial)
    imu = tr.SU.LowerBack
    rate = float(imu.Fs.Acc)
    t = np.arange(len(imu.Acc)) / rate
    lo, hi = cut_s if cut_s else (0.0, t[-1] + 1)
    keep = (t >= lo) & (t < hi)
    rows = []
    for ref, system in (("Stereophoto", "mocap"), ("INDIP", "indip")):
        if ref not in tr.Standards._fieldnames:
            continue
        for wb in np.atleast_1d(getattr(tr.Standards, ref).MicroWB):
            if not (lo <= float(wb.Start) and float(wb.End) < hi):
                continue
            rows += [(system, "bout_start", "", float(wb.Start)), (system, "bout_end", "", float(wb.End))]
            for kind, times, sides in (
                ("ic", wb.InitialContact_Event, wb.InitialContact_LeftRight),
                ("to", wb.FinalContact_Event, wb.FinalContact_LeftRight),
            ):
                for ti, side in zip(np.atleast_1d(times), np.atleast_1d(sides)):
                    if np.isfinite(ti):
                        rows.append((system, kind, str(side).lower(), float(ti)))
    write_samples(name, t[keep], imu.Acc[keep], imu.Gyr[keep])
    write_events(name, rows)


def main() -> None:
    gaitmap_root, mobgap_root = Path(sys.argv[1]), Path(sys.argv[2])
    gaitmap_204hz(gaitmap_root)
    gaitmap_102hz(gaitmap_root)
    mobgap(mobgap_root, "HA/001", "Test5", "Trial1", "mobgap_lowback_ha001_straight", None)
    mobgap(mobgap_root, "MS/001", "Test11", "Trial1", "mobgap_lowback_ms001_daily", (120.0, 150.0))


if __name__ == "__main__":
    main()
