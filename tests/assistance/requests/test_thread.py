"""A technical-assistance request from question to answer: the coordinator asks, staff
assign an expert, the expert answers, the coordinator reads and replies; each message
emails the other side once, and every write is in the audit trail."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent, Membership, OutboxEmail, Role
from agencies.outbox import sending
from assistance.experts.services import expert_end
from assistance.models import AssistanceRequest, Outcome, RequestMessage, RequestStatus
from assistance.requests import services, staff_views
from tests.assistance.objects import expert_of, request_of
from tests.conftest import login, member, with_totp
from tests.factories import UserFactory
from tests.files import pdf

EMAIL = "assistance_message"


def emails_to(user) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=EMAIL, recipient=user))


def page(ta, agency) -> str:
    return reverse(
        "assistance_request_detail",
        kwargs={"agency_slug": agency.slug, "request_id": ta.public_id},
    )


def staff_page(ta, name="staff:assistance_request") -> str:
    return reverse(name, kwargs={"request_id": ta.public_id})


@pytest.fixture
def expert(db):
    return with_totp(expert_of().user)


def test_a_request_from_question_to_answer(
    client, agency_a, coordinator, editor, viewer, reviewer, expert
):
    login(client, coordinator)
    response = client.post(
        reverse("assistance_request_create", kwargs={"agency_slug": agency_a.slug}),
        {
            "token": str(uuid.uuid4()),
            "requirement": "partnership",
            "subject": "No crisis center within 60 miles",
            "tried": "We asked the county CSB; they have no staff for an MOU.",
            "attachment": pdf("draft-mou.pdf"),
        },
    )
    ta = AssistanceRequest.all_agencies.get()
    assert response.status_code == 302 and response["Location"] == page(ta, agency_a)
    assert ta.status == RequestStatus.WAITING and ta.waiting_since is not None
    # No expert yet: the reviewers hear of it, and nobody on the agency's side.
    assert len(emails_to(reviewer)) == 1
    assert emails_to(coordinator) == emails_to(editor) == []

    login(client, reviewer, mfa=True)
    response = client.post(
        staff_page(ta, "staff:assistance_request_assign"),
        {"expert": str(expert.expert_roles.get().public_id)},
    )
    assert response.status_code == 302

    login(client, expert, mfa=True)
    assert b"No crisis center" in client.get(reverse("staff:assistance_mine")).content
    detail = client.get(staff_page(ta))
    assert b"We asked the county CSB" in detail.content
    attachment = ta.attachments.model.all_agencies.get(request=ta)
    download = client.get(
        reverse(
            "staff:assistance_request_attachment",
            kwargs={"request_id": ta.public_id, "attachment_id": attachment.public_id},
        )
    )
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    response = client.post(
        staff_page(ta, "staff:assistance_request_reply"),
        {"token": str(uuid.uuid4()), "body": "The state crisis line can be your partner."},
    )
    assert response.status_code == 302
    ta.refresh_from_db()
    assert ta.status == RequestStatus.ANSWERED and ta.first_response_at is not None
    # The coordinator and the editor hear of the answer, once each; the viewer does not.
    assert len(emails_to(coordinator)) == len(emails_to(editor)) == 1
    assert emails_to(viewer) == []

    login(client, coordinator)
    assert b"The state crisis line" in client.get(page(ta, agency_a)).content
    client.post(
        reverse(
            "assistance_request_reply",
            kwargs={"agency_slug": agency_a.slug, "request_id": ta.public_id},
        ),
        {"token": str(uuid.uuid4()), "body": "Thank you: the line agreed to an MOU."},
    )
    # The coordinator's reply goes to the assigned expert now, not to every reviewer.
    assert len(emails_to(expert)) == 1
    assert len(emails_to(reviewer)) == 1
    assert RequestMessage.all_agencies.filter(request=ta).count() == 3

    # The emails link to the page, not the thread, and each reaches its reader.
    sending.dispatch()
    assert len(mail.outbox) == 5  # the four above, and the expert's assignment
    to_coordinator = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert page(ta, agency_a) in to_coordinator.body
    assert "state crisis line" not in to_coordinator.body
    to_expert = next(m for m in mail.outbox if m.to == [expert.email])
    assert staff_page(ta) in to_expert.body


def test_the_same_reply_sent_twice_posts_once(client, agency_a, coordinator, editor, reviewer):
    ta = request_of(agency_a, coordinator=coordinator)
    login(client, editor)
    url = reverse(
        "assistance_request_reply",
        kwargs={"agency_slug": agency_a.slug, "request_id": ta.public_id},
    )
    body = {"token": str(uuid.uuid4()), "body": "Here is the county's answer."}
    emails = OutboxEmail.objects.count()

    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302

    assert RequestMessage.all_agencies.filter(request=ta).count() == 2
    assert OutboxEmail.objects.count() == emails + 1  # the reviewer, once
    assert AuditEvent.objects.filter(action="assistance_request.message_posted").count() == 2


def test_the_same_new_request_sent_twice_opens_one(client, agency_a, coordinator):
    login(client, coordinator)
    url = reverse("assistance_request_create", kwargs={"agency_slug": agency_a.slug})
    body = {
        "token": str(uuid.uuid4()),
        "requirement": "cit",
        "subject": "Finding a CIT class",
        "tried": "The academy's next class is full.",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first["Location"] == second["Location"]
    assert AssistanceRequest.all_agencies.count() == 1


def test_who_on_the_agency_side_may_do_what(client, agency_a, coordinator, editor, viewer):
    ta = request_of(agency_a, coordinator=coordinator)
    kwargs = {"agency_slug": agency_a.slug, "request_id": ta.public_id}
    reply = {"token": str(uuid.uuid4()), "body": "More details."}
    login(client, viewer)
    assert client.get(page(ta, agency_a)).status_code == 200
    assert client.post(reverse("assistance_request_reply", kwargs=kwargs), reply).status_code == 403
    login(client, editor)
    new = reverse("assistance_request_create", kwargs={"agency_slug": agency_a.slug})
    assert client.get(new).status_code == 403
    close = reverse("assistance_request_close", kwargs=kwargs)
    assert client.post(close, {"outcome": "withdrawn"}).status_code == 403
    login(client, coordinator)
    # An agency closes its own request as resolved or withdrawn, never as "referred".
    assert client.post(close, {"outcome": "referred"}).status_code == 200
    assert client.post(close, {"outcome": "withdrawn"}).status_code == 302
    ta.refresh_from_db()
    assert ta.outcome == Outcome.WITHDRAWN and ta.closed_by == coordinator
    # A closed request takes no more messages.
    assert client.post(reverse("assistance_request_reply", kwargs=kwargs), reply).status_code == 400


def test_staff_close_a_request_with_an_outcome(client, agency_a, coordinator, reviewer):
    ta = request_of(agency_a, coordinator=coordinator)
    login(client, reviewer, mfa=True)
    response = client.post(
        staff_page(ta, "staff:assistance_request_close"),
        {"outcome": "referred", "outcome_note": "To the state CIT coordinator."},
    )
    assert response.status_code == 302
    ta.refresh_from_db()
    assert (ta.status, ta.outcome) == (RequestStatus.CLOSED, Outcome.REFERRED)
    assert ta.outcome_note == "To the state CIT coordinator."
    login(client, coordinator)
    assert b"To the state CIT coordinator." in client.get(page(ta, agency_a)).content


def test_every_write_is_in_the_audit_trail(client, agency_a, coordinator, administrator):
    expert = expert_of()
    ta = request_of(agency_a, coordinator=coordinator, expert=expert, attachment=True)
    login(client, administrator, mfa=True)
    client.post(
        staff_page(ta, "staff:assistance_request_reply"),
        {"token": str(uuid.uuid4()), "body": "Answered."},
    )
    client.post(staff_page(ta, "staff:assistance_request_close"), {"outcome": "resolved"})
    client.post(reverse("staff:assistance_expert_end", kwargs={"expert_id": expert.public_id}))
    events = AuditEvent.objects.filter(object_id=str(ta.public_id))
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "assistance_request.opened",
        "assistance_request.message_posted",
        "assistance_request.assigned",
        "assistance_request.message_posted",
        "assistance_request.closed",
    ]
    opened = events.get(action="assistance_request.opened")
    assert opened.agency == agency_a and opened.actor == coordinator
    posted = events.filter(action="assistance_request.message_posted").order_by("pk").first()
    assert posted.changes["attachments"] == [None, ["draft-mou.pdf"]]
    assert set(
        AuditEvent.objects.filter(object_id=str(expert.public_id)).values_list("action", flat=True)
    ) == {"expert.added", "expert.ended"}


def test_the_queue_lists_the_longest_waiting_first(
    client, agency_a, agency_b, reviewer, django_assert_num_queries
):
    older = request_of(agency_b)
    newer = request_of(agency_a)
    cit = request_of(agency_a)
    AssistanceRequest.all_agencies.filter(pk=cit.pk).update(requirement="cit")
    login(client, reviewer, mfa=True)
    url = reverse("staff:assistance_queue")
    client.get(url)  # the session and the staff standing, read once

    with django_assert_num_queries(6):  # with the page's count
        content = client.get(url).content.decode()
    assert content.index(older.subject) < content.index(str(newer.agency.name))
    filtered = client.get(url, {"requirement": "cit"}).content.decode()
    assert filtered.count(cit.subject) == 1 and agency_b.name not in filtered

    for _ in range(3):
        request_of(agency_b)
    with django_assert_num_queries(6):
        client.get(url)


def test_the_queue_comes_in_pages(client, agency_a, reviewer, monkeypatch):
    monkeypatch.setattr(staff_views, "QUEUE_PAGE_SIZE", 2)
    for _ in range(3):
        request_of(agency_a)
    login(client, reviewer, mfa=True)
    url = reverse("staff:assistance_queue")

    first = client.get(url, {"requirement": "partnership"})
    last = client.get(url, {"requirement": "partnership", "page": "2"})

    assert len(first.context["rows"]) == 2 and len(last.context["rows"]) == 1
    assert "requirement=partnership&amp;page=2" in first.content.decode()
    assert client.get(url, {"page": "not a page"}).status_code == 200


def test_a_member_of_two_agencies_reads_each_agencys_requests_only(client, agency_a, agency_b):
    user = member(agency_a, Role.COORDINATOR, "both@example.org")
    member_b = member(agency_b, Role.COORDINATOR, "b@example.org")
    ours = request_of(agency_a, coordinator=user)
    theirs = request_of(agency_b, coordinator=member_b)
    login(client, user)
    listing = client.get(
        reverse("assistance_request_list", kwargs={"agency_slug": agency_a.slug})
    ).content
    assert str(ours.public_id).encode() in listing
    assert str(theirs.public_id).encode() not in listing
    assert client.get(page(theirs, agency_a)).status_code == 404


def test_an_email_whose_reader_left_their_side_is_not_sent(agency_a, coordinator, editor):
    expert = expert_of()
    ta = request_of(agency_a, coordinator=coordinator, expert=expert)
    services.message_post(
        request=ta, actor=expert.user, side="program", body="Answer.", token=uuid.uuid4()
    )
    services.message_post(
        request=ta, actor=coordinator, side="agency", body="Thanks.", token=uuid.uuid4()
    )
    # Before the dispatcher runs, the editor leaves and the expert is taken off the request.
    Membership.all_agencies.filter(user=editor).delete()
    AssistanceRequest.all_agencies.filter(pk=ta.pk).update(expert=None)

    result = sending.dispatch()

    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert result.skipped == 3  # the editor's, the expert's reply and their assignment


def test_after_an_experts_access_ends_the_agency_is_heard_by_the_reviewers(
    agency_a, coordinator, reviewer
):
    expert = expert_of()
    ta = request_of(agency_a, coordinator=coordinator, expert=expert)
    services.message_post(
        request=ta, actor=expert.user, side="program", body="Answer.", token=uuid.uuid4()
    )
    expert_end(actor=UserFactory(), expert=expert)
    told = len(emails_to(reviewer))  # of the question, before any expert was assigned

    services.message_post(
        request=ta, actor=coordinator, side="agency", body="One more question.", token=uuid.uuid4()
    )

    assert len(emails_to(reviewer)) == told + 1
    assert emails_to(expert.user) == []


def test_a_form_token_used_on_one_request_posts_nothing_silently_on_another(agency_a, coordinator):
    first, second = request_of(agency_a, coordinator=coordinator), request_of(agency_a)
    token = uuid.uuid4()
    services.message_post(request=first, actor=coordinator, side="agency", body="A", token=token)

    with pytest.raises(ValidationError):
        services.message_post(
            request=second, actor=coordinator, side="agency", body="B", token=token
        )
    assert RequestMessage.all_agencies.filter(request=second).count() == 1  # its question


def test_the_agencys_list_shows_open_requests_before_closed_ones(client, agency_a, coordinator):
    older = request_of(agency_a, coordinator=coordinator)
    closed = request_of(agency_a, coordinator=coordinator)
    services.request_close(request=closed, actor=coordinator, outcome="resolved", outcome_note="")
    newer = request_of(agency_a, coordinator=coordinator)
    login(client, coordinator)

    rows = client.get(
        reverse("assistance_request_list", kwargs={"agency_slug": agency_a.slug})
    ).context["rows"]

    assert [row.pk for row in rows] == [newer.pk, older.pk, closed.pk]
