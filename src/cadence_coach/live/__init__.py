"""Live sessions over Bluetooth LE: :class:`~cadence_coach.live.session.LiveSession` (``cadence-coach run``)
and the simulated bench :func:`~cadence_coach.live.bench.run_bench` (``cadence-coach bench``, which needs
the optional simulated radio), scored by :mod:`~cadence_coach.live.bench_score` and shown by
:mod:`~cadence_coach.live.bench_report`.

See docs/ble.md.
"""
