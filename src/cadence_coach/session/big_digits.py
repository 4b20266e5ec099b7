"""Large digits for the coach screen, drawn with block characters (a terminal has no big font).

Each glyph is a 3 x 5 bitmap. :func:`big` draws a pixel as two full blocks (5 rows, 6 columns a
digit: about square pixels in a terminal cell); :func:`small` packs two pixel rows into one character
row with half blocks (3 rows, 3 columns a digit) for small terminals.
"""

from __future__ import annotations

GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    "-": ("...", "...", "###", "...", "..."),
    " ": ("...", "...", "...", "...", "..."),
}
"""Bitmaps, top row first: '#' a lit pixel. Characters without a glyph draw as a space."""

BIG_ROWS, SMALL_ROWS = 5, 3


def _glyph(char: str) -> tuple[str, ...]:
    return GLYPHS.get(char, GLYPHS[" "])


def big(text: str, gap: int = 2) -> list[str]:
    """``text`` in 5 rows of full blocks, each glyph 6 columns wide, ``gap`` columns between glyphs."""
    rows = []
    for r in range(BIG_ROWS):
        cells = ["".join("██" if px == "#" else "  " for px in _glyph(c)[r]) for c in text]
        rows.append((" " * gap).join(cells))
    return rows


def small(text: str, gap: int = 1) -> list[str]:
    """``text`` in 3 rows of half blocks, each glyph 3 columns wide, ``gap`` columns between glyphs."""
    rows = []
    for r in range(SMALL_ROWS):
        cells = []
        for c in text:
            glyph = _glyph(c)
            top = glyph[2 * r]
            bottom = glyph[2 * r + 1] if 2 * r + 1 < len(glyph) else "..."
            cells.append("".join(_half(t == "#", b == "#") for t, b in zip(top, bottom)))
        rows.append((" " * gap).join(cells))
    return rows


def _half(top: bool, bottom: bool) -> str:
    """The character lighting the top half, the bottom half, both or neither of a cell."""
    return {(True, True): "█", (True, False): "▀", (False, True): "▄"}.get((top, bottom), " ")


def width(text: str, font_rows: int) -> int:
    """Columns ``text`` takes in the font of ``font_rows`` rows (:data:`BIG_ROWS` or :data:`SMALL_ROWS`)."""
    if not text:
        return 0
    glyph, gap = (6, 2) if font_rows == BIG_ROWS else (3, 1)
    return len(text) * glyph + (len(text) - 1) * gap
