"""evaluation/: the harness itself: reference events, real-data scoring, the offline baseline."""
