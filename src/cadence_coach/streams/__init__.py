"""Per-sensor decoding state: counters, lost packets and the sensor-to-host clock mapping, around the pure
parse functions of :mod:`cadence_coach.decoders`."""
