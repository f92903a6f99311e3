"""What the API's tests share: a token of an agency, a read with it, and the check that an
answer is RFC 9457 problem details."""

from agencies.tokens.services import token_create
from tests.factories import UserFactory


def token_of(agency, *scopes, valid_days=90):
    return token_create(
        agency=agency, actor=UserFactory(), name="RMS sync", scopes=list(scopes or ["read"]),
        valid_days=valid_days,
    )  # fmt: skip


def get(client, url, text, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {text}")


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body
