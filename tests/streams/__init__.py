"""streams/: per-sensor decoding state and clock mapping, packet by packet and in bulk."""
