"""session/: the pipeline with several sensors, live sessions, the terminal view, step matching."""
