"""What a session leaves behind: the steps file (:mod:`.steps_csv`) and the cues file (:mod:`.cues_csv`)."""
