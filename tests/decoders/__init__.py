"""decoders/: the pure packet parsers against reference vectors and mutated payloads."""
