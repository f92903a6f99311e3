"""The public archive holds sent issues only, each as sent with its items; staff's preview
shows exactly what will be sent; staff put the items in order."""

import pytest
from django.db import transaction
from django.urls import reverse

from agencies.models import AuditEvent
from assistance.models import Event, Resource, Status
from assistance.newsletter import services
from tests.assistance.newsletter import objects
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_archive_lists_sent_issues_only(client):
    sent = objects.sent(subject="November news")
    draft = objects.draft(subject="A draft nobody may read")
    sending = objects.draft(subject="Being sent right now")
    with transaction.atomic():
        services.newsletter_send(actor=UserFactory(), newsletter=sending)

    page = client.get(reverse("newsletter_archive")).content.decode()

    assert "November news" in page and sent.get_absolute_url() in page
    assert draft.subject not in page and sending.subject not in page
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(sending.get_absolute_url()).status_code == 404


def test_the_archive_reads_in_one_query_however_many_issues(client, django_assert_num_queries):
    for month in ("September", "October", "November"):
        objects.sent(subject=f"{month} news")
    with django_assert_num_queries(1):
        page = client.get(reverse("newsletter_archive"))
    assert page.content.decode().count("news</a>") == 3


def test_an_issue_shows_its_intro_and_items_in_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    newsletter = objects.draft(intro="Welcome to **winter**.")
    actor = UserFactory()
    for _ in range(3):
        services.newsletter_item_add(
            actor=actor, newsletter=newsletter, spotlight=objects.spotlight()
        )
    services.newsletter_item_add(actor=actor, newsletter=newsletter, resource=objects.resource())
    with transaction.atomic():
        services.newsletter_send(actor=actor, newsletter=newsletter)
    objects.services_write(newsletter)

    # The issue, its items with their resources and events, the spotlights shown.
    with django_assert_num_queries(3):
        page = client.get(newsletter.get_absolute_url()).content.decode()

    assert "<strong>winter</strong>" in page
    assert page.count("Riverton&#x27;s crisis team") == 3
    assert page.count("Responding to youth in crisis") == 2
    assert "https://events.example/register" in page


def test_a_spotlight_taken_down_after_sending_leaves_the_archived_issue(client):
    spotlight = objects.spotlight(title="A story since withdrawn")
    newsletter = objects.draft()
    services.newsletter_item_add(actor=UserFactory(), newsletter=newsletter, spotlight=spotlight)
    with transaction.atomic():
        services.newsletter_send(actor=UserFactory(), newsletter=newsletter)
    objects.services_write(newsletter)
    assert "A story since withdrawn" in client.get(newsletter.get_absolute_url()).content.decode()

    services.spotlight_consent_set(actor=UserFactory(), agency=spotlight.agency, consented=False)

    assert (
        "A story since withdrawn" not in client.get(newsletter.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETIRED])
def test_a_resource_or_event_no_longer_published_leaves_the_archived_issue(client, status):
    newsletter = objects.sent()
    resource = newsletter.items.get(resource__isnull=False).resource
    event = newsletter.items.get(event__isnull=False).event
    page = client.get(newsletter.get_absolute_url()).content.decode()
    assert resource.title in page and event.title in page

    Resource.objects.filter(pk=resource.pk).update(status=status)
    Event.objects.filter(pk=event.pk).update(status=status)

    page = client.get(newsletter.get_absolute_url()).content.decode()
    assert resource.title not in page and event.title not in page


def test_the_preview_shows_the_email_as_sent(client, reviewer):
    newsletter = objects.draft(
        subject="Preview me", intro="Read [the toolkit](https://iacp.example/t)."
    )
    login(client, reviewer, mfa=True)

    page = client.get(reverse("staff:newsletter_preview", args=[newsletter.public_id]))
    email = client.get(reverse("staff:newsletter_preview_html", args=[newsletter.public_id]))

    text = page.content.decode()
    assert "Read [the toolkit](https://iacp.example/t)." in text  # the plain-text part
    assert '<a href="https://iacp.example/t" rel="noopener noreferrer">the toolkit</a>' in text
    assert "Unsubscribe from the One Mind newsletter" in text
    html = email.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "Preview me" in html
    assert "/newsletters/unsubscribe/" in html
    assert "Co-responder programs webinar" in html


def test_staff_add_move_and_remove_items(client, reviewer):
    newsletter = objects.draft()
    login(client, reviewer, mfa=True)
    url = reverse("staff:newsletter_items", args=[newsletter.public_id])
    first, second = newsletter.items.order_by("position")

    client.post(url, {"action": "down", "item": first.public_id})
    assert list(newsletter.items.order_by("position")) == [second, first]
    client.post(url, {"action": "remove", "item": second.public_id})
    assert list(newsletter.items.all()) == [first]
    client.post(url, {"action": "add", "event": objects.event(title="Another").public_id})
    assert newsletter.items.count() == 2
    assert client.post(url, {"action": "remove", "item": "not-an-id"}).status_code == 404
    actions = AuditEvent.objects.filter(action__startswith="newsletter.item_")
    assert set(actions.values_list("action", flat=True)) == {
        "newsletter.item_added",
        "newsletter.item_moved",
        "newsletter.item_removed",
    }


def test_a_sent_issue_cannot_change(client, reviewer):
    newsletter = objects.sent(subject="As sent")
    login(client, reviewer, mfa=True)

    edited = client.post(
        reverse("staff:newsletter_edit", args=[newsletter.public_id]),
        {"subject": "Rewritten", "intro": ""},
        follow=True,
    )
    assert "This issue was sent: it cannot change." in edited.content.decode()
    client.post(
        reverse("staff:newsletter_items", args=[newsletter.public_id]),
        {"action": "remove", "item": newsletter.items.first().public_id},
    )

    newsletter.refresh_from_db()
    assert newsletter.subject == "As sent" and newsletter.items.count() == 2


def test_a_member_chooses_the_newsletter_on_their_own_page(client, coordinator):
    login(client, coordinator)
    url = reverse("newsletter_subscription")
    assert 'name="subscribed"' in client.get(url).content.decode()

    client.post(url, {"subscribed": "on"})
    assert coordinator.newsletter_choice.subscribed
    client.post(url, {})
    coordinator.newsletter_choice.refresh_from_db()
    assert not coordinator.newsletter_choice.subscribed
    assert AuditEvent.objects.filter(actor=coordinator, action="newsletter.subscribed").exists()


def test_the_choice_needs_signing_in(client, db):
    response = client.get(reverse("newsletter_subscription"))
    assert response.status_code == 302 and "login" in response["Location"]
