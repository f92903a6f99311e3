"""Standard Webhooks signatures (https://www.standardwebhooks.com/): the secret is `whsec_`
and the base64 of random bytes; each request carries `webhook-id`, `webhook-timestamp`
(Unix seconds) and `webhook-signature: v1,<base64 of HMAC-SHA256 over "id.timestamp.body">`
keyed with the secret's decoded bytes. During a rotation's overlap the header carries one
signature per secret, separated by spaces, as the specification allows."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the label every secret starts with
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """`v1,<base64 HMAC-SHA256>` of `msg_id.timestamp.body` with the secret's bytes."""
    if isinstance(body, str):
        body = body.encode()
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(signature(secret, msg_id, timestamp, body) for secret in secrets_)


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_, msg_id, timestamp, body),
    }


def verify(secret: str, msg_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether any `v1` signature in the header is the secret's (what a receiver does)."""
    expected = signature(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
