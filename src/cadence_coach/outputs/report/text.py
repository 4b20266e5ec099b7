"""How the report writes figures: fixed units, a dash for what is unknown."""

from __future__ import annotations

import math
from html import escape

from .series import clock

DASH = "\u2013"
"""Shown for an unknown figure."""


def known(value: float | None) -> bool:
    """Whether a figure is known (not None, not NaN)."""
    return value is not None and math.isfinite(value)


def duration(seconds: float | None) -> str:
    """A duration as m:ss or h:mm:ss."""
    return clock(seconds) if known(seconds) else DASH  # type: ignore[arg-type]


def distance(metres: float | None) -> str:
    """A distance in km past a kilometre, else in m."""
    if not known(metres):
        return DASH
    assert metres is not None
    return f"{metres / 1000:.2f} km" if metres >= 1000 else f"{metres:.0f} m"


def number(value: float | None, unit: str, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals and its unit."""
    return f"{value:.{digits}f} {unit}".strip() if known(value) else DASH


def share(fraction: float | None) -> str:
    """A share 0..1 as a percentage."""
    return f"{100 * fraction:.0f} %" if known(fraction) else DASH  # type: ignore[operator]


def signed_pct(value: float | None) -> str:
    """A change in percent with its sign."""
    return f"{value:+.1f} %" if known(value) else DASH


def table(head: list[str], rows: list[list[str]], cls: str) -> str:
    """An HTML table; cells are text (escaped here)."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
