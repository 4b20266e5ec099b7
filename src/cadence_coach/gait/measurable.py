"""Which step figures a sensor measures from the axes it has (for the note a partial axis set gets).

Steps and cadence are always measured, from any axis. The other figures need particular signals:

- foot: impact needs the accelerometer; contact time and toe-off the gyroscope (the push-off rotation);
  strike angle, stride, speed and grade need all six axes (the stride is integrated in 3-D between two
  still mid-stances, and the strike angle is measured against the ground that gravity shows there).
- shank: impact needs the accelerometer, contact time and toe-off the gyroscope.
- trunk, head: impact, and contact and flight time while running, need the accelerometer; the side of
  each step and the trunk or head pitch need all three accelerometer axes (gravity and the forward and
  sideways directions are found in 3-D; with fewer axes it is not known which are missing).
"""

from __future__ import annotations

from ..datatypes import Placement

Axes = tuple[bool, bool, bool]
NAMES = ("x", "y", "z")


def unmeasurable(placement: Placement, acc_axes: Axes, gyro_axes: Axes) -> list[str]:
    """The figures (as named for people) this placement normally gives that these axes cannot."""
    acc, gyro = any(acc_axes), any(gyro_axes)
    full_acc = all(acc_axes)
    out: list[str] = []
    if not acc:
        out.append("impact")
    if placement is Placement.FOOT:
        if not gyro:
            out.append("contact time")
        if not (full_acc and all(gyro_axes)):
            out += ["strike angle", "stride", "speed", "grade"]
    elif placement is Placement.SHANK:
        if not gyro:
            out.append("contact time")
    else:
        if not acc:
            out.append("contact time")
        if not full_acc:
            out += ["side", "trunk pitch" if placement is Placement.TRUNK else "head pitch"]
    return out


def describe_axes(acc_axes: Axes, gyro_axes: Axes) -> str:
    """What is missing, for people: ``"no gyroscope"``, ``"accelerometer without ay"``, ..."""
    parts = []
    for name, letter, axes in (("accelerometer", "a", acc_axes), ("gyroscope", "g", gyro_axes)):
        if not any(axes):
            parts.append(f"no {name}")
        elif not all(axes):
            missing = ", ".join(letter + n for n, ok in zip(NAMES, axes) if not ok)
            parts.append(f"{name} without {missing}")
    return ", ".join(parts)


def axes_note(placement: Placement, acc_axes: Axes, gyro_axes: Axes) -> str | None:
    """One line for people on what cannot be measured from these axes, or None when nothing is lost."""
    lost = unmeasurable(placement, acc_axes, gyro_axes)
    if not lost:
        return None
    figures = lost[0] if len(lost) == 1 else ", ".join(lost[:-1]) + " and " + lost[-1]
    return f"{describe_axes(acc_axes, gyro_axes)}: {figures} cannot be measured"
