"""A bleak backend that drives a bumble Central on an in-process virtual link.

bleak lets callers replace its platform backend through the ``backend=`` argument of ``BleakScanner``
and ``BleakClient``. :func:`backends_for` returns such a pair, bound to one :class:`BumbleCentral`, so
code written against bleak (the reader) runs unchanged against simulated sensors on the same bumble
``LocalLink``: a real host stack (HCI, L2CAP, ATT, GATT) on both ends, no radio.

Known traps of bumble's virtual controller, handled here:

- The ATT MTU stays at 23 unless the central asks: :meth:`BumbleBleakClient.connect` requests it.
- Descriptors must be discovered before subscribing (the CCCD handle): connect discovers everything.
- The controller ignores "LE Create Connection Cancel", so a connect to an absent peer would wait
  forever: the connect is bounded by a timeout and the controller's pending connection is cleared.
- A vanished peer is never detected (no supervision timeout): simulated range loss is a disconnect with
  reason 0x08 (connection timeout) sent by the peripheral instead.
"""

from __future__ import annotations

import asyncio
import logging
import uuid as uuidlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bumble import core, gatt_client, hci
from bumble.controller import Controller
from bumble.core import AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from ..backend_types import BleakBackends

if TYPE_CHECKING:
    from bleak.assigned_numbers import CharacteristicPropertyName

log = logging.getLogger(__name__)

DEFAULT_MTU = 247
"""ATT MTU the central requests, bytes (the usual maximum of BLE 4.2+ controllers with DLE)."""

_UUID_LISTS = (
    AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
)
_PROPERTY_NAMES: dict[int, CharacteristicPropertyName] = {
    0x01: "broadcast",
    0x02: "read",
    0x04: "write-without-response",
    0x08: "write",
    0x10: "notify",
    0x20: "indicate",
    0x40: "authenticated-signed-writes",
    0x80: "extended-properties",
}


def uuid_str(uuid: core.UUID) -> str:
    """A bumble UUID as bleak writes it: lower-case 128-bit form."""
    return str(uuidlib.UUID(bytes=bytes(reversed(uuid.to_bytes(force_128=True)))))


def address_str(address: hci.Address) -> str:
    """A bumble address as ``AA:BB:CC:DD:EE:FF`` (no address-type suffix)."""
    return address.to_string(with_type_qualifier=False)


def advertisement_data(adv: Advertisement) -> AdvertisementData:
    """bleak's view of one bumble advertisement."""
    data = adv.data
    name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or data.get(AdvertisingData.SHORTENED_LOCAL_NAME)
    uuids: list[str] = []
    for ad_type in _UUID_LISTS:
        for group in data.get_all(ad_type):
            for u in cast("list[core.UUID]", group):  # what each of these AD types holds
                if uuid_str(u) not in uuids:
                    uuids.append(uuid_str(u))
    manufacturer = {}
    for company_id, payload in data.get_all(AdvertisingData.MANUFACTURER_SPECIFIC_DATA):
        manufacturer[int(company_id)] = bytes(payload)
    tx_power = data.get(AdvertisingData.TX_POWER_LEVEL)
    return AdvertisementData(
        local_name=str(name) if name else None,
        manufacturer_data=manufacturer,
        service_data={},
        service_uuids=uuids,
        tx_power=int(tx_power) if tx_power is not None else None,
        rssi=int(adv.rssi),
        platform_data=(adv,),
    )


class BumbleCentral:
    """One bumble host + virtual controller acting as the central, shared by every scanner and client.

    Args:
        link: the virtual link the simulated sensors are on.
        address: the central's (random static) address.
        mtu: ATT MTU to request on each connection, bytes.
    """

    def __init__(self, link: LocalLink, address: str = "C0:C0:C0:00:00:01", mtu: int = DEFAULT_MTU) -> None:
        self.controller = Controller("central", link=link, public_address=address)
        self.device = Device(
            name="cadence-coach",
            address=hci.Address(address),
            host=Host(self.controller, AsyncPipeSink(self.controller)),
        )
        self.mtu = mtu
        self.connect_lock = asyncio.Lock()
        self._scanners: set[BumbleBleakScanner] = set()
        self._scan_lock = asyncio.Lock()
        self.device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)

    async def power_on(self) -> None:
        """Start the host stack (HCI reset and set-up)."""
        await self.device.power_on()

    async def add_scanner(self, scanner: BumbleBleakScanner) -> None:
        """Deliver advertisements to ``scanner``; starts scanning for the first one."""
        async with self._scan_lock:
            self._scanners.add(scanner)
            if not self.device.is_scanning:
                await self.device.start_scanning(filter_duplicates=False)

    async def remove_scanner(self, scanner: BumbleBleakScanner) -> None:
        """Stop delivering to ``scanner``; stops scanning after the last one."""
        async with self._scan_lock:
            self._scanners.discard(scanner)
            if not self._scanners and self.device.is_scanning:
                await self.device.stop_scanning()

    def _on_advertisement(self, adv: Advertisement) -> None:
        for scanner in list(self._scanners):
            scanner.on_advertisement(adv)

    def cancel_pending_connection(self) -> None:
        """Forget a connection attempt the virtual controller would otherwise keep (it ignores cancel)."""
        self.controller.pending_le_connection = None


