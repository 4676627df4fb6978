"""Device drivers of the line proxy: readers (serial, TCP, keyboard wedge) and ZPL printers.

Every driver has the same small interface, after the IoT box's Interface / Driver split:

- ``find()`` (class method): the device names this kind of driver can see now (serial ports, ...);
- ``supported(settings)`` (class method): whether these settings name a device this driver can drive;
- ``open()`` / ``close()``; ``fileno()`` for the proxy's selector;
- ``read()``: the complete frames (``str``, framing removed) available now, never blocking; a frame
  whose prefix is missing (a read cut in two, the tail of a read the proxy saw half of before a
  restart) comes back as :class:`Frame` with ``partial=True``;
- ``write(data)``: bytes to the device (printers).

Every driver is built with the line PC's :class:`~.allowlist.Allowlist` (``proxy.json``'s ``allow``;
the defaults when none is given) and checks its settings against it in :meth:`open` (and a TCP
printer before each job), right where it would open them: a device path is opened by the real path
the allowlist approved, a host only when it is listed, a printer font only when it is a safe name.
A refusal is an :class:`~.allowlist.Refused` (a ``ValueError``: a setting to change, not a device
to retry), a device that is not there a :class:`DeviceError`.

Nothing is opened or started at import. :class:`DriverRegistry` is an explicit instance (the proxy
builds one with :func:`default_registry`), keyed by the protocol's driver names.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ..errors import InvalidFormat
from .allowlist import Allowlist, check_font_name
from .protocol import DeviceConfig


class DeviceError(OSError):
    """A device could not be opened, read or written."""


def _bytes(value: object, default: bytes) -> bytes:
    """Framing bytes from a setting: ``"\\r\\n"``-style escapes and ``"0x02"`` hex are understood."""
    if value is None:
        return default
    if isinstance(value, bytes):
        return value
    text = str(value)
    if text.lower().startswith("0x"):
        return bytes.fromhex(text[2:])
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


@dataclass(frozen=True)
class Framing:
    """How a reader frames one read: ``prefix`` + data + ``suffix`` + ``terminator``."""

    terminator: bytes = b"\r\n"
    prefix: bytes = b""
    suffix: bytes = b""
    encoding: str = "utf-8"

    @classmethod
    def from_settings(cls, settings: dict) -> Framing:
        terminator = _bytes(settings.get("terminator"), b"\r\n")
        if not terminator:
            raise InvalidFormat(terminator, "a non-empty terminator", "nothing")
        return cls(terminator=terminator, prefix=_bytes(settings.get("prefix"), b""),
                   suffix=_bytes(settings.get("suffix"), b""), encoding=settings.get("encoding") or "utf-8")

    def encode(self, text: str) -> bytes:
        """The bytes a reader sends for ``text`` (tests, benchmarks, simulators)."""
        return self.prefix + text.encode(self.encoding) + self.suffix + self.terminator


@dataclass(frozen=True)
class Frame:
    text: str
    partial: bool = False


class FrameSplitter:
    """Splits a byte stream into frames. ``\\r\\n`` terminators also accept a bare ``\\n``."""

    __slots__ = ("framing", "_buffer", "max_frame")

    def __init__(self, framing: Framing, max_frame: int = 4096):
        self.framing = framing
        self._buffer = b""
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[Frame]:
        framing = self.framing
        buffer = self._buffer + data
        terminator = framing.terminator
        if terminator == b"\r\n":
            buffer_parts = buffer.split(b"\n")
            strip_cr = True
        else:
            buffer_parts = buffer.split(terminator)
            strip_cr = False
        self._buffer = buffer_parts.pop()
        if len(self._buffer) > self.max_frame:  # a reader that never terminates: drop it as noise
            buffer_parts.append(self._buffer)
            self._buffer = b""
        frames = []
        prefix, suffix, encoding = framing.prefix, framing.suffix, framing.encoding
        for raw in buffer_parts:
            if strip_cr and raw.endswith(b"\r"):
                raw = raw[:-1]
            partial = False
            if prefix:
                index = raw.rfind(prefix)
                if index < 0:
                    partial = True
                else:
                    partial = index > 0  # junk before the prefix: the tail of a broken read
                    raw = raw[index + len(prefix):]
            if suffix:
                if raw.endswith(suffix):
                    raw = raw[: -len(suffix)]
                else:
                    partial = True
            frames.append(Frame(raw.decode(encoding, "replace"), partial))
        return frames

    def pending(self) -> bytes:
        return self._buffer


class Driver:
    """The interface of a device driver."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = "reader"  # reader | printer
    find_hint: ClassVar[str] = "none found"  # what ``trace-proxy devices`` says when find() lists nothing

    def __init__(self, device: DeviceConfig, *, allowlist: Allowlist | None = None):
        self.device = device
        self.settings = dict(device.settings)
        self.allowlist = allowlist or Allowlist.default()

    def _device_path(self, setting: str, value: object, path: str | None = None) -> str:
        """The real path to open for a device path setting: :class:`~.allowlist.Refused` when
        the allowlist does not allow it, :class:`DeviceError` when nothing is there."""
        try:
            return self.allowlist.device(setting, value, path)
        except OSError as error:
            raise DeviceError(f"{self.device.code}: {error.strerror}") from error

    def _check_font(self) -> None:
        """A printer's label font (``cjk_font``) goes into every label: only a safe name."""
        if self.settings.get("cjk_font") is not None:
            check_font_name(self.settings["cjk_font"])

    @classmethod
    def find(cls) -> list[str]:
        return []

    @classmethod
    def supported(cls, settings: dict) -> bool:
        return True

    def open(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def fileno(self) -> int:
        raise NotImplementedError

    @property
    def is_open(self) -> bool:
        raise NotImplementedError

    def read(self) -> list[Frame]:
        raise DeviceError(f"{self.device.code}: {self.name} cannot read")

    def write(self, data: bytes) -> None:
        raise DeviceError(f"{self.device.code}: {self.name} cannot write")


class _SerialMixin:
    """What serial readers and serial printers share: finding ports, opening one with the
    device's settings, the open port's lifecycle."""

    _serial = None

    @classmethod
    def find(cls) -> list[str]:
        from serial.tools import list_ports

        return sorted(port.device for port in list_ports.comports())

    @classmethod
    def supported(cls, settings: dict) -> bool:
        port = settings.get("port")
        return isinstance(port, str) and bool(port) and "://" not in port and os.path.exists(port)

    def _open_serial(self, settings: dict):
        """The port, opened by the real path the allowlist approved (never a pyserial URL:
        ``serial.Serial``, not ``serial_for_url``)."""
        import serial

        path = self._device_path("port", settings.get("port"))
        try:
            return serial.Serial(
                path,
                baudrate=int(settings.get("baudrate") or 9600),
                bytesize=int(settings.get("bytesize") or 8),
                parity=str(settings.get("parity") or "N"),
                stopbits=float(settings.get("stopbits") or 1),
                timeout=0,
                write_timeout=float(settings.get("write_timeout") or 10),
                rtscts=bool(settings.get("rtscts")),
                xonxoff=bool(settings.get("xonxoff")),
                exclusive=True if os.name == "posix" else None,
            )
        except (serial.SerialException, OSError, ValueError) as error:
            raise DeviceError(f"{settings.get('port')}: cannot open: {error}") from error

    def open(self) -> None:
        self._serial = self._open_serial(self.settings)

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def fileno(self) -> int:
        return self._serial.fileno()

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None


class SerialReaderDriver(_SerialMixin, Driver):
    """A scanner or fixed reader on RS-232 / USB-serial (pyserial). Settings: ``port`` (a device path
    that ``allow.devices`` allows), ``baudrate``, ``terminator`` (default ``\\r\\n``), ``prefix``,
    ``suffix``, ``bytesize``, ``parity``, ``stopbits``."""

    name = "serial"
    find_hint = "no serial ports on this PC"

    def __init__(self, device: DeviceConfig, *, allowlist: Allowlist | None = None):
        super().__init__(device, allowlist=allowlist)
        self.framing = Framing.from_settings(self.settings)
        self._splitter = FrameSplitter(self.framing)

    def read(self, size: int = 1 << 16) -> list[Frame]:
        if self._serial is None:
            raise DeviceError(f"{self.device.code}: not open")
        try:
            data = os.read(self._serial.fileno(), size)
        except BlockingIOError:
            return []
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EINTR):
                return []
            raise DeviceError(f"{self.device.code}: read failed: {error}") from error
        if not data:
            raise DeviceError(f"{self.device.code}: the port was closed")
        return self._splitter.feed(data)


