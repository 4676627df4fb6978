"""What the line PC lets Odoo's device settings make it open.

A station's devices (serial ports, scan guns, TCP readers and printers) are configured in Odoo and
pulled by the proxy. Whoever can edit them in Odoo must not be able to make the line PC open any
file (``/etc/shadow`` as a "scan gun"), a pyserial URL (``socket://``, ``rfc2217://``, ``loop://``:
a serial setting that is really a network connection) or any host of the factory network. So the
proxy's own ``proxy.json``, which only the line PC's administrator writes, holds an allowlist::

    "allow": {
        "devices": ["/dev/ttyUSB*", "/dev/serial/by-id/*", "/dev/input/by-id/usb-Honeywell*"],
        "hosts": ["192.168.10.0/24", "printer-1.local", "10.0.5.20:9100", "[fd00::/64]:9100"]
    }

``devices``
    Absolute shell globs (``*``, ``?``, ``[...]``; none of them crosses a ``/``). A device path from
    Odoo is allowed when a glob matches its *real path* (symlinks and ``..`` resolved), so a link
    or a ``..`` path leading outside the globs is refused: ``/dev/ttyUSB*`` also allows
    ``/dev/serial/by-id/usb-...`` links to those ports. A glob of links (``/dev/serial/by-id/usb-Datalogic*``,
    ``/dev/input/by-id/usb-Honeywell*``: only those scanners) allows the character devices (ports,
    input devices; never a plain file) the links it matches lead to now, whatever name Odoo gives
    them (the link, the device itself, or a scan gun's ``device_name``). List only directories that
    only root writes, such as ``/dev``. The proxy then opens the real path, never the name it was
    given, so a link cannot be moved between the check and the open.
``hosts``
    Exact host names (case-insensitive; names are never resolved to be matched against a network),
    IP addresses, or networks in CIDR form; each optionally ``:port`` (IPv6 in brackets) to allow
    only that port.

Each key left out keeps its default, a key given replaces it (``[]`` allows nothing). The defaults
(no ``allow`` at all) are the line PC's own serial ports and pseudo-terminals
(:data:`DEFAULT_DEVICES`: no keyboards or other input devices, no files) and the loopback host
(:data:`DEFAULT_HOSTS`): everything that reaches the network or an input device is refused until
the administrator lists it. Anything with ``://`` as a device path is always refused.

A refusal is a :class:`Refused` naming the setting, its value and why; the proxy does not open the
device, reports it to Odoo in the device's status and logs it.

:func:`check_font_name` guards the printer font name that reaches every ZPL label (``^A@``).
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import ipaddress
import os
import re
import stat
from dataclasses import dataclass

from ..errors import InvalidFormat, TraceKitError

DEFAULT_DEVICES = ("/dev/ttyS*", "/dev/ttyUSB*", "/dev/ttyACM*", "/dev/ttyAMA*", "/dev/pts/[0-9]*")
DEFAULT_HOSTS = ("localhost", "127.0.0.0/8", "[::1]")

MAX_FONT_NAME = 64
_FONT_NAME = re.compile(r"(?:[A-Za-z]:)?[A-Za-z0-9_][A-Za-z0-9 ._-]*")
_HOST_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*")


class Refused(TraceKitError):
    """A setting from Odoo that the line PC does not allow. ``setting`` names it."""

    kind = "refused"

    def __init__(self, setting: str, value: object, expected: str, found: str):
        super().__init__(value, expected, found)
        self.setting = setting
        shown = value if not isinstance(value, str) else value[:100]
        # what was found first: a status line cut short keeps the reason
        self.args = (f"{setting} {shown!r} refused: found {found}; expected {expected}",)


def check_font_name(value: object, setting: str = "cjk_font") -> str:
    """``value`` if it is a safe printer font name, else :class:`Refused`.

    A font name goes into every label's ``^A@`` command as it is: a ``,``, ``^`` or ``~`` in it
    would inject ZPL commands, a ``/`` or ``\\`` would name another file. Allowed: ASCII letters,
    digits, space, dash, underscore and dot, starting with a letter, digit or underscore, at most
    :data:`MAX_FONT_NAME` characters, after an optional printer drive such as ``E:`` (Zebra's
    ``E:ANMDS.TTF``).

    >>> check_font_name("E:ANMDS.TTF")
    'E:ANMDS.TTF'
    >>> check_font_name("E:../x")
    Traceback (most recent call last):
    ...
    tracekit.proxy.allowlist.Refused: cjk_font 'E:../x' refused: found '.' at position 3; expected ...
    """
    expected = (f"a printer font name such as E:ANMDS.TTF: ASCII letters, digits, space, dash, underscore, "
                f"dot, first a letter, digit or underscore, at most {MAX_FONT_NAME} characters")
    if not isinstance(value, str):
        raise Refused(setting, value, expected, type(value).__name__)
    if len(value) > MAX_FONT_NAME:
        raise Refused(setting, value, expected, f"{len(value)} characters")
    if _FONT_NAME.fullmatch(value) and not value.endswith(" "):
        return value
    drive = 2 if len(value) >= 2 and value[1] == ":" and value[0].isascii() and value[0].isalpha() else 0
    for position, char in enumerate(value[drive:], drive + 1):
        allowed = "_" if position == drive + 1 else " ._-"  # a name starts with a letter, digit or _
        if not (char.isascii() and (char.isalnum() or char in allowed)):
            raise Refused(setting, value, expected, f"{char!r} at position {position}")
    if len(value) == drive:
        raise Refused(setting, value, expected, "no name" if not drive else "nothing after the drive")
    raise Refused(setting, value, expected, "a space at the end")


@dataclass(frozen=True)
class HostRule:
    """One ``allow.hosts`` entry: an exact name or a network, and optionally one port."""

    text: str
    name: str | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None

    @classmethod
    def parse(cls, entry: object, where: str) -> HostRule:
        expected = ("a host name, an IP address or a network in CIDR form, optionally with :port "
                    "(IPv6 in brackets: [fd00::/64]:9100)")
        if not isinstance(entry, str) or not entry.strip():
            raise InvalidFormat(entry, f"{where}: {expected}", type(entry).__name__)
        text = entry.strip()
        host, port = text, None
        if text.startswith("["):
            close = text.find("]")
            if close < 0:
                raise InvalidFormat(entry, f"{where}: {expected}", "no closing bracket")
            host, rest = text[1:close], text[close + 1:]
            if rest:
                if not rest.startswith(":"):
                    raise InvalidFormat(entry, f"{where}: {expected}", f"{rest!r} after the bracket")
                port = _port(rest[1:], entry, where)
        elif text.count(":") == 1:
            host, port_text = text.split(":")
            port = _port(port_text, entry, where)
        try:
            return cls(text, network=ipaddress.ip_network(host, strict=True), port=port)
        except ValueError as error:
            if "/" in host or ":" in host or re.fullmatch(r"[0-9.]+", host):
                raise InvalidFormat(entry, f"{where}: {expected}", str(error)) from None
        name = host.lower().rstrip(".")
        if not _HOST_NAME.fullmatch(name) or len(name) > 253:
            found = "a wildcard (names match exactly)" if "*" in name else "not a host name"
            raise InvalidFormat(entry, f"{where}: {expected}", found)
        return cls(text, name=name, port=port)

    def matches(self, name: str | None, address, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            return address is not None and address.version == self.network.version and address in self.network
        return name is not None and name == self.name


def _port(text: str, entry: object, where: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise InvalidFormat(entry, f"{where}: a port from 1 to 65535 after the colon", repr(text))
    return int(text)


@dataclass(frozen=True)
class Allowlist:
    """The ``allow`` block of ``proxy.json``: device globs and host rules (module docstring)."""

    devices: tuple[str, ...] = DEFAULT_DEVICES
    hosts: tuple[HostRule, ...] = ()

    @classmethod
    def default(cls) -> Allowlist:
        return cls.from_json(None)

    @classmethod
    def from_json(cls, data: object) -> Allowlist:
        """From ``proxy.json``'s ``allow`` (``None``: the defaults). A malformed entry is an
        :class:`~tracekit.errors.InvalidFormat` naming it: the proxy does not start on an
        allowlist it cannot read."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InvalidFormat(data, 'allow: an object {"devices": [...], "hosts": [...]}', type(data).__name__)
        unknown = sorted(set(data) - {"devices", "hosts"})
        if unknown:
            raise InvalidFormat(unknown, "allow: only the keys devices and hosts", ", ".join(unknown))
        devices = data.get("devices", DEFAULT_DEVICES)
        hosts = data.get("hosts", DEFAULT_HOSTS)
        for key, value in (("devices", devices), ("hosts", hosts)):
            if not isinstance(value, (list, tuple)):
                raise InvalidFormat(value, f"allow.{key}: a list", type(value).__name__)
        for index, pattern in enumerate(devices):
            if not isinstance(pattern, str) or not pattern.startswith("/") or "://" in pattern:
                raise InvalidFormat(pattern, f"allow.devices[{index}]: an absolute path glob such as /dev/ttyUSB*",
                                    repr(pattern))
        return cls(tuple(devices), tuple(HostRule.parse(h, f"allow.hosts[{index}]") for index, h in enumerate(hosts)))

    def describe(self) -> str:
        return (f"devices {', '.join(self.devices) or '(none)'}; "
                f"hosts {', '.join(rule.text for rule in self.hosts) or '(none)'}")

    # -- devices --------------------------------------------------------------------------------
    def covers(self, path: str) -> bool:
        """Whether a device glob matches ``path`` (component by component, as the shell does)."""
        parts = path.split("/")
        return any(len(pattern_parts) == len(parts)
                   and all(fnmatch.fnmatchcase(part, wanted) for part, wanted in zip(parts, pattern_parts))
                   for pattern_parts in (pattern.split("/") for pattern in self.devices))

    def _linked_devices(self) -> set[str]:
        """The real paths the links that the globs match lead to now."""
        return {os.path.realpath(match) for pattern in self.devices for match in glob.glob(pattern)
                if os.path.islink(match)}

    def device(self, setting: str, value: object, path: str | None = None) -> str:
        """The real path to open for the device ``setting`` = ``value`` (``path``: the path it
        names, when that is not ``value`` itself, e.g. the input device a scan gun's name found).

        :class:`Refused` for a URL, a path that is no string, or a real path no glob allows;
        ``FileNotFoundError`` when nothing is there (an unplugged device: offline, not refused).
        """
        path = value if path is None else path
        expected = "a device path that allow.devices in proxy.json allows"
        if not isinstance(path, str) or not path or "\x00" in path:
            raise Refused(setting, value, expected, type(path).__name__ if not isinstance(path, str) else "no path")
        if "://" in path:
            raise Refused(setting, value, "a local device path (pyserial URLs such as socket:// are never opened)",
                          "a URL")
        real = os.path.realpath(path)
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, f"{setting} {path!r}: no such device", real) from None
        if self.covers(real) or (stat.S_ISCHR(mode) and real in self._linked_devices()):
            return real
        raise Refused(setting, value, expected, real if real == path else f"{real} (its real path)")

    # -- hosts ----------------------------------------------------------------------------------
    def host(self, host: object, port: object, setting: str = "host") -> tuple[str, int]:
        """``(host, port)`` to connect to, when ``allow.hosts`` allows them; else :class:`Refused`."""
        if isinstance(port, bool) or not isinstance(port, (int, str)) or not str(port).isdigit() \
                or not 1 <= int(port) <= 65535:
            raise Refused("port", port, "a TCP port from 1 to 65535", repr(port))
        port = int(port)
        if not isinstance(host, str) or not host or len(host) > 253 or any(c.isspace() or c == "\x00" for c in host):
            raise Refused(setting, host, "a host name or an IP address", repr(host))
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address, name = None, host.lower().rstrip(".")
        else:
            name = None
            if address.version == 6 and address.ipv4_mapped:
                address = address.ipv4_mapped
        if any(rule.matches(name, address, port) for rule in self.hosts):
            return host, port
        if any(rule.matches(name, address, rule.port or port) for rule in self.hosts):
            ports = sorted({rule.port for rule in self.hosts if rule.matches(name, address, rule.port or port)})
            found = f"port {port}, where allow.hosts lists it for port {', '.join(map(str, ports))} only"
        elif address is None:
            found = "a host name allow.hosts does not list (names are matched exactly, never resolved)"
        else:
            found = f"{address} (port {port}), outside every address and network allow.hosts lists"
        raise Refused(setting, host, "a host that allow.hosts in proxy.json allows", found)

