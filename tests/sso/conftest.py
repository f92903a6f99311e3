import pytest

from tests.sso.provider import running_provider

SLUG = "springfield-pd"
PROVIDER_ID = f"agency-{SLUG}"
SECRET = "client-secret-for-tests"
USERS = [
    {
        "username": "ann",
        "password": "ann-password-1234",
        "email": "ann.lee@springfield.example",
        "given_name": "Ann",
        "family_name": "Lee",
    },
    {
        "username": "bob",
        "password": "bob-password-1234",
        "email": "bob@springfield.example",
        "email_verified": False,
    },
    {"username": "eve", "password": "eve-password-1234", "email": "eve@elsewhere.example"},
    {"username": "sam", "password": "sam-password-1234", "email": "sam@springfield.example"},
    {
        "username": "tia",
        "password": "tia-password-1234",
        "email": "tia@springfield.example",
        "email_verified": None,  # no such claim in the tokens, as Microsoft Entra ID sends
    },
]


def callback_url(live_server) -> str:
    return f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"


def clients(live_server) -> list[dict]:
    redirect = [callback_url(live_server)]
    return [
        {"client_id": "onemind", "client_secret": SECRET, "redirect_uris": redirect},
        {
            "client_id": "onemind-wrong-audience",
            "client_secret": SECRET,
            "redirect_uris": redirect,
            "quirk": "wrong_audience",
        },
        {
            "client_id": "onemind-wrong-issuer",
            "client_secret": SECRET,
            "redirect_uris": redirect,
            "quirk": "wrong_issuer",
        },
        {
            "client_id": "onemind-bad-signature",
            "client_secret": SECRET,
            "redirect_uris": redirect,
            "quirk": "bad_signature",
        },
    ]


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """One provider process for the SSO tests, killed when they end."""
    with running_provider({"users": USERS, "clients": clients(live_server)}) as provider:
        yield provider


@pytest.fixture
def provider_claiming_another_issuer(live_server):
    """A provider whose discovery document names 127.0.0.1 whatever address it is read at."""
    config = {
        "users": USERS,
        "clients": clients(live_server),
        "issuer": "http://127.0.0.1:{port}/o",
    }
    with running_provider(config) as provider:
        yield provider