class TcpReaderDriver(Driver):
    """A fixed-mount scanner or camera that sends one read per line to a TCP client.
    Settings: ``host``, ``port`` (that ``allow.hosts`` allows), framing as for serial, ``connect_timeout``.
    :meth:`read` raises :class:`DeviceError` when the reader hangs up; the proxy then reopens it
    (reconnect with backoff)."""

    name = "tcp_reader"
    find_hint = "a network device: give its host and port (nothing to find on this PC)"

    def __init__(self, device: DeviceConfig, *, allowlist: Allowlist | None = None):
        super().__init__(device, allowlist=allowlist)
        self.framing = Framing.from_settings(self.settings)
        self._splitter = FrameSplitter(self.framing)
        self._socket: socket.socket | None = None

    @classmethod
    def supported(cls, settings: dict) -> bool:
        return bool(settings.get("host")) and isinstance(settings.get("port"), int)

    def open(self) -> None:
        address = self.allowlist.host(self.settings.get("host"), self.settings.get("port"))
        try:
            sock = socket.create_connection(address, timeout=float(self.settings.get("connect_timeout") or 5))
        except OSError as error:
            raise DeviceError(f"{self.device.code}: cannot connect: {error}") from error
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self._socket = sock
        self._splitter = FrameSplitter(self.framing)  # a new connection starts a new stream

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    def fileno(self) -> int:
        return self._socket.fileno()

    def read(self, size: int = 1 << 16) -> list[Frame]:
        if self._socket is None:
            raise DeviceError(f"{self.device.code}: not connected")
        try:
            data = self._socket.recv(size)
        except (BlockingIOError, InterruptedError):
            return []
        except OSError as error:
            self.close()
            raise DeviceError(f"{self.device.code}: connection lost: {error}") from error
        if not data:
            self.close()
            raise DeviceError(f"{self.device.code}: the reader closed the connection")
        return self._splitter.feed(data)

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


