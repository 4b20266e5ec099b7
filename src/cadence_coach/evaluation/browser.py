"""A real browser for the report's tests and benchmark: headless Chromium (Debian's ``chromium``) run as a
command, no driver and no test dependency besides Pillow (which matplotlib already needs).

- :func:`dump_dom`: the page's DOM after it loaded (``--dump-dom``), and the console messages it logged;
- :func:`screenshot`: a PNG of the page at a window size, and :func:`pixel_spread` to tell a drawn
  page from a blank one;
- :func:`render_ms`: how long the page takes to be drawn, measured inside the browser (navigation start
  to the next frame after the load event) on a copy of the page with a probe script in it;
- :func:`console_messages`: what the page logged. The report has no script, so any message at all is an
  error: a resource its content security policy refused, a broken element.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Commands that start Chromium, in the order they are looked for."""
TIMEOUT_S = 90.0
"""Longest a browser run may take, s."""
PROBE = (
    "<script>void document.body.getBoundingClientRect();"
    "document.body.setAttribute('data-render-ms',performance.now().toFixed(1))</script>"
)
"""Put at the end of a copy of the page's body: runs once everything before it is parsed, forces the
layout (styles and positions of every element, the SVGs' included) and writes the time into the body.
Synchronous, so ``--dump-dom`` always sees it (a callback after the load event may come too late)."""


def find_chromium() -> str | None:
    """The Chromium command, or None when none is installed."""
    return next((path for name in NAMES if (path := shutil.which(name))), None)


@dataclass(frozen=True, slots=True)
class BrowserRun:
    """One run of headless Chromium: its output, the page's console messages, its wall time (s)."""

    stdout: str
    console: list[str]
    wall_s: float


def console_messages(log: str) -> list[str]:
    """The console messages in Chromium's log (``--enable-logging=stderr``): lines with ``:CONSOLE``."""
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def run_chromium(page: Path, *flags: str) -> BrowserRun:
    """Open ``page`` (a local file) in headless Chromium with ``flags``; a fresh profile each time."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium installed (Debian package chromium)")
    with tempfile.TemporaryDirectory(prefix="cc-chromium-") as profile:
        args = [
            browser,
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            *(["--no-sandbox"] if os.geteuid() == 0 else []),  # Chromium's sandbox refuses root
            *flags,
            page.resolve().as_uri(),
        ]
        t0 = time.perf_counter()
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL
        )
        wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited with {done.returncode}: {done.stderr[-500:]}")
    return BrowserRun(done.stdout, console_messages(done.stderr), wall)


def dump_dom(page: Path) -> BrowserRun:
    """The DOM of ``page`` once loaded (in ``stdout``)."""
    return run_chromium(page, "--dump-dom")


def screenshot(page: Path, png: Path, width: int = 1100, height: int = 3000) -> BrowserRun:
    """A screenshot of ``page`` in a ``width`` x ``height`` window (px), written to ``png``."""
    run = run_chromium(page, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return run


def pixel_spread(png: Path) -> tuple[float, float]:
    """Standard deviation of a screenshot's grey levels (0..255) and its share of pixels that are not
    near white (0..1): a blank page has both near 0."""
    import numpy as np
    from PIL import Image

    with Image.open(png) as im:
        grey = np.asarray(im.convert("L"), dtype=float)
    return float(grey.std()), float((grey < 240).mean())


def render_ms(page: Path, workdir: Path) -> tuple[float, float]:
    """Time to draw ``page``: in the browser (navigation start to the next frame after the load event,
    ms) and the whole browser run (start-up included, s). Measured on a copy of the page with
    :data:`PROBE` in it (and its content security policy left out, which would refuse the probe)."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
    probe = workdir / f"probe-{page.name}"
    at = html.rindex("</body>")
    probe.write_text(html[:at] + PROBE + html[at:], encoding="utf-8")
    try:
        run = run_chromium(probe, "--dump-dom", "--window-size=1100,900")
    finally:
        probe.unlink()
    found = re.search(r'data-render-ms="([\d.]+)"', run.stdout)
    if found is None:
        raise RuntimeError("the probe script did not run: the page was not laid out")
    return float(found.group(1)), run.wall_s
