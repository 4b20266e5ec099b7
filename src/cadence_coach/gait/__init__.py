"""Gait engine: turns sample blocks into step events and the rolling figures derived from them."""
