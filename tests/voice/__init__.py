"""voice/: rendering, mixing, playback and (marker audio) a real sound server end to end."""
