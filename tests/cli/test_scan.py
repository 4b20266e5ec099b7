import pytest
from bleak import BleakScanner
from bleak.exc import BleakBluetoothNotAvailableError

from cadence_coach.cli import main


def test_scan_without_adapter_is_one_line_and_exit_2(monkeypatch, capsys):
    async def no_adapter(*args, **kwargs):
        raise BleakBluetoothNotAvailableError("no Bluetooth adapters found", None)

    monkeypatch.setattr(BleakScanner, "discover", no_adapter)
    assert main(["scan", "--timeout", "0.2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Bluetooth" in err


@pytest.mark.parametrize("bad", ["0", "-1", "abc"])
def test_scan_rejects_bad_timeout(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--timeout", bad])
    assert exc.value.code == 2
