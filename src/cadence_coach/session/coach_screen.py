"""The coach screen: what a runner glances at, laid out for the terminal's size at each redraw.

From top to bottom: elapsed time and distance; the current cadence in large digits beside its target;
grade and descent state; the last cue (its words, how long ago, and why); the sensors' state. It is a
rich renderable, so the layout follows the console's size whenever it is drawn: large digits from
48 x 11 up, half-height digits below, and on a screen too short for everything the least needed parts
go first (spacing, the cue's reason, the per-sensor lines, the header). No line is ever wider than the
screen, nor the screen taller than the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from . import big_digits
from .view_state import Link, ScreenState, SensorStatus

BIG_MIN = (48, 11)
"""Smallest (columns, rows) that get the 5-row digits; smaller screens get the 3-row ones."""
SMALL_MIN = (20, 5)
"""Smallest (columns, rows) that get digits at all; below it the cadence is a line of text."""
FRESH_CUE_S = 10.0
"""A cue this recent is highlighted, s."""
SPACER = 9
"""Priority of blank lines: the first to go on a short screen."""


def clock(seconds: float) -> str:
    """Elapsed time as ``mm:ss`` (``h:mm:ss`` from an hour)."""
    s = max(0, int(seconds))
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m:02d}:{s % 60:02d}"


def duration(seconds: float) -> str:
    """A short duration: ``12 s`` under a minute, else ``m:ss``."""
    s = max(0, int(seconds))
    return f"{s} s" if s < 60 else f"{s // 60}:{s % 60:02d}"


def distance(metres: float) -> str:
    """``850 m`` under a kilometre, else ``3.42 km``."""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.2f} km"


@dataclass(slots=True)
class Section:
    """Consecutive lines of the screen.

    Attributes:
        priority: lower is kept longer when the screen is too short.
        lines: the lines.
        compact: shorter lines to use instead before dropping the section, or None.
    """

    priority: float
    lines: list[Text]
    compact: list[Text] | None = None


def fit(sections: list[Section], height: int) -> list[Text]:
    """The sections' lines, in order, within ``height`` rows: while too tall, the least needed section
    shrinks to its compact form or, having none, goes."""
    kept = list(sections)
    while kept and sum(len(s.lines) for s in kept) > height:
        worst = max(kept, key=lambda s: s.priority)  # the first of equals: top of the screen
        if worst.compact is not None and len(worst.compact) < len(worst.lines):
            worst.lines, worst.compact = worst.compact, None
        else:
            kept.remove(worst)
    return [line for s in kept for line in s.lines][:height]


def spacer() -> Section:
    return Section(SPACER, [Text("")])


class CoachScreen:
    """The coach screen for one :class:`ScreenState`, as a rich renderable (see the module docstring).

    Args:
        state: what to show.
        spare_rows: rows to leave free below the screen (a live display keeps one for the cursor).
    """

    def __init__(self, state: ScreenState, spare_rows: int = 0) -> None:
        self.state = state
        self.spare_rows = spare_rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        height = max(1, (options.height or options.max_height) - self.spare_rows)
        for line in self.lines(width, height):
            line.no_wrap = True
            line.truncate(width, overflow="ellipsis")
            yield line

    def lines(self, width: int, height: int) -> list[Text]:
        """The screen's lines for ``width`` x ``height`` (not yet cut to the width)."""
        if width >= BIG_MIN[0] and height >= BIG_MIN[1]:
            return fit(self._large(width), height)
        return fit(self._small(width, digits=width >= SMALL_MIN[0] and height >= SMALL_MIN[1]), height)

    def _large(self, width: int) -> list[Section]:
        """Sections of a large screen; every line but the rule under the header has a 2-column margin."""
        s = self.state
        sections = [
            Section(0, self._cadence(big_digits.BIG_ROWS), [self._cadence_line()]),
            spacer(),
            Section(1, [self._terrain(wide=True)]),
            spacer(),
            *self._cue(wide=True),
            spacer(),
            Section(
                self._sensor_priority(), [self._sensor_line(x) for x in s.sensors], [self._sensors_compact()]
            ),
        ]
        for section in sections:
            section.lines = [Text("  ") + line for line in section.lines]
            if section.compact is not None:
                section.compact = [Text("  ") + line for line in section.compact]
        rule = Section(SPACER, [Text("─" * width, style="dim")])
        return [Section(3, [self._header(width)]), rule, spacer(), *sections]

    def _small(self, width: int, digits: bool) -> list[Section]:
        cadence = self._cadence(big_digits.SMALL_ROWS) if digits else [self._cadence_line()]
        terrain = self._terrain(wide=True)
        return [
            Section(3, [self._header(None)]),
            spacer(),
            Section(0, cadence, [self._cadence_line()]),
            spacer(),
            Section(1, [terrain if terrain.cell_len <= width else self._terrain(wide=False)]),
            *self._cue(wide=False),
            spacer(),
            Section(self._sensor_priority(), [self._sensors_compact()]),
        ]

    def _header(self, width: int | None) -> Text:
        """Elapsed time and distance; with a ``width``, also the step count, right-aligned after a title."""
        s = self.state
        parts = [clock(s.now_s) if s.now_s is not None else "--:--"]
        if s.distance_m is not None:
            parts.append(distance(s.distance_m))
        if width is None:
            return Text("   ".join(parts), style="bold cyan")
        figures = "   ".join([*parts, f"{s.steps} steps"])
        title = "CADENCE COACH"
        text = Text("  " + title, style="bold")
        text.append(" " * max(3, width - len(title) - len(figures) - 4))
        text.append(figures, style="bold cyan")
        return text

    def _cadence_style(self) -> str:
        s = self.state
        if s.cadence_spm is None:
            return "dim"
        if s.descent_band is not None and s.target_spm is not None and s.cadence_spm < s.target_spm - 0.5:
            return "bold yellow"  # below target where it matters: on a descent
        return "bold green" if s.descent_band is not None else "bold"

    def _cadence(self, rows: int) -> list[Text]:
        """The cadence in digits of ``rows`` rows, its target beside it."""
        s = self.state
        number = f"{round(s.cadence_spm):>3d}" if s.cadence_spm is not None else "---"
        big = rows == big_digits.BIG_ROWS
        glyphs = big_digits.big(number) if big else big_digits.small(number)
        side = ([Text("")] if big else []) + self._target_lines()  # big digits: from their second row
        side += [Text("")] * (rows - len(side))
        return [
            Text(row, style=self._cadence_style()) + Text("   ") + side[i] for i, row in enumerate(glyphs)
        ]

    def _target_lines(self) -> list[Text]:
        """Beside the digits: the unit, the target and the gap to it."""
        s = self.state
        lines = [Text("steps/min", style="dim")]
        if s.target_spm is None:
            lines.append(Text("target: learning", style="dim"))
            return lines
        lines.append(Text(f"target {s.target_spm:.0f}", style="bold"))
        if s.cadence_spm is not None:
            gap = round(s.cadence_spm - s.target_spm)
            style = "yellow" if gap < 0 and s.descent_band is not None else "dim"
            lines.append(Text("on target" if gap >= 0 else f"{-gap} below", style=style))
        return lines

    def _cadence_line(self) -> Text:
        """The cadence and target as one line of text (a screen too small for digits)."""
        s = self.state
        text = Text(
            f"{s.cadence_spm:.0f}" if s.cadence_spm is not None else "---", style=self._cadence_style()
        )
        text.append(" spm")
        if s.target_spm is not None:
            text.append(f"  target {s.target_spm:.0f}", style="bold")
        return text

    def _terrain(self, wide: bool) -> Text:
        s = self.state
        grade = f"{s.grade_pct:+.1f} %" if s.grade_pct is not None else "-"
        text = Text(f"grade {grade}   " if wide else f"{grade}  ")
        if s.descent_band is not None:
            text.append("DESCENT" if wide else "DOWN", style="bold magenta")
            text.append(f" {s.descent_band}" if wide else "")
            if s.descent_s is not None:
                text.append(f"  {duration(s.descent_s)}")
        elif s.grade_pct is None:
            text.append("terrain not known yet", style="dim")
        else:
            text.append("downhill" if s.grade_pct <= -2 else "uphill" if s.grade_pct >= 2 else "flat")
        return text

    def _cue(self, wide: bool) -> list[Section]:
        """The last cue's words and age (one section), and its reason (a less needed one)."""
        s = self.state
        if s.last_cue is None:
            return [Section(2, [Text("no cue yet", style="dim")])]
        age = f"{duration(s.cue_age_s)} ago" if s.cue_age_s is not None and s.cue_age_s >= 1 else "now"
        fresh = s.cue_age_s is not None and s.cue_age_s < FRESH_CUE_S
        words = Text(s.last_cue.text, style="bold black on yellow" if fresh else "bold")
        if wide:
            head = Section(
                2, [Text(f"last cue, {age}", style="dim"), words], [Text(f"{age}: ", style="dim") + words]
            )
        else:
            head = Section(2, [Text(f"{age}: ", style="dim") + words])
        reason = s.last_cue.reason
        return [head, Section(5, [Text(reason, style="dim")])] if reason else [head]

    def _sensor_priority(self) -> float:
        """A sensor not delivering is news: kept before the cue's reason and the header."""
        return 1.5 if any(x.link is not Link.OK for x in self.state.sensors) else 4

    @staticmethod
    def _link(x: SensorStatus) -> Text:
        if x.link is Link.OK:
            return Text("ok", style="green")
        if x.link is Link.WAITING:
            return Text("waiting", style="dim")
        return Text("LOST" + (f" {duration(x.lost_s)}" if x.lost_s is not None else ""), style="bold red")

    def _sensor_line(self, x: SensorStatus) -> Text:
        link = self._link(x)
        link.pad_right(12 - link.cell_len)
        text = Text(f"{x.label:<12} ") + link
        extras = []
        if x.rate_hz is not None:
            extras.append(f"{x.rate_hz:.0f} Hz")
        if x.lost_packets is not None:
            extras.append(f"{x.lost_packets} packets lost")
        if extras:
            text.append(" " + ", ".join(extras), style="dim")
        return text

    def _sensors_compact(self) -> Text:
        text = Text("")
        for i, x in enumerate(self.state.sensors):
            if i:
                text.append("  ")
            text.append(f"{x.short} ")
            text.append_text(self._link(x))
        return text
