"""outputs/: the steps.csv and cues.csv writers."""