class KeyboardWedgeDriver(Driver):
    """A keyboard-wedge scan gun on the line PC.

    - ``settings["path"]`` under ``/dev/input/`` (best ``/dev/input/by-id/usb-<maker>-event-kbd``,
      stable across replugging), or ``settings["device_name"]`` (part of the input device's name,
      e.g. ``"Honeywell"``): the gun's own input device, read with ``python-evdev`` and grabbed
      (``settings["grab"]``, default on) so that its keystrokes reach only the proxy; key codes are
      turned back into text by :class:`~.keymap.KeyDecoder` (US layout; GS as Ctrl+] or Alt+029);
    - any other ``path`` (a tty, a FIFO) or none (stdin): the characters that reach it, for a
      console-only line PC or a gun that types into a terminal.

    Terminator ``\\n`` (Enter) unless set. A ``path``, and the input device a ``device_name`` finds,
    must be allowed by ``allow.devices`` (checked on the real path, which is what is opened); the
    defaults allow no input device, so a gun needs e.g. ``/dev/input/by-id/usb-Honeywell*`` there.
    """

    name = "keyboard"
    find_hint = "no input device with keys readable here (python-evdev installed? read access to /dev/input?)"

    def __init__(self, device: DeviceConfig, stream=None, input_device=None, *, allowlist: Allowlist | None = None):
        super().__init__(device, allowlist=allowlist)
        settings = dict(self.settings)
        settings.setdefault("terminator", "\n")
        self.framing = Framing.from_settings(settings)
        self._splitter = FrameSplitter(self.framing)
        self._stream = stream
        self._input_device = input_device  # an evdev EventIO already opened (tests, simulators)
        self._input = None
        self._decoder = None
        self._fd: int | None = None
        self._owns_fd = False

    @property
    def uses_evdev(self) -> bool:
        path = self.settings.get("path")
        return self._input_device is not None or bool(self.settings.get("device_name")) or (
            isinstance(path, str) and path.startswith("/dev/input/"))

    @classmethod
    def find(cls) -> list[str]:
        """The input devices that have keys (scan guns among them), as ``path: name``."""
        try:
            import evdev
        except ImportError:
            return []
        found = []
        for path in evdev.list_devices():
            try:
                device = evdev.InputDevice(path)
            except OSError:
                continue
            try:
                if evdev.ecodes.EV_KEY in device.capabilities():
                    found.append(f"{path}: {device.name}")
            finally:
                device.close()
        return found

    @classmethod
    def supported(cls, settings: dict) -> bool:
        path = settings.get("path")
        if settings.get("device_name") or (isinstance(path, str) and path.startswith("/dev/input/")):
            try:
                import evdev  # noqa: F401
            except ImportError:
                return False
            return bool(settings.get("device_name")) or os.path.exists(path)
        return path in (None, "-", "stdin") or (isinstance(path, str) and os.path.exists(path))

    def _open_input(self):
        try:
            import evdev
        except ImportError as error:
            raise DeviceError(f"{self.device.code}: python-evdev is not installed (pip install evdev)") from error
        path, wanted = self.settings.get("path"), self.settings.get("device_name")
        if path:
            path = self._device_path("path", path)
        else:
            matches = [p for p in evdev.list_devices() if wanted in _input_name(evdev, p)]
            if not matches:
                raise DeviceError(f"{self.device.code}: no input device named like {wanted!r}")
            path = self._device_path("device_name", wanted, matches[0])
        try:
            device = evdev.InputDevice(path)
        except OSError as error:
            raise DeviceError(f"{self.device.code}: cannot open {path}: {error}") from error
        return device

    def open(self) -> None:
        path = self.settings.get("path")
        if self.uses_evdev:
            device = self._input_device or self._open_input()
            if self.settings.get("grab", True):
                try:
                    device.grab()
                except OSError as error:
                    device.close()
                    raise DeviceError(f"{self.device.code}: cannot grab the scan gun "
                                      f"(another program holds it?): {error}") from error
            from evdev import ecodes

            from .keymap import KeyDecoder

            self._input, self._decoder = device, KeyDecoder(ecodes.KEY)
            self._fd, self._owns_fd = device.fileno(), False
            os.set_blocking(self._fd, False)
            return
        if self._stream is not None:
            self._fd, self._owns_fd = self._stream.fileno(), False
        elif path in (None, "-", "stdin"):
            self._fd, self._owns_fd = 0, False
        else:
            real = self._device_path("path", path)
            try:
                self._fd, self._owns_fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), True
            except OSError as error:
                raise DeviceError(f"{self.device.code}: cannot open {path}: {error}") from error
        os.set_blocking(self._fd, False)

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def fileno(self) -> int:
        return self._fd

    def read(self, size: int = 1 << 14) -> list[Frame]:
        if self._input is not None:
            try:
                events = [(e.type, e.code, e.value) for e in self._input.read()]
            except (BlockingIOError, InterruptedError):
                return []
            except OSError as error:  # ENODEV: the gun was unplugged
                raise DeviceError(f"{self.device.code}: read failed: {error}") from error
            text = self._decoder.feed(events)
            return self._splitter.feed(text.encode(self.framing.encoding)) if text else []
        try:
            data = os.read(self._fd, size)
        except (BlockingIOError, InterruptedError):
            return []
        except OSError as error:
            raise DeviceError(f"{self.device.code}: read failed: {error}") from error
        if not data:
            raise DeviceError(f"{self.device.code}: end of input")
        return self._splitter.feed(data)

    def close(self) -> None:
        if self._input is not None:
            try:
                if self.settings.get("grab", True):
                    self._input.ungrab()
            except OSError:
                pass
            self._input.close()
            self._input = None
        elif self._fd is not None and self._owns_fd:
            os.close(self._fd)
        self._fd = None


