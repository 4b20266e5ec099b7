"""gait/: the step detectors, the engine, the compiled kernels, history, rolling figures and baseline."""
