"""The simulated radio: simulated sensors on a bumble virtual link, reached through bleak's ``backend=``.

Needs the optional ``sim`` extra (``pip install 'cadence-coach[sim]'``, which ``make test`` installs):
every module here but :mod:`.packets` imports bumble. Only ``cadence-coach bench``, the tests and the
benchmarks import this package; the shipped commands otherwise never do.

- :mod:`.packets`: what a simulated sensor streams (:class:`~.packets.OpenImuFramePacker`).
- :mod:`.peripheral`: :class:`~.peripheral.SimulatedSensor`, a bumble peripheral with the profile's GATT
  service and a radio timing model.
- :mod:`.bumble_backend`: bleak backend classes driving a bumble central.
- :mod:`.link`: :class:`~.link.SimulatedLink`, sensors and central on one virtual link, and the
  :class:`~cadence_coach.sources.ble.backend_types.BleakBackends` that reach them.
- :mod:`.ota_sensor`: the simulated sensor on a real controller, for over-the-air tests.

See docs/ble.md.
"""
