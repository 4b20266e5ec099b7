"""cadence-coach: a real-time, grade-aware running cadence and form coach for wearable IMUs."""

__version__ = "0.1.0"
