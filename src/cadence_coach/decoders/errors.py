"""The one exception every pure decoder raises for a payload it cannot read."""


class DecodeError(ValueError):
    """A payload that does not follow its layout: too short, inconsistent length, unsupported type."""
