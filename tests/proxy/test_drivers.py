from __future__ import annotations

import os
import socket
import time

import pytest

from tracekit.labels import decode_image, qr_png
from tracekit.labels.zpl import parse_zpl_fields
from tracekit.proxy.drivers import (
    DeviceError,
    Frame,
    FrameSplitter,
    Framing,
    KeyboardWedgeDriver,
    SerialReaderDriver,
    TcpReaderDriver,
    ZplSerialPrinter,
    ZplTcpPrinter,
    default_registry,
)
from tracekit.proxy.protocol import DeviceConfig, PrintJob
from tracekit.proxy.station import label_text, render_label

from .conftest import GTIN, read_until, unit_link


def test_splitter_strips_prefix_suffix_and_terminator_and_flags_partial_frames():
    splitter = FrameSplitter(Framing(terminator=b"\r", prefix=b"\x02", suffix=b"\x03"))
    assert splitter.feed(b"\x02AB") == []
    assert splitter.feed(b"C\x03\r\x02XY\x03\rtail\x03\r") == [Frame("ABC"), Frame("XY"), Frame("tail", partial=True)]
    assert splitter.feed(b"junk\x02OK\x03\r") == [Frame("OK", partial=True)]


def test_crlf_framing_accepts_bare_newlines():
    assert FrameSplitter(Framing()).feed(b"A\r\nB\nC") == [Frame("A"), Frame("B")]


def test_framing_settings_understand_escapes_and_hex():
    framing = Framing.from_settings({"terminator": "\\r", "prefix": "0x02", "suffix": "]"})
    assert (framing.terminator, framing.prefix, framing.suffix) == (b"\r", b"\x02", b"]")


def test_serial_reader_reads_frames_written_on_the_pty(pty_pair):
    device = DeviceConfig("cam1", "serial", "reader",
                          {"port": pty_pair.name, "baudrate": 9600, "terminator": "\\r", "prefix": "0x02"})
    assert SerialReaderDriver.supported(device.settings)
    driver = SerialReaderDriver(device)
    driver.open()
    try:
        pty_pair.write(b"\x02" + unit_link("AAA").encode() + b"\r\x02BBB\r")
        assert read_until(driver, 2) == [Frame(unit_link("AAA")), Frame("BBB")]
    finally:
        driver.close()


def test_serial_reader_not_supported_for_a_missing_port():
    assert not SerialReaderDriver.supported({"port": "/dev/does-not-exist"})
    with pytest.raises(DeviceError):
        SerialReaderDriver(DeviceConfig("x", "serial", "reader", {"port": "/dev/does-not-exist"})).open()


def test_tcp_reader_reads_lines_and_reconnects_after_the_reader_hangs_up(tcp_peer):
    driver = TcpReaderDriver(DeviceConfig("cam2", "tcp_reader", "reader", {"host": "127.0.0.1", "port": tcp_peer.port}))
    driver.open()
    conn = tcp_peer.wait_client()
    conn.sendall(b"R1\r\nR2\r\n")
    assert read_until(driver, 2) == [Frame("R1"), Frame("R2")]
    conn.shutdown(socket.SHUT_RDWR)
    conn.close()
    with pytest.raises(DeviceError):
        read_until(driver, 1)
    assert not driver.is_open
    driver.open()
    tcp_peer.wait_client(2).sendall(b"R3\n")
    assert read_until(driver, 1) == [Frame("R3")]
    driver.close()


def test_keyboard_wedge_reads_lines_from_a_stream():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as stream:
        driver = KeyboardWedgeDriver(DeviceConfig("gun", "keyboard", "reader", {}), stream=stream)
        driver.open()
        os.write(write_fd, b"CODE1\nCODE2\n")
        assert read_until(driver, 2) == [Frame("CODE1"), Frame("CODE2")]
        os.close(write_fd)
        with pytest.raises(DeviceError):
            read_until(driver, 1)


def _unit_job(serials):
    labels = [{"code": s, "digital_link": unit_link(s), "gtin": GTIN, "serial": s, "lot": "L1",
               "product_name": "乌龙茶 Tea", "expiry_date": "2027-01-31"} for s in serials]
    return PrintJob(id=1, device="printer", kind="unit", labels=tuple(labels))


def test_zpl_over_tcp_9100_carries_the_digital_link_that_decodes_back(tcp_peer):
    job = _unit_job(["SER1"])
    zpl = render_label(job, job.labels[0])
    printer = ZplTcpPrinter(DeviceConfig("printer", "zpl_tcp", "printer", {"host": "127.0.0.1", "port": tcp_peer.port}))
    printer.open()
    printer.write(zpl.encode())
    assert _wait(lambda: tcp_peer.jobs)
    captured = tcp_peer.jobs[0].decode()
    fields = parse_zpl_fields(captured)
    assert fields[0].command == "BQ" and fields[0].data == unit_link("SER1")
    assert any(f.data == "乌龙茶 Tea" for f in fields)
    assert label_text(captured) == unit_link("SER1")
    # redraw the symbol the printer was told to draw and decode it
    assert [d.text for d in decode_image(qr_png(fields[0].data, scale=6))] == [unit_link("SER1")]


def test_zpl_printer_offline_raises_a_device_error():
    printer = ZplTcpPrinter(DeviceConfig("printer", "zpl_tcp", "printer", {"host": "127.0.0.1", "port": 1}))
    printer.open()
    with pytest.raises(DeviceError):
        printer.write(b"^XA^XZ")


def test_zpl_over_serial_reaches_the_pty(pty_pair):
    job = PrintJob(id=2, device="p2", kind="case",
                   labels=({"code": "C1", "sscc": "095060001000000012", "product_name": "Tea"},))
    zpl = render_label(job, job.labels[0])
    printer = ZplSerialPrinter(DeviceConfig("p2", "zpl_serial", "printer", {"port": pty_pair.name, "baudrate": 115200}))
    printer.open()
    try:
        printer.write(zpl.encode())
        received = b""
        while not received.endswith(b"^XZ\n"):
            chunk = pty_pair.read()
            assert chunk, received
            received += chunk
    finally:
        printer.close()
    fields = parse_zpl_fields(received.decode())
    assert [f.data for f in fields if f.command in ("BX", "BC")] == ["(00)095060001000000012"] * 2


def test_registry_is_an_explicit_instance_keyed_by_protocol_names():
    first, second = default_registry(), default_registry()
    assert first.names() == ["keyboard", "serial", "tcp_reader", "zpl_serial", "zpl_tcp"]
    first.register("fake", lambda device: None)
    assert "fake" not in second.names()
    with pytest.raises(ValueError):
        second.create(DeviceConfig("x", "camera9", "reader", {}))


def _wait(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False
