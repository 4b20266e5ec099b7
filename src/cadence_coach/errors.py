"""Errors a user can cause: the CLI prints them as one line and exits with code 2."""


class UserError(Exception):
    """Bad input: missing or corrupt file, unknown name, bad value. The message is shown as is."""
