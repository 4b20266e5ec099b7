"""Evaluation harness for tests and benchmarks: scoring steps against simulator truth and reference
events, audio capture. The shipped commands do not import it at start-up."""
