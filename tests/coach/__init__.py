"""coach/: configuration, rules and the session summary."""
