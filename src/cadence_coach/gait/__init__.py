"""The gait engine: online step detection and per-step figures (see engine.py for the facade)."""
