"""Pure decoders, one module per BLE service or wire format: bytes in, physical values out."""
