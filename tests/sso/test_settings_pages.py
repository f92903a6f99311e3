"""The coordinator's single sign-on settings and program staff's approvals."""

import pytest
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.urls import reverse

from agencies.models import AuditEvent, Role, SSOConnection, SSOStatus
from agencies.sso.forms import ConnectionForm
from agencies.sso.provider import allowed_url, check_discovery
from agencies.sso.services import connection_review
from tests.conftest import login
from tests.factories import AgencyFactory
from tests.sso.objects import sso_connection

ISSUER = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"


def form_data(**changes) -> dict:
    return {
        "issuer": ISSUER,
        "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e",
        "client_secret": "an-entra-client-secret",
        "domains": "Millbrook.example\n@millbrook-pd.example",
        "default_role": Role.EDITOR,
        "coordinator_reason": "",
        **changes,
    }


def test_a_coordinator_sends_the_connection_for_approval(client, agency_a, coordinator):
    login(client, coordinator)
    url = reverse("sso_settings", kwargs={"agency_slug": agency_a.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert f"/accounts/oidc/agency-{agency_a.slug}/login/callback/" in page.content.decode()

    response = client.post(url, form_data())

    assert response.status_code == 302
    connection = SSOConnection.all_agencies.get(agency=agency_a)
    assert connection.status == SSOStatus.PENDING
    assert connection.provider_id == f"agency-{agency_a.slug}"
    assert connection.domains == ["millbrook-pd.example", "millbrook.example"]
    event = AuditEvent.objects.get(action="sso.created")
    assert event.actor == coordinator and "an-entra-client-secret" not in str(event.changes)
    # The secret is never shown again; saving without it keeps it.
    page = client.get(url).content.decode()
    assert "an-entra-client-secret" not in page
    assert "Waiting for program staff" in page


def test_a_change_sends_an_approved_connection_back_for_approval(client, agency_a, coordinator):
    connection = sso_connection(agency_a, status=SSOStatus.APPROVED, coordinator=coordinator)
    login(client, coordinator)
    url = reverse("sso_settings", kwargs={"agency_slug": agency_a.slug})
    client.post(url, form_data(client_id="onemind", client_secret="", issuer=connection.issuer))
    connection.refresh_from_db()
    assert connection.status == SSOStatus.PENDING
    assert connection.client_secret == "a-client-secret"  # kept
    event = AuditEvent.objects.get(action="sso.changed")
    assert "a-client-secret" not in str(event.changes)


def test_the_coordinator_role_for_everyone_needs_a_reason(client, agency_a, coordinator):
    login(client, coordinator)
    url = reverse("sso_settings", kwargs={"agency_slug": agency_a.slug})
    page = client.post(url, form_data(default_role=Role.COORDINATOR))
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is a problem with what you entered" in text
    assert "Say why everyone who signs in should be a coordinator" in text
    assert not SSOConnection.all_agencies.exists()
    client.post(url, form_data(default_role=Role.COORDINATOR, coordinator_reason="Two officers."))
    assert SSOConnection.all_agencies.get().coordinator_reason == "Two officers."


@pytest.mark.parametrize(
    ("issuer", "accepted"),
    [
        (ISSUER, True),
        ("http://login.example.com/tenant", False),
        ("http://127.0.0.1:8080/o", True),  # loopback, allowed by the tests' settings
    ],
)
def test_the_issuer_must_use_https(issuer, accepted):
    form = ConnectionForm(form_data(issuer=issuer))
    assert form.is_valid() is accepted, form.errors


def test_plain_http_to_loopback_needs_the_setting(settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    assert not allowed_url("http://127.0.0.1:8080/o")
    assert not allowed_url("http://localhost:8080/o")
    assert allowed_url("https://accounts.google.com")
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    assert allowed_url("http://[::1]:8080/o")
    assert not allowed_url("http://10.0.0.1/o")


def test_a_discovery_document_with_plain_http_endpoints_is_refused(settings, monkeypatch):
    from agencies.webhooks import network

    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    monkeypatch.setattr(network, "resolve", lambda host, port: ["93.184.216.34"])
    good = {
        "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize",
        "token_endpoint": "https://idp.example/token",
        "jwks_uri": "https://idp.example/keys",
    }
    check_discovery(good, "https://idp.example/")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        with pytest.raises(OAuth2Error):
            check_discovery({**good, key: "http://idp.example/x"}, "https://idp.example")
    with pytest.raises(OAuth2Error, match="another issuer"):
        check_discovery(good, "https://other.example")


def test_another_agencys_coordinator_neither_sees_nor_changes_the_settings(
    client, agency_a, coordinator, coordinator_b
):
    connection = sso_connection(agency_a, status=SSOStatus.APPROVED, coordinator=coordinator)
    login(client, coordinator_b)
    url = reverse("sso_settings", kwargs={"agency_slug": agency_a.slug})
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    connection.refresh_from_db()
    assert (connection.status, connection.issuer) == (SSOStatus.APPROVED, connection.issuer)
    assert not AuditEvent.objects.filter(action__startswith="sso.").exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_members_below_coordinator_cannot_open_the_settings(client, agency_a, role):
    from tests.conftest import member

    login(client, member(agency_a, role, f"{role}@millbrook.example"))
    url = reverse("sso_settings", kwargs={"agency_slug": agency_a.slug})
    assert client.get(url).status_code == 403


def test_program_staff_approve_and_turn_off_a_connection(
    client, administrator, agency_a, django_assert_max_num_queries
):
    connection = sso_connection(agency_a)
    for _ in range(3):
        sso_connection()
    login(client, administrator, mfa=True)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("staff:sso_connections"))
    assert agency_a.name in page.content.decode()
    review = reverse("staff:sso_review", kwargs={"connection_id": connection.public_id})

    client.post(review, {"decision": "approve"})
    connection.refresh_from_db()
    assert connection.status == SSOStatus.APPROVED and connection.reviewed_by == administrator
    client.post(review, {"decision": "disable"})
    connection.refresh_from_db()
    assert connection.status == SSOStatus.DISABLED
    actions = AuditEvent.objects.filter(action__startswith="sso.").order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["sso.approved", "sso.disabled"]


def test_a_domain_is_approved_for_one_agency_at_a_time(administrator, agency_a, agency_b):
    from django.core.exceptions import ValidationError

    first = sso_connection(agency_a, domains=["county.example"])
    second = sso_connection(agency_b, domains=["county.example", "harlan.example"])
    connection_review(connection=first, actor=administrator, approve=True)
    with pytest.raises(ValidationError, match="county.example"):
        connection_review(connection=second, actor=administrator, approve=True)
    second.refresh_from_db()
    assert second.status == SSOStatus.PENDING


def test_a_connection_keeps_its_provider_id_when_the_agency_changes_address(agency_a, coordinator):
    from agencies.sso.services import connection_save, provider_id_for

    data = form_data()
    data["domains"] = ["millbrook.example"]
    connection = connection_save(agency=agency_a, actor=coordinator, **data)
    agency_a.slug = "millbrook-police"
    agency_a.save(update_fields=["slug"])
    assert provider_id_for(agency_a) == connection.provider_id == "agency-millbrook-pd"
    # A new agency at the old address gets a provider id of its own.
    newcomer = AgencyFactory(slug="millbrook-pd")
    assert provider_id_for(newcomer) == f"agency-millbrook-pd-{newcomer.public_id.hex[:8]}"


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.5:8443", "https://169.254.169.254/", "https://[::1]/", "https://127.0.0.1/",
     "https://user:pw@idp.example.com/", "http://idp.example.com/", "ftp://idp.example.com/"],
)  # fmt: skip
def test_a_provider_address_inside_the_network_is_refused(url, settings):
    """The product fetches a provider's documents and keys itself: never from an address
    inside its own network (SSRF), whatever the issuer or its discovery document names."""
    from agencies.sso import provider

    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    assert not provider.allowed_url(url)
    assert not provider.reachable(url)


