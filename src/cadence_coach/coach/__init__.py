"""Coach: rules that turn step events into spoken cues, their schedule, configuration and summary."""