class BumbleBleakScanner(BaseBleakScanner):
    """bleak scanner backend on a :class:`BumbleCentral` (bound by :func:`backends_for`)."""

    central: BumbleCentral

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)

    async def start(self) -> None:
        self.seen_devices = {}
        await self.central.add_scanner(self)

    async def stop(self) -> None:
        await self.central.remove_scanner(self)

    def on_advertisement(self, adv: Advertisement) -> None:
        """Called by the central for every advertisement received while scanning."""
        ad = advertisement_data(adv)
        if not self.is_allowed_uuid(ad.service_uuids):
            return
        address = address_str(adv.address)
        device = self.create_or_update_device(address, address, ad.local_name, adv.address, ad)
        self.call_detection_callbacks(device, ad)


class BumbleBleakClient(BaseBleakClient):
    """bleak client backend on a :class:`BumbleCentral` (bound by :func:`backends_for`).

    ``connect`` also requests the central's MTU and discovers all services, characteristics and
    descriptors, as the platform backends do.
    """

    central: BumbleCentral

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout)
        details = address_or_ble_device.details if isinstance(address_or_ble_device, BLEDevice) else None
        self._peer_address = details if isinstance(details, hci.Address) else hci.Address(self.address)
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._closing = False

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection else 23

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        timeout = kwargs.get("timeout", self._timeout)
        async with self.central.connect_lock:
            try:
                connection = await asyncio.wait_for(
                    self.central.device.connect(self._peer_address, timeout=None), timeout
                )
            except TimeoutError:
                self.central.cancel_pending_connection()
                raise TimeoutError(f"no connection to {self.address} within {timeout:g} s") from None
            except core.BaseBumbleError as exc:
                self.central.cancel_pending_connection()
                raise BleakError(f"connection to {self.address} failed: {exc}") from None
        self._connection = connection
        self._closing = False
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        try:
            self._peer = Peer(connection)
            await self._peer.request_mtu(self.central.mtu)
            self.services = await self._discover()
        except (TimeoutError, core.BaseBumbleError) as exc:
            await self.disconnect()
            raise BleakError(f"GATT set-up with {self.address} failed: {exc}") from None

    async def _discover(self) -> BleakGATTServiceCollection:
        assert self._peer is not None
        collection = BleakGATTServiceCollection()
        for proxy in await self._peer.discover_services():
            service = BleakGATTService(proxy, proxy.handle, uuid_str(proxy.uuid))
            collection.add_service(service)
            for char_proxy in await proxy.discover_characteristics():
                props = [name for bit, name in _PROPERTY_NAMES.items() if char_proxy.properties & bit]
                char = BleakGATTCharacteristic(
                    char_proxy,
                    char_proxy.handle,
                    uuid_str(char_proxy.uuid),
                    props,
                    lambda: self.mtu_size - 3,
                    service,
                )
                collection.add_characteristic(char)
                for desc_proxy in await char_proxy.discover_descriptors():
                    collection.add_descriptor(
                        BleakGATTDescriptor(desc_proxy, desc_proxy.handle, uuid_str(desc_proxy.type), char)
                    )
        return collection

    def _on_disconnection(self, reason: int) -> None:
        self._connection = None
        self._peer = None
        if not self._closing and self._disconnected_callback is not None:
            log.info("%s disconnected, reason 0x%02x", self.address, reason)
            self._disconnected_callback()

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        self._closing = True
        done = asyncio.get_running_loop().create_future()

        def confirm(_reason: int) -> None:
            if not done.done():
                done.set_result(None)

        connection.once(Connection.EVENT_DISCONNECTION, confirm)
        try:
            await connection.disconnect()
            await asyncio.wait_for(done, self._timeout)
        except (TimeoutError, core.BaseBumbleError):
            log.debug("disconnect from %s: no confirmation", self.address)
        self._connection = None
        self._peer = None

    def _require_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("pairing is not supported by the bumble backend")

    async def unpair(self) -> None:
        raise NotImplementedError("pairing is not supported by the bumble backend")

    async def read_gatt_char(self, characteristic: BleakGATTCharacteristic, **kwargs: Any) -> bytearray:
        return bytearray(await self._require_peer().read_value(characteristic.obj))

    async def read_gatt_descriptor(self, descriptor: BleakGATTDescriptor, **kwargs: Any) -> bytearray:
        return bytearray(await self._require_peer().read_value(descriptor.obj))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        await self._require_peer().write_value(characteristic.obj, bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: SizedBuffer) -> None:
        await self._require_peer().write_value(descriptor.obj, bytes(data), with_response=True)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        proxy: gatt_client.CharacteristicProxy = characteristic.obj
        await self._require_peer().subscribe(proxy, lambda value: callback(bytearray(value)))

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        await self._require_peer().unsubscribe(characteristic.obj)


def backends_for(central: BumbleCentral) -> BleakBackends:
    """bleak ``backend=`` classes bound to ``central`` (bleak takes classes, not instances)."""
    scanner = type("BumbleBleakScanner", (BumbleBleakScanner,), {"central": central})
    client = type("BumbleBleakClient", (BumbleBleakClient,), {"central": central})
    return BleakBackends(scanner=scanner, client=client)
