"""Bluetooth LE link: the bleak reader for real sensors, and a simulated sensor on a bumble virtual link.

Public API:

- :class:`~cadence_coach.sources.ble.reader.BleSensorReader` connects to one sensor and delivers raw packets
  and link events (:class:`~cadence_coach.sources.ble.reader.LinkEvent`), reconnecting on link loss.
- :func:`~cadence_coach.sources.ble.scan.scan` lists nearby devices with the firmware profile each matches.
- :class:`~cadence_coach.sources.ble.sim_link.SimulatedLink` runs simulated sensors and gives the
  :class:`~cadence_coach.sources.ble.backend_types.BleakBackends` that point bleak at them.

See docs/ble.md.
"""
