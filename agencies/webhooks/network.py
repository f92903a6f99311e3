"""Where a webhook may be sent, and the one way it is sent.

An endpoint's URL is https, and every address its host resolves to is public: no loopback,
private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata address,
fe80::/10), shared (CGNAT 100.64/10), multicast, unspecified or reserved address, nor one
of those inside IPv6 (IPv4-mapped, 6to4, Teredo, NAT64). The check is made when the URL
is saved and again at each attempt; the request then connects to the very address checked
(its name still given as Host and for TLS: SNI and the certificate's name), so a name that
resolves to something else a moment later (DNS rebinding) changes nothing. Redirects are
not followed.

`WEBHOOKS_ALLOW_PRIVATE_ADDRESSES` and `WEBHOOKS_ALLOW_HTTP` relax the check, for a
receiver on the same machine in tests and development only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
# The whole attempt, however slowly a receiver drips its answer (each read's timeout alone
# would let one hold the dispatcher for as long as it keeps sending a byte now and then).
TOTAL_DEADLINE = 15.0
USER_AGENT = "OneMindPledgeTracker-Webhooks/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeDestination(Exception):  # noqa: N818 - a refusal with its reason in words
    """The URL may not be sent to; the message says why, for the coordinator."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (a module function, so tests can stub DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


# The only IPv6 addresses allocated for the public internet (RFC 4291 §2.4); the rest
# (::/96 IPv4-compatible, ::ffff:0:0/96 translated, fec0::/10 site-local…) may reach inside.
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The address and the IPv4 addresses an IPv6 one carries."""
    found = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            found.append(address.ipv4_mapped)
        if address.sixtofour:
            found.append(address.sixtofour)
        if address.teredo:
            found.extend(address.teredo)
        if address in NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: str) -> bool:
    """Globally routable unicast, and so is every IPv4 address it carries."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed not in GLOBAL_UNICAST_V6:
        return False  # IPv4-compatible and -translated forms, site-local, and the rest
    return all(a.is_global and not a.is_multicast for a in _embedded(parsed))


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # the name, for Host and TLS
    port: int
    path: str  # with the query
    address: str  # the address checked, connected to


def destination(url: str) -> Destination:
    """The URL's checked destination, or UnsafeDestination with the reason."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise UnsafeDestination(_("The address must start with https://."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("The address may not carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeDestination(_("The address has an invalid port.")) from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeDestination(_("The address has no host name."))
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise UnsafeDestination(
            _("The host name %(host)s could not be found.") % {"host": host}
        ) from None
    if not addresses:
        raise UnsafeDestination(_("The host name %(host)s could not be found.") % {"host": host})
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise UnsafeDestination(
                _(
                    "%(host)s leads to an address that is not on the public internet "
                    "(%(address)s): webhooks go only to public addresses."
                )
                % {"host": host, "address": private[0]}
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(parts.scheme, host, port, path, addresses[0])


@dataclass(frozen=True)
class Answer:
    status: int


class _Deadline:
    """Shuts the attempt's sockets down when the deadline passes, which ends a read that
    is still waiting in another thread's call with an error."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.timers: list[threading.Timer] = []

    def watch(self, sock: socket.socket) -> None:
        def cut() -> None:
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(max(0.0, self.ends - time.monotonic()), cut)
        timer.daemon = True
        timer.start()
        self.timers.append(timer)

    def cancel(self) -> None:
        for timer in self.timers:
            timer.cancel()

    def connection_class(self, base: type[HTTPConnection]) -> type[HTTPConnection]:
        deadline = self

        class Watched(base):
            def _new_conn(self):
                sock = super()._new_conn()
                deadline.watch(sock)
                return sock

        return Watched


def post(target: Destination, body: bytes, headers: dict[str, str]) -> Answer:
    """POST to the checked address; the answer's status (its body is not read). Raises
    urllib3's errors for a connection that fails, times out or passes the deadline."""
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and target.port == default_port:
        host_header = f"[{target.host}]"
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    deadline = _Deadline(TOTAL_DEADLINE)
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
            ca_certs=settings.WEBHOOKS_CA_BUNDLE or None,  # the system's authorities if unset
        )
        pool.ConnectionCls = deadline.connection_class(HTTPSConnection)
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False
        )
        pool.ConnectionCls = deadline.connection_class(HTTPConnection)
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={
                    **headers,
                    "Host": host_header,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            status = response.status
            response.close()
    finally:
        deadline.cancel()
    return Answer(status)
