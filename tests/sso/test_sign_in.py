"""Signing in through an agency's identity provider: a real OpenID Connect provider in its
own process (tests/oidc_provider), real redirects followed by an HTTP client through the
product's live server and the provider, a real code-for-token exchange and a real check of
the ID token's RS256 signature, issuer and audience."""

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from agencies.models import AuditEvent, Membership, Role, SSOConnection, SSOStatus, User
from tests.conftest import totp_code, with_totp
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.sso.conftest import PROVIDER_ID, SECRET, SLUG
from tests.sso.objects import sso_connection
from tests.sso.provider import csrf_token, sign_in, start_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def connect(
    issuer: str, *, client_id="onemind", status=SSOStatus.APPROVED, role=Role.EDITOR, **fields
):
    agency = AgencyFactory(name="Springfield Police Department", slug=SLUG)
    coordinator = MembershipFactory(agency=agency, role=Role.COORDINATOR).user
    return SSOConnection.all_agencies.create(
        agency=agency,
        provider_id=PROVIDER_ID,
        issuer=issuer,
        client_id=client_id,
        client_secret=SECRET,
        domains=["springfield.example"],
        default_role=role,
        status=status,
        updated_by=coordinator,
        **fields,
    )


def signed_in_as(session: requests.Session, live_server) -> str | None:
    """The address the product greets the session with, or None when it asks to sign in."""
    page = session.get(f"{live_server.url}/accounts/email/", timeout=10)
    if "/accounts/login/" in page.url:
        return None
    return page.url


def test_a_person_at_an_allowed_domain_signs_in_and_joins_with_the_default_role(
    live_server, oidc_provider
):
    connection = connect(oidc_provider.issuer())
    session = requests.Session()
    landed = sign_in(
        session, live_server.url, "ann.lee@springfield.example", "ann", "ann-password-1234"
    )
    assert landed.status_code == 200
    assert landed.url.startswith(f"{live_server.url}/a/{SLUG}/"), landed.url
    user = User.objects.get(email="ann.lee@springfield.example")
    assert (user.first_name, user.last_name) == ("Ann", "Lee")
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.all_agencies.get(user=user)
    assert (membership.agency, membership.role) == (connection.agency, Role.EDITOR)
    event = AuditEvent.objects.get(action="member.joined_by_sso")
    assert (event.actor, event.agency) == (user, connection.agency)
    account = SocialAccount.objects.get(user=user)
    assert account.provider == PROVIDER_ID


def test_the_second_sign_in_reuses_the_account(live_server, oidc_provider):
    connect(oidc_provider.issuer())
    for _ in range(2):
        landed = sign_in(
            requests.Session(),
            live_server.url,
            "ann.lee@springfield.example",
            "ann",
            "ann-password-1234",
        )
        assert landed.url.startswith(f"{live_server.url}/a/{SLUG}/"), landed.url
    assert User.objects.filter(email="ann.lee@springfield.example").count() == 1
    assert SocialAccount.objects.count() == 1
    assert AuditEvent.objects.filter(action="member.joined_by_sso").count() == 1


def test_an_existing_account_is_linked_by_its_verified_address(live_server, oidc_provider):
    connection = connect(oidc_provider.issuer(), role=Role.VIEWER)
    user = UserFactory(email="sam@springfield.example")
    password = user.password
    landed = sign_in(requests.Session(), live_server.url, user.email, "sam", "sam-password-1234")
    assert landed.url.startswith(f"{live_server.url}/a/{SLUG}/"), landed.url
    assert User.objects.filter(email=user.email).count() == 1
    assert SocialAccount.objects.get().user == user
    user.refresh_from_db()
    assert user.password == password  # its own address was confirmed: the password stays
    assert Membership.all_agencies.get(user=user).agency == connection.agency


def test_an_address_the_provider_did_not_verify_is_refused(live_server, oidc_provider):
    connect(oidc_provider.issuer())
    landed = sign_in(
        requests.Session(), live_server.url, "bob@springfield.example", "bob", "bob-password-1234"
    )
    assert landed.status_code == 403
    assert "allows single sign-on only for verified addresses" in landed.text
    assert not User.objects.filter(email="bob@springfield.example").exists()


def test_an_address_outside_the_allowed_domains_is_refused(live_server, oidc_provider):
    connect(oidc_provider.issuer())
    session = requests.Session()
    # Started with an address of the agency's domain, signed in at the provider as another.
    landed = sign_in(
        session, live_server.url, "ann.lee@springfield.example", "eve", "eve-password-1234"
    )
    assert landed.status_code == 403
    assert "eve@elsewhere.example" in landed.text and "springfield.example" in landed.text
    assert not User.objects.filter(email="eve@elsewhere.example").exists()
    assert signed_in_as(session, live_server) is None


def test_an_address_no_agency_signs_in_is_told_so(live_server, oidc_provider):
    connect(oidc_provider.issuer())
    page = start_sign_in(requests.Session(), live_server.url, "eve@elsewhere.example")
    assert page.url == f"{live_server.url}/accounts/sso/"
    assert "No agency signs in people at elsewhere.example" in page.text
    assert 'aria-labelledby="error-summary-heading' in page.text


@pytest.mark.parametrize("status", [SSOStatus.PENDING, SSOStatus.DISABLED])
def test_a_connection_not_approved_is_not_offered(live_server, oidc_provider, status):
    connect(oidc_provider.issuer(), status=status)
    session = requests.Session()
    page = start_sign_in(session, live_server.url, "ann.lee@springfield.example")
    assert page.url == f"{live_server.url}/accounts/sso/"
    assert "No agency signs in people at springfield.example" in page.text
    for path in ("login/", "login/callback/?code=x&state=y"):
        url = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/{path}"
        assert session.get(url, timeout=10).status_code == 404


