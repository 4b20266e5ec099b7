"""Where packets come from: recordings, the simulator, imported files, BLE sensors."""
