"""sources/: recordings, replay pacing, CSV import, the simulator, the BLE link; the firmware profiles."""
