"""Where the data comes from, the first stage of the data path.

- :mod:`.recording` (with :mod:`.framing`): the append-only file of raw packets every session writes,
  read back one record at a time or in bulk; :mod:`.replay` hands its records out with their timing.
- :mod:`.simulator`: a simulated runner whose recordings carry ground truth.
- :mod:`.ble`: Bluetooth LE sensors, the live source (the bleak reader, scanning); its :mod:`.ble.sim`
  package is the simulated radio of the bench and the tests (the optional ``sim`` extra).
- :mod:`.csv_import`: other tools' CSV logs, the one source that hands sample blocks (already in
  physical units) instead of raw packets.

Every other source gives raw packets in the sensor's own wire format, decoded later by
:mod:`cadence_coach.streams`.
"""
