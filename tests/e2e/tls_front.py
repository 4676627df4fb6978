"""A TLS-terminating reverse proxy for tests and benchmarks: HTTPS on 127.0.0.1 in front of a
plain-HTTP Odoo, so that the line proxy keeps TLS verification on. Threads, no dependencies
beyond the standard library (the certificate comes from the caller: ``trustme`` in the tests,
:func:`make_ca` in the benchmark).

:meth:`TlsFront.stop` is the network cut: the listening socket and every open connection are
closed; :meth:`TlsFront.start` again restores it on the same port.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading


class TlsFront:
    def __init__(self, context: ssl.SSLContext, upstream_port: int, port: int = 0,
                 upstream_host: str = "127.0.0.1"):
        self.context = context
        self.upstream = (upstream_host, upstream_port)
        self.port = port
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.accepted = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> TlsFront:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True,
                                        name="tls-front")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Cut: nobody listens any more, and connections kept alive die now."""
        self._stop.set()
        if self.listener is not None:
            try:
                self.listener.close()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self.lock:
            sockets, self.sockets = list(self.sockets), set()
        for sock in sockets:
            for action in (lambda s: s.shutdown(socket.SHUT_RDWR), lambda s: s.close()):
                try:
                    action(sock)
                except OSError:
                    pass

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn, stop), daemon=True).start()

    def _track(self, *socks) -> None:
        with self.lock:
            self.sockets.update(socks)

    def _serve(self, conn: socket.socket, stop: threading.Event) -> None:
        self._track(conn)
        try:
            conn.settimeout(10)
            tls = self.context.wrap_socket(conn, server_side=True)
            tls.settimeout(None)
            upstream = socket.create_connection(self.upstream, timeout=10)
            upstream.settimeout(None)
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, ssl.SSLError):
            self._close(conn)
            return
        self._track(tls, upstream)
        if stop.is_set():
            self._close(tls, upstream)
            return
        back = threading.Thread(target=self._pump, args=(upstream, tls), daemon=True)
        back.start()
        self._pump(tls, upstream)
        back.join()
        self._close(tls, upstream, conn)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(1 << 16)
                if not data:
                    break
                target.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass

    def _close(self, *socks) -> None:
        with self.lock:
            for sock in socks:
                self.sockets.discard(sock)
        for sock in socks:
            try:
                sock.close()
            except OSError:
                pass


def make_ca(directory: str) -> tuple[ssl.SSLContext, str]:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it (``cryptography`` only, for
    runs without ``trustme``); returns (server context, path of the CA bundle)."""
    import os

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tracekit bench CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = os.path.join(directory, "bench-ca.pem")
    cert_path = os.path.join(directory, "bench-cert.pem")
    key_path = os.path.join(directory, "bench-key.pem")
    with open(ca_path, "wb") as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, ca_path