def test_a_provider_name_leading_inside_the_network_is_refused_when_fetched(settings, monkeypatch):
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error

    from agencies.sso import provider
    from agencies.webhooks import network

    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    names = {"idp.example.com": ["93.184.216.34"], "internal.example.com": ["10.0.0.5"]}
    monkeypatch.setattr(network, "resolve", lambda host, port: names[host])
    issuer = "https://idp.example.com"
    document = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": "https://internal.example.com/token",
        "jwks_uri": f"{issuer}/keys",
    }
    assert provider.allowed_url(issuer) and provider.reachable(issuer)
    with pytest.raises(OAuth2Error, match="token_endpoint"):
        provider.check_discovery(document, issuer)
    provider.check_discovery({**document, "token_endpoint": f"{issuer}/token"}, issuer)


def test_the_providers_session_refuses_an_address_inside_the_network_at_connection(settings):
    """What is checked is the address connected to, not the one a name led to earlier (DNS
    rebinding), nor a redirect's: a server on loopback is refused unless the tests' setting
    allows it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import requests

    from agencies.sso.http import provider_session

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/openid-configuration"
    try:
        settings.SSO_ALLOW_HTTP_LOOPBACK = False
        with pytest.raises(requests.ConnectionError, match="not a public address"):
            provider_session(timeout=5).get(url)
        settings.SSO_ALLOW_HTTP_LOOPBACK = True
        assert provider_session(timeout=5).get(url).status_code == 200
    finally:
        server.shutdown()
        server.server_close()
