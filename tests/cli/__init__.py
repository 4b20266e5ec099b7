"""cli/: the commands as a user runs them: arguments, exit codes, one-line errors, lazy imports."""
