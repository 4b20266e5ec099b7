"""Where the tests find their files: the repository's own, the bundled test data and the shared folder."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The repository root."""
DATA = REPO / "tests" / "data"
"""Bundled test data (tests/data/README.md describes it)."""
REAL_EXCERPTS = DATA / "real"
"""Real recordings with reference events, cut short enough to bundle."""
DEMO_RECORDING = REPO / "recordings" / "demo-descent.ccrec"
"""The demo's recording (a simulated descent with both feet)."""
_SHARED_CANDIDATES = (REPO.parent / "shared", REPO.parent.parent / "shared")
SHARED = next((c for c in _SHARED_CANDIDATES if c.is_dir()), _SHARED_CANDIDATES[0])
"""The shared folder (reference vectors, the real-dev set): next to the repository, else next to the folder
holding it (a git worktree), as ``evaluation.real_cases.default_dev_dir`` looks; may be absent."""
