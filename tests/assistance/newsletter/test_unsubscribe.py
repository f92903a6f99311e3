"""The newsletter's own stream: a signed link turns it off with one click, without signing in,
and nothing else; the real message carries its List-Unsubscribe headers."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from agencies.models import AuditEvent, Membership
from agencies.outbox.sending import dispatch_all
from assistance.newsletter import emails, queries, services
from pledges.emails.subscriptions import Stream, preference_of, unsubscribe_token
from tests.assistance.newsletter import objects

pytestmark = pytest.mark.django_db


def link(user) -> str:
    return reverse("newsletter_unsubscribe", kwargs={"token": emails.unsubscribe_token(user)})


def test_the_link_asks_then_one_click_unsubscribes_without_signing_in(client):
    (person,) = objects.subscribers(1)

    page = client.get(link(person))
    assert page.status_code == 200 and person.email in page.content.decode()
    assert queries.is_subscribed(person)  # opening the link changes nothing

    done = client.post(link(person))

    assert done.status_code == 200
    assert not queries.is_subscribed(person)
    event = AuditEvent.objects.get(action="newsletter.unsubscribed")
    assert event.changes == {"via": [None, "the email's link"]}


def test_a_mail_providers_one_click_post_needs_no_csrf_token(db):
    (person,) = objects.subscribers(1)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(link(person), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not queries.is_subscribed(person)


def test_only_the_newsletter_is_turned_off(client, agency_a, coordinator):
    membership = Membership.all_agencies.get(agency=agency_a, user=coordinator)
    agency_emails = preference_of(membership)
    assert agency_emails.wants(Stream.REPORTS) and agency_emails.wants(Stream.REMINDERS)
    services.newsletter_subscription_set(user=coordinator, subscribed=True)

    client.post(link(coordinator))

    assert preference_of(membership) == agency_emails  # reports and reminders untouched
    assert not queries.is_subscribed(coordinator)


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "eyJuZXdzbGV0dGVyIjoxfQ:1vRXYZ:forgedsignatureforgedsignature",
        "agency-stream",
    ],
)
def test_a_forged_or_foreign_token_is_refused(client, agency_a, coordinator, token):
    services.newsletter_subscription_set(user=coordinator, subscribed=True)
    if token == "agency-stream":  # a real link, but of the agency's progress reports
        token = unsubscribe_token(
            user_id=coordinator.pk, agency_id=agency_a.pk, stream=Stream.REPORTS
        )
    url = reverse("newsletter_unsubscribe", kwargs={"token": token})

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert queries.is_subscribed(coordinator)


def test_the_real_message_carries_the_newsletters_own_unsubscribe_headers(smtp_inbox, client):
    (person,) = objects.subscribers(1)
    with transaction.atomic():
        newsletter = objects.sent(subject="Winter news")

    dispatch_all()

    (message,) = smtp_inbox.to(person.email)
    assert message["Subject"].endswith("Winter news")
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.endswith(link(person))
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert unsubscribe in text and "Hello everyone" not in text  # Markdown source in text
    assert "<strong>everyone</strong>" in html
    assert "Responding to youth in crisis" in html and "Co-responder programs webinar" in text
    assert newsletter.get_absolute_url() in text

    # The header's own link, posted as a mail provider does: the newsletter is off.
    client.post(unsubscribe.removeprefix("http://testserver"))
    assert not queries.is_subscribed(person)
