"""The gait engine: online step detection and per-step figures (engine.py is the facade), plus the rolling figures and personal baseline the coach uses."""
