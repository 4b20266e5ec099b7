"""Live sessions over Bluetooth LE: :func:`~cadence_coach.live.session.run_live` (``cadence-coach run``)
and the simulated bench :func:`~cadence_coach.live.bench.run_bench` (``cadence-coach bench``).

See docs/ble.md.
"""
