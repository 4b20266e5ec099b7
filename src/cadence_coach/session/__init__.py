"""The session wiring: the pipeline (:mod:`.pipeline`), the loop that hands its steps and cues to the
writers, coach, voice and view (:mod:`.session`, :mod:`.view`), the live session on BLE sensors
(:mod:`.live`) and the bench against simulated ones (:mod:`.bench`, scored and reported by
:mod:`.bench_score` and :mod:`.bench_report`, with :mod:`.matching`)."""
