"""Real recordings: the bundled excerpts (tests/data/real) and the real-dev set (../shared, skipped when absent)."""
