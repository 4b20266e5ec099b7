"""Helpers shared by the tests: paths, synthetic recordings and steps, reference vectors, the command
line in-process, replay, audio checks."""
