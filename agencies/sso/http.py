"""The HTTP session the product talks to identity providers with: it connects only to
public addresses, and checks the address it actually connected to — so a name that led to a
public address when its URL was checked and leads inside the network when fetched (DNS
rebinding), or a redirect there, is refused at the connection. Plain HTTP to loopback only
when SSO_ALLOW_HTTP_LOOPBACK is set (tests)."""

from __future__ import annotations

import functools
import ipaddress

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import NewConnectionError

from agencies.webhooks import network


def allowed_peer(address: str) -> bool:
    if network.is_public(address):
        return True
    try:
        loopback = ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
    return settings.SSO_ALLOW_HTTP_LOOPBACK and loopback


class _Checked:
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not allowed_peer(peer):
            sock.close()
            raise NewConnectionError(self, f"{self.host} leads to {peer}, not a public address")
        return sock


class _CheckedHTTPConnection(_Checked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_Checked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def provider_session(timeout: float) -> requests.Session:
    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, PublicOnlyAdapter())
    session.request = functools.partial(session.request, timeout=timeout)
    return session