def _input_name(evdev, path: str) -> str:
    try:
        device = evdev.InputDevice(path)
    except OSError:
        return ""
    try:
        return device.name
    finally:
        device.close()


class ZplTcpPrinter(Driver):
    """A ZPL label printer on its raw TCP port (9100). Each :meth:`write` sends one job on a
    connection of its own (printers drop idle connections), with a timeout. Settings: ``host``,
    ``port`` (default 9100; both allowed by ``allow.hosts``), ``timeout``, ``dpi``, ``cjk_font``."""

    name = "zpl_tcp"
    find_hint = "a network printer: give its host and port 9100 (nothing to find on this PC)"
    kind = "printer"

    @classmethod
    def supported(cls, settings: dict) -> bool:
        return bool(settings.get("host"))

    def _address(self) -> tuple[str, int]:
        return self.allowlist.host(self.settings.get("host"), self.settings.get("port") or 9100)

    def open(self) -> None:
        self._address()
        self._check_font()
        self._open = True

    @property
    def is_open(self) -> bool:
        return getattr(self, "_open", False)

    def write(self, data: bytes) -> None:
        host, port = self._address()
        try:
            with socket.create_connection((host, port), timeout=float(self.settings.get("timeout") or 10)) as sock:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            raise DeviceError(f"{self.device.code}: cannot print to {host}:{port}: {error}") from error

    def close(self) -> None:
        self._open = False


