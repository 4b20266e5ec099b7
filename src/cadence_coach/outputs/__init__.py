"""What a session leaves behind: the steps file (:mod:`.steps_csv`), the cues file (:mod:`.cues_csv`), and
after it the activity (:mod:`.activity`, :mod:`.activity_segments`) and its FIT file (:mod:`.fit_export`)."""