def test_a_discovery_document_for_another_issuer_is_refused(
    live_server, provider_claiming_another_issuer
):
    # The agency entered the provider's address as localhost; its document says 127.0.0.1.
    connect(provider_claiming_another_issuer.issuer("localhost"))
    page = start_sign_in(requests.Session(), live_server.url, "ann.lee@springfield.example")
    assert page.url == f"{live_server.url}/accounts/sso/"
    assert "could not be reached or is not set up correctly" in page.text


@pytest.mark.parametrize(
    "client_id", ["onemind-wrong-issuer", "onemind-wrong-audience", "onemind-bad-signature"]
)
def test_an_id_token_from_another_issuer_for_another_client_or_forged_is_refused(
    live_server, oidc_provider, client_id
):
    connect(oidc_provider.issuer(), client_id=client_id)
    session = requests.Session()
    landed = sign_in(
        session, live_server.url, "ann.lee@springfield.example", "ann", "ann-password-1234"
    )
    assert landed.url.startswith(f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    assert "Third-Party Login Failure" in landed.text
    assert not User.objects.filter(email="ann.lee@springfield.example").exists()
    assert signed_in_as(session, live_server) is None


def test_the_same_provider_signs_in_when_the_token_is_right(live_server, oidc_provider):
    """The control for the test above: only the client's quirk differs."""
    connect(oidc_provider.issuer(), client_id="onemind")
    session = requests.Session()
    sign_in(session, live_server.url, "ann.lee@springfield.example", "ann", "ann-password-1234")
    assert signed_in_as(session, live_server) is not None


def test_program_staff_still_give_their_second_factor_after_the_provider(
    live_server, oidc_provider
):
    from django.contrib.auth.models import Group

    from agencies.staff import ADMINISTRATOR_GROUP

    connect(oidc_provider.issuer())
    staff = UserFactory(email="sam@springfield.example")
    staff.groups.add(Group.objects.get(name=ADMINISTRATOR_GROUP))
    with_totp(staff)
    session = requests.Session()
    landed = sign_in(session, live_server.url, staff.email, "sam", "sam-password-1234")
    assert landed.url == f"{live_server.url}/accounts/2fa/authenticate/", landed.url
    staff_page = session.get(f"{live_server.url}/staff/sso/", timeout=10)
    # Not signed in until the second factor: the staff page sends the session to sign in,
    # which goes on with the sign-in waiting for its code.
    assert staff_page.history[0].headers["Location"].startswith("/accounts/login/")
    assert staff_page.url == landed.url
    done = session.post(
        landed.url,
        data={"csrfmiddlewaretoken": csrf_token(landed), "code": totp_code(staff.totp_secret)},
        timeout=10,
    )
    assert done.status_code == 200
    staff_page = session.get(f"{live_server.url}/staff/sso/", timeout=10)
    assert staff_page.url == f"{live_server.url}/staff/sso/"
    assert "Springfield Police Department" in staff_page.text


def test_a_locked_account_stays_locked_through_the_provider(live_server, oidc_provider):
    from agencies import lockout

    connect(oidc_provider.issuer())
    user = UserFactory(email="sam@springfield.example")
    lockout.lock(user.email)
    session = requests.Session()
    landed = sign_in(session, live_server.url, user.email, "sam", "sam-password-1234")
    assert landed.status_code == 403
    assert signed_in_as(session, live_server) is None


@pytest.mark.parametrize("trusted", [True, False])
def test_a_provider_without_email_verified_signs_in_only_when_its_domains_are_trusted(
    live_server, oidc_provider, trusted
):
    connect(oidc_provider.issuer(), trust_domain_emails=trusted)
    landed = sign_in(
        requests.Session(), live_server.url, "tia@springfield.example", "tia", "tia-password-1234"
    )
    assert User.objects.filter(email="tia@springfield.example").exists() is trusted
    assert landed.status_code == (200 if trusted else 403)


@pytest.mark.parametrize("claim", ["false", "False", "0", "no", "true", 1])
def test_only_the_json_value_true_verifies_an_address(claim):
    """A provider that sends `email_verified` as text (or a number) vouches for nothing: the
    existing account at that address is neither signed in nor linked."""
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.adapter import get_adapter
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    connection = sso_connection(AgencyFactory(), status=SSOStatus.APPROVED)
    address = f"chief@{connection.domains[0]}"
    UserFactory(email=address)
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    provider = get_adapter(request).get_provider(request, connection.provider_id)
    claims = {"sub": "someone-else", "email": address, "email_verified": claim}

    login = provider.sociallogin_from_response(request, claims)
    assert not login.email_addresses[0].verified
    login.lookup()
    assert not login.is_existing
    with pytest.raises(ImmediateHttpResponse):
        get_adapter(request).pre_social_login(request, login)
    # The JSON value true does vouch for it.
    login = provider.sociallogin_from_response(request, {**claims, "email_verified": True})
    assert login.email_addresses[0].verified


def test_an_agency_provider_cannot_be_added_to_an_account_signed_in_otherwise():
    """Connecting the agency's provider to an account signed in by password would make that
    account a member whatever its own address: refused."""
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.adapter import get_adapter
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    connection = sso_connection(AgencyFactory(), status=SSOStatus.APPROVED)
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = UserFactory(email="someone@gmail.example")
    provider = get_adapter(request).get_provider(request, connection.provider_id)
    claims = {"sub": "s-1", "email": f"pat@{connection.domains[0]}", "email_verified": True}
    login = provider.sociallogin_from_response(request, claims)
    login.state["process"] = "connect"
    with pytest.raises(ImmediateHttpResponse):
        get_adapter(request).pre_social_login(request, login)
    assert not Membership.all_agencies.filter(user=request.user).exists()
