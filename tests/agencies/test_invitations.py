"""Invitations: emailed, single use, expiring, bound to the invited address."""

import html
import re
import threading
from unittest import mock
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies import services, tasks
from agencies.models import (
    AuditEvent,
    Invitation,
    Membership,
    OutboxEmail,
    OutboxStatus,
    Role,
    User,
)
from agencies.outbox import sending
from agencies.services import invitation_token
from tests.conftest import login
from tests.factories import InvitationFactory, UserFactory
from tests.forms import sign_up
from tests.pages import check_page


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Post the invitation form; the email goes out when the transaction commits."""

    def post(agency, email, role="editor"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("member_invite", kwargs={"agency_slug": agency.slug}),
                {"email": email, "role": role},
            )

    return post


def link_in_last_email() -> str:
    return re.search(r"https?://\S+(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_coordinator_invites_and_the_invitee_joins(client, invite, agency_a, coordinator):
    login(client, coordinator)
    assert invite(agency_a, "New.Editor@Millbrook.example").status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["new.editor@millbrook.example"]
    assert agency_a.name in message.subject
    assert message.alternatives[0].mimetype == "text/html"
    path = link_in_last_email()

    invitee = UserFactory(email="new.editor@millbrook.example")
    login(client, invitee)
    page = client.get(path)
    assert "Accept invitation" in page.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.all_agencies.get(user=invitee)
    assert (membership.agency, membership.role) == (agency_a, Role.EDITOR)
    actions = set(AuditEvent.objects.filter(agency=agency_a).values_list("action", flat=True))
    assert {"invitation.created", "invitation.accepted", "membership.created"} <= actions


def test_names_read_as_typed_in_the_text_and_subject_and_are_escaped_in_the_html(
    client, invite, agency_a, coordinator
):
    agency_a.name = "O'Brien & Sons Sheriff's Office"
    agency_a.save()
    coordinator.first_name, coordinator.last_name = "Dana", "O'Neil"
    coordinator.save()
    login(client, coordinator)
    invite(agency_a, "deputy@obrien.example")

    message = mail.outbox[-1]
    assert message.subject == (
        "[One Mind] You're invited to O'Brien & Sons Sheriff's Office on the One Mind "
        "Pledge Tracker"
    )
    assert message.body.startswith(
        "Dana O'Neil invited you to join O'Brien & Sons Sheriff's Office on"
    )
    html = message.alternatives[0].content
    assert "Dana O&#x27;Neil" in html
    assert "<strong>O&#x27;Brien &amp; Sons Sheriff&#x27;s Office</strong>" in html


def test_a_used_invitation_cannot_be_used_again(client, agency_a, coordinator):
    invitation = InvitationFactory(agency=agency_a, email="twice@millbrook.example")
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    user = UserFactory(email="twice@millbrook.example")
    login(client, user)
    client.post(path)
    Membership.all_agencies.filter(user=user).delete()
    response = client.post(path)
    assert "already been used" in response.content.decode()
    assert not Membership.all_agencies.filter(user=user).exists()


def test_an_expired_invitation_is_refused(client, agency_a):
    invitation = InvitationFactory(agency=agency_a, email="late@millbrook.example")
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    login(client, UserFactory(email="late@millbrook.example"))
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        response = client.post(path)
    assert "expired" in response.content.decode()
    assert Membership.all_agencies.filter(agency=agency_a).count() == 0


def test_the_wrong_account_cannot_accept(client, agency_a):
    invitation = InvitationFactory(agency=agency_a, email="intended@millbrook.example")
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    login(client, UserFactory(email="someone.else@millbrook.example"))
    response = client.post(path)
    assert "was sent to intended@millbrook.example" in response.content.decode()
    assert Membership.all_agencies.filter(agency=agency_a).count() == 0
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_forged_token_is_a_clear_404(client, agency_a, stranger):
    invitation = InvitationFactory(agency=agency_a, email=stranger.email)
    login(client, stranger)
    forged = invitation_token(invitation)[:-3] + "abc"
    response = client.post(reverse("invitation_accept", args=[forged]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert not Membership.all_agencies.filter(user=stranger).exists()


def test_inviting_an_existing_member_says_so_and_sends_nothing(
    client, invite, agency_a, coordinator, editor
):
    login(client, coordinator)
    response = invite(agency_a, editor.email.upper())
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert mail.outbox == []
    assert not Invitation.all_agencies.exists()


def test_accepting_when_already_a_member_changes_nothing(client, agency_a, editor):
    invitation = InvitationFactory(agency=agency_a, email=editor.email, role=Role.COORDINATOR)
    login(client, editor)
    response = client.post(reverse("invitation_accept", args=[invitation_token(invitation)]))
    assert "already a member" in response.content.decode()
    assert Membership.all_agencies.get(user=editor).role == Role.EDITOR


def test_a_new_invitation_replaces_the_open_one(client, invite, agency_a, coordinator):
    login(client, coordinator)
    invite(agency_a, "again@millbrook.example")
    first = Invitation.all_agencies.get()
    invite(agency_a, "again@millbrook.example", role="viewer")
    first.refresh_from_db()
    assert first.state == "revoked"
    user = UserFactory(email="again@millbrook.example")
    login(client, user)
    response = client.post(reverse("invitation_accept", args=[invitation_token(first)]))
    assert "withdrawn" in response.content.decode()
    client.post(link_in_last_email())
    assert Membership.all_agencies.get(user=user).role == Role.VIEWER


def test_anonymous_visitors_are_asked_to_sign_in_as_the_invited_address(client, agency_a):
    invitation = InvitationFactory(agency=agency_a, email="fresh@millbrook.example")
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    text = client.get(path).content.decode()
    assert "fresh@millbrook.example" in text
    assert f'href="/accounts/login/?next={quote(path)}"' in text
    response = client.post(path)
    assert response.status_code == 200 and "Accept invitation" not in response.content.decode()
    assert not Membership.all_agencies.exists()
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_a_replaced_invitation_is_audited_as_withdrawn(client, invite, agency_a, coordinator):
    login(client, coordinator)
    invite(agency_a, "twice.invited@millbrook.example")
    invite(agency_a, "twice.invited@millbrook.example")
    event = AuditEvent.objects.get(action="invitation.revoked")
    assert event.changes["reason"] == [None, "replaced"]


def test_an_accepted_invitation_cannot_be_withdrawn_afterwards(client, agency_a, coordinator):
    invitation = InvitationFactory(agency=agency_a, email="quick@millbrook.example")
    stale = Invitation.all_agencies.get(pk=invitation.pk)  # the coordinator's page, loaded earlier
    login(client, UserFactory(email="quick@millbrook.example"))
    client.post(reverse("invitation_accept", args=[invitation_token(invitation)]))
    with pytest.raises(ValidationError, match="already accepted"):
        services.invitation_revoke(agency=agency_a, actor=coordinator, invitation=stale)
    invitation.refresh_from_db()
    assert invitation.state == "accepted"
    assert not AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_coordinator_withdraws_an_invitation(client, agency_a, coordinator):
    login(client, coordinator)
    invitation = InvitationFactory(agency=agency_a)
    client.post(
        reverse(
            "invitation_revoke",
            kwargs={"agency_slug": agency_a.slug, "invitation_id": invitation.public_id},
        )
    )
    invitation.refresh_from_db()
    assert invitation.state == "revoked"


def test_an_unconfirmed_address_of_the_account_cannot_accept(client, agency_a):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="main@millbrook.example")
    EmailAddress.objects.create(user=user, email="second@millbrook.example", verified=False)
    invitation = InvitationFactory(agency=agency_a, email="second@millbrook.example")
    login(client, user)
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    assert "was sent to second@millbrook.example" in client.post(path).content.decode()
    EmailAddress.objects.filter(email="second@millbrook.example").update(verified=True)
    assert client.post(path).status_code == 302
    assert Membership.all_agencies.filter(user=user, agency=agency_a).exists()


def test_with_the_broker_down_the_invitation_stands_and_its_email_goes_out_once(
    client, agency_a, coordinator, broker_down, django_capture_on_commit_callbacks
):
    login(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite", kwargs={"agency_slug": agency_a.slug}),
            {"email": "Late.Mail@Millbrook.example", "role": "editor"},
        )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Invitation sent to late.mail@millbrook.example" in page
    assert mail.outbox == []
    row = OutboxEmail.objects.get()
    assert (row.status, row.recipient_id, row.address) == (
        OutboxStatus.PENDING,
        None,
        "late.mail@millbrook.example",
    )

    broker_down.back()
    assert tasks.dispatch_outbox() == 1  # beat's next run of the dispatcher
    assert tasks.dispatch_outbox() == 0
    [message] = mail.outbox
    assert message.to == ["late.mail@millbrook.example"]
    assert message.subject == (
        "[One Mind] You're invited to Millbrook Police Department on the One Mind Pledge Tracker"
    )
    assert (
        f"{coordinator.get_full_name()} invited you to join Millbrook Police Department "
        "on the One Mind Pledge Tracker as editor." in message.body
    )
    assert "List-Unsubscribe" not in message.extra_headers  # not a subscription

    invitee = UserFactory(email="late.mail@millbrook.example")
    login(client, invitee)
    assert client.post(link_in_last_email()).status_code == 302
    assert Membership.all_agencies.get(user=invitee).role == Role.EDITOR


def test_an_invitation_withdrawn_before_its_email_went_out_is_not_sent(
    client, agency_a, coordinator, broker_down
):
    invitation = services.invitation_create(
        agency=agency_a, actor=coordinator, email="changed.mind@millbrook.example", role="viewer"
    )
    services.invitation_revoke(agency=agency_a, actor=coordinator, invitation=invitation)
    broker_down.back()
    assert sending.dispatch().skipped == 1
    assert mail.outbox == []
    assert "revoked" in OutboxEmail.objects.get().last_error


def test_sending_again_is_a_new_email_and_only_the_newest_goes_out(
    agency_a, coordinator, broker_down
):
    for role in ("viewer", "editor"):
        services.invitation_create(
            agency=agency_a, actor=coordinator, email="twice@millbrook.example", role=role
        )
    assert OutboxEmail.objects.count() == 2
    broker_down.back()
    result = sending.dispatch()
    assert (result.sent, result.skipped) == (1, 1)  # the first was replaced before it went
    assert "as editor" in mail.outbox[0].body


def test_an_expired_invitation_is_replaced_by_a_new_one(agency_a, coordinator):
    first = services.invitation_create(
        agency=agency_a, actor=coordinator, email="slow@millbrook.example", role="viewer"
    )
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        second = services.invitation_create(
            agency=agency_a, actor=coordinator, email="slow@millbrook.example", role="viewer"
        )
        first.refresh_from_db()
        assert (first.state, second.state) == ("revoked", "open")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("roles", "outcomes"),
    [
        (("editor", "editor"), [302, 302]),  # a double click: both land on the same one
        (("editor", "viewer"), [200, 302]),  # two coordinators: the second is told
    ],
    ids=["same-role", "different-roles"],
)
def test_two_invitations_posted_at_once_leave_one(roles, outcomes):
    from django.test import Client

    from tests.conftest import member
    from tests.factories import AgencyFactory

    agency = AgencyFactory(slug="millbrook-pd")
    coordinators = [
        member(agency, Role.COORDINATOR, f"coordinator{n}@millbrook.example") for n in (1, 2)
    ]
    url = reverse("member_invite", kwargs={"agency_slug": agency.slug})
    # Both requests are inside their transactions, neither has written, when they go on.
    both_inside = threading.Barrier(2, timeout=20)
    waited = threading.local()
    real_scope = services.agency_scope

    def scope_once_both_are_inside(scoped):
        if not getattr(waited, "done", False):
            waited.done = True
            both_inside.wait()
        return real_scope(scoped)

    responses = {}

    def post(n: int) -> None:
        try:
            client = Client()
            client.force_login(coordinators[n])
            responses[n] = client.post(
                url, {"email": "new.hire@millbrook.example", "role": roles[n]}
            )
        finally:
            connection.close()

    with mock.patch.object(services, "agency_scope", scope_once_both_are_inside):
        threads = [threading.Thread(target=post, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(r.status_code for r in responses.values()) == outcomes
    waiting = Invitation.all_agencies.filter(accepted_at=None, revoked_at=None)
    assert waiting.count() == 1
    assert OutboxEmail.objects.count() == 1  # one email for the one invitation
    if 200 in outcomes:
        refused = next(r for r in responses.values() if r.status_code == 200)
        assert "invited new.hire@millbrook.example" in refused.content.decode()
        assert "a moment ago" in refused.content.decode()


# Signing up from an invitation: the invitation confirms the invited address.


def signup_link(client, invitation) -> str:
    """The invitation page's "Create an account" link, as an anonymous visitor sees it."""
    page = client.get(reverse("invitation_accept", args=[invitation_token(invitation)]))
    found = re.search(
        r'href="(/accounts/signup/\?[^"]+)">Create an account<', page.content.decode()
    )
    return html.unescape(found.group(1))


