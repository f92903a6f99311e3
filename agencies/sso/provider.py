"""allauth's OpenID Connect provider, held to what agencies' sign-ins need:

- every URL fetched or redirected to (discovery, authorization, token, keys, user info) is
  HTTPS to a name that leads only to public addresses (checked as webhook receivers are, each
  time the document is read), or plain HTTP to a loopback address when
  SSO_ALLOW_HTTP_LOOPBACK is set (tests);
- the discovery document names the issuer the agency configured (OpenID Connect Discovery
  §4.3), so a document served for another issuer is refused;
- the ID token's signature is always checked against the issuer's keys, even though it came
  straight from the token endpoint (allauth skips that check then, as the specification
  allows over TLS), besides its issuer, audience and expiry.

Installed through SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    _pick_data,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings

from agencies.webhooks import network

WELL_KNOWN = "/.well-known/openid-configuration"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _test_loopback(parts) -> bool:
    return settings.SSO_ALLOW_HTTP_LOOPBACK and is_loopback(parts.hostname)


def allowed_url(url: str) -> bool:
    """Whether `url` may name a provider's address: HTTPS to a name or a public address
    (what a name leads to is checked each time it is fetched: `reachable`)."""
    parts = urlsplit(url or "")
    if not parts.hostname or parts.username or parts.password:
        return False
    if _test_loopback(parts):
        return parts.scheme in ("http", "https")
    if parts.scheme != "https":
        return False
    try:
        return network.is_public(str(ipaddress.ip_address(parts.hostname)))
    except ValueError:
        return True  # a name


def reachable(url: str) -> bool:
    """Whether the product may fetch `url` now: allowed, and every address its name leads to
    is on the public internet (as for webhooks), so a provider's document cannot send the
    server to an address inside its own network."""
    if not allowed_url(url):
        return False
    parts = urlsplit(url)
    if _test_loopback(parts):
        return True
    try:
        addresses = network.resolve(parts.hostname.rstrip("."), parts.port or 443)
    except (OSError, UnicodeError, ValueError):
        return False
    return bool(addresses) and all(network.is_public(address) for address in addresses)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + WELL_KNOWN


def same_issuer(a: str, b: str) -> bool:
    # Discovery §4.3 asks for the exact string; a trailing slash is the one difference
    # providers' documentation and their documents commonly disagree on.
    return a.rstrip("/") == b.rstrip("/")


def check_discovery(config: dict, issuer: str) -> None:
    if not same_issuer(str(config.get("issuer", "")), issuer):
        raise OAuth2Error("The discovery document names another issuer.")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not reachable(config.get(key, "")):
            raise OAuth2Error(f"The provider's {key} must be HTTPS on a public address.")
    if config.get("userinfo_endpoint") and not reachable(config["userinfo_endpoint"]):
        raise OAuth2Error("The provider's userinfo_endpoint must be HTTPS on a public address.")


class AgencyOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self):
        if not hasattr(self, "_openid_config"):
            issuer = self.get_provider().app.settings["server_url"]
            if not reachable(discovery_url(issuer)):
                raise OAuth2Error("The issuer URL must be HTTPS on a public address.")
            config = super().openid_config
            try:
                check_discovery(config, issuer)
            except OAuth2Error:
                del self._openid_config
                raise
        return self._openid_config

    def _decode_id_token(self, app, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class AgencyOpenIDConnectProvider(OpenIDConnectProvider):
    # allauth mounts the provider's URLs from `<package>.urls`: ours, with the checks above.
    package = "agencies.sso.oidc"
    oauth2_adapter_class = AgencyOpenIDConnectAdapter

    def wk_server_url(self, url):
        return discovery_url(url) if "/.well-known/" not in url else url

    def extract_email_addresses(self, data):
        """The `email` claim, verified only when `email_verified` is the JSON value true:
        allauth takes any truthy value, and a provider sending the text "false" would
        otherwise sign in as the account at that address."""
        addresses = super().extract_email_addresses(data)
        verified = _pick_data(data).get("email_verified") is True
        for address in addresses:
            address.verified = verified
        return addresses