class ZplSerialPrinter(_SerialMixin, Driver):
    """A ZPL label printer on a serial port (settings as for serial readers, and ``dpi``, ``cjk_font``)."""

    name = "zpl_serial"
    find_hint = "no serial ports on this PC"
    kind = "printer"

    def open(self) -> None:
        self._check_font()
        super().open()

    def write(self, data: bytes) -> None:
        if self._serial is None:
            raise DeviceError(f"{self.device.code}: not open")
        try:
            self._serial.write(data)
            self._serial.flush()
        except Exception as error:  # serial.SerialTimeoutException, OSError
            raise DeviceError(f"{self.device.code}: cannot print: {error}") from error


class DriverRegistry:
    """Driver classes by protocol name. An instance, never a module global; registering is
    locked so that a registry shared between threads stays consistent. A factory is called as
    ``factory(device, allowlist=allowlist)``, as the driver classes are."""

    def __init__(self) -> None:
        self._drivers: dict[str, Callable[..., Driver]] = {}
        self._lock = threading.Lock()

    def register(self, name: str, factory: Callable[..., Driver]) -> None:
        with self._lock:
            self._drivers[name] = factory

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._drivers)

    def driver(self, name: str) -> Callable[..., Driver]:
        with self._lock:
            return self._drivers[name]

    def create(self, device: DeviceConfig, allowlist: Allowlist | None = None) -> Driver:
        """A driver for ``device``, bound by ``allowlist`` (the defaults when None)."""
        with self._lock:
            factory = self._drivers.get(device.driver)
        if factory is None:
            raise InvalidFormat(device.driver, f"a driver of {self.names()}", device.driver)
        return factory(device, allowlist=allowlist or Allowlist.default())


def default_registry() -> DriverRegistry:
    """A new registry with the drivers of this module."""
    registry = DriverRegistry()
    for driver in (SerialReaderDriver, TcpReaderDriver, KeyboardWedgeDriver, ZplTcpPrinter, ZplSerialPrinter):
        registry.register(driver.name, driver)
    return registry