def test_an_invitee_signs_up_with_the_address_confirmed_and_joins(client, agency_a):
    invitation = InvitationFactory(agency=agency_a, email="new.hire@millbrook.example")
    link = signup_link(client, invitation)
    query = parse_qs(urlsplit(link).query)
    page = client.get(link).content.decode()
    check_page(page)
    assert f"Join {agency_a.name}" in page
    email_field = re.search(r'<input[^>]*name="email"[^>]*>', page).group(0)
    assert 'value="new.hire@millbrook.example"' in email_field and "disabled" in email_field

    # The browser sends the hidden invitation field, and no value for the locked address.
    response = sign_up(
        client,
        query=link.removeprefix("/accounts/signup/"),
        invitation=query["invitation"][0],
        email="",
    )
    assert response["Location"] == query["next"][0]  # signed in at once, back to accept
    assert mail.outbox == []  # no confirmation email to wait for
    user = User.objects.get(email="new.hire@millbrook.example")
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    assert client.post(query["next"][0]).status_code == 302
    assert Membership.all_agencies.get(user=user).role == invitation.role


def test_the_invited_address_cannot_be_swapped_for_another(client, agency_a):
    invitation = InvitationFactory(agency=agency_a, email="invited@millbrook.example")
    link = signup_link(client, invitation) + "&email=taken.over%40elsewhere.example"
    response = sign_up(
        client,
        query=link.removeprefix("/accounts/signup/"),
        invitation=invitation_token(invitation),
        email="taken.over@elsewhere.example",
    )
    assert response.status_code == 302
    user = User.objects.get(email="invited@millbrook.example")
    assert not User.objects.filter(email__icontains="elsewhere").exists()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("invited@millbrook.example", True)
    ]
    assert not EmailAddress.objects.filter(email__icontains="elsewhere").exists()


@pytest.mark.parametrize("state", ["forged", "withdrawn", "expired", "used"])
def test_an_invitation_that_cannot_be_accepted_confirms_nothing(client, agency_a, state):
    invitation = InvitationFactory(agency=agency_a, email="invited@millbrook.example")
    token = invitation_token(invitation)
    if state == "forged":
        token = token[:-3] + "abc"
    elif state == "withdrawn":
        Invitation.all_agencies.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        Invitation.all_agencies.filter(pk=invitation.pk).update(expires_at=timezone.now())
    else:
        Invitation.all_agencies.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    page = client.get(reverse("account_signup") + f"?invitation={quote(token)}")
    assert "disabled" not in re.search(r'<input[^>]*name="email"[^>]*>', page.content.decode())[0]

    response = sign_up(
        client,
        query=f"?invitation={quote(token)}",
        invitation=token,
        email="someone@elsewhere.example",
    )
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="someone@elsewhere.example")
    assert not EmailAddress.objects.get(user=user).verified
    [confirmation] = mail.outbox
    assert confirmation.to == ["someone@elsewhere.example"]
    assert "_auth_user_id" not in client.session
