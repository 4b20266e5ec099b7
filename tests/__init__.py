"""The test suite, one folder per stage of the package (see tests/conftest.py for the shared fixtures)."""
