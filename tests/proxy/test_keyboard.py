"""Keyboard-wedge scan guns read from their own Linux input device.

This machine's kernel has no ``uinput``, so no virtual input device can be created: the gun's
event node is stood in for by a pipe carrying the kernel's own ``struct input_event`` records,
read through python-evdev's real reader (:class:`evdev.eventio.EventIO`). Everything above the
device node (evdev's parsing, the key decoding, framing, the station, the outbox) is the real code.
"""

from __future__ import annotations

import os
import struct
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

evdev = pytest.importorskip("evdev")
from evdev import ecodes  # noqa: E402
from evdev.eventio import EventIO  # noqa: E402

from tracekit.proxy.drivers import DeviceError, DriverRegistry, Frame, KeyboardWedgeDriver  # noqa: E402
from tracekit.proxy.keymap import KeyDecoder, keystrokes  # noqa: E402
from tracekit.proxy.outbox import Outbox  # noqa: E402
from tracekit.proxy.protocol import DeviceConfig, ProxyConfig  # noqa: E402
from tracekit.proxy.runner import Proxy, ProxySettings  # noqa: E402

from .conftest import config_json, unit_link  # noqa: E402

EVENT = struct.Struct("llHHi")  # struct input_event on Linux (timeval, type, code, value)
NAMES = {name: code for name, code in ecodes.ecodes.items() if name.startswith("KEY_")}


class PipeInput(EventIO):
    """A scan gun's event node: the kernel's input_event records on a pipe."""

    def __init__(self):
        self.fd, self.writer = os.pipe()
        self.name = "Honeywell Scan Gun (stand-in)"
        self.grabbed = False

    def grab(self):
        self.grabbed = True

    def ungrab(self):
        self.grabbed = False

    def close(self):
        for fd in (self.fd, self.writer):
            try:
                os.close(fd)
            except OSError:
                pass

    def type(self, text: str) -> None:
        """What the gun sends for ``text``: key down/up events each followed by a SYN_REPORT."""
        now = time.time()
        sec, usec = int(now), int(now % 1 * 1e6)
        records = b""
        for kind, code, value in keystrokes(text, NAMES):
            records += EVENT.pack(sec, usec, kind, code, value) + EVENT.pack(sec, usec, ecodes.EV_SYN, 0, 0)
        view = memoryview(records)
        while view:
            view = view[os.write(self.writer, view):]


def _decode(events):
    return KeyDecoder(ecodes.KEY).feed(events)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.just("\x1d"), max_size=80))
def test_any_printable_ascii_and_gs_typed_by_a_us_gun_decodes_to_itself(text):
    assert _decode(keystrokes(text, NAMES)) == text


def test_gs_as_alt_keypad_029_caps_lock_and_keypad_digits():
    key = ecodes.EV_KEY

    def tap(name):
        return [(key, NAMES[name], 1), (key, NAMES[name], 0)]

    events = [(key, NAMES["KEY_LEFTALT"], 1), *tap("KEY_KP0"), *tap("KEY_KP2"), *tap("KEY_KP9"),
              (key, NAMES["KEY_LEFTALT"], 0)]
    events += tap("KEY_CAPSLOCK") + tap("KEY_A") + tap("KEY_CAPSLOCK") + tap("KEY_A") + tap("KEY_KP7")
    events += [(key, NAMES["KEY_B"], 2)]  # an auto-repeat is not a character
    assert _decode(events) == "\x1dAa7"


def test_the_driver_grabs_the_gun_and_reads_gs1_element_strings_and_links():
    gun = PipeInput()
    driver = KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {"path": "/dev/input/event7"}),
                                 input_device=gun)
    assert driver.uses_evdev
    driver.open()
    try:
        assert gun.grabbed
        element = "010950600013435221SERIAL1\x1d10LOT9"
        gun.type(unit_link("Ab3-_x") + "\n" + element + "\n")
        frames, deadline = [], time.time() + 3
        while len(frames) < 2 and time.time() < deadline:
            frames += driver.read()
        assert frames == [Frame(unit_link("Ab3-_x")), Frame(element)]
        assert driver.read() == []  # nothing more: no blocking
    finally:
        driver.close()
    assert not gun.grabbed


def test_a_gun_the_proxy_cannot_grab_or_that_is_unplugged_is_a_device_error():
    class Busy(PipeInput):
        def grab(self):
            raise OSError(16, "Device or resource busy")

    busy = Busy()
    with pytest.raises(DeviceError, match="grab"):
        KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {"device_name": "Honeywell"}),
                            input_device=busy).open()
    gone = PipeInput()
    driver = KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {"device_name": "x"}), input_device=gone)
    driver.open()
    os.close(gone.fd)  # the node vanishes under the reader (unplugged)
    with pytest.raises(DeviceError):
        driver.read()
    gone.fd = -1
    gone.close()


def test_scans_of_a_gun_at_a_manual_station_reach_the_outbox_as_activations(tmp_path):
    gun = PipeInput()
    registry = DriverRegistry()
    registry.register("keyboard", lambda device, allowlist: KeyboardWedgeDriver(device, input_device=gun,
                                                                                 allowlist=allowlist))
    config = ProxyConfig.from_json(config_json("manual", [
        {"code": "gun1", "driver": "keyboard", "role": "reader", "settings": {"device_name": "Honeywell"}}], dedup=0.0))
    proxy = Proxy(config, ProxySettings(outbox=str(tmp_path / "o.db")), registry=registry)
    try:
        proxy.poll(0.01)  # opens the gun
        gun.type(unit_link("M1") + "\n" + "NOREAD\n" + unit_link("M2") + "\n")
        deadline = time.time() + 3
        while proxy.committed < 2 and time.time() < deadline:
            proxy.poll(0.05)
    finally:
        proxy.close()
    box = Outbox(str(tmp_path / "o.db"))
    try:
        events = box.pending_events()
        counters = box.counters()
    finally:
        box.close()
    assert [(e.type, e.code, e.device) for e in events] == [("commission", unit_link("M1"), "gun1"),
                                                            ("commission", unit_link("M2"), "gun1")]
    assert counters["device.gun1.noise"] == 1
