"""Bluetooth LE link: the bleak reader for real sensors.

Public API:

- :class:`~cadence_coach.sources.ble.reader.BleSensorReader` connects to one sensor and delivers raw packets
  and link events (:class:`~cadence_coach.sources.ble.reader.LinkEvent`), reconnecting on link loss.
- :func:`~cadence_coach.sources.ble.scan.scan` lists nearby devices with the firmware profile each matches.

The simulated radio (simulated sensors on a bumble virtual link, for the bench and the tests) is the
optional :mod:`cadence_coach.sources.ble.sim` package. See docs/ble.md.
"""
